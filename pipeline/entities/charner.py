"""Our character-level NER model (see pipeline/train/) at inference: ONNX Runtime, batched, CRF decoding.

A model folder (models/<name>/) holds model.onnx, crf.npz and meta.json. Characters map to ids
through LAC's vocabulary (the model's embedding started as LAC's), lexicon features come from
features.py, exactly as in training.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .decode import bmes_spans, split_name_runs, viterbi
from .features import LexiconFeatures, NameMemory, char_features
from .lac import TaggedSpan, lac_vocabulary


class CharTagger:
    """Tags strings with PER/LOC/ORG; batch many strings per call for speed. Given surnames, a run of
    names the model reads as one is cut into names (decode.split_name_runs)."""

    def __init__(self, model_dir: Path, lexicon_dir: Path, batch_chars: int = 4096, threads: int = 1,
                 surnames: frozenset[str] = frozenset()):
        import onnxruntime as ort

        self.meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
        self.version = f"{self.meta['name']}@{self.meta['version']}"
        self.tags = self.meta["tags"]
        crf = np.load(model_dir / "crf.npz")
        self.transitions, self.start, self.end = crf["transitions"], crf["start"], crf["end"]
        self.vocab, self.q2b, self.oov = lac_vocabulary()
        self.features = LexiconFeatures(lexicon_dir) if self.meta["features"] else None
        memory = self.meta.get("name_memory")
        self.memory = NameMemory.load(model_dir / memory) if memory else None
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(model_dir / "model.onnx"), options, providers=["CPUExecutionProvider"])
        self.batch_chars = batch_chars
        self.surnames = surnames
        self.person = tuple(self.tags.index(f"{k}-PER") for k in "BME")     # for split_name_runs

    def emissions(self, texts: list[str], group: list[int]) -> tuple[np.ndarray, np.ndarray]:
        width = max(len(texts[i]) for i in group)
        n_features = self.meta["features"]
        ids = np.zeros((len(group), width), dtype=np.int64)
        feats = np.zeros((len(group), width, n_features), dtype=np.float32)
        for row, i in enumerate(group):
            ids[row, :len(texts[i])] = [self.vocab.get(self.q2b.get(c, c), self.oov) for c in texts[i]]
        for row, f in enumerate(char_features([texts[i] for i in group], self.features, self.memory)):
            feats[row, :len(f)] = f
        lengths = np.array([len(texts[i]) for i in group], dtype=np.int64)
        return self.session.run(None, {"token_ids": ids, "features": feats, "length": lengths})[0], lengths

    def tag(self, texts: list[str], keep: set[str] | None = None) -> list[list[TaggedSpan]]:
        results: list[list[TaggedSpan]] = [[] for _ in texts]
        order = sorted((i for i, t in enumerate(texts) if t), key=lambda i: len(texts[i]))
        group: list[int] = []
        for i in order + [None]:
            if group and (i is None or (len(group) + 1) * len(texts[i]) > self.batch_chars):
                logits, lengths = self.emissions(texts, group)
                paths = viterbi(logits, lengths, self.transitions, self.start, self.end)
                if self.surnames:
                    for row, j in enumerate(group):
                        paths[row, :lengths[row]] = split_name_runs(paths[row, :lengths[row]], logits[row],
                                                                    self.transitions, texts[j], self.tags,
                                                                    self.person, self.surnames)
                probs = np.exp(logits - logits.max(axis=2, keepdims=True))
                chosen = np.take_along_axis(probs, paths[:, :, None], axis=2)[:, :, 0] / probs.sum(axis=2)
                for row, j in enumerate(group):
                    n = lengths[row]
                    names = [self.tags[t] for t in paths[row, :n]]
                    results[j] = [TaggedSpan(a, b, label, float(chosen[row, a:b].min()))
                                  for a, b, label in bmes_spans(names) if keep is None or label in keep]
                group = []
            if i is not None:
                group.append(i)
        return results
