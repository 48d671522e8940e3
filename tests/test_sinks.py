"""Records into JSONL and a real SQLite file: round trips, upserts, replacement."""
import json

import pytest
from sqlalchemy import create_engine, text

from pipeline.doc import Article, IngestError
from pipeline.records import Record
from pipeline.sinks import JsonlSink, open_sink

from conftest import read_jsonl


@pytest.fixture(scope="module")
def records(extractor):
    return [extractor.process(Article("a1", "a1.txt", "英伟达CEO黄仁勋访问北京。")),
            extractor.process(Article("a2", "a2.txt", "台积电表示，美国政府已批准出口。", title="台积电获批"))]


def rows(db, sql):
    with create_engine(f"sqlite:///{db}").connect() as conn:
        return conn.execute(text(sql)).fetchall()


def test_jsonl_round_trip(tmp_path, records):
    sink = JsonlSink(tmp_path / "out.jsonl")
    sink.write(records)
    sink.write_errors([IngestError("bad.txt", "empty file", None, "bad")])
    sink.close()
    back = [Record.model_validate(d) for d in read_jsonl(tmp_path / "out.jsonl")]
    assert back == records
    assert read_jsonl(tmp_path / "out.errors.jsonl") == [
        {"source": "bad.txt", "line": None, "id": "bad", "reason": "empty file"}]
    assert "黄仁勋" in (tmp_path / "out.jsonl").read_text(encoding="utf-8")  # not \\u escapes


def test_sqlite_round_trip(tmp_path, records):
    db = tmp_path / "out.sqlite"
    sink = open_sink(str(db))
    sink.write(records)
    sink.close()
    docs = rows(db, "select id, sha256, title, text, script from documents order by id")
    assert [(d.id, d.sha256, d.title, d.text) for d in docs] == [(r.id, r.sha256, r.title, r.text) for r in records]
    ents = rows(db, 'select document_id, field, start, "end", text, label, canonical from entities order by id')
    expected = [(r.id, e.field, e.start, e.end, e.text, e.label, e.canonical) for r in records for e in r.entities]
    assert ents == expected
    meta = rows(db, "select pipeline, warnings, meta from documents where id = 'a1'")[0]
    assert json.loads(meta.pipeline)["models"]["entities"].startswith("charner-msra@")    # the default backend


def test_writing_twice_does_not_duplicate(tmp_path, records):
    db = tmp_path / "out.sqlite"
    for _ in range(2):
        sink = open_sink(str(db))
        sink.write(records)
        sink.close()
    assert rows(db, "select count(*) from documents")[0][0] == 2
    assert rows(db, "select count(*) from entities")[0][0] == sum(len(r.entities) for r in records)


def test_changed_article_replaces_its_rows(tmp_path, records, extractor):
    db = tmp_path / "out.sqlite"
    sink = open_sink(str(db))
    sink.write(records)
    changed = extractor.process(Article("a1", "a1.txt", "苏姿丰表示，AMD将恢复向中国出口MI308芯片。"))
    assert changed.sha256 != records[0].sha256
    sink.write([changed])
    sink.close()
    assert rows(db, "select sha256 from documents where id = 'a1'")[0][0] == changed.sha256
    texts = {r[0] for r in rows(db, "select text from entities where document_id = 'a1'")}
    assert texts == {e.text for e in changed.entities} and "黄仁勋" not in texts
    assert rows(db, "select count(*) from entities where document_id = 'a2'")[0][0] == len(records[1].entities)


def test_errors_table(tmp_path):
    db = tmp_path / "out.db"
    sink = open_sink(str(db))
    sink.write_errors([IngestError("x.jsonl", "invalid JSON: Expecting value (column 1)", 3)])
    sink.close()
    assert rows(db, "select source, line, reason from errors") == [
        ("x.jsonl", 3, "invalid JSON: Expecting value (column 1)")]


def test_unknown_output_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="cannot tell the output format"):
        open_sink(str(tmp_path / "out.csv"))
