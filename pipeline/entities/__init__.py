"""Entities (PER, ORG, LOC, PRODUCT): a statistical tagger merged with the lexicon gazetteer.

The tagger (Baidu LAC, our character model `charner`, a Hugging Face checkpoint, or several of them
merged: `lac+charner`) proposes PER/LOC/ORG spans, and LAC also `nz` proper nouns; an `nz` becomes
PRODUCT or ORG only through the lexicon or a model-code pattern (H20, MI308, RTX4090), as do model
codes before a product word. Lexicon matches win over the tagger where they overlap, except where the
tagger's ORG/LOC span contains the name (美国商务部 over 美国). Titles before a name are cut off
(部长斯科特·贝森特 → 斯科特·贝森特), "X政府" becomes one ORG, and `canonical` groups the mentions of one
entity in the article.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from functools import partial

from ..config import project_path
from ..doc import Doc, Span
from ..lexicon import Lexicon, load_lexicon
from ..registry import component
from . import rules
from .gazetteer import Gazetteer
from .lac import LacTagger

TAGGER_LABELS = {"PER", "LOC", "ORG"}
_TRIM = " \t\n\u00a0\u3000·•.,，、:：;；\"'“”‘’()（）[]【】《》<>"


def split_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut [start, end) into pieces of at most max_chars, preferring a cut after a comma or space."""
    pieces = []
    while end - start > max_chars:
        window = text[start:start + max_chars]
        cut = max(window.rfind(c) for c in "，,、 ：:")
        cut = start + (cut + 1 if cut >= max_chars // 4 else max_chars)
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


class EntityRecognizer:
    def __init__(self, tagger, lexicon: Lexicon, labels: list[str], use_gazetteer: bool = True,
                 use_rules: bool = True, max_chars: int = 256):
        self.tagger = tagger
        self.version = tagger.version
        self.source = getattr(tagger, "source", tagger.version.split("@")[0])
        self.lexicon = lexicon
        self.gazetteer = Gazetteer(lexicon)
        self.surname_of = partial(rules.titled_surname, lexicon=lexicon)
        self.labels = set(labels)
        self.use_gazetteer = use_gazetteer
        self.use_rules = use_rules
        self.max_chars = max_chars

    def __call__(self, docs: list[Doc]) -> None:
        pieces: list[tuple[Doc, str, int, str]] = []
        for doc in docs:
            for name, text in doc.fields():
                for s, e in doc.sentences.get(name) or [(0, len(text))]:
                    for a, b in split_long(text, s, e, self.max_chars):
                        pieces.append((doc, name, a, text[a:b]))
        tagged = self.tagger.tag([p[3] for p in pieces], keep={"PER", "LOC", "ORG", "nz"})
        proposals: dict[int, list[Span]] = {id(doc): [] for doc in docs}
        for (doc, name, offset, piece), spans in zip(pieces, tagged):
            for t in spans:
                span = self._from_tagger(name, piece, offset, t.start, t.end, t.tag, t.score)
                if span is not None:
                    proposals[id(doc)].append(span)
        for doc in docs:
            found = proposals[id(doc)]
            if self.use_rules:
                found += uncovered([c for name, text in doc.fields() for c in rules.product_codes(text, name)],
                                   found)
            if self.use_gazetteer:
                found = merge(found, [g for name, text in doc.fields()
                                      for g in self.gazetteer.match(text, doc.tokens[name], name)])
            if self.use_rules:
                found = [s for s in (rules.apply(s, doc.field_text(s.field), self.lexicon) for s in found) if s]
                found = rules.join_adjacent(found, doc.field_text)
            doc.entities = [s for s in canonicalize(found, self.surname_of) if s.label in self.labels]

    def _from_tagger(self, name: str, piece: str, offset: int, start: int, end: int, tag: str,
                     score: float) -> Span | None:
        surface = piece[start:end]
        stripped = surface.strip(_TRIM)
        if not stripped:
            return None
        start += surface.index(stripped)
        end = start + len(stripped)
        entry = self.lexicon.lookup(stripped) if self.use_gazetteer else None
        if entry is not None:
            label, canonical = entry.label, entry.canonical
        elif tag in TAGGER_LABELS:
            label, canonical = tag, None
        elif tag == "nz" and rules.MODEL_CODE.fullmatch(stripped):
            label, canonical = "PRODUCT", None
        else:
            return None
        return Span(name, offset + start, offset + end, label, stripped, canonical, round(score, 4), self.source)


def uncovered(candidates: list[Span], spans: list[Span]) -> list[Span]:
    """The candidates that overlap none of `spans` (disjoint within each field)."""
    keep = []
    for field in {c.field for c in candidates}:
        ts = sorted((s for s in spans if s.field == field), key=lambda s: s.start)
        starts, ends = [s.start for s in ts], [s.end for s in ts]
        keep += [c for c in candidates if c.field == field
                 and bisect_right(ends, c.start) >= bisect_left(starts, c.end)]
    return keep


def merge(tagged: list[Span], listed: list[Span]) -> list[Span]:
    """Lexicon spans over tagger spans; a tagger ORG/LOC that contains a lexicon name keeps it.
    Both lists hold disjoint spans, so one sweep per field finds every overlap."""
    out: list[Span] = []
    for field in {s.field for s in tagged} | {s.field for s in listed}:
        ts = sorted((s for s in tagged if s.field == field), key=lambda s: s.start)
        starts, ends = [s.start for s in ts], [s.end for s in ts]
        dropped: set[int] = set()
        for g in sorted((s for s in listed if s.field == field), key=lambda s: s.start):
            overlapping = range(bisect_right(ends, g.start), bisect_left(starts, g.end))
            container = next((k for k in overlapping if ts[k].label in ("ORG", "LOC") and g.label != "PRODUCT"
                              and ts[k].start <= g.start and g.end <= ts[k].end
                              and ts[k].end - ts[k].start > g.end - g.start), None)
            if container is None:
                out.append(g)
                dropped.update(overlapping)
        out.extend(t for k, t in enumerate(ts) if k not in dropped)
    return sorted(out, key=lambda s: (s.field != "title", s.start))


def canonicalize(spans: list[Span], surname_of: Callable[[str], str | None] = lambda name: None) -> list[Span]:
    """Group mentions of one entity: a shorter name inside a longer one of the same label
    (贝森特 → 斯科特·贝森特, 财政部 → 美国财政部) takes the longer one's canonical name; of two as long
    (银行 in 中国农业银行 and 中国建设银行), the one the article names first. A person named by surname
    and title (李科长: surname_of gives the surname) is the one full name with that surname, if one."""
    names: dict[str, dict[str, None]] = {}     # per label, names in the order the article first gives them
    for s in spans:
        names.setdefault(s.label, {})[s.canonical or s.text] = None
    resolved: dict[tuple[str, str], str] = {}
    for label, group in names.items():
        for name in group:
            longer = [n for n in group if len(n) > len(name) and label in ("PER", "ORG") and _is_part(name, n, label)]
            resolved[label, name] = max(longer, key=len) if longer else name
            surname = surname_of(name) if label == "PER" else None
            if surname:
                full = {n for n in group if n.startswith(surname) and n != name and "·" not in n
                        and surname_of(n) is None}
                if len(full) == 1:
                    resolved[label, name] = full.pop()
    for s in spans:
        s.canonical = resolved[s.label, s.canonical or s.text]
    return spans


def _is_part(short: str, full: str, label: str) -> bool:
    if label == "PER":
        # a given or family name of a transliterated name, or a Chinese surname+name's tail
        parts = full.split("·")
        return short in parts or (len(parts) == 1 and len(short) >= 2 and full.endswith(short))
    return len(short) >= 2 and full.endswith(short) or full.startswith(short) and len(short) >= 2


class Confident:
    """A tagger whose names below `min_score` (the probability of its least sure character) are dropped.
    Each backend's probabilities have their own scale, so each has its own threshold
    (`[entities.lac] min_score`, `[entities.charner] min_score`); in a merge they apply before the merge."""

    def __init__(self, tagger, min_score: float):
        self.tagger, self.min_score = tagger, min_score
        self.version = tagger.version

    def tag(self, texts: list[str], keep: set[str] | None = None) -> list:
        return [[s for s in spans if s.score >= self.min_score] for spans in self.tagger.tag(texts, keep)]


def load_tagger(section: dict, lexicon_dir, thresholds: bool = False) -> object:
    """The statistical tagger named by `[entities] backend`: lac, charner, hf:PATH, or several joined by +.
    With `thresholds`, each backend drops names below its own `min_score`; without, the tagger alone."""
    backend = section.get("backend", "lac")
    if "+" in backend:
        from .merged import MergedTagger

        return MergedTagger([load_tagger({**section, "backend": part}, lexicon_dir, thresholds)
                             for part in backend.split("+")])
    min_score = section.get(backend.split(":")[0], {}).get("min_score", 0.0) if thresholds else 0.0
    tagger = _backend(section, backend, lexicon_dir)
    return Confident(tagger, min_score) if min_score > 0 else tagger


def _backend(section: dict, backend: str, lexicon_dir) -> object:
    opts = section.get("tagger", {})
    batch_chars, threads = opts.get("batch_chars", 4096), opts.get("threads", 1)
    if backend == "lac":
        return LacTagger(batch_chars=batch_chars, threads=threads)
    if backend == "charner":
        from .charner import CharTagger

        charner = section.get("charner", {})
        model_dir = project_path(charner.get("model", "models/charner-msra"))
        if not (model_dir / "model.onnx").exists():
            raise FileNotFoundError(f"no model in {model_dir}: train one with `make train`")
        surnames = load_lexicon(lexicon_dir).surnames if charner.get("split_name_runs", True) else frozenset()
        return CharTagger(model_dir, lexicon_dir, batch_chars=batch_chars, threads=threads, surnames=surnames)
    if backend.startswith("hf:"):
        from .hf import HfTagger

        return HfTagger(backend[3:], threads=threads)
    raise ValueError(f"unknown entity backend {backend!r} (lac, charner, hf:PATH, or several joined by +)")


@component("entities")
def make_entity_recognizer(config: dict) -> EntityRecognizer:
    section = config["entities"]
    if "min_score" in section:
        raise ValueError("[entities] min_score is per backend now: [entities.lac] min_score, [entities.charner] min_score")
    lexicon_dir = project_path(config["segment"]["lexicon"])
    return EntityRecognizer(load_tagger(section, lexicon_dir, thresholds=True), load_lexicon(lexicon_dir),
                            section.get("labels", ["PER", "ORG", "LOC", "PRODUCT"]),
                            use_gazetteer=section.get("gazetteer", True), use_rules=section.get("rules", True),
                            max_chars=section.get("tagger", {}).get("max_chars", 256))
