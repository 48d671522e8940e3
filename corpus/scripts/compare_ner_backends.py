"""Two entity backends on the same gold file: document-level strict PER+ORG+LOC F1 of each (whole
pipeline up to the entity stage, as `zhx eval` scores it) and a bootstrap over articles of the gain
of the first over the second: is it more than which articles happened to be annotated?

    python corpus/scripts/compare_ner_backends.py corpus/gold/entities_heldout.jsonl --backends charner lac
"""
from __future__ import annotations

import argparse
import json

import numpy as np

from pipeline.evaluate import CORE, PRF, run_gold, score_entities
from pipeline.extractor import load


def counts_per_article(gold_path: str, backend: str) -> np.ndarray:
    """(tp, fp, fn) of each article, strict PER+ORG+LOC."""
    extractor = load(None, entities={"backend": backend}, pipeline={"components": ["normalize", "segment", "entities"]})
    gold, records = run_gold(gold_path, extractor)
    rows = []
    for g, r in zip(gold, records):
        s = score_entities([g], [r])["strict"][CORE]
        rows.append((s["tp"], s["fp"], s["fn"]))
    return np.array(rows)


def f1(counts: np.ndarray) -> float:
    return PRF(*map(int, counts)).f1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold")
    ap.add_argument("--backends", nargs=2, default=["charner", "lac"], metavar=("FIRST", "SECOND"))
    ap.add_argument("--samples", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    first, second = (counts_per_article(args.gold, b) for b in args.backends)
    rng = np.random.default_rng(args.seed)
    gains = []
    for _ in range(args.samples):
        pick = rng.integers(0, len(first), len(first))
        gains.append(f1(first[pick].sum(0)) - f1(second[pick].sum(0)))
    gains = np.array(gains)
    low, high = np.percentile(gains, [2.5, 97.5])
    print(json.dumps({"gold": args.gold, "articles": len(first),
                      **{b: round(f1(c.sum(0)), 4) for b, c in zip(args.backends, (first, second))},
                      "gain": round(f1(first.sum(0)) - f1(second.sum(0)), 4),
                      "gain_ci95": [round(low, 4), round(high, 4)],
                      "p_gain_at_most_0": round(float((gains <= 0).mean()), 4)}, indent=2))


if __name__ == "__main__":
    main()
