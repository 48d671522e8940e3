"""The domain lexicon in corpus/lexicon/: named entities common in finance and tech news, and titles.

Files `per.tsv`, `org.tsv`, `loc.tsv`, `product.tsv` hold one name per line, optionally followed by a
tab and the canonical name it stands for (NVIDIA → 英伟达); `#` starts a comment. `titles.txt` lists
roles and titles (部长, CEO …) that precede names but are not part of them; `surnames.txt` Chinese
surnames, single (李) and compound (欧阳).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LABEL_FILES = {"PER": "per.tsv", "ORG": "org.tsv", "LOC": "loc.tsv", "PRODUCT": "product.tsv"}
_LATIN = re.compile(r"^[\x20-\x7e]+$")


@dataclass(frozen=True)
class Entry:
    name: str
    label: str
    canonical: str


@dataclass(frozen=True)
class Lexicon:
    entries: dict[str, Entry]        # key: the name, casefolded when it is all Latin
    titles: tuple[str, ...]          # longest first
    surnames: frozenset[str] = frozenset()

    def lookup(self, surface: str) -> Entry | None:
        return self.entries.get(key(surface))

    @property
    def max_len(self) -> int:
        return max((len(k) for k in self.entries), default=0)


def key(surface: str) -> str:
    return surface.casefold() if _LATIN.match(surface) else surface


def _lines(path: Path):
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].rstrip()
        if line.strip():
            yield line


@lru_cache(maxsize=4)
def load_lexicon(folder: Path) -> Lexicon:
    entries: dict[str, Entry] = {}
    for label, filename in LABEL_FILES.items():
        for line in _lines(folder / filename):
            name, _, canonical = (part.strip() for part in line.partition("\t"))
            entries.setdefault(key(name), Entry(name, label, canonical or name))
    titles = sorted({t.strip() for t in _lines(folder / "titles.txt")}, key=len, reverse=True)
    surnames = frozenset(line.strip() for line in _lines(folder / "surnames.txt"))
    return Lexicon(entries, tuple(titles), surnames)
