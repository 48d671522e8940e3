"""Scoring against gold data (SPEC §5): entities, money and stances, micro-averaged over documents."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .doc import Article
from .records import Record

LABELS = ("PER", "ORG", "LOC", "PRODUCT")
CORE = "PER+ORG+LOC"
MONEY_TOLERANCE = 0.005


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"p": round(self.precision, 4), "r": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


# ---- gold ----------------------------------------------------------------------------------
def load_gold(path: str | Path) -> list[dict[str, Any]]:
    docs = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if line.strip():
                doc = json.loads(line)
                if "id" not in doc or "text" not in doc:
                    raise ValueError(f"{path}:{n}: a gold line needs 'id' and 'text'")
                docs.append(doc)
    return docs


CURRENCIES = {"CNY", "USD", "EUR", "JPY", "HKD", "GBP", "TWD", "KRW", None}
QUALIFIERS = {"approx", "over", "under", None}
POLARITIES = ("support", "oppose", "neutral")


def check_gold(doc: dict[str, Any]) -> list[str]:
    """What is wrong with one gold document: unknown labels or fields, strings not in its text."""
    found = []
    full = (doc.get("title") or "") + "\n" + doc["text"]
    seen = set()
    for e in doc.get("entities", []):
        if e["label"] not in LABELS:
            found.append(f"entity label {e['label']!r}")
        if e["text"] not in full:
            found.append(f"entity not in text: {e['text']!r}")
        if (e["text"], e["label"]) in seen:
            found.append(f"entity listed twice: {e['text']!r}")
        seen.add((e["text"], e["label"]))
    for m in doc.get("money", []):
        if m["text"] not in full:
            found.append(f"money not in text: {m['text']!r}")
        if m["kind"] not in ("money", "percent") or m["currency"] not in CURRENCIES \
                or m["qualifier"] not in QUALIFIERS or not isinstance(m["value"], (int, float)):
            found.append(f"money fields: {m}")
    for s in doc.get("stances", []):
        if s["polarity"] not in POLARITIES:
            found.append(f"polarity {s['polarity']!r}")
        if s["evidence"] not in full:
            found.append(f"evidence not in text: {s['evidence']!r}")
        if not s["holder"] or not s["target"]:
            found.append(f"stance without holder or target: {s}")
    return found


def gold_articles(gold: list[dict[str, Any]], source: str) -> list[Article]:
    return [Article(id=str(g["id"]), source=source, text=g["text"], title=g.get("title")) for g in gold]


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """Comparable form of a string: Simplified, half-width, case-folded, trimmed."""
    from .normalize import normalize

    return normalize(text, repair_mojibake=False, remove_pinyin=False).text.casefold().strip()


# ---- entities ------------------------------------------------------------------------------
def _entity_sets(items: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    by_label: dict[str, set[str]] = {label: set() for label in LABELS}
    for text, label in items:
        if label in by_label:
            by_label[label].add(norm(text))
    return by_label


def score_entities(gold: list[dict], records: list[Record]) -> dict[str, Any]:
    strict = {k: PRF() for k in (*LABELS, CORE, "ALL")}
    lenient = {k: PRF() for k in (*LABELS, CORE, "ALL")}
    mention: dict[str, PRF] | None = None
    for g, r in zip(gold, records):
        gold_sets = _entity_sets((e["text"], e["label"]) for e in g.get("entities", []))
        pred_sets = _entity_sets((e.text, e.label) for e in r.entities)
        for label in LABELS:
            gs, ps = gold_sets[label], pred_sets[label]
            counts = (len(gs & ps), len(ps - gs), len(gs - ps))
            loose = (sum(1 for p in ps if any(p in x or x in p for x in gs)),
                     sum(1 for p in ps if not any(p in x or x in p for x in gs)),
                     sum(1 for x in gs if not any(p in x or x in p for p in ps)))
            for key in (label, "ALL") + ((CORE,) if label != "PRODUCT" else ()):
                strict[key].add(*counts)
                lenient[key].add(*loose)
        gold_entities = g.get("entities", [])
        if gold_entities and all("start" in e and "end" in e for e in gold_entities):
            mention = mention or {k: PRF() for k in (*LABELS, "ALL")}
            gm = {(e.get("field", "text"), e["start"], e["end"], e["label"]) for e in gold_entities}
            pm = {(e.field, e.start, e.end, e.label) for e in r.entities}
            for label in LABELS:
                gl, pl = {m for m in gm if m[3] == label}, {m for m in pm if m[3] == label}
                for key in (label, "ALL"):
                    mention[key].add(len(gl & pl), len(pl - gl), len(gl - pl))
    return {"strict": {k: v.as_dict() for k, v in strict.items()},
            "lenient": {k: v.as_dict() for k, v in lenient.items()},
            "mention": {k: v.as_dict() for k, v in mention.items()} if mention else None}


# ---- money ---------------------------------------------------------------------------------
def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= MONEY_TOLERANCE * max(abs(a), abs(b)) if a or b else True


def money_matches(gold: dict, pred: dict) -> bool:
    return (gold.get("kind") == pred.get("kind") and _close(gold.get("value"), pred.get("value"))
            and _close(gold.get("value_max"), pred.get("value_max"))
            and (gold.get("currency") is None or pred.get("currency") is None
                 or gold.get("currency") == pred.get("currency")))


def align_money(gold: list[dict], pred: list[dict]) -> list[tuple[int, int]]:
    """Pairs (gold index, predicted index), each used once; mentions in order."""
    used: set[int] = set()
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if pi not in used and money_matches(g, p):
                used.add(pi)
                pairs.append((gi, pi))
                break
    return pairs


def score_money(gold: list[dict], records: list[Record]) -> dict[str, Any]:
    total, by_kind = PRF(), {"money": PRF(), "percent": PRF()}
    qualifier_ok = qualifier_n = currency_ok = currency_n = 0
    for g, r in zip(gold, records):
        gm, pm = g.get("money", []), [m.model_dump() for m in r.money]
        pairs = align_money(gm, pm)
        total.add(len(pairs), len(pm) - len(pairs), len(gm) - len(pairs))
        for kind, prf in by_kind.items():
            gk = [m for m in gm if m.get("kind") == kind]
            pk = [m for m in pm if m.get("kind") == kind]
            n = len(align_money(gk, pk))
            prf.add(n, len(pk) - n, len(gk) - n)
        for gi, pi in pairs:
            qualifier_n += 1
            qualifier_ok += gm[gi].get("qualifier") == pm[pi].get("qualifier")
            if gm[gi].get("currency"):
                currency_n += 1
                currency_ok += gm[gi]["currency"] == pm[pi].get("currency")
    return {**total.as_dict(), "by_kind": {k: v.as_dict() for k, v in by_kind.items()},
            "qualifier_accuracy": round(qualifier_ok / qualifier_n, 4) if qualifier_n else None,
            "currency_accuracy": round(currency_ok / currency_n, 4) if currency_n else None}


# ---- stances -------------------------------------------------------------------------------
def holders_match(a: str, b: str) -> bool:
    a, b = norm(a), norm(b)
    return bool(a and b) and (a in b or b in a)


def _shared_chars(a: str, b: str) -> int:
    """How many characters two strings share, counted as bags."""
    return sum((Counter(a) & Counter(b)).values())


def overlap_f1(found: str, gold: str) -> float:
    """F1 of the characters two strings share: targets are often paraphrased in the gold
    (老人机无法使用的原因), so a target is scored by overlap, not identity."""
    found, gold = norm(found), norm(gold)
    common = _shared_chars(found, gold)
    return 2 * common / (len(found) + len(gold)) if common else 0.0


def _same_evidence(a: str, b: str) -> bool:
    """Two evidence clauses for one stance: at least half of the shorter one's characters shared."""
    return _shared_chars(a, b) >= 0.5 * min(len(a), len(b)) > 0


