"""Several taggers as one (`[entities] backend = "lac+charner"`): every tagger tags every sentence, and
where their spans overlap the longest wins (the first tagger's on a tie). LAC knows modern company
and product names; our MSRA model is more precise and cuts names differently; together they score
higher on the news dev gold than either, for the time of both (see README, "Our NER model").
"""
from __future__ import annotations

from .lac import TaggedSpan


def longest_first(candidates: list[list[TaggedSpan]]) -> list[TaggedSpan]:
    """One sentence's spans from each tagger → the longest spans that do not overlap, in text order."""
    chosen: list[TaggedSpan] = []
    for span in sorted((s for spans in candidates for s in spans), key=lambda s: s.start - s.end):  # stable
        if all(span.end <= c.start or c.end <= span.start for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


class MergedTagger:
    def __init__(self, taggers: list):
        self.taggers = taggers
        self.version = "+".join(t.version for t in taggers)
        self.source = "+".join(t.version.split("@")[0] for t in taggers)

    def tag(self, texts: list[str], keep: set[str] | None = None) -> list[list[TaggedSpan]]:
        return [longest_first(list(candidates)) for candidates in zip(*(t.tag(texts, keep) for t in self.taggers))]
