"""Segmentation: jieba words (with the domain lexicon loaded once per process) and sentences."""
from __future__ import annotations

import logging
import os
import re
from array import array
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from .config import project_path
from .doc import Doc
from .lexicon import load_lexicon
from .registry import component

_SENTENCE_END = re.compile(r"[。！？!?]+[”’\"」』）)]*|\n+")
_LEXICON_FREQ = 50_000  # high enough that jieba keeps a lexicon name whole


@lru_cache(maxsize=2)
def tokenizer(lexicon_dir: Path):
    """A jieba Tokenizer with the lexicon's names added; built once per process and folder."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    for entry in load_lexicon(lexicon_dir).entries.values():
        tok.add_word(entry.name, freq=_LEXICON_FREQ)
    return tok


def jieba_dictionary():
    """jieba's own dictionary as (word, frequency, part-of-speech tag) rows (≈349k)."""
    import jieba

    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3:
                yield parts[0], int(parts[1]), parts[2]


def words(text: str, lexicon_dir: Path, hmm: bool = True) -> array:
    """Word boundaries [0, e1, e2, …, len(text)]: word k is text[b[k]:b[k+1]]."""
    bounds = array("i", [0])
    pos = 0
    for word in tokenizer(lexicon_dir).cut(text, HMM=hmm):
        pos += len(word)
        bounds.append(pos)
    return bounds


def word_cutter(config: dict) -> Callable[[str], list[str]]:
    """Text to its jieba words, as the segment stage of `config` cuts them (for models that read words)."""
    tok, hmm = tokenizer(project_path(config["segment"]["lexicon"])), config["segment"].get("hmm", True)

    def cut(text: str) -> list[str]:
        return tok.lcut(text, HMM=hmm)
    return cut


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: cut after 。！？ (with closing quotes) and at line breaks; blanks trimmed."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        _add_trimmed(text, start, m.end(), spans)
        start = m.end()
    _add_trimmed(text, start, len(text), spans)
    return spans


def _add_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


@component("segment")
def make_segmenter(config: dict) -> Callable[[list[Doc]], None]:
    lexicon_dir = project_path(config["segment"]["lexicon"])
    hmm = config["segment"].get("hmm", True)
    tokenizer(lexicon_dir)  # load jieba and the lexicon now, not on the first document

    def segment_docs(docs: list[Doc]) -> None:
        for doc in docs:
            for name, text in doc.fields():
                doc.tokens[name] = words(text, lexicon_dir, hmm)
                doc.sentences[name] = sentences(text)
    return segment_docs