def score_stances(gold: list[dict], records: list[Record]) -> dict[str, Any]:
    """SPEC §5: (holder, polarity) pairs and holders; beyond it, holders matched exactly (the lenient match
    also takes 可是后来同事 for 同事), the polarity confusion over matched holders and the targets'
    character overlap over stances matched by holder and evidence."""
    pairs, holders, exact = PRF(), PRF(), PRF()
    target_scores: list[float] = []
    confusion: dict[str, Counter] = {p: Counter() for p in POLARITIES}
    for g, r in zip(gold, records):
        gs = {(s["holder"], s["polarity"]) for s in g.get("stances", [])}
        ps = {(s.holder, s.polarity) for s in r.stances}
        tp = sum(1 for p in ps if any(holders_match(p[0], x[0]) and p[1] == x[1] for x in gs))
        found = sum(1 for x in gs if any(holders_match(p[0], x[0]) and p[1] == x[1] for p in ps))
        pairs.add(tp, len(ps) - tp, len(gs) - found)
        gh, ph = {h for h, _ in gs}, {h for h, _ in ps}
        htp = sum(1 for p in ph if any(holders_match(p, x) for x in gh))
        hfound = sum(1 for x in gh if any(holders_match(p, x) for p in ph))
        holders.add(htp, len(ph) - htp, len(gh) - hfound)
        gn, pn = {norm(h) for h in gh}, {norm(h) for h in ph}
        exact.add(len(gn & pn), len(pn - gn), len(gn - pn))
        for holder, polarity in gs:
            matched = sorted(p for p in ps if holders_match(p[0], holder))   # sorted: sets have no stable order
            if matched and polarity in confusion:
                best = next((p for p in matched if p[1] == polarity), matched[0])
                confusion[polarity][best[1]] += 1
        for s in g.get("stances", []):
            if not (s.get("target") and s.get("evidence")):
                continue
            same = [f for f in r.stances
                    if holders_match(f.holder, s["holder"]) and _same_evidence(f.evidence, s["evidence"])]
            if same:
                target_scores.append(max(overlap_f1(f.target, s["target"]) for f in same))
    target = {"matched": len(target_scores),
              "overlap_f1": round(sum(target_scores) / len(target_scores), 4) if target_scores else 0.0}
    return {"pair": pairs.as_dict(), "holder": holders.as_dict(), "holder_exact": exact.as_dict(),
            "confusion": {k: dict(v) for k, v in confusion.items()}, "target": target}


