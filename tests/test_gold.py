"""The gold files themselves: every annotation occurs in its article; dev gold never uses iNews test."""
import pytest

from pipeline.evaluate import check_gold, load_gold

from conftest import ROOT, SEED_GOLD

DEV_GOLD = ROOT / "corpus" / "gold" / "dev.jsonl"


@pytest.mark.parametrize("path", [DEV_GOLD, SEED_GOLD], ids=["dev", "seed"])
def test_every_annotation_occurs_in_its_text(path):
    problems = [f"{doc['id']}: {p}" for doc in load_gold(path) for p in check_gold(doc)]
    assert problems == []


def test_dev_gold_is_inews_train_or_dev_only():
    docs = load_gold(DEV_GOLD)
    assert len(docs) >= 20
    assert all(d["id"].startswith(("inews-train-", "inews-dev-")) for d in docs)
    assert len({d["id"] for d in docs}) == len(docs)
