"""The gold files themselves: every annotation occurs in its article; dev gold never uses iNews test."""
import pytest

from pipeline.evaluate import check_gold, load_gold

from conftest import ROOT, SEED_GOLD

DEV_GOLD = ROOT / "corpus" / "gold" / "dev.jsonl"
MONEY_HELDOUT = ROOT / "corpus" / "gold" / "money_heldout.jsonl"
STANCES = ROOT / "corpus" / "gold" / "stances.jsonl"
STANCES_HELDOUT = ROOT / "corpus" / "gold" / "stances_heldout.jsonl"
ENTITIES_HELDOUT = ROOT / "corpus" / "gold" / "entities_heldout.jsonl"   # the same articles' entities
DEV_SECOND = ROOT / "corpus" / "gold" / "dev_stances_second.jsonl"     # dev's stances, annotated again
STANCES_BLIND = ROOT / "corpus" / "gold" / "stances_blind.jsonl"       # a fifth round, scored once, unread


@pytest.mark.parametrize("path", [DEV_GOLD, SEED_GOLD, MONEY_HELDOUT, STANCES, STANCES_HELDOUT, ENTITIES_HELDOUT,
                                  DEV_SECOND, STANCES_BLIND],
                         ids=["dev", "seed", "money-heldout", "stances", "stances-heldout", "entities-heldout",
                              "dev-second", "stances-blind"])
def test_every_annotation_occurs_in_its_text(path):
    problems = [f"{doc['id']}: {p}" for doc in load_gold(path) for p in check_gold(doc)]
    assert problems == []


@pytest.mark.parametrize("path", [DEV_GOLD, MONEY_HELDOUT, STANCES, STANCES_HELDOUT, ENTITIES_HELDOUT, STANCES_BLIND],
                         ids=["dev", "money-heldout", "stances", "stances-heldout", "entities-heldout", "stances-blind"])
def test_gold_is_inews_train_or_dev_only(path):
    docs = load_gold(path)
    assert len(docs) >= 20
    assert all(d["id"].startswith(("inews-train-", "inews-dev-")) for d in docs)
    assert len({d["id"] for d in docs}) == len(docs)


@pytest.mark.parametrize("path", [MONEY_HELDOUT, STANCES, STANCES_HELDOUT, ENTITIES_HELDOUT],
                         ids=["money-heldout", "stances", "stances-heldout", "entities-heldout"])
def test_held_out_sets_share_no_article_with_dev(path):
    assert not {d["id"] for d in load_gold(DEV_GOLD)} & {d["id"] for d in load_gold(path)}


def test_stance_held_out_set_is_not_training_data():
    assert not {d["id"] for d in load_gold(STANCES)} & {d["id"] for d in load_gold(STANCES_HELDOUT)}


def test_blind_stance_set_shares_no_article_with_any_other_gold():
    blind = {d["id"] for d in load_gold(STANCES_BLIND)}
    for path in (DEV_GOLD, MONEY_HELDOUT, STANCES, STANCES_HELDOUT):
        assert not blind & {d["id"] for d in load_gold(path)}, path.name


def test_second_dev_annotation_covers_the_same_texts():
    dev = {d["id"]: d for d in load_gold(DEV_GOLD)}
    second = load_gold(DEV_SECOND)
    assert sorted(d["id"] for d in second) == sorted(dev)
    assert all(d["text"] == dev[d["id"]]["text"] for d in second)


def test_stance_training_data_is_large_enough():
    assert sum(len(d["stances"]) for d in load_gold(STANCES)) >= 400
