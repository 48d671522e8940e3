"""Agreement between two stance annotations of the same articles, scored as `zhx eval` scores the
pipeline (SPEC §5: (holder, polarity) F1, holder-only F1; polarity over matched holders, target
overlap), with the first file as gold. F1 is symmetric, so the order changes only which side is
called precision.

    python corpus/scripts/stance_agreement.py corpus/gold/dev.jsonl corpus/gold/dev_stances_second.jsonl
"""
from __future__ import annotations

import argparse
import json
from types import SimpleNamespace

from pipeline.evaluate import load_gold, score_stances


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("first")
    ap.add_argument("second")
    args = ap.parse_args()
    second = {d["id"]: d for d in load_gold(args.second)}
    first = [d for d in load_gold(args.first) if d["id"] in second]
    as_records = [SimpleNamespace(stances=[SimpleNamespace(**s) for s in second[d["id"]]["stances"]]) for d in first]
    scores = score_stances(first, as_records)
    matched = sum(sum(row.values()) for row in scores["confusion"].values())
    agree = sum(scores["confusion"][p].get(p, 0) for p in scores["confusion"])
    print(json.dumps({"articles": len(first), **scores,
                      "polarity_agreement": round(agree / matched, 4) if matched else None}, indent=2))


if __name__ == "__main__":
    main()
