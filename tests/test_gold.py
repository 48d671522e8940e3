"""The gold files themselves: every annotation occurs in its article; dev gold never uses iNews test."""
import pytest

from pipeline.evaluate import check_gold, load_gold

from conftest import ROOT, SEED_GOLD

DEV_GOLD = ROOT / "corpus" / "gold" / "dev.jsonl"
MONEY_HELDOUT = ROOT / "corpus" / "gold" / "money_heldout.jsonl"


@pytest.mark.parametrize("path", [DEV_GOLD, SEED_GOLD, MONEY_HELDOUT], ids=["dev", "seed", "money-heldout"])
def test_every_annotation_occurs_in_its_text(path):
    problems = [f"{doc['id']}: {p}" for doc in load_gold(path) for p in check_gold(doc)]
    assert problems == []


@pytest.mark.parametrize("path", [DEV_GOLD, MONEY_HELDOUT], ids=["dev", "money-heldout"])
def test_gold_is_inews_train_or_dev_only(path):
    docs = load_gold(path)
    assert len(docs) >= 20
    assert all(d["id"].startswith(("inews-train-", "inews-dev-")) for d in docs)
    assert len({d["id"] for d in docs}) == len(docs)


def test_held_out_money_shares_no_article_with_dev():
    assert not {d["id"] for d in load_gold(DEV_GOLD)} & {d["id"] for d in load_gold(MONEY_HELDOUT)}
