"""Lexicon features per character, SoftLexicon-style: which dictionary words begin (B), continue (M)
or end (E) at each character, by kind of word, weighted by how common the word is.

The dictionary is jieba's own (≈349k words with frequencies and part-of-speech tags: nr person,
ns place, nt organisation, nz other proper noun) plus the project lexicon (corpus/lexicon/), whose
names count fully. A name the tagger has never seen still lights up as "a place-word spans here".
The same features feed training and inference, so they live here, with no torch in sight.
"""
from __future__ import annotations

import math
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..lexicon import load_lexicon

KINDS = ("PER", "LOC", "ORG", "PROPER", "WORD")
POSITIONS = ("B", "M", "E")
DIM = len(KINDS) * len(POSITIONS)
JIEBA_KINDS = {"nr": "PER", "nrfg": "PER", "nrt": "PER", "ns": "LOC", "nt": "ORG", "nz": "PROPER"}
LEXICON_KINDS = {"PER": "PER", "LOC": "LOC", "ORG": "ORG", "PRODUCT": "PROPER"}
MAX_WORD = 8


@lru_cache(maxsize=2)
def _dictionary(lexicon_dir: Path) -> dict[str, tuple[int, float]]:
    """word → (kind index, weight in (0, 1])."""
    import jieba

    words: dict[str, tuple[int, float]] = {}
    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and 2 <= len(parts[0]) <= MAX_WORD:
                rows.append((parts[0], int(parts[1]), parts[2]))
    top = math.log(max(freq for _, freq, _ in rows) + 1)
    for word, freq, tag in rows:
        words[word] = (KINDS.index(JIEBA_KINDS.get(tag, "WORD")), max(math.log(freq + 1) / top, 0.05))
    for entry in load_lexicon(lexicon_dir).entries.values():
        if 2 <= len(entry.name) <= MAX_WORD:
            words[entry.name] = (KINDS.index(LEXICON_KINDS[entry.label]), 1.0)
    return words


@lru_cache(maxsize=2)
def _starts(lexicon_dir: Path) -> frozenset[str]:
    """The first two characters of every dictionary word: positions that start none are skipped."""
    return frozenset(w[:2] for w in _dictionary(lexicon_dir))


class LexiconFeatures:
    dim = DIM

    def __init__(self, lexicon_dir: Path):
        self.words = _dictionary(Path(lexicon_dir))
        self.starts = _starts(Path(lexicon_dir))

    def __call__(self, text: str) -> np.ndarray:
        n = len(text)
        out = np.zeros((n, len(POSITIONS), len(KINDS)), dtype=np.float32)
        lookup, starts = self.words.get, self.starts
        for i in range(n - 1):
            if text[i:i + 2] not in starts:
                continue
            for length in range(2, min(MAX_WORD, n - i) + 1):
                hit = lookup(text[i:i + length])
                if hit is None:
                    continue
                kind, weight = hit
                end = i + length - 1
                if out[i, 0, kind] < weight:
                    out[i, 0, kind] = weight
                if out[end, 2, kind] < weight:
                    out[end, 2, kind] = weight
                if length > 2:
                    middle = out[i + 1:end, 1, kind]
                    np.maximum(middle, weight, out=middle)
        return out.reshape(n, DIM)
