"""How Chinese-like a string is: log-probabilities from character frequencies of real news.

Used where the pipeline must choose between readings of the same bytes (mojibake repair,
GB18030 versus Big5). The table is corpus/lexicon/char_freq.tsv (see the script that builds it).
"""
from __future__ import annotations

import math
from functools import lru_cache

from .config import ROOT

FREQ_FILE = ROOT / "corpus" / "lexicon" / "char_freq.tsv"
UNSEEN = -16.0  # log-probability of a character never seen in the reference news


@lru_cache(maxsize=1)
def _logprobs() -> dict[str, float]:
    counts: dict[str, int] = {}
    with open(FREQ_FILE, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            char, _, n = line.rstrip("\n").partition("\t")
            if len(char) == 1 and n:
                counts[char] = int(n)
    total = sum(counts.values())
    return {c: math.log(n / total) for c, n in counts.items()}


def logprob(char: str) -> float:
    return _logprobs().get(char, UNSEEN)


def score(text: str) -> float:
    """Total log-probability of `text` as a sequence of independent news characters."""
    table = _logprobs()
    return sum(table.get(c, UNSEEN) for c in text)


def mean_score(text: str) -> float:
    return score(text) / len(text) if text else 0.0
