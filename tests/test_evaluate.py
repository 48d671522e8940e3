"""Scoring rules of SPEC §5 on hand-made predictions."""
from pipeline.doc import Article
from pipeline.evaluate import align_money, overlap_f1, score_entities, score_money, score_stances
from pipeline.records import Entity, Money, PipelineInfo, Record, Stance

INFO = PipelineInfo(version="test")


def record(entities=(), money=(), stances=()):
    a = Article("d", "-", "x")
    return Record(id="d", source="-", sha256=a.sha256, text="x", script="hans", pipeline=INFO,
                  entities=[Entity(text=t, label=lab, start=0, end=len(t), canonical=t) for t, lab in entities],
                  money=[Money(text="m", start=0, end=1, **m) for m in money],
                  stances=[Stance(holder=h, target="t", polarity=p, evidence="e", start=0, end=1) for h, p in stances])


def test_entities_strict_and_lenient():
    gold = [{"entities": [{"text": "斯科特·贝森特", "label": "PER"}, {"text": "美國", "label": "LOC"},
                          {"text": "英伟达", "label": "ORG"}]}]
    pred = [record(entities=[("贝森特", "PER"), ("美国", "LOC"), ("美国", "LOC"), ("英伟达", "LOC")])]
    report = score_entities(gold, pred)
    assert report["strict"]["LOC"] == {"p": 0.5, "r": 1.0, "f1": 0.6667, "tp": 1, "fp": 1, "fn": 0}
    assert report["strict"]["PER"]["tp"] == 0 and report["lenient"]["PER"]["tp"] == 1
    assert report["strict"]["PER+ORG+LOC"]["fn"] == 2
    assert report["mention"] is None


def test_money_tolerance_and_multiset():
    gold = [{"kind": "money", "value": 4.5e9, "value_max": None, "currency": "USD", "qualifier": None}] * 2
    pred = [{"kind": "money", "value": 4.52e9, "value_max": None, "currency": "USD", "qualifier": None},
            {"kind": "money", "value": 4.6e9, "value_max": None, "currency": "USD", "qualifier": None}]
    assert align_money(gold, pred) == [(0, 0)]  # 0.44% off matches, 2.2% off does not; each used once
    report = score_money([{"money": gold}], [record(money=pred)])
    assert (report["tp"], report["fp"], report["fn"]) == (1, 1, 1)


def test_money_currency_only_compared_when_both_state_one():
    gold = [{"kind": "money", "value": 1e10, "value_max": None, "currency": None, "qualifier": None}]
    pred = [{"kind": "money", "value": 1e10, "value_max": None, "currency": "CNY", "qualifier": "approx"}]
    report = score_money([{"money": gold}], [record(money=pred)])
    assert report["tp"] == 1 and report["qualifier_accuracy"] == 0.0 and report["currency_accuracy"] is None


def test_stances_match_holders_leniently():
    gold = [{"stances": [{"holder": "贝森特", "polarity": "support"}, {"holder": "黄仁勋", "polarity": "oppose"}]}]
    pred = [record(stances=[("斯科特·贝森特", "support"), ("黄仁勋", "neutral"), ("网友", "oppose")])]
    report = score_stances(gold, pred)
    assert report["pair"]["tp"] == 1 and report["pair"]["fp"] == 2 and report["pair"]["fn"] == 1
    assert report["holder"]["tp"] == 2 and report["holder"]["fp"] == 1
    assert report["holder_exact"] == {"p": 0.3333, "r": 0.5, "f1": 0.4, "tp": 1, "fp": 2, "fn": 1}   # 黄仁勋 only
    assert report["confusion"]["oppose"] == {"neutral": 1}


def test_targets_score_by_the_characters_they_share_with_the_gold():
    assert overlap_f1("出口限制", "对华出口限制") == 0.8           # 4 shared: 2 × 4 / (4 + 6)
    assert overlap_f1("出口限制", "出口限制") == 1.0 and overlap_f1("伦敦", "出口限制") == 0.0
    gold = [{"stances": [{"holder": "黄仁勋", "polarity": "oppose", "target": "对华出口限制",
                          "evidence": "失去中国市场将削弱美国技术竞争力"}]}]
    stance = Stance(holder="黄仁勋", target="出口限制", polarity="support", evidence="失去中国市场将削弱美国技术",
                    start=0, end=1)
    elsewhere = Stance(holder="黄仁勋", target="中国", polarity="oppose", evidence="他还说了别的", start=2, end=3)
    pred = [record()]
    pred[0].stances = [stance, elsewhere]
    assert score_stances(gold, pred)["target"] == {"matched": 1, "overlap_f1": 0.8}


def test_polarity_confusion_does_not_depend_on_set_order():
    # two wrong polarities for one gold holder: the first in sorted order is counted, whatever the hash seed
    gold = [{"stances": [{"holder": "黄仁勋", "polarity": "oppose"}]}]
    pred = [record(stances=[("黄仁勋", "support"), ("黄仁勋", "neutral")])]
    assert score_stances(gold, pred)["confusion"]["oppose"] == {"neutral": 1}
