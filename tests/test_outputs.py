"""Every output behind one contract: PostgreSQL (a real server), SQLite, Parquet read back by DuckDB and
pandas; upserts, replacement, resume after SIGKILL."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, text

from pipeline.doc import Article
from pipeline.sinks import open_sink

from conftest import ROOT, SAMPLES


@pytest.fixture(scope="module")
def records(extractor):
    return [extractor.process(Article("a1", "a1.txt", "英伟达CEO黄仁勋表示，公司营收171.08亿美元。")),
            extractor.process(Article("a2", "a2.txt", "台积电表示，美国政府已批准出口。", title="台积电获批"))]


def count(url, table):
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    with create_engine(url).connect() as conn:
        return conn.execute(text(f"select count(*) from {table}")).scalar()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'out.sqlite'}"
    url = request.getfixturevalue("postgres_url")
    engine = create_engine("postgresql+psycopg://" + url.split("://", 1)[1])
    with engine.begin() as conn:  # a clean schema for each test
        conn.execute(text("drop table if exists entities, money, stances, errors, documents cascade"))
    engine.dispose()
    return url


def test_round_trip_upsert_and_replacement(database_url, records, extractor):
    for _ in range(2):  # writing the same records twice: no duplicates
        sink = open_sink(database_url)
        sink.write(records)
        sink.close()
    assert count(database_url, "documents") == 2
    assert count(database_url, "entities") == sum(len(r.entities) for r in records)
    assert count(database_url, "money") == 1
    changed = extractor.process(Article("a1", "a1.txt", "苏姿丰表示，AMD将恢复出口。"))
    sink = open_sink(database_url)
    assert sink.stored(["a1", "a2", "zz"]) == {("a1", records[0].sha256), ("a2", records[1].sha256)}
    sink.write([changed])
    sink.close()
    url = database_url if not database_url.startswith("postgresql") else \
        "postgresql+psycopg://" + database_url.split("://", 1)[1]
    with create_engine(url).connect() as conn:
        sha = conn.execute(text("select sha256 from documents where id = 'a1'")).scalar()
        names = {r[0] for r in conn.execute(text("select text from entities where document_id = 'a1'"))}
        money = conn.execute(text("select count(*) from money where document_id = 'a1'")).scalar()
    assert sha == changed.sha256 and "黄仁勋" not in names and "苏姿丰" in names and money == 0


def test_postgres_has_keys_and_indexes(postgres_url, records):
    sink = open_sink(postgres_url)
    sink.write(records)
    sink.close()
    with create_engine("postgresql+psycopg://" + postgres_url.split("://", 1)[1]).connect() as conn:
        indexes = {r[0] for r in conn.execute(text("select indexname from pg_indexes where tablename = 'entities'"))}
        value = conn.execute(text("select value from money where document_id = 'a1'")).scalar()
    assert {"ix_entities_document_id", "ix_entities_label_text"} <= indexes
    assert value == 17108000000


def test_cli_writes_postgresql(postgres_url, tmp_path):
    result = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(SAMPLES), "--out", postgres_url,
                             "--quiet"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert count(postgres_url, "documents") >= 10


def test_parquet_read_back_with_duckdb_and_pandas(tmp_path):
    out = tmp_path / "out.parquet"
    result = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(SAMPLES), "--out", str(out),
                             "--quiet"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    import duckdb
    import pandas as pd

    joined = duckdb.sql(f"""
        select d.id, count(*) as n from read_parquet('{out}/entities/*.parquet') e
        join read_parquet('{out}/documents/*.parquet') d on e.document_id = d.id
        group by d.id order by n desc""").fetchall()
    assert len(joined) == 10 and joined[0][0] == "000_7bd9ede5e3be618e"
    money = pd.read_parquet(out / "money")
    assert 17108000000.0 in set(money["value"])
    docs = pd.read_parquet(out / "documents")
    assert json.loads(docs.iloc[0]["pipeline"])["version"]


def parquet_rows(out, table, columns):
    import duckdb

    return sorted(duckdb.sql(f"select {columns} from read_parquet('{out}/{table}/*.parquet')").fetchall())


def test_parquet_replaces_an_article_written_again(tmp_path, records, extractor):
    out, before = tmp_path / "out.parquet", tmp_path / "before"
    sink = open_sink(str(out))
    sink.write(records)
    sink.close()
    shutil.copytree(out, before)
    changed = extractor.process(Article("a1", "a1.txt", "苏姿丰表示，AMD将恢复出口。"))
    sink = open_sink(str(out), resume=True)
    assert sink.stored(["a1", "a2", "zz"]) == {("a1", records[0].sha256), ("a2", records[1].sha256)}
    sink.write([changed])
    sink.write([changed])               # twice in one run, into the same open file: still one row
    sink.close()
    assert parquet_rows(out, "documents", "id, sha256") == [("a1", changed.sha256), ("a2", records[1].sha256)]
    names = {n for d, n in parquet_rows(out, "entities", "document_id, text") if d == "a1"}
    assert "黄仁勋" not in names and "苏姿丰" in names
    assert parquet_rows(out, "money", "document_id") == []          # a1's money went with its old text
    assert not list(out.rglob("*.tmp"))

    # a run killed after writing the new version, before cutting the old: the next opening finishes the job
    for old in before.rglob("*.parquet"):
        shutil.copy(old, out / old.relative_to(before))
    assert len(parquet_rows(out, "documents", "id")) == 3              # both versions of a1 on disk
    open_sink(str(out), resume=True).close()
    assert parquet_rows(out, "documents", "id, sha256") == [("a1", changed.sha256), ("a2", records[1].sha256)]
    assert {n for d, n in parquet_rows(out, "entities", "document_id, text") if d == "a1"} == names


def _articles(path, n):
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"k{i:04d}", "text": f"第{i}篇：英伟达CEO黄仁勋表示，营收增长{i}%。" * 20},
                               ensure_ascii=False) + "\n")


@pytest.mark.parametrize("suffix", [".jsonl", ".sqlite", ".parquet"])
def test_kill_and_resume_loses_and_duplicates_nothing(tmp_path, suffix):
    data = tmp_path / "in.jsonl"
    _articles(data, 600)
    out = tmp_path / f"out{suffix}"
    config = tmp_path / "small-parts.toml"
    config.write_text("[output]\nparquet_rows_per_file = 24\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "pipeline", "extract", str(data), "--out", str(out), "--batch-size", "8", "--quiet",
           "--config", str(config)]
    proc = subprocess.Popen(cmd + ["--resume"], cwd=ROOT, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and written(out) < 40:   # let it get well into the run, then kill it
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = written(out)
    assert 0 < done_before < 600
    result = subprocess.run(cmd + ["--resume"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    ids = stored_ids(out)
    assert sorted(ids) == [f"k{i:04d}" for i in range(600)]   # nothing lost, nothing twice
    again = subprocess.run(cmd + ["--resume"], cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0 and sorted(stored_ids(out)) == sorted(ids)   # a finished batch adds 0 rows


def written(out) -> int:
    try:
        return len(stored_ids(out))
    except Exception:  # noqa: BLE001 - the output may be mid-write while we peek
        return 0


def stored_ids(out) -> list[str]:
    if out.suffix == ".jsonl":
        if not out.exists():
            return []
        return [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()
                if line.endswith("}")]
    if out.suffix == ".sqlite":
        if not out.exists():
            return []
        with create_engine(f"sqlite:///{out}").connect() as conn:
            return [r[0] for r in conn.execute(text("select id from documents"))]
    import pyarrow.parquet as pq

    ids = []
    for part in sorted((out / "documents").glob("*.parquet")) if out.exists() else []:
        try:
            ids += pq.read_table(part, columns=["id"]).column("id").to_pylist()
        except Exception:  # noqa: BLE001 - the file being written
            pass
    return ids
