"""The scripts under corpus/scripts/ that build what the project ships (samples, the character table,
gold files) rebuild it exactly, the agreement script scores two annotations as `zhx eval` would, and the
comparison scripts give the figures the README reports."""
import json
import subprocess
import sys

from conftest import ROOT, SAMPLES, SEED_GOLD

SCRIPTS = ROOT / "corpus" / "scripts"
DEV_GOLD = ROOT / "corpus" / "gold" / "dev.jsonl"


def run(script: str, *args, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPTS / script), *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, check=check)


def test_build_samples_rebuilds_the_bundled_samples(tmp_path):
    run("build_samples.py", "--out", tmp_path)
    shipped = sorted(p.relative_to(SAMPLES) for p in SAMPLES.rglob("*") if p.is_file())
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()) == shipped
    assert all((tmp_path / p).read_bytes() == (SAMPLES / p).read_bytes() for p in shipped)   # encodings too


def test_build_char_freq_rebuilds_the_shipped_table(tmp_path):
    run("build_char_freq.py", "--out", tmp_path / "char_freq.tsv")
    shipped = ROOT / "corpus" / "lexicon" / "char_freq.tsv"
    assert (tmp_path / "char_freq.tsv").read_bytes() == shipped.read_bytes()


def test_dev_gold_rebuilds_from_the_seeded_selection_and_its_annotations(tmp_path):
    run("select_dev_articles.py", "--out", tmp_path / "candidates.jsonl")
    gold = [json.loads(line) for line in DEV_GOLD.open(encoding="utf-8")]
    part = tmp_path / "part.jsonl"
    part.write_text("".join(json.dumps({k: d[k] for k in ("id", "entities", "money", "stances")}, ensure_ascii=False)
                            + "\n" for d in gold), encoding="utf-8")
    run("build_dev_gold.py", tmp_path / "candidates.jsonl", part, "--out", tmp_path / "dev.jsonl")
    assert (tmp_path / "dev.jsonl").read_bytes() == DEV_GOLD.read_bytes()


def test_build_dev_gold_refuses_an_annotation_its_article_lacks(tmp_path):
    run("select_dev_articles.py", "--out", tmp_path / "candidates.jsonl")
    first = json.loads(DEV_GOLD.open(encoding="utf-8").readline())
    first["stances"] = [{"holder": "不存在的人", "target": "出口限制", "polarity": "oppose", "evidence": "并没有这句话"}]
    part = tmp_path / "part.jsonl"
    part.write_text(json.dumps(first, ensure_ascii=False) + "\n", encoding="utf-8")
    done = run("build_dev_gold.py", tmp_path / "candidates.jsonl", part, "--only", "stances", "--out",
               tmp_path / "out.jsonl", check=False)
    assert done.returncode != 0 and "evidence not in text: '并没有这句话'" in done.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_stance_agreement_scores_the_second_annotation_of_dev():
    done = run("stance_agreement.py", DEV_GOLD, ROOT / "corpus" / "gold" / "dev_stances_second.jsonl")
    report = json.loads(done.stdout)
    assert report["articles"] == 48
    assert (report["pair"]["tp"], report["pair"]["fp"], report["pair"]["fn"]) == (141, 63, 19)
    assert report["holder"]["f1"] == 0.8608 and report["polarity_agreement"] == 0.9205
    assert report["target"] == {"matched": 167, "overlap_f1": 0.7682}


def test_compare_ner_backends_scores_both_and_bootstraps_the_gain():
    report = json.loads(run("compare_ner_backends.py", ROOT / "corpus" / "gold" / "entities_heldout.jsonl",
                            "--samples", 200).stdout)
    assert (report["articles"], report["charner"], report["lac"], report["gain"]) == (96, 0.7603, 0.7279, 0.0325)
    low, high = report["gain_ci95"]
    assert 0 < low < report["gain"] < high and report["p_gain_at_most_0"] < 0.05


def test_compare_money_maps_jionlp_to_our_fields_and_scores_both():
    sys.path.insert(0, str(SCRIPTS))
    try:
        from compare_money import jionlp_money
    finally:
        sys.path.remove(str(SCRIPTS))
    [over] = jionlp_money("他花了3万余元买车。")        # jionlp's range 30000–40000 for 余 is 30000 `over`
    assert (over["value"], over["value_max"], over["currency"], over["qualifier"]) == (30000.0, None, "CNY", "over")
    [span] = jionlp_money("两三千块钱")
    assert (span["value"], span["value_max"], span["currency"], span["qualifier"]) == (2000.0, 3000.0, "CNY", "approx")
    report = json.loads(run("compare_money.py", ROOT / "corpus" / "gold" / "money_heldout.jsonl", SEED_GOLD,
                            "--json").stdout)
    held, seed = report[str(ROOT / "corpus" / "gold" / "money_heldout.jsonl")], report[str(SEED_GOLD)]
    assert (held["mentions"], seed["mentions"]) == (246, 14)
    f1 = {name: [r[name][scope]["f1"] for r in (held, seed) for scope in ("all", "money_only")]
          for name in ("ours", "jionlp")}
    assert f1 == {"ours": [0.971, 0.966, 1.0, 1.0], "jionlp": [0.7933, 0.8653, 0.7273, 0.9412]}
