"""Lexicon features per character, SoftLexicon-style: which dictionary words begin (B), continue (M)
or end (E) at each character, by kind of word, weighted by how common the word is.

The dictionary is jieba's own (≈349k words with frequencies and part-of-speech tags: nr person,
ns place, nt organisation, nz other proper noun) plus the project lexicon (corpus/lexicon/), whose
names count fully. A name the tagger has never seen still lights up as "a place-word spans here".
The same features feed training and inference, so they live here, with no torch in sight.

NameMemory, a training option not in the shipped model, does the same for the names tagged in
the training data (see configs/ner-name-memory.toml).
"""
from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..lexicon import load_lexicon
from ..segment import jieba_dictionary

KINDS = ("PER", "LOC", "ORG", "PROPER", "WORD")
POSITIONS = ("B", "M", "E")
DIM = len(KINDS) * len(POSITIONS)
JIEBA_KINDS = {"nr": "PER", "nrfg": "PER", "nrt": "PER", "ns": "LOC", "nt": "ORG", "nz": "PROPER"}
LEXICON_KINDS = {"PER": "PER", "LOC": "LOC", "ORG": "ORG", "PRODUCT": "PROPER"}
MAX_WORD = 8


@lru_cache(maxsize=2)
def _dictionary(lexicon_dir: Path) -> dict[str, tuple[int, float]]:
    """word → (kind index, weight in (0, 1])."""
    words: dict[str, tuple[int, float]] = {}
    rows = [row for row in jieba_dictionary() if 2 <= len(row[0]) <= MAX_WORD]
    top = math.log(max(freq for _, freq, _ in rows) + 1)
    for word, freq, tag in rows:
        words[word] = (KINDS.index(JIEBA_KINDS.get(tag, "WORD")), max(math.log(freq + 1) / top, 0.05))
    for entry in load_lexicon(lexicon_dir).entries.values():
        if 2 <= len(entry.name) <= MAX_WORD:
            words[entry.name] = (KINDS.index(LEXICON_KINDS[entry.label]), 1.0)
    return words


BITS = 14              # bits of a character's id in a packed key; 4 characters fill 56 of 64 bits


class _Tables:
    """The dictionary as sorted arrays, so that all windows of a text are looked up at once in numpy:
    characters get dense ids (0: in no word); a word of up to 4 characters is one packed integer key,
    a longer one is found through its first 4 characters' key and then looked up by its text."""

    def __init__(self, words: dict[str, tuple[int, float]], max_word: int = MAX_WORD):
        self.max_word = max_word
        chars = sorted({c for w in words for c in w})
        if len(chars) >= 1 << BITS:
            raise ValueError(f"{len(chars)} distinct characters do not fit {BITS}-bit ids")
        self.char_id = np.zeros(0x110000, dtype=np.uint16)
        self.char_id[[ord(c) for c in chars]] = np.arange(1, len(chars) + 1)
        self.words = words
        self.keys, self.kinds, self.weights, self.prefixes = {}, {}, {}, {}
        for length in range(2, max_word + 1):
            of_length = [w for w in words if len(w) == length]
            keys = np.array([self.key(w[:4]) for w in of_length], dtype=np.uint64)
            if length <= 4:
                order = np.argsort(keys)
                self.keys[length] = keys[order]
                self.kinds[length] = np.array([words[w][0] for w in of_length], dtype=np.int64)[order]
                self.weights[length] = np.array([words[w][1] for w in of_length], dtype=np.float32)[order]
            else:
                self.prefixes[length] = np.unique(keys)

    def key(self, piece: str) -> int:
        k = 0
        for c in piece:
            k = (k << BITS) | int(self.char_id[ord(c)])
        return k

    def hits(self, text: str) -> tuple[np.ndarray, ...]:
        """(start, end, kind, weight) of every dictionary word in text."""
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        ids = self.char_id[codes].astype(np.uint64)
        unknown = np.concatenate(([0], np.cumsum(ids == 0)))        # windows with a char of no word skip
        n = len(text)
        found = []
        key, shift = ids, np.uint64(BITS)
        for length in range(2, min(self.max_word, n) + 1):
            m = n - length + 1
            # at each start: the packed ids of its first min(length, 4) characters
            key = (key[:m] << shift) | ids[length - 1:length - 1 + m] if length <= 4 else key[:m]
            start = np.flatnonzero(unknown[length:length + m] == unknown[:m])
            if not len(start):
                break
            k = key[:m][start]
            if not len(self.keys.get(length, self.prefixes.get(length, ()))):
                continue                                              # no word of this length
            if length <= 4:
                keys = self.keys[length]
                at = np.minimum(np.searchsorted(keys, k), len(keys) - 1)
                hit = keys[at] == k
                found.append((start[hit], length, self.kinds[length][at[hit]], self.weights[length][at[hit]]))
            else:                                                     # rare: check the text of candidates
                prefixes = self.prefixes[length]
                at = np.minimum(np.searchsorted(prefixes, k), len(prefixes) - 1)
                rows = [(i, *self.words[text[i:i + length]]) for i in start[prefixes[at] == k].tolist()
                        if text[i:i + length] in self.words]
                if rows:
                    i, kind, weight = zip(*rows)
                    found.append((np.array(i), length, np.array(kind), np.array(weight, dtype=np.float32)))
        if not found:
            return (np.zeros(0, dtype=np.int64),) * 3 + (np.zeros(0, dtype=np.float32),)
        start = np.concatenate([f[0] for f in found])
        end = np.concatenate([f[0] + f[1] for f in found])
        return start, end, np.concatenate([f[2] for f in found]), np.concatenate([f[3] for f in found])


