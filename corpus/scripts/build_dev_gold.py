"""Assemble a gold file (corpus/gold/dev.jsonl, stances.jsonl) from annotated parts and check every
annotation against its text.

Annotators (see ../shared/gold/GUIDE.md) write one file per batch of candidates, keyed by id; this
script joins them to the candidates' title and text, applies the conventions the guide leaves open
(vague amounts such as 数万元 are `over`), and refuses anything that does not occur in its article.

    python corpus/scripts/build_dev_gold.py corpus/gold/dev.candidates.jsonl PART.jsonl... --out corpus/gold/dev.jsonl
    python corpus/scripts/build_dev_gold.py corpus/gold/stances.candidates.jsonl corpus/gold/parts/st_out_*.jsonl \
        corpus/gold/parts/st2_out_*.jsonl --only stances --out corpus/gold/stances.jsonl
    python corpus/scripts/build_dev_gold.py corpus/gold/stances_heldout.jsonl corpus/gold/parts/ner_out_*.jsonl \
        --only entities --out corpus/gold/entities_heldout.jsonl
"""
from __future__ import annotations

import argparse
import json
import re
import sys

from pipeline.evaluate import check_gold

VAGUE = re.compile(r"^(数|几|上|成)[十百千万亿]")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("candidates")
    ap.add_argument("parts", nargs="+")
    ap.add_argument("--out", required=True)
    ap.add_argument("--only", choices=["stances", "entities"], help="parts that annotate this alone")
    args = ap.parse_args()
    texts = {}
    for line in open(args.candidates, encoding="utf-8"):
        row = json.loads(line)
        texts[row["id"]] = row
    docs, bad = [], 0
    for part in args.parts:
        for line in open(part, encoding="utf-8"):
            ann = json.loads(line)
            src = texts[ann["id"]]
            if args.only:
                doc = {"id": src["id"], "title": src["title"], "text": src["text"], args.only: ann[args.only]}
            else:
                for m in ann["money"]:
                    if VAGUE.match(m["text"]) and m["qualifier"] is None:
                        m["qualifier"] = "over"
                doc = {"id": src["id"], "title": src["title"], "text": src["text"], "entities": ann["entities"],
                       "money": ann["money"], "stances": ann["stances"]}
            for problem in check_gold(doc):
                print(f"{doc['id']}: {problem}", file=sys.stderr)
                bad += 1
            docs.append(doc)
    if bad:
        sys.exit(f"{bad} problems; nothing written")
    docs.sort(key=lambda d: d["id"])
    with open(args.out, "w", encoding="utf-8") as f:
        for doc in docs:
            f.write(json.dumps(doc, ensure_ascii=False) + "\n")
    print(f"{len(docs)} documents, {sum(len(d.get('entities', [])) for d in docs)} entities, "
          f"{sum(len(d.get('money', [])) for d in docs)} money, {sum(len(d.get('stances', [])) for d in docs)} stances "
          f"-> {args.out}")


if __name__ == "__main__":
    main()
