"""Normalization (SPEC §2), with a map from every output character back to the raw string.

Steps, in order: line endings and literal "\\n" escapes; proven mojibake repair; pinyin
annotations removed; full-width letters, digits and ％ to half-width; runs of spaces collapsed (a
no-break space or a tab alone becomes a space); Traditional to Simplified (OpenCC). Each step rewrites
the string and its offset map together, so that any span of the normalized text can be traced back to
the raw article.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from . import charstats
from .doc import FIELDS, Doc
from .registry import component


@dataclass
class Normalized:
    text: str
    offsets: list[int]            # offsets[i]: index in the raw string of text[i]
    script: str = "hans"          # hans | hant | mixed
    warnings: list[str] = field(default_factory=list)
    traditional_chars: int = 0    # characters OpenCC changed
    simplified_chars: int = 0     # characters only Simplified script writes


class _Rewrite:
    """A string with its offset map, rewritten by non-overlapping (start, end, replacement) edits."""

    def __init__(self, text: str, offsets: list[int] | None = None):
        self.text = text
        self.offsets = list(range(len(text))) if offsets is None else offsets

    def apply(self, edits: list[tuple[int, int, str]]) -> None:
        if not edits:
            return
        parts, offsets, pos = [], [], 0
        for start, end, replacement in edits:
            parts.append(self.text[pos:start])
            offsets.extend(self.offsets[pos:start])
            parts.append(replacement)
            # characters of a replacement map to the raw range they replace, in order
            for k in range(len(replacement)):
                offsets.append(self.offsets[min(start + k, end - 1)] if end > start else self.offsets[start])
            pos = end
        parts.append(self.text[pos:])
        offsets.extend(self.offsets[pos:])
        self.text, self.offsets = "".join(parts), offsets

    def sub(self, pattern: re.Pattern[str], replace) -> int:
        edits = []
        for m in pattern.finditer(self.text):
            new = replace(m) if callable(replace) else replace
            if new != m.group(0):
                edits.append((m.start(), m.end(), new))
        self.apply(edits)
        return len(edits)

    def normalized_range(self, raw_start: int, raw_end: int) -> tuple[int, int]:
        """The span of the current text that covers raw [raw_start, raw_end)."""
        return bisect_left(self.offsets, raw_start), bisect_left(self.offsets, raw_end)


# ---- step 1: line endings and escapes -------------------------------------------------------
_NEWLINES = re.compile(r"\r\n?|\\r\\n|\\n|\\r")

# ---- step 2: mojibake -----------------------------------------------------------------------
# A GB-encoded run decoded one byte off: its first byte became "?", its last char's trail byte
# either became "?" or is an ASCII letter; full-width symbols inside may since have turned
# half-width ("!" was "！" = A3 A1). Re-encoding and decoding with the shift undone recovers it.
_MOJIBAKE_START = re.compile(r"\?(?=[^\x00-\x20?])")
_LATIN1_RUN = re.compile(r"[\u00c2-\u00ef][\u0080-\u00bf]{1,2}(?:[\u00c2-\u00ef][\u0080-\u00bf]{1,2})+")
_MAX_RUN = 80
_MIN_GAIN_PER_CHAR = 2.5   # nats: the repair must be much more news-like than what it replaces
_RARE = -11.0              # a character rarer than this is a sign of mojibake


def _gbk_pair(lead: int, trail: int) -> str | None:
    try:
        char = bytes((lead, trail)).decode("gbk")
    except UnicodeDecodeError:
        return None
    return char if len(char) == 1 else None


@lru_cache(maxsize=512)
def _best_lead(trail: int) -> str | None:
    """The likeliest character X+trail when the lead byte X was lost."""
    chars = (_gbk_pair(x, trail) for x in range(0x81, 0xFF))
    return max((c for c in chars if c), key=charstats.logprob, default=None)


@lru_cache(maxsize=512)
def _best_trail(lead: int) -> str | None:
    """The likeliest character lead+Y when the trail byte Y was lost."""
    chars = (_gbk_pair(lead, y) for y in range(0x40, 0xFF) if y != 0x7F)
    return max((c for c in chars if c), key=charstats.logprob, default=None)


def _decode_shifted(body: bytes, end_byte: int | None) -> str | None:
    """Decode X + body + trail with the lost lead byte X (and a lost trail byte if end_byte is None)."""
    first = _best_lead(body[0])
    if first is None:
        return None
    chars = [first]
    rest = body[1:] + (bytes((end_byte,)) if end_byte is not None else b"")
    pairs_end = len(rest) - 1 if end_byte is None else len(rest)
    if pairs_end % 2:
        return None
    for k in range(0, pairs_end, 2):
        char = _gbk_pair(rest[k], rest[k + 1])
        if char is None:
            return None
        chars.append(char)
    if end_byte is None:
        last = _best_trail(rest[-1])
        if last is None:
            return None
        chars.append(last)
    return "".join(chars)


def _fullwidth_bytes(char: str) -> bytes | None:
    if "!" <= char <= "~":
        char = chr(ord(char) + 0xFEE0)
    try:
        data = char.encode("gbk")
    except UnicodeEncodeError:
        return None
    return data if len(data) == 2 else None


def _repair_gb_run(text: str, start: int) -> tuple[int, str, float] | None:
    """Best repair of a shifted run starting with the "?" at `start`: (end, replacement, gain)."""
    body = bytearray()
    best = None
    for j in range(start + 1, min(len(text), start + 1 + _MAX_RUN)):
        char = text[j]
        # an ASCII letter (or a "?") may be the trail byte that ends the run
        if char == "?" or "@" <= char <= "~":
            if body:
                fixed = _decode_shifted(bytes(body), None if char == "?" else ord(char))
                if fixed:
                    original = text[start:j + 1]
                    gain = charstats.score(fixed) - charstats.score(original)
                    if min(charstats.logprob(c) for c in original) < _RARE and (best is None or gain > best[2]):
                        best = (j + 1, fixed, gain)
            if char == "?":
                break
        data = _fullwidth_bytes(char)
        if data is None:
            break
        body += data
    if best and best[2] >= _MIN_GAIN_PER_CHAR * (best[0] - start):
        return best
    return None


def _mojibake_edits(text: str) -> list[tuple[int, int, str]]:
    edits: list[tuple[int, int, str]] = []
    pos = 0
    for m in _MOJIBAKE_START.finditer(text):
        if m.start() < pos:
            continue
        repair = _repair_gb_run(text, m.start())
        if repair:
            end, fixed, _ = repair
            edits.append((m.start(), end, fixed))
            pos = end
    for m in _LATIN1_RUN.finditer(text):
        try:
            fixed = m.group(0).encode("latin-1").decode("utf-8")
        except UnicodeError:
            continue
        if charstats.mean_score(fixed) - charstats.mean_score(m.group(0)) >= _MIN_GAIN_PER_CHAR:
            edits.append((m.start(), m.end(), fixed))
    return sorted(edits)


# ---- step 3: pinyin annotations: 貿(mào)易 → 貿易 -------------------------------------------
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN = re.compile(
    r"(?<=[\u3400-\u9fff])[(（](?:[a-zü]*[" + _TONED + r"][a-zü" + _TONED + r"]*|[a-zü]{1,6}[1-5])[)）]")

# ---- step 4: full-width letters, digits, ％ and the ideographic space ------------------------
_FULLWIDTH = re.compile(r"[０-９Ａ-Ｚａ-ｚ％\u3000]")


def _to_halfwidth(m: re.Match[str]) -> str:
    char = m.group(0)
    return " " if char == "\u3000" else chr(ord(char) - 0xFEE0)


# ---- step 5: spaces --------------------------------------------------------------------------
_SPACES = re.compile(r"(?P<edge>[ \t\u00a0]+(?=\n)|(?<=\n)[ \t\u00a0]+)|[ \t\u00a0]{2,}|[\t\u00a0]")


# ---- step 6: Traditional → Simplified --------------------------------------------------------
@lru_cache(maxsize=1)
def _opencc():
    import opencc
    return opencc.OpenCC("t2s"), opencc.OpenCC("s2t")


def _to_simplified(rw: _Rewrite) -> tuple[int, int]:
    """Convert in place; return (characters changed, Simplified-only characters seen)."""
    t2s, s2t = _opencc()
    text = rw.text
    simplified = t2s.convert(text)
    if len(simplified) != len(text):  # OpenCC keeps lengths for t2s; align per line if it ever does not
        simplified = "\n".join(
            conv if len(conv := t2s.convert(line)) == len(line) else "".join(t2s.convert(c) or c for c in line)
            for line in text.split("\n"))
    changed = sum(1 for a, b in zip(text, simplified) if a != b)
    simplified_only = sum(1 for a, b in zip(text, s2t.convert(text)) if a != b) if changed else 0
    rw.text = simplified
    return changed, simplified_only


def _script(traditional: int, simplified: int) -> str:
    if traditional == 0:
        return "hans"
    share = traditional / (traditional + simplified)
    if share >= 0.9:
        return "hant"
    return "hans" if share <= 0.1 else "mixed"


def normalize(raw: str, *, traditional_to_simplified: bool = True, fullwidth_to_halfwidth: bool = True,
              remove_pinyin: bool = True, repair_mojibake: bool = True) -> Normalized:
    rw = _Rewrite(raw)
    warnings: list[str] = []
    rw.sub(_NEWLINES, "\n")

    repaired: list[tuple[int, int, str, str]] = []  # raw start, raw end, before, after
    if repair_mojibake:
        edits = _mojibake_edits(rw.text)
        for start, end, fixed in edits:
            repaired.append((rw.offsets[start], rw.offsets[end - 1] + 1, rw.text[start:end], fixed))
        rw.apply(edits)

    if remove_pinyin and (n := rw.sub(_PINYIN, "")):
        warnings.append(f"pinyin annotations removed: {n}")
    if fullwidth_to_halfwidth:
        rw.sub(_FULLWIDTH, _to_halfwidth)
    rw.sub(_SPACES, lambda m: "" if m.group("edge") else " ")
    # trim the ends
    lead = len(rw.text) - len(rw.text.lstrip())
    trail = len(rw.text.rstrip())
    if lead or trail < len(rw.text):
        rw.text, rw.offsets = rw.text[lead:trail], rw.offsets[lead:trail]

    traditional = simplified = 0
    if traditional_to_simplified:
        traditional, simplified = _to_simplified(rw)

    for raw_start, raw_end, before, after in repaired:
        start, end = rw.normalized_range(raw_start, raw_end)
        warnings.append(f"mojibake repaired at {start}-{end}: {before!r} -> {after!r}")
    return Normalized(text=rw.text, offsets=rw.offsets, script=_script(traditional, simplified),
                      warnings=warnings, traditional_chars=traditional, simplified_chars=simplified)


@component("normalize")
def make_normalizer(config: dict) -> Callable[[list[Doc]], None]:
    options = dict(config.get("normalize", {}))

    def normalize_docs(docs: list[Doc]) -> None:
        for doc in docs:
            traditional, simplified = 0, 0
            for name in FIELDS:
                raw = doc.article.title if name == "title" else doc.article.text
                if not raw:
                    continue
                result = normalize(raw, **options)
                doc.offsets[name] = result.offsets
                if name == "title":
                    doc.title = result.text or None
                else:
                    doc.text = result.text
                doc.warnings.extend(f"{name}: {w}" if name == "title" else w for w in result.warnings)
                traditional += result.traditional_chars
                simplified += result.simplified_chars
            doc.script = _script(traditional, simplified)
    return normalize_docs
