"""`--ner hf:PATH`: any local Hugging Face token-classification checkpoint as the entity tagger.

Plumbing only: the model here is a tiny, randomly initialised BERT built in a temp dir, so its tags
are noise; the test checks that records come out whole, with valid offsets, and name the backend.
"""
import subprocess
import sys

import pytest

from conftest import ROOT, SEED, read_jsonl

transformers = pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast

    path = tmp_path_factory.mktemp("tiny-bert-ner")
    chars = sorted(set(SEED.read_text(encoding="utf-8")) - {"\n", " "})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(path / "vocab.txt"), tokenize_chinese_chars=True)
    labels = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"]
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=512, num_labels=len(labels),
                        id2label=dict(enumerate(labels)), label2id={l: i for i, l in enumerate(labels)})
    import torch

    torch.manual_seed(0)
    BertForTokenClassification(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def test_hf_checkpoint_runs_end_to_end(tiny_model, tmp_path):
    out = tmp_path / "out.jsonl"
    result = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(SEED), "--out", str(out),
                             "--ner", f"hf:{tiny_model}", "--quiet"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    [record] = read_jsonl(out)
    assert record["pipeline"]["models"]["entities"] == f"hf:{tiny_model.name}"
    assert len(record["money"]) == 14  # the other stages are untouched
    for e in record["entities"]:
        assert record["text"][e["start"]:e["end"]] == e["text"]
        assert e["label"] in ("PER", "ORG", "LOC", "PRODUCT")


def test_label_names():
    from pipeline.entities.hf import split_label

    assert split_label("B-PER") == ("B", "PER") and split_label("I-GPE") == ("I", "LOC")
    assert split_label("ORG") == ("B", "ORG") and split_label("O") == ("O", None) and split_label("B-MISC") == ("O", None)