# ---- MSRA, mention level -----------------------------------------------------------------
MSRA_TAGS = ["O", "B-PER", "M-PER", "E-PER", "S-PER", "B-LOC", "M-LOC", "E-LOC", "S-LOC",
             "B-ORG", "M-ORG", "E-ORG", "S-ORG"]
MSRA_LABELS = ("PER", "LOC", "ORG")


def load_msra(corpus: Path, split: str) -> list[tuple[str, list[str]]]:
    """(text, tags) per sentence of a split written by corpus/scripts/build_corpus.py (`make corpus`)."""
    path = Path(corpus) / f"{split}.jsonl"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `make corpus` first")
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    return [(r["text"], r["tags"]) for r in rows]


def gold_spans(tags: list[str]) -> set[tuple[int, int, str]]:
    """Strict BMES spans (B…E or S), as SPEC §5 counts the MSRA gold."""
    spans, start, label = set(), None, None
    for i, tag in enumerate(tags):
        kind, _, lab = tag.partition("-")
        if kind == "S":
            spans.add((i, i + 1, lab))
            start = None
        elif kind == "B":
            start, label = i, lab
        elif kind == "E" and start is not None and lab == label:
            spans.add((start, i + 1, lab))
            start = None
        elif not (kind == "M" and start is not None and lab == label):
            start = None
    return spans


def mention_scores(gold: list[set], predicted: list[set]) -> dict[str, dict]:
    """Exact (start, end, label) matches per label and overall, in percent as MSRA results are quoted."""
    per = {k: PRF() for k in (*MSRA_LABELS, "ALL")}
    for g, p in zip(gold, predicted):
        for label in MSRA_LABELS:
            gl, pl = {x for x in g if x[2] == label}, {x for x in p if x[2] == label}
            for key in (label, "ALL"):
                per[key].add(len(gl & pl), len(pl - gl), len(gl - pl))
    return {k: {"p": round(100 * v.precision, 2), "r": round(100 * v.recall, 2), "f1": round(100 * v.f1, 2),
                "tp": v.tp, "fp": v.fp, "fn": v.fn} for k, v in per.items()}


