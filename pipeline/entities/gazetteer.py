"""Lexicon matches in a field, longest name first.

A name may cut through jieba's words (美国商务部 inside 美国/商务部长), but not through Latin words
(AMD never matches inside AMDX); a two-character Chinese name must also be a whole jieba word,
since short names hide inside longer words (中兴 in 中兴奋).
"""
from __future__ import annotations

from array import array
from functools import cached_property

from ..doc import Span
from ..lexicon import Lexicon, key


def _alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


class Gazetteer:
    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon

    @cached_property
    def lengths(self) -> dict[str, list[int]]:
        """First character (casefolded) → lengths of the names that start with it, longest first."""
        index: dict[str, set[int]] = {}
        for name in self.lexicon.entries:
            index.setdefault(name[0].casefold(), set()).add(len(name))
        return {c: sorted(ls, reverse=True) for c, ls in index.items()}

    def match(self, text: str, bounds: array, field: str) -> list[Span]:
        spans: list[Span] = []
        words = set(bounds)
        lengths, lookup = self.lengths, self.lexicon.entries.get
        i, n = 0, len(text)
        while i < n:
            found = None
            for length in lengths.get(text[i].casefold(), ()):
                end = i + length
                if end > n:
                    continue
                entry = lookup(key(text[i:end]))
                if entry is None:
                    continue
                if _alnum(text[i]) and i > 0 and _alnum(text[i - 1]):
                    continue
                if _alnum(text[end - 1]) and end < n and _alnum(text[end]):
                    continue
                if length == 2 and not _alnum(text[i]) and (i not in words or end not in words):
                    continue
                found = Span(field, i, end, entry.label, text[i:end], entry.canonical, 1.0, "gazetteer")
                break
            if found:
                spans.append(found)
                i = found.end
            else:
                i += 1
        return spans
