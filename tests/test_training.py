"""Training the NER model: deterministic, resumable, and exported to ONNX that tags exactly as torch does.

A tiny run (a few hundred MSRA sentences, two epochs) exercises the real trainer, checkpoints and exporter.
"""
import hashlib

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from conftest import ROOT  # noqa: E402

TINY = """
[data]
corpus = "build/corpus/msra"
max_len = 60
limit = 160
[model]
name = "tiny"
init = "lac"
lexicon_features = true
name_memory_folds = 4
top_lstm = 16
[train]
seed = 7
epochs = 2
batch_size = 16
threads = 1
out = "{out}"
[export]
dir = "{out}/model"
card = false
quantize = {quantize}
"""


def tiny_config(tmp_path, name, quantize=False):
    out = tmp_path / name
    path = tmp_path / f"{name}.toml"
    path.write_text(TINY.format(out=out, quantize=str(quantize).lower()), encoding="utf-8")
    return path, out


def digest(model_dir):
    return {f: hashlib.sha256((model_dir / f).read_bytes()).hexdigest() for f in ("model.onnx", "crf.npz")}


def test_resumed_training_equals_uninterrupted_training(tmp_path):
    from pipeline.train.ner import train

    straight, straight_out = tiny_config(tmp_path, "straight")
    meta = train(straight)
    resumed, resumed_out = tiny_config(tmp_path, "resumed")
    train(resumed, epochs=1)                 # stopped after one epoch …
    meta_resumed = train(resumed, resume=True)   # … and continued
    assert [h["loss"] for h in meta["history"]] == [h["loss"] for h in meta_resumed["history"]]
    assert digest(straight_out / "model") == digest(resumed_out / "model")


def test_onnx_export_tags_like_torch(tmp_path):
    from pipeline.config import project_path
    from pipeline.entities.charner import CharTagger
    from pipeline.entities.features import LexiconFeatures, NameMemory, char_features
    from pipeline.entities.lac import lac_vocabulary
    from pipeline.evaluate import load_msra
    from pipeline.train.model import CharNER
    from pipeline.train.ner import Encoded, predict, train

    config, out = tiny_config(tmp_path, "export")
    train(config)
    sentences = load_msra(ROOT / "build" / "corpus" / "msra", "dev")[:120]
    memory = NameMemory.load(out / "model" / "names.tsv")
    features = char_features([t for t, _ in sentences], LexiconFeatures(project_path("corpus/lexicon")), memory)
    data = Encoded(sentences, features)
    model = CharNER(len(lac_vocabulary()[0]), 13, data.n_features, top_lstm=16)
    model.load_state_dict(torch.load(out / "best.pt", weights_only=True))
    from_torch = predict(model, data)
    tagger = CharTagger(out / "model", project_path("corpus/lexicon"))
    from_onnx = [{(s.start, s.end, s.tag) for s in spans} for spans in tagger.tag([t for t, _ in sentences])]
    assert from_torch == from_onnx
    one_by_one = [tagger.tag([t])[0] for t, _ in sentences[:30]]
    assert one_by_one == tagger.tag([t for t, _ in sentences[:30]])   # padding changes nothing
    ids, feats, lengths, _, _ = data.batch(list(range(8)))
    with torch.no_grad():
        expected = model(ids, feats, lengths).numpy()
    got, _ = tagger.emissions([t for t, _ in sentences], list(range(8)))
    for row in range(8):
        n = int(lengths[row])
        assert np.abs(expected[row, :n] - got[row, :n]).max() < 0.05   # float16 embedding


def test_quantized_export_keeps_the_spans(tmp_path):
    """int8 weights for the top BiLSTM (the shipped configuration): the same spans as the full-precision
    export of the same weights on nearly every sentence, and one sentence at a time as in a batch."""
    import onnx

    from pipeline.config import project_path
    from pipeline.entities.charner import CharTagger
    from pipeline.evaluate import load_msra
    from pipeline.train.ner import train

    config, out = tiny_config(tmp_path, "quantized", quantize=True)
    train(config)
    assert "DynamicQuantizeLSTM" in {n.op_type for n in onnx.load(str(out / "model" / "model.onnx")).graph.node}
    full, _ = tiny_config(tmp_path, "full")
    train(full)
    texts = [t for t, _ in load_msra(ROOT / "build" / "corpus" / "msra", "dev")[:300]]

    def spans(model_dir, batch):
        tagger = CharTagger(model_dir, project_path("corpus/lexicon"))
        tagged = tagger.tag(texts) if batch else [tagger.tag([t])[0] for t in texts]
        return [{(s.start, s.end, s.tag) for s in sentence} for sentence in tagged]

    quantized = spans(out / "model", batch=True)
    agree = sum(a == b for a, b in zip(quantized, spans(tmp_path / "full" / "model", batch=True)))
    assert agree >= 0.97 * len(texts)
    assert spans(out / "model", batch=False) == quantized
