"""Decoding tag scores into tags and spans, shared by the taggers."""
from __future__ import annotations

import numpy as np


def viterbi(emissions: np.ndarray, lengths: np.ndarray, transitions: np.ndarray,
            start: np.ndarray | None = None, end: np.ndarray | None = None) -> np.ndarray:
    """Best tag paths for a padded batch: emissions (B, L, T) → tags (B, L); padding tags are junk.
    `start` and `end` are the CRF's scores for a sentence's first and last tag, where it has them."""
    batch, length, n_tags = emissions.shape
    into = np.ascontiguousarray(transitions.T, dtype=emissions.dtype)   # into[to, from]
    score = emissions[:, 0].copy()
    if start is not None:
        score += start
    backpointers = np.empty((max(length - 1, 0), batch, n_tags), dtype=np.int64)
    identity = np.arange(n_tags)
    rows = np.arange(batch)
    for t in range(1, length):
        total = score[:, None, :] + into[None]                  # (B, to, from)
        best_from = total.argmax(axis=2)                        # (B, to)
        new = np.take_along_axis(total, best_from[:, :, None], axis=2)[:, :, 0] + emissions[:, t]
        active = (t < lengths)[:, None]
        score = np.where(active, new, score)
        backpointers[t - 1] = np.where(active, best_from, identity)
    if end is not None:
        score = score + end
    tags = np.empty((batch, length), dtype=np.int64)
    best = score.argmax(axis=1)
    tags[:, length - 1] = best
    for t in range(length - 1, 0, -1):
        best = backpointers[t - 1][rows, best]
        tags[:, t - 1] = best
    return tags


def bmes_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, label) from B-/M-/E-/S- tags; a run that breaks off still yields what it covered."""
    spans, start, label = [], None, None
    for i, tag in enumerate(tags):
        kind, _, lab = tag.partition("-")
        if start is not None and (kind in ("B", "S", "O") or lab != label):
            spans.append((start, i, label))
            start = None
        if kind == "S":
            spans.append((i, i + 1, lab))
        elif kind in ("B", "M", "E") and start is None:
            start, label = i, lab
        if kind == "E" and start is not None:
            spans.append((start, i + 1, label))
            start = None
    if start is not None:
        spans.append((start, len(tags), label))
    return spans
