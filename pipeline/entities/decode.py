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


MIN_NAME_RUN = 5        # a Chinese name has at most four characters (欧阳娜娜); a longer PER may be several
CUT_MARGIN = 5.0        # how much lower (CRF score, per cut) a run's cut may score than the run read whole


def split_name_runs(path: np.ndarray, emissions: np.ndarray, transitions: np.ndarray, text: str,
                    tags: list[str], person: tuple[int, int, int], surnames: frozenset[str]) -> np.ndarray:
    """A copy of one sentence's tag path in which each PER of five or more Han characters that reads as a
    run of names (宋平薄一波, as lists of delegates print them) is cut into names of two to four characters,
    each starting with a surname; of the ways to cut it, the one the CRF scores highest, if it scores less
    than CUT_MARGIN a cut below the whole. Transliterations that do cut at surnames (施图岑贝格, 马特沃特森)
    score 8 to 11 below; the runs of names seen, 0 to 3.3 a cut. `person`: the ids of B-, M- and E-PER."""
    b, m, e = person
    out = path.copy()
    if np.count_nonzero(path == m) < MIN_NAME_RUN - 2:           # most sentences: no PER that long
        return out
    for start, end, label in bmes_spans([tags[t] for t in path]):
        name = text[start:end]
        if label != "PER" or end - start < MIN_NAME_RUN or not all("\u4e00" <= c <= "\u9fff" for c in name):
            continue

        def piece(i: int, j: int) -> float:           # the CRF's score of text[i:j] as one name
            ids = [b] + [m] * (j - i - 2) + [e]
            return float(emissions[np.arange(i, j), ids].sum() + transitions[ids[:-1], ids[1:]].sum())

        best: dict[int, tuple[float, list[int]]] = {start: (0.0, [])}     # best cut of text[start:i]
        for j in range(start + 2, end + 1):
            options = [(best[i][0] + piece(i, j) + (transitions[e, b] if i > start else 0.0), best[i][1] + [i])
                       for i in range(max(start, j - 4), j - 1)
                       if i in best and (text[i] in surnames or text[i:i + 2] in surnames)]
            if options:
                best[j] = max(options, key=lambda option: option[0])
        if end not in best or len(best[end][1]) == 1:
            continue
        cuts = best[end][1] + [end]
        if piece(start, end) - best[end][0] <= CUT_MARGIN * (len(cuts) - 2):
            for i, j in zip(cuts, cuts[1:]):
                out[i:j] = [b] + [m] * (j - i - 2) + [e]
    return out
