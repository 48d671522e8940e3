"""Where records go: JSON Lines files and SQL databases (SPEC §4), chosen by the output's name.

    out.jsonl              JSON Lines; errors beside it in out.errors.jsonl
    out.sqlite | out.db    SQLite file (the embedded default)
    sqlite:///… or any SQLAlchemy URL

SQL output goes through SQLAlchemy Core: tables `documents`, `entities`, `money`, `stances` and
`errors`. Writing an article again replaces it (upsert on `id`, its child rows deleted and written
anew), so re-runs never duplicate rows. Each batch is one transaction.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Protocol

from sqlalchemy import (JSON, Column, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text,
                        create_engine, delete, insert)
from sqlalchemy.engine import Engine

from .doc import IngestError
from .records import Record


class Sink(Protocol):
    def write(self, records: list[Record]) -> None: ...
    def write_errors(self, errors: list[IngestError]) -> None: ...
    def close(self) -> None: ...


def error_dict(error: IngestError) -> dict:
    return {"source": error.source, "line": error.line, "id": error.id, "reason": error.reason}


# ---- JSON Lines --------------------------------------------------------------------------
class JsonlSink:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.errors_path = self.path.with_name(self.path.name.removesuffix(".jsonl") + ".errors.jsonl")
        self._file = open(self.path, "w", encoding="utf-8")
        self._errors = None
        if self.errors_path.exists():
            self.errors_path.unlink()  # stale errors of an earlier run would mislead

    def write(self, records: list[Record]) -> None:
        if records:
            self._file.write("".join(r.to_json() + "\n" for r in records))
            self._file.flush()

    def write_errors(self, errors: list[IngestError]) -> None:
        if not errors:
            return
        if self._errors is None:
            self._errors = open(self.errors_path, "w", encoding="utf-8")
        self._errors.write("".join(json.dumps(error_dict(e), ensure_ascii=False) + "\n" for e in errors))
        self._errors.flush()

    def close(self) -> None:
        self._file.close()
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

    def write(self, records: list[Record]) -> None:
        if not records:
            return
        now = dt.datetime.now(dt.timezone.utc)
        ids = [r.id for r in records]
        rows = {name: [] for name in CHILDREN}
        docs = []
        for r in records:
            docs.append({"id": r.id, "source": r.source, "line": r.line, "sha256": r.sha256, "title": r.title,
                         "text": r.text, "script": r.script, "encoding": r.encoding, "warnings": r.warnings,
                         "meta": r.meta, "pipeline": r.pipeline.model_dump(), "extracted_at": now})
            for name in CHILDREN:
                rows[name].extend({"document_id": r.id, **item.model_dump()} for item in getattr(r, name))
        with self.engine.begin() as conn:
            for table in CHILDREN.values():
                conn.execute(delete(table).where(table.c.document_id.in_(ids)))
            conn.execute(self.upsert, docs)
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

    def close(self) -> None:
        for s in self.sinks:
            s.close()


SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")


def open_sink(target: str) -> Sink:
    """A sink for an output path or database URL."""
    if "://" in target:
        return SqlSink(target)
    path = Path(target)
    if path.suffix == ".jsonl":
        return JsonlSink(path)
    if path.suffix in SQLITE_SUFFIXES:
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqlSink(f"sqlite:///{path}")
    raise ValueError(f"cannot tell the output format of {target!r}: use .jsonl, .sqlite/.db or a database URL")


def open_sinks(targets: list[str]) -> Sink:
    sinks = [open_sink(t) for t in targets]
    return sinks[0] if len(sinks) == 1 else FanOut(sinks)
