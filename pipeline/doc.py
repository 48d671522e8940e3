"""The shared data structures: an Article as read, and the Doc that every stage reads and extends.

A Doc holds one article in two analysed fields, "title" and "text", each normalized with an
offset map back to the raw string. Spans are character offsets into one field, so an entity may
cut through jieba's words (about 13% of MSRA entities do).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

FIELDS = ("title", "text")


@dataclass
class Article:
    """One article as ingest found it: raw strings, before any normalization."""
    id: str
    source: str
    text: str
    title: str | None = None
    line: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    encoding: str | None = None

    @property
    def sha256(self) -> str:
        raw = (self.title or "") + "\n" + self.text
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass
class IngestError:
    """An input that could not become an article; it is reported, and the run goes on."""
    source: str
    reason: str
    line: int | None = None
    id: str | None = None


@dataclass
class Span:
    """A labelled stretch of one field of a Doc: [start, end) in the normalized string."""
    field: str
    start: int
    end: int
    label: str
    text: str
    canonical: str | None = None
    score: float | None = None
    source: str = ""  # which component produced it (lac, gazetteer, rule)

    def overlaps(self, other: Span) -> bool:
        return self.field == other.field and self.start < other.end and other.start < self.end


@dataclass
class Doc:
    article: Article
    title: str | None = None          # normalized
    text: str = ""                    # normalized
    offsets: dict[str, list[int]] = field(default_factory=dict)  # field -> raw index of each char
    script: str = "hans"
    warnings: list[str] = field(default_factory=list)
    tokens: dict[str, list[tuple[int, int]]] = field(default_factory=dict)     # jieba words
    sentences: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    entities: list[Span] = field(default_factory=list)
    money: list[dict[str, Any]] = field(default_factory=list)
    stances: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_article(cls, article: Article) -> Doc:
        # until normalize runs, the fields are the raw strings
        return cls(article=article, title=article.title, text=article.text)

    def field_text(self, name: str) -> str:
        return (self.title or "") if name == "title" else self.text

    def fields(self) -> list[tuple[str, str]]:
        """The analysed fields that hold text, title first."""
        return [(name, self.field_text(name)) for name in FIELDS if self.field_text(name)]

    def raw_span(self, name: str, start: int, end: int) -> tuple[int, int]:
        """Offsets in the raw article string for [start, end) of a normalized field."""
        offsets = self.offsets.get(name)
        if offsets is None:
            return start, end
        if start >= end:
            return offsets[start], offsets[start]
        return offsets[start], offsets[end - 1] + 1