@lru_cache(maxsize=2)
def _tables(lexicon_dir: Path) -> _Tables:
    return _Tables(_dictionary(lexicon_dir))


class LexiconFeatures:
    dim = DIM

    def __init__(self, lexicon_dir: Path):
        self.tables = _tables(Path(lexicon_dir))

    def __call__(self, text: str) -> np.ndarray:
        return self.many([text])[0]

    def many(self, texts: list[str]) -> list[np.ndarray]:
        """The features of each text, found in one pass over them all (no word spans a line break)."""
        joined = "\n".join(texts)
        return _per_text(_spread(*self.tables.hits(joined), len(joined), len(KINDS)), texts)


def _spread(start: np.ndarray, end: np.ndarray, kind: np.ndarray, weight: np.ndarray, n: int,
            n_kinds: int) -> np.ndarray:
    """(n, 3 · n_kinds) features: at each character the largest weight of a word of each kind that
    begins, continues or ends there."""
    out = np.zeros((n, len(POSITIONS), n_kinds), dtype=np.float32)
    np.maximum.at(out, (start, 0, kind), weight)
    np.maximum.at(out, (end - 1, 2, kind), weight)
    inner = end - start - 2                                           # the M positions of longer words
    reps = inner[inner > 0]
    if len(reps):
        first = np.repeat(start[inner > 0] + 1, reps)
        offset = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
        np.maximum.at(out, (first + offset, 1, np.repeat(kind[inner > 0], reps)), np.repeat(weight[inner > 0], reps))
    return out.reshape(n, len(POSITIONS) * n_kinds)


def _per_text(features: np.ndarray, texts: list[str]) -> list[np.ndarray]:
    bounds = np.cumsum([0] + [len(t) + 1 for t in texts])
    return [features[a:a + len(t)] for a, t in zip(bounds, texts)]


# ---- names seen in the training data ---------------------------------------------------------
NAME_LABELS = ("PER", "LOC", "ORG")
MAX_NAME = 24


class NameMemory:
    """Names the tagger saw tagged in its training data, as features: which such names begin, continue or
    end at each character, by label, weighted by how often the string is that entity where it occurs
    (in MSRA, 新华社 is an organisation at 0.98 of its occurrences, 中国 a place at 0.64: it also stands inside
    names).

    A tagger trained on these features must not see its own sentences' names in them, or it learns to
    copy them: training computes them for each part of the data from the names of the other parts.
    """
    dim = len(POSITIONS) * len(NAME_LABELS)

    def __init__(self, weights: dict[tuple[str, str], float]):
        self.weights = weights
        self.tables = [_Tables({name: (0, w) for (name, label), w in weights.items() if label == lab}, MAX_NAME)
                       for lab in NAME_LABELS]

    @staticmethod
    def tagged(sentences: list[tuple[str, set[tuple[int, int, str]]]]) -> Counter:
        """How often each (name, label) is tagged in (text, spans) sentences."""
        return Counter((text[a:b], label) for text, spans in sentences for a, b, label in spans
                       if 2 <= b - a <= MAX_NAME)

    @staticmethod
    def occurrences(texts: list[str], names: set[str]) -> Counter:
        """How often each name occurs in the texts, tagged or not."""
        joined = "\n".join(texts)
        start, end, _, _ = _Tables({name: (0, 1.0) for name in names}, MAX_NAME).hits(joined)
        return Counter(joined[a:b] for a, b in zip(start.tolist(), end.tolist()))

    @classmethod
    def from_counts(cls, tagged: Counter, occurs: Counter) -> "NameMemory":
        return cls({key: round(n / max(occurs[key[0]], n), 3) for key, n in tagged.items() if n > 0})

    @classmethod
    def load(cls, path: Path) -> "NameMemory":
        rows = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line)
        return cls({(name, label): float(w) for name, label, w in rows})

    def save(self, path: Path) -> None:
        path.write_text("".join(f"{name}\t{label}\t{w}\n" for (name, label), w in sorted(self.weights.items())),
                        encoding="utf-8")

    def many(self, texts: list[str]) -> list[np.ndarray]:
        joined = "\n".join(texts)
        per_label = [_spread(*table.hits(joined), len(joined), 1) for table in self.tables]
        return _per_text(np.concatenate(per_label, axis=1), texts)


def char_features(texts: list[str], lexicon: LexiconFeatures | None,
                  memory: NameMemory | None = None) -> list[np.ndarray]:
    """Each text's features as the tagger reads them, in training and at inference: the lexicon's, then
    the name memory's (a model with neither gets zero columns)."""
    parts = [source.many(texts) for source in (lexicon, memory) if source is not None]
    if not parts:
        return [np.zeros((len(t), 0), np.float32) for t in texts]
    return [np.concatenate(f, axis=1) if len(f) > 1 else f[0] for f in zip(*parts)]
