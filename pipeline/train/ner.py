"""`zhx train ner`: train the character-level NER model on MSRA, choose the epoch on MSRA dev,
export the best one to ONNX in models/<name>/ with its model card.

Checkpoints go to `[train] out` after every epoch (last.pt, and best.pt for the best dev F1);
`--resume` continues from last.pt with the same data order, so a stopped run finishes as if it had
never stopped. Everything random is seeded.
"""
from __future__ import annotations

import math
import random
import time
import tomllib
from collections import Counter
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from ..config import project_path
from ..entities.decode import bmes_spans, viterbi
from ..entities.features import LexiconFeatures, NameMemory, char_features
from ..entities.lac import lac_vocabulary
from ..evaluate import MSRA_TAGS as TAGS
from ..evaluate import gold_spans, load_msra, mention_scores
from .export import export
from .model import CharNER, init_from_lac

_CUT_AFTER = set("，。；！？、,;!?：:")


def load_config(path: str | Path) -> dict:
    return tomllib.loads(Path(path).read_text(encoding="utf-8"))


# ---- data --------------------------------------------------------------------------------
def cut(text: str, tags: list[str], max_len: int) -> list[tuple[str, list[str]]]:
    """Training pieces of at most max_len characters, cut after punctuation outside any entity."""
    pieces, start = [], 0
    while len(text) - start > max_len:
        window = range(start + max_len, start + max_len // 3, -1)
        at = next((p for p in window if text[p - 1] in _CUT_AFTER and not tags[p].startswith(("M-", "E-"))),
                  next((p for p in window if not tags[p].startswith(("M-", "E-"))), start + max_len))
        pieces.append((text[start:at], tags[start:at]))
        start = at
    pieces.append((text[start:], tags[start:]))
    return pieces


class Encoded:
    """Sentences as arrays: character ids, features, tag ids."""

    def __init__(self, sentences: list[tuple[str, list[str]]], features: list[np.ndarray]):
        vocab, q2b, oov = lac_vocabulary()
        index = {t: i for i, t in enumerate(TAGS)}
        self.texts = [t for t, _ in sentences]
        self.gold = [tags for _, tags in sentences]
        self.ids = [np.array([vocab.get(q2b.get(c, c), oov) for c in t], dtype=np.int64) for t in self.texts]
        self.tags = [np.array([index[x] for x in tags], dtype=np.int64) for tags in self.gold]
        self.features = features
        self.n_features = features[0].shape[1]

    def __len__(self) -> int:
        return len(self.texts)

    def batch(self, idx: list[int]) -> tuple[torch.Tensor, ...]:
        width = max(len(self.ids[i]) for i in idx)
        ids = torch.zeros((len(idx), width), dtype=torch.long)
        tags = torch.zeros((len(idx), width), dtype=torch.long)
        feats = torch.zeros((len(idx), width, self.n_features))
        for row, i in enumerate(idx):
            n = len(self.ids[i])
            ids[row, :n] = torch.from_numpy(self.ids[i])
            tags[row, :n] = torch.from_numpy(self.tags[i])
            feats[row, :n] = torch.from_numpy(self.features[i])
        lengths = torch.tensor([len(self.ids[i]) for i in idx])
        mask = torch.arange(width)[None, :] < lengths[:, None]
        return ids, feats, lengths, tags, mask


def batches(data: Encoded, size: int, rng: random.Random) -> list[list[int]]:
    """Batches of similar length (less padding), in a seeded random order."""
    order = sorted(range(len(data)), key=lambda i: (len(data.ids[i]), rng.random()))
    groups = [order[k:k + size] for k in range(0, len(order), size)]
    rng.shuffle(groups)
    return groups


@torch.no_grad()
def predict(model: CharNER, data: Encoded, batch_size: int = 64) -> list[set]:
    model.eval()
    crf = model.crf
    trans, start, end = (p.detach().numpy() for p in (crf.transitions, crf.start, crf.end))
    out: list[set] = [set()] * len(data)
    order = sorted(range(len(data)), key=lambda i: len(data.ids[i]))
    for k in range(0, len(order), batch_size):
        idx = order[k:k + batch_size]
        ids, feats, lengths, _, _ = data.batch(idx)
        emissions = model(ids, feats, lengths).numpy()
        paths = viterbi(emissions, lengths.numpy(), trans, start, end)
        for row, i in enumerate(idx):
            names = [TAGS[t] for t in paths[row, :lengths[row]]]
            out[i] = set(bmes_spans(names))
    return out


def features_of(texts: list[str], lexicon: LexiconFeatures | None, memory: NameMemory | None, desc: str,
                chunk: int = 2000) -> list[np.ndarray]:
    return [f for k in tqdm(range(0, len(texts), chunk), desc=f"features {desc}", leave=False)
            for f in char_features(texts[k:k + chunk], lexicon, memory)]


def name_memories(train_raw, fold_of: list[int], dev_sents) -> tuple[list[NameMemory], NameMemory, NameMemory]:
    """The names seen in training (features.NameMemory) as each fold of the training data sees them (the
    names of the other folds only, as a new text sees those of all training data), as MSRA dev sees them
    (all of training), and as the exported model does (training and dev together)."""
    sentences = [(text, gold_spans(tags)) for text, tags in train_raw]
    folds = max(fold_of) + 1
    tagged = [NameMemory.tagged([s for s, f in zip(sentences, fold_of) if f == k]) for k in range(folds)]
    names = {name for counts in tagged for name, _ in counts}
    occurs = [NameMemory.occurrences([s[0] for s, f in zip(sentences, fold_of) if f == k], names)
              for k in range(folds)]
    all_tagged, all_occurs = sum(tagged, Counter()), sum(occurs, Counter())
    per_fold = [NameMemory.from_counts(all_tagged - tagged[k], all_occurs - occurs[k]) for k in range(folds)]
    dev_tagged = NameMemory.tagged([(text, gold_spans(tags)) for text, tags in dev_sents])
    final = NameMemory.from_counts(all_tagged + dev_tagged, all_occurs + NameMemory.occurrences(
        [t for t, _ in dev_sents], names | {name for name, _ in dev_tagged}))
    return per_fold, NameMemory.from_counts(all_tagged, all_occurs), final


# ---- training ----------------------------------------------------------------------------
def train(config_path: str | Path, resume: bool = False, epochs: int | None = None, export_only: bool = False) -> dict:
    cfg = load_config(config_path)
    data_cfg, model_cfg, train_cfg = cfg["data"], cfg["model"], cfg["train"]
    seed = train_cfg.get("seed", 13)
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.set_num_threads(train_cfg.get("threads", 2))
    out = project_path(train_cfg["out"])
    out.mkdir(parents=True, exist_ok=True)
    corpus = project_path(data_cfg["corpus"])
    lexicon_dir = project_path(model_cfg.get("lexicon", "corpus/lexicon"))
    features = LexiconFeatures(lexicon_dir) if model_cfg.get("lexicon_features", True) else None

    max_len = data_cfg.get("max_len", 150)
    train_raw = load_msra(corpus, "train")[:data_cfg.get("limit")]
    dev_sents = load_msra(corpus, "dev")
    folds = model_cfg.get("name_memory_folds", 0)
    # each sentence's fold: a contiguous part of MSRA, so whole articles
    fold_of = [k * folds // len(train_raw) for k in range(len(train_raw))]
    pieces = [(p, fold_of[k]) for k, s in enumerate(train_raw) for p in cut(*s, max_len)]
    train_sents = [p for p, _ in pieces]
    per_fold, dev_memory, memory = name_memories(train_raw, fold_of, dev_sents) if folds else ([None], None, None)
    train_features: list = [None] * len(pieces)
    for k, fold_memory in enumerate(per_fold):
        at = [i for i, (_, f) in enumerate(pieces) if f == k]
        for i, f in zip(at, features_of([train_sents[i][0] for i in at], features, fold_memory,
                                         "train" if folds < 2 else f"train part {k + 1}")):
            train_features[i] = f
    train_data = Encoded(train_sents, train_features)
    dev_data = Encoded(dev_sents, features_of([t for t, _ in dev_sents], features, dev_memory, "dev"))
    dev_gold = [gold_spans(tags) for _, tags in dev_sents]

    vocab_size = len(lac_vocabulary()[0])
    model = CharNER(vocab_size, len(TAGS), train_data.n_features, top_lstm=model_cfg.get("top_lstm", 0),
                    dropout=model_cfg.get("dropout", 0.2))
    if model_cfg.get("init", "lac") == "lac":
        init_from_lac(model)
    encoder = [p for n, p in model.named_parameters() if n.startswith(("embedding", "gru1", "gru2"))]
    head = [p for n, p in model.named_parameters() if not n.startswith(("embedding", "gru1", "gru2"))]
    optimizer = torch.optim.Adam([{"params": encoder, "lr": train_cfg.get("encoder_lr", 5e-4)},
                                  {"params": head, "lr": train_cfg.get("lr", 1e-3)}])
    total_epochs = epochs or train_cfg.get("epochs", 10)
    decay = train_cfg.get("lr_decay", 0.9)
    state = {"epoch": 0, "best_f1": -1.0, "best_epoch": 0, "history": []}
    last = out / "last.pt"
    if resume and last.exists():
        checkpoint = torch.load(last, weights_only=False)
        model.load_state_dict(checkpoint["model"])
        optimizer.load_state_dict(checkpoint["optimizer"])
        state = checkpoint["state"]
        print(f"resuming after epoch {state['epoch']} (best dev F1 {state['best_f1']:.2f} at epoch "
              f"{state['best_epoch']})")

    if export_only:
        checkpoint = torch.load(last, weights_only=False)
        state, total_epochs = checkpoint["state"], 0
    for epoch in range(state["epoch"] + 1, total_epochs + 1):
        rng = random.Random(seed * 1000 + epoch)        # the same order whether resumed or not
        torch.manual_seed(seed * 1000 + epoch)
        for group, base in zip(optimizer.param_groups, (train_cfg.get("encoder_lr", 5e-4), train_cfg.get("lr", 1e-3))):
            group["lr"] = base * decay ** (epoch - 1)
        model.train()
        started = time.perf_counter()
        bar = tqdm(batches(train_data, train_cfg.get("batch_size", 32), rng), desc=f"epoch {epoch}/{total_epochs}",
                   unit="batch")
        running = None
        for idx in bar:
            ids, feats, lengths, tags, mask = train_data.batch(idx)
            loss = model.crf.nll(model(ids, feats, lengths), tags, mask) / len(idx)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), train_cfg.get("clip", 5.0))
            optimizer.step()
            running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
            bar.set_postfix(loss=f"{running:.3f}", refresh=False)
        scores = mention_scores(dev_gold, predict(model, dev_data))
        seconds = time.perf_counter() - started
        state["history"].append({"epoch": epoch, "loss": round(running or math.nan, 4), "dev": scores["ALL"],
                                 "seconds": round(seconds, 1)})
        print(f"epoch {epoch}: loss {running:.3f}, MSRA dev P {scores['ALL']['p']:.2f} R {scores['ALL']['r']:.2f} "
              f"F1 {scores['ALL']['f1']:.2f} ({seconds:.0f} s)")
        if scores["ALL"]["f1"] > state["best_f1"]:
            state["best_f1"], state["best_epoch"] = scores["ALL"]["f1"], epoch
            torch.save(model.state_dict(), out / "best.pt")
        state["epoch"] = epoch
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "state": state}, last)

    model.load_state_dict(torch.load(out / "best.pt", weights_only=True))
    meta = {"name": model_cfg["name"], "version": model_cfg.get("version", "1"), "tags": TAGS,
            "features": train_data.n_features, "architecture": describe(model, memory is not None), "config": cfg,
            "best_epoch": state["best_epoch"], "msra_dev": {"f1": state["best_f1"]}, "history": state["history"]}
    model_dir = project_path(cfg["export"]["dir"])
    if memory is not None:
        meta["name_memory"] = "names.tsv"
    export(model, model_dir, meta, quantize=cfg["export"].get("quantize", False))
    if memory is not None:
        memory.save(model_dir / "names.tsv")
    print(f"exported epoch {state['best_epoch']} (MSRA dev F1 {state['best_f1']:.2f}) to {model_dir}; measuring")
    if cfg["export"].get("card", True):
        from .card import measure, write_card

        figures = measure(model_dir, corpus)
        write_card(model_dir, meta, figures)
        print(f"MSRA test F1 {figures['msra_test']['ALL']['f1']:.2f}; card in {model_dir / 'MODEL_CARD.md'}")
    return meta


def describe(model: CharNER, name_memory: bool = False) -> str:
    lexicon = model.n_features - (NameMemory.dim if name_memory else 0)
    parts = ["LAC embedding 58,224×128", f"+ {lexicon} lexicon features" if lexicon else "",
             f"+ {NameMemory.dim} name-memory features" if name_memory else "",
             "→ BiGRU 2×128 → BiGRU 2×128"]
    if model.top is not None:
        parts.append(f"→ (+ features) BiLSTM 2×{model.top.hidden_size}")
    parts.append(f"→ linear {model.out.out_features} → CRF")
    return " ".join(p for p in parts if p)



