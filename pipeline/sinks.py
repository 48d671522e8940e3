"""Where records go (SPEC §4), chosen by the output's name:

    out.jsonl                   JSON Lines; errors beside it in out.errors.jsonl
    out.sqlite | out.db         SQLite file (the embedded default)
    postgresql://user@host/db   PostgreSQL (psycopg 3), or any other SQLAlchemy URL of the two
    out.parquet/                a folder of Parquet tables, readable by DuckDB and pandas

Databases hold the tables `documents`, `entities`, `money`, `stances` and `errors`, through one code
path (SQLAlchemy Core) for SQLite and PostgreSQL. Writing an article again replaces it (upsert on `id`,
its child rows deleted and written anew), so re-runs never duplicate rows; each batch is one transaction.
With `resume`, a sink tells which (id, sha256) it already holds and the engine skips those articles.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from sqlalchemy import (JSON, Column, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text,
                        create_engine, delete, insert, select)
from sqlalchemy.engine import Engine

from .doc import IngestError
from .records import Record


Stored = set[tuple[str, str]]   # (id, sha256) pairs


class Sink(Protocol):
    def write(self, records: list[Record]) -> None: ...
    def write_errors(self, errors: list[IngestError]) -> None: ...
    def stored(self, ids: list[str]) -> Stored: ...
    def close(self) -> None: ...


def error_dict(error: IngestError) -> dict:
    return {"source": error.source, "line": error.line, "id": error.id, "reason": error.reason}


def record_rows(r: Record, now: dt.datetime) -> dict[str, list[dict]]:
    """One record as rows of the four tables."""
    rows = {"documents": [{"id": r.id, "source": r.source, "line": r.line, "sha256": r.sha256, "title": r.title,
                           "text": r.text, "script": r.script, "encoding": r.encoding, "warnings": r.warnings,
                           "meta": r.meta, "pipeline": r.pipeline.model_dump(), "extracted_at": now}]}
    for name in ("entities", "money", "stances"):
        rows[name] = [{"document_id": r.id, **item.model_dump()} for item in getattr(r, name)]
    return rows


# ---- JSON Lines --------------------------------------------------------------------------
class JsonlSink:
    """One line per record. Each batch goes out in one write and is synced; a run killed mid-write
    leaves at most a torn last line, which `resume` cuts off before appending."""

    def __init__(self, path: str | Path, resume: bool = False):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.errors_path = self.path.with_name(self.path.name.removesuffix(".jsonl") + ".errors.jsonl")
        self._stored: Stored = set()
        if resume and self.path.exists():
            self._stored = self._repair_and_scan()
        elif self.errors_path.exists():
            self.errors_path.unlink()  # stale errors of an earlier run would mislead
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | (os.O_APPEND if resume else os.O_TRUNC), 0o644)
        self._errors = None

    def _repair_and_scan(self) -> Stored:
        data = self.path.read_bytes()
        complete = data[:data.rfind(b"\n") + 1]
        if len(complete) < len(data):
            with open(self.path, "r+b") as f:
                f.truncate(len(complete))
        stored = set()
        for line in complete.decode("utf-8").splitlines():
            record = json.loads(line)
            stored.add((record["id"], record["sha256"]))
        return stored

    def stored(self, ids: list[str]) -> Stored:
        return self._stored

    def write(self, records: list[Record]) -> None:
        if records:
            os.write(self._fd, "".join(r.to_json() + "\n" for r in records).encode("utf-8"))
            os.fsync(self._fd)

    def write_errors(self, errors: list[IngestError]) -> None:
        if not errors:
            return
        if self._errors is None:
            self._errors = open(self.errors_path, "a", encoding="utf-8")
        self._errors.write("".join(json.dumps(error_dict(e), ensure_ascii=False) + "\n" for e in errors))
        self._errors.flush()

    def close(self) -> None:
        os.close(self._fd)
        if self._errors is not None:
            self._errors.close()


# ---- SQL ---------------------------------------------------------------------------------
metadata = MetaData()

documents = Table(
    "documents", metadata,
    Column("id", String(512), primary_key=True),
    Column("source", Text, nullable=False),
    Column("line", Integer),
    Column("sha256", String(64), nullable=False),
    Column("title", Text),
    Column("text", Text, nullable=False),
    Column("script", String(8), nullable=False),
    Column("encoding", String(32)),
    Column("warnings", JSON, nullable=False),
    Column("meta", JSON, nullable=False),
    Column("pipeline", JSON, nullable=False),
    Column("extracted_at", DateTime(timezone=True), nullable=False),
)


def _child(name: str, *columns: Column) -> Table:
    return Table(
        name, metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("document_id", String(512), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False,
               index=True),
        Column("field", String(8), nullable=False),
        Column("start", Integer, nullable=False),
        Column("end", Integer, nullable=False),
        *columns,
    )


entities = _child(
    "entities",
    Column("text", Text, nullable=False), Column("label", String(16), nullable=False),
    Column("canonical", Text, nullable=False), Column("score", Float))
Index("ix_entities_label_text", entities.c.label, entities.c.text)
money = _child(
    "money",
    Column("text", Text, nullable=False), Column("kind", String(8), nullable=False),
    Column("value", Float, nullable=False), Column("value_max", Float), Column("currency", String(3)),
    Column("qualifier", String(8)), Column("subject", Text), Column("metric", Text), Column("period", Text))
stances = _child(
    "stances",
    Column("holder", Text, nullable=False), Column("holder_label", String(16)), Column("target", Text, nullable=False),
    Column("polarity", String(8), nullable=False), Column("evidence", Text, nullable=False), Column("cue", Text),
    Column("score", Float))
errors = Table(
    "errors", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("line", Integer),
    Column("document_id", String(512)),
    Column("reason", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)
CHILDREN = {"entities": entities, "money": money, "stances": stances}


def _upsert(engine: Engine):
    """INSERT … ON CONFLICT (id) DO UPDATE, in the dialect at hand."""
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif engine.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:
        raise ValueError(f"unsupported database {engine.dialect.name!r} (sqlite and postgresql are)")
    stmt = dialect_insert(documents)
    return stmt.on_conflict_do_update(index_elements=[documents.c.id],
                                      set_={c.name: stmt.excluded[c.name] for c in documents.c if c.name != "id"})


class SqlSink:
    def __init__(self, url: str):
        if url.startswith(("postgresql://", "postgres://")):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]    # psycopg 3, not psycopg2
        self.engine = create_engine(url)
        if self.engine.dialect.name == "sqlite":
            from sqlalchemy import event

            @event.listens_for(self.engine, "connect")
            def _sqlite_pragmas(conn, _record):  # foreign keys and a journal that survives crashes
                cur = conn.cursor()
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA journal_mode=WAL")
                cur.close()
        metadata.create_all(self.engine)
        self.upsert = _upsert(self.engine)

    def stored(self, ids: list[str]) -> Stored:
        with self.engine.connect() as conn:
            rows = conn.execute(select(documents.c.id, documents.c.sha256).where(documents.c.id.in_(ids)))
            return {(row.id, row.sha256) for row in rows}

    def write(self, records: list[Record]) -> None:
        if not records:
            return
        now = dt.datetime.now(dt.timezone.utc)
        rows: dict[str, list[dict]] = {"documents": [], **{name: [] for name in CHILDREN}}
        for r in records:
            for name, part in record_rows(r, now).items():
                rows[name] += part
        with self.engine.begin() as conn:
            ids = [r.id for r in records]
            for table in CHILDREN.values():
                conn.execute(delete(table).where(table.c.document_id.in_(ids)))
            conn.execute(self.upsert, rows["documents"])
            for name, table in CHILDREN.items():
                if rows[name]:
                    conn.execute(insert(table), rows[name])

    def write_errors(self, errs: list[IngestError]) -> None:
        if errs:
            now = dt.datetime.now(dt.timezone.utc)
            with self.engine.begin() as conn:
                conn.execute(insert(errors), [{"source": e.source, "line": e.line, "document_id": e.id,
                                               "reason": e.reason, "recorded_at": now} for e in errs])

    def close(self) -> None:
        self.engine.dispose()


# ---- Parquet -----------------------------------------------------------------------------
class ParquetSink:
    """A folder with one sub-folder per table (documents/, entities/, money/, stances/, errors/) of
    Parquet files: `read_parquet('out.parquet/entities/*.parquet')` in DuckDB, pandas.read_parquet on a
    sub-folder. Files roll over every `rows_per_file` documents; a file is complete once closed, and a
    run killed mid-file leaves a partial one that `resume` deletes (its articles are extracted again).
    Parquet files cannot be changed in place, so an article written again (its text changed) goes to the
    new file and its old rows are cut out of theirs when the sink closes (each file rewritten whole, then
    renamed over the old); a run killed before that leaves both versions, and the next opening keeps
    the newer (`extracted_at`) and cuts the other."""

    TABLES = ("documents", "entities", "money", "stances", "errors")

    def __init__(self, path: str | Path, resume: bool = False, rows_per_file: int = 1000):
        import pyarrow.parquet as pq

        self.root = Path(path)
        if self.root.exists() and not resume:
            shutil.rmtree(self.root)
        for table in self.TABLES:
            (self.root / table).mkdir(parents=True, exist_ok=True)
            for temporary in (self.root / table).glob(".*.tmp"):     # a rewrite a crash cut short
                temporary.unlink()
        self._where: dict[str, tuple[str, str, dt.datetime]] = {}   # id → (file, sha256, extracted_at) now
        self._replaced: dict[str, set[str]] = {}                    # file → ids whose rows there are old
        for part in sorted((self.root / "documents").glob("*.parquet")):
            try:
                docs = pq.read_table(part, columns=["id", "sha256", "extracted_at"]).to_pylist()
            except Exception:  # noqa: BLE001 - a file cut short by a crash: its siblings go with it
                for table in self.TABLES:
                    (self.root / table / part.name).unlink(missing_ok=True)
                continue
            for d in docs:
                old = self._where.get(d["id"])
                if old and old[2] > d["extracted_at"]:
                    self._replaced.setdefault(part.name, set()).add(d["id"])
                else:
                    if old:
                        self._replaced.setdefault(old[0], set()).add(d["id"])
                    self._where[d["id"]] = (part.name, d["sha256"], d["extracted_at"])
        self._cut_replaced()
        self.rows_per_file = rows_per_file
        self._writers: dict[str, object] = {}
        self._in_file = 0
        self._part = self._new_part()

    @staticmethod
    def _new_part() -> str:
        return f"part-{uuid.uuid4().hex[:12]}.parquet"

    def stored(self, ids: list[str]) -> Stored:
        return {(i, self._where[i][1]) for i in ids if i in self._where}

    def _writer(self, table: str, arrow_table):
        import pyarrow.parquet as pq

        if table not in self._writers:
            self._writers[table] = pq.ParquetWriter(self.root / table / self._part, arrow_table.schema)
        return self._writers[table]

    def _append(self, table: str, rows: list[dict]) -> None:
        import pyarrow as pa

        if not rows:
            return
        for row in rows:
            for key in ("warnings", "meta", "pipeline"):
                if key in row:
                    row[key] = json.dumps(row[key], ensure_ascii=False)
        arrow_table = pa.Table.from_pylist(rows, schema=parquet_schema(table))
        self._writer(table, arrow_table).write_table(arrow_table)

    def write(self, records: list[Record]) -> None:
        records = list({r.id: r for r in records}.values())        # an id twice in a batch: the last wins
        if any(self._where.get(r.id, ("",))[0] == self._part for r in records):
            self._roll()                # written earlier into the open file: close it so it can be cut
        now = dt.datetime.now(dt.timezone.utc)
        tables: dict[str, list[dict]] = {name: [] for name in self.TABLES[:-1]}
        for r in records:
            if r.id in self._where:
                self._replaced.setdefault(self._where[r.id][0], set()).add(r.id)
            self._where[r.id] = (self._part, r.sha256, now)
            for name, part in record_rows(r, now).items():
                tables[name] += part
        for name, rows in tables.items():
            self._append(name, rows)
        self._in_file += len(records)
        if self._in_file >= self.rows_per_file:
            self._roll()

    def write_errors(self, errs: list[IngestError]) -> None:
        now = dt.datetime.now(dt.timezone.utc)
        self._append("errors", [{**error_dict(e), "document_id": e.id, "recorded_at": now} for e in errs])

    def _roll(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers, self._in_file, self._part = {}, 0, self._new_part()

    def _cut_replaced(self) -> None:
        """Rewrite each file holding replaced articles without their rows, children before documents (so
        a crash part-way leaves the document row that tells the next opening to finish the job)."""
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        for part, ids in self._replaced.items():
            for table in ("entities", "money", "stances", "documents"):
                path = self.root / table / part
                if not path.exists():
                    continue
                rows = pq.read_table(path)
                key = rows["id" if table == "documents" else "document_id"]
                kept = rows.filter(pc.invert(pc.is_in(key, value_set=pa.array(sorted(ids), pa.string()))))
                temporary = path.with_name(f".{part}.tmp")
                pq.write_table(kept, temporary)
                os.replace(temporary, path)
        self._replaced = {}

    def close(self) -> None:
        self._roll()
        self._cut_replaced()


class FanOut:
    """Several sinks written together (`--out a.jsonl --out b.sqlite`)."""

    def __init__(self, sinks: list[Sink]):
        self.sinks = sinks

    def write(self, records: list[Record]) -> None:
        for s in self.sinks:
            s.write(records)

    def write_errors(self, errs: list[IngestError]) -> None:
        for s in self.sinks:
            s.write_errors(errs)

    def stored(self, ids: list[str]) -> Stored:
        """Skipped only when every output holds it."""
        return set.intersection(*(s.stored(ids) for s in self.sinks))

    def close(self) -> None:
        for s in self.sinks:
            s.close()


SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")


def open_sink(target: str, resume: bool = False, parquet_rows_per_file: int = 1000) -> Sink:
    """A sink for an output path or database URL."""
    if "://" in target:
        return SqlSink(target)
    path = Path(target)
    if path.suffix == ".jsonl":
        return JsonlSink(path, resume)
    if path.suffix == ".parquet":
        return ParquetSink(path, resume, parquet_rows_per_file)
    if path.suffix in SQLITE_SUFFIXES:
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqlSink(f"sqlite:///{path}")
    raise ValueError(f"cannot tell the output format of {target!r}: use .jsonl, .sqlite/.db, .parquet or a "
                     "database URL")


def open_sinks(targets: list[str], resume: bool = False, parquet_rows_per_file: int = 1000) -> Sink:
    sinks = [open_sink(t, resume, parquet_rows_per_file) for t in targets]
    return sinks[0] if len(sinks) == 1 else FanOut(sinks)


@lru_cache(maxsize=None)
def parquet_schema(name: str):
    """Arrow schema of a Parquet table, derived from the SQL table (JSON columns as strings)."""
    import pyarrow as pa

    table = metadata.tables[name]
    kinds = {Integer: pa.int64(), Float: pa.float64(), DateTime: pa.timestamp("us", tz="UTC")}
    return pa.schema([pa.field(c.name, next((t for k, t in kinds.items() if isinstance(c.type, k)), pa.string()))
                      for c in table.columns if not (c.name == "id" and name != "documents")])