def evaluate_msra(tagger, corpus: Path) -> dict[str, Any]:
    """The tagger alone (no lexicon, no rules) on the standard MSRA test set."""
    test = load_msra(corpus, "test")
    predicted = tagger.tag([text for text, _ in test], keep=set(MSRA_LABELS))
    return {"backend": tagger.version, "sentences": len(test), "characters": sum(len(t) for t, _ in test),
            "scores": mention_scores([gold_spans(tags) for _, tags in test],
                                     [{(s.start, s.end, s.tag) for s in spans} for spans in predicted])}


# ---- all together --------------------------------------------------------------------------
def run_gold(gold_path: str | Path, extractor) -> tuple[list[dict], list[Record]]:
    """The gold documents and the pipeline's records for their texts."""
    gold = load_gold(gold_path)
    results = list(extractor.pipe(gold_articles(gold, str(gold_path))))
    failed = [r for r in results if not isinstance(r, Record)]
    if failed:
        raise RuntimeError(f"{len(failed)} gold articles failed: {failed[0].reason}")
    return gold, results


def score(gold: list[dict], results: list[Record], gold_path: str | Path, pipeline_info: dict) -> dict[str, Any]:
    # a gold file may annotate only some parts (a money-only or stance-only set): score what it has
    annotated = {part: any(part in g for g in gold) for part in ("entities", "money", "stances")}
    return {"gold": str(gold_path), "documents": len(gold), "pipeline": pipeline_info,
            "entities": score_entities(gold, results) if annotated["entities"] else None,
            "money": score_money(gold, results) if annotated["money"] else None,
            "stances": score_stances(gold, results) if annotated["stances"] else None}


def evaluate(gold_path: str | Path, extractor) -> dict[str, Any]:
    gold, results = run_gold(gold_path, extractor)
    return score(gold, results, gold_path, extractor.info.model_dump())


def document_diffs(gold: list[dict], results: list[Record]) -> list[dict]:
    """Per document, what the pipeline found that gold does not have (spurious) and the reverse (missed)."""
    out = []
    for g, r in zip(gold, results):
        spurious, missed = [], []
        if "entities" in g:
            gs = {(norm(e["text"]), e["label"]): e["text"] for e in g["entities"]}
            ps = {(norm(e.text), e.label): e.text for e in r.entities}
            spurious += [f"{lab} {ps[(t, lab)]}" for t, lab in sorted(ps.keys() - gs.keys())]
            missed += [f"{lab} {gs[(t, lab)]}" for t, lab in sorted(gs.keys() - ps.keys())]
        if "money" in g:
            pm = [m.model_dump() for m in r.money]
            pairs = align_money(g["money"], pm)
            matched_g, matched_p = {a for a, _ in pairs}, {b for _, b in pairs}
            spurious += [f"{m['kind']} {m['text']} = {m['value']:g} {m['currency'] or ''}".rstrip()
                         for i, m in enumerate(pm) if i not in matched_p]
            missed += [f"{m['kind']} {m['text']} = {m['value']:g} {m['currency'] or ''}".rstrip()
                       for i, m in enumerate(g["money"]) if i not in matched_g]
        if "stances" in g:
            gs = {(s["holder"], s["polarity"]) for s in g["stances"]}
            ps = {(s.holder, s.polarity) for s in r.stances}
            spurious += [f"stance {h} {p}" for h, p in sorted(ps) if not any(holders_match(h, x) and p == y for x, y in gs)]
            missed += [f"stance {h} {p}" for h, p in sorted(gs) if not any(holders_match(h, x) and p == y for x, y in ps)]
        names = sorted({e["text"] for e in g.get("entities", [])} | {e.text for e in r.entities})
        out.append({"id": g["id"], "title": g.get("title"), "spurious": spurious, "missed": missed, "names": names})
    return out
