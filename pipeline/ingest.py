"""Reading input (SPEC §1): files, directories and stdin into Articles, or IngestErrors.

Nothing here is fatal: a file that cannot be read or decoded, an empty article or a bad jsonl
line becomes an IngestError and reading goes on with the next input.
"""
from __future__ import annotations

import codecs
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from . import charstats
from .doc import Article, IngestError

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | {".jsonl", ".json"}
TITLE_MAX = 60
_SENTENCE_END = re.compile(r"[。！？!?；;…]\s*$|[。！？!?]['\"”’」』）)]\s*$")

Item = Article | IngestError


# ---- encodings ---------------------------------------------------------------------------
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CHINESE_CODECS = ("gb18030", "big5")
_GARBLED = -12.0  # mean log-probability per character below which a reading is not text


class DecodeError(ValueError):
    pass


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    controls = sum(1 for c in text[:4096] if c < " " and c not in "\n\r\t\f\v")
    return controls > max(2, len(text[:4096]) // 100)


def _utf16_without_bom(data: bytes) -> str | None:
    # ASCII-heavy UTF-16 has a NUL in every other byte; CJK UTF-16 decodes to mostly CJK
    for codec in ("utf-16-le", "utf-16-be"):
        if len(data) % 2:
            return None
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if not _looks_binary(text) and charstats.mean_score(text[:2000]) > -9.0:
            return text
    return None


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes of unknown encoding; return (text, encoding name). Raise DecodeError."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as exc:
                raise DecodeError(f"bad {codec} after its byte-order mark: {exc.reason}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _looks_binary(text):
            raise DecodeError("binary content, not text")
        return text, "utf-8"
    if b"\x00" in data:
        text16 = _utf16_without_bom(data)
        if text16 is not None:
            return text16, "utf-16"
        raise DecodeError("binary content, not text")
    # Chinese legacy encodings: keep every reading that decodes, let the news-likeness decide
    readings = []
    for codec in _CHINESE_CODECS:
        try:
            readings.append((charstats.mean_score(data.decode(codec)[:5000]), codec))
        except UnicodeDecodeError:
            continue
    if readings and max(readings)[0] > _GARBLED:
        codec = max(readings)[1]
        return data.decode(codec), codec
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise DecodeError("undecodable: no text encoding fits these bytes")
    text = str(best)
    if _looks_binary(text) or charstats.mean_score(text[:2000]) < _GARBLED:
        raise DecodeError("binary content, not text")
    return text, best.encoding


# ---- articles from one kind of file --------------------------------------------------------
def _split_title(text: str) -> tuple[str | None, str]:
    """The first non-empty line is the title when it is short and does not end a sentence."""
    stripped = text.lstrip("\ufeff\r\n \t\u3000")
    first, sep, rest = stripped.partition("\n")
    first = first.strip()
    if sep and rest.strip() and 0 < len(first) <= TITLE_MAX and not _SENTENCE_END.search(first):
        return first, rest
    return None, text


def _article_from_object(obj: Any, source: str, default_id: str, line: int | None, encoding: str | None) -> Item:
    if not isinstance(obj, dict):
        return IngestError(source, f"expected a JSON object, got {type(obj).__name__}", line)
    text = obj.get("text")
    if not isinstance(text, str):
        return IngestError(source, "missing 'text' (a string)", line, _str_or_none(obj.get("id")))
    article_id = _str_or_none(obj.get("id")) or default_id
    if not text.strip():
        return IngestError(source, "empty article", line, article_id)
    title = obj.get("title")
    meta = {k: v for k, v in obj.items() if k not in ("id", "title", "text")}
    return Article(id=article_id, source=source, line=line, text=text,
                   title=title if isinstance(title, str) and title.strip() else None, meta=meta, encoding=encoding)


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def read_jsonl(stream: Iterable[str], source: str, base_id: str, encoding: str | None = None) -> Iterator[Item]:
    for line_no, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield IngestError(source, f"invalid JSON: {exc.msg} (column {exc.colno})", line_no)
            continue
        yield _article_from_object(obj, source, f"{base_id}:{line_no}", line_no, encoding)


def _read_html(text: str, source: str, article_id: str, encoding: str) -> Item:
    import trafilatura

    result = trafilatura.bare_extraction(text, include_comments=False, include_tables=False,
                                         favor_recall=True, with_metadata=True)
    body = getattr(result, "text", None) if result is not None else None
    if not body or not body.strip():
        return IngestError(source, "no article text found in the HTML page", None, article_id)
    title = getattr(result, "title", None)
    match = re.search(r"<title[^>]*>(.*?)</title>", text, re.S | re.I)
    if match and match.group(1).strip():
        import html

        title = html.unescape(re.sub(r"\s+", " ", match.group(1))).strip()
    if title and body.lstrip().startswith(title):  # the page's <h1> repeats its <title>
        rest = body.lstrip()[len(title):]
        body = rest if rest.strip() else body
    return Article(id=article_id, source=source, text=body, title=title or None, encoding=encoding)


def read_file(path: Path, article_id: str) -> Iterator[Item]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield IngestError(str(path), f"cannot read: {exc.strerror or exc}", None, article_id)
        return
    yield from read_bytes(data, path, article_id)


def read_bytes(data: bytes, path: Path, article_id: str) -> Iterator[Item]:
    """The articles of one file's bytes (the file's name says its format)."""
    source = str(path)
    suffix = path.suffix.lower()
    if not data.strip():
        yield IngestError(source, "empty file", None, article_id)
        return
    try:
        text, encoding = decode(data)
    except DecodeError as exc:
        yield IngestError(source, str(exc), None, article_id)
        return
    if suffix == ".jsonl":
        yield from read_jsonl(text.splitlines(), source, article_id, encoding)
    elif suffix == ".json":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield IngestError(source, f"invalid JSON: {exc.msg} (line {exc.lineno})", exc.lineno, article_id)
            return
        objs = obj if isinstance(obj, list) else [obj]
        for i, item in enumerate(objs):
            yield _article_from_object(item, source, f"{article_id}:{i + 1}" if isinstance(obj, list) else article_id,
                                       None, encoding)
    elif suffix in HTML_SUFFIXES:
        yield _read_html(text, source, article_id, encoding)
    else:
        title, body = _split_title(text)
        if not body.strip():
            yield IngestError(source, "empty article", None, article_id)
            return
        yield Article(id=article_id, source=source, text=body, title=title, encoding=encoding)


# ---- inputs: files, directories, stdin -----------------------------------------------------
def _id_for(path: Path, root: Path | None) -> str:
    rel = path.relative_to(root) if root else Path(path.name)
    return rel.with_suffix("").as_posix()


def expand(inputs: Iterable[str]) -> Iterator[tuple[str, Path | None, str]]:
    """(kind, path, id) for every input: kind is "stdin", "file" or "missing"."""
    for item in inputs:
        if item == "-":
            yield "stdin", None, "stdin"
            continue
        path = Path(item)
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames.sort()
                for name in sorted(filenames):
                    child = Path(dirpath) / name
                    if child.suffix.lower() in SUPPORTED:
                        yield "file", child, _id_for(child, path)
        elif path.exists():
            yield "file", path, _id_for(path, None)
        else:
            yield "missing", path, _id_for(path, None)


def read(inputs: Iterable[str], stdin: IO[str] | None = None) -> Iterator[Item]:
    """Every article (or error) from the inputs, in order."""
    for kind, path, article_id in expand(inputs):
        if kind == "stdin":
            yield from read_jsonl(stdin or sys.stdin, "-", "stdin", "utf-8")
        elif kind == "missing":
            yield IngestError(str(path), "no such file or directory")
        else:
            try:
                yield from read_file(path, article_id)
            except Exception as exc:  # noqa: BLE001 - a file that breaks a reader must not stop the run
                yield IngestError(str(path), f"cannot read: {type(exc).__name__}: {exc}", None, article_id)


def count_articles(inputs: Iterable[str]) -> int | None:
    """A quick count for progress bars (jsonl lines counted by newlines); None when unknowable."""
    total = 0
    for kind, path, _ in expand(inputs):
        if kind == "stdin":
            return None
        if kind == "file" and path.suffix.lower() == ".jsonl":
            try:
                with open(path, "rb") as f:
                    total += sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
            except OSError:
                total += 1
        else:
            total += 1
    return total
