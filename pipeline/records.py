"""The record (SPEC §3): one per article, validated by one schema, built from a finished Doc."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .doc import Doc

FieldName = Literal["title", "text"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Entity(_Model):
    text: str
    label: Literal["PER", "ORG", "LOC", "PRODUCT"]
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    canonical: str
    score: float | None = None
    field: FieldName = "text"


class Money(_Model):
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    kind: Literal["money", "percent"]
    value: float
    value_max: float | None = None
    currency: str | None = None
    qualifier: Literal["approx", "over", "under"] | None = None
    subject: str | None = None
    metric: str | None = None
    period: str | None = None
    field: FieldName = "text"


class Stance(_Model):
    holder: str
    holder_label: str | None = None
    target: str
    target_entity: str | None = None   # canonical name of the entity the target names, if any
    polarity: Literal["support", "oppose", "neutral"]
    evidence: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    cue: str | None = None
    score: float | None = None
    field: FieldName = "text"


class PipelineInfo(_Model):
    version: str
    models: dict[str, str] = {}


class Record(_Model):
    id: str
    source: str
    line: int | None = None
    sha256: str
    title: str | None = None
    text: str
    script: Literal["hans", "hant", "mixed"]
    entities: list[Entity] = []
    money: list[Money] = []
    stances: list[Stance] = []
    warnings: list[str] = []
    meta: dict[str, Any] = {}
    pipeline: PipelineInfo
    encoding: str | None = None

    @classmethod
    def from_doc(cls, doc: Doc, pipeline: PipelineInfo) -> Record:
        a = doc.article
        return cls(
            id=a.id, source=a.source, line=a.line, sha256=a.sha256, title=doc.title, text=doc.text,
            script=doc.script,
            entities=[Entity(text=s.text, label=s.label, start=s.start, end=s.end, canonical=s.canonical or s.text,
                             score=s.score, field=s.field) for s in doc.entities],
            money=[Money(**m) for m in doc.money], stances=[Stance(**s) for s in doc.stances],
            warnings=doc.warnings, meta=a.meta, pipeline=pipeline, encoding=a.encoding)

    def to_json(self) -> str:
        return self.model_dump_json()


def json_schema() -> dict[str, Any]:
    return Record.model_json_schema()
