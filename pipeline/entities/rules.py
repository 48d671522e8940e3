"""Small rules over the tagger's spans, each mending one systematic gap between LAC and SPEC §3.

A rule takes a span and the field's text and returns the span (changed or not) or None to drop it.
Lexicon matches are curated and pass untouched, except through the rules marked `all_sources`.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from ..doc import Span
from ..lexicon import Lexicon

# 中美, 中欧, 美日韩: abbreviations of several countries, not a place; LAC also reads 中美科技 as an ORG
_COUNTRY_PAIR = re.compile(r"^[中美日韩俄欧英法德印朝越澳加][中美日韩俄欧英法德印朝越澳加]+")
_ORG_SUFFIX = re.compile(r"(公司|集团|银行|协会|委员会|组织|中心|大学|学院|学校|中学|小学|医院|研究院|研究所|联盟|基金会"
                         r"|派出所|公安局|分局|法院|检察院|政府|管理局|[局部厅委会院所社台报网处署办行店厂])$")
# a place name whose tail says it is an institution: 采荷派出所, 嘉祥县人民法院
_INSTITUTION = re.compile(r"(派出所|公安局|公安分局|法院|检察院|医院|大学|学院|中学|小学|公司|银行|委员会|研究院|管理局|政府)$")
_MEDIA = ("新闻网", "日报", "晚报", "早报", "时报", "电视台", "广播电视台", "融媒体中心")
_GOVERNMENT = ("政府", "当局")
# what people are called by after their surname, besides the titles of corpus/lexicon/titles.txt
_HONORIFIC = ("先生", "女士", "小姐", "大爷", "大妈", "大叔", "大姐", "阿姨", "老板", "师傅", "同学")
_BOSS = re.compile(r"总(?![结共计是部体额量数统理监裁经会局务署之算得归])")

# model codes: H20, MI308, RTX 4090, C919; PRODUCT where the text around says product
MODEL_CODE = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Za-z]{0,5}[- ]?\d{1,5}[A-Za-z]{0,4}(?![A-Za-z0-9])")
_PRODUCT_AFTER = re.compile(r"(?:芯片|显卡|GPU|CPU|处理器|手机|平板|笔记本|电脑|汽车|车型|机型|系列|型号|服务器|客机|飞机|"
                            r"发动机|加速器|模型|大模型|型)")

Rule = Callable[[Span, str, Lexicon], "Span | None"]


def reshape(span: Span, start: int, end: int, text: str, label: str | None = None) -> Span:
    return Span(span.field, start, end, label or span.label, text[start:end], None, span.score, span.source)


def single_characters(span: Span, text: str, lexicon: Lexicon) -> Span | None:
    """华, 京: abbreviations, not names; a lone surname is a name with what people call him by: 韩先生,
    李经理, 钱主任, 胡大爷, 老李 (as the news gold writes them)."""
    if len(span.text) != 1:
        return span
    if span.label == "PER":
        for word in _HONORIFIC + lexicon.titles:
            if text.startswith(word, span.end):
                return reshape(span, span.start, span.end + len(word), text)
        if _BOSS.match(text, span.end):                                  # 王总表示, not 李总结
            return reshape(span, span.start, span.end + 1, text)
        if text[span.start - 1:span.start] in ("老", "小") and span.start > 0:
            return reshape(span, span.start - 1, span.end, text)
    return None if span.label in ("PER", "LOC", "ORG") else span


def titled_surname(name: str, lexicon: Lexicon) -> str | None:
    """The surname of a person named by surname and title (李科长, 王总, 魏老师), else None. Not
    先生/女士 and the like: the news writes 李先生 for a man it does not name, beside others called 李."""
    rest = name[1:]
    if rest == "总" or rest in lexicon.titles and rest not in _HONORIFIC:
        return name[0]
    return None


def country_pairs(span: Span, text: str, lexicon: Lexicon) -> Span | None:
    pair = _COUNTRY_PAIR.match(span.text)
    if pair and (span.label == "LOC" and pair.end() == len(span.text)
                 or span.label == "ORG" and not _ORG_SUFFIX.search(span.text)):
        return None
    return span


def location_suffixes(span: Span, text: str, lexicon: Lexicon) -> Span | None:
    """去美国化 → 美国; 台湾地区 → 台湾; 采荷派出所 is an ORG, not a LOC."""
    if span.label != "LOC":
        return span
    if span.text.endswith("化"):
        stem = lexicon.lookup(span.text[:-1])
        if stem is not None and stem.label == "LOC":
            return reshape(span, span.start, span.end - 1, text)
    if span.text.endswith("地区") and len(span.text) >= 4:
        return reshape(span, span.start, span.end - 2, text)
    if _INSTITUTION.search(span.text):
        return reshape(span, span.start, span.end, text, "ORG")
    return span


def anonymised(span: Span, text: str, lexicon: Lexicon) -> Span | None:
    """杨某, 李某某: the 某 belongs to the name."""
    if span.label == "PER" and text.startswith("某", span.end):
        return reshape(span, span.start, span.end + (2 if text.startswith("某某", span.end) else 1), text)
    return span


def titles(span: Span, text: str, lexicon: Lexicon) -> Span | None:
    """部长斯科特·贝森特 → 斯科特·贝森特; 美国财政部部长 → 美国财政部 (a title is not part of a name)."""
    if span.label not in ("PER", "ORG"):
        return span
    for title in lexicon.titles:
        if len(span.text) <= len(title) + 1:
            continue
        if span.label == "PER" and span.text.startswith(title):
            return reshape(span, span.start + len(title), span.end, text)
        if span.text.endswith(title):
            return reshape(span, span.start, span.end - len(title), text)
    return span


def government(span: Span, text: str, lexicon: Lexicon) -> Span | None:
    """美国政府, 特朗普政府: a place or person followed by 政府 is one ORG."""
    if span.label in ("LOC", "PER"):
        for word in _GOVERNMENT:
            if text.startswith(word, span.end):
                return reshape(span, span.start, span.end + len(word), text, "ORG")
    return span


def media(span: Span, text: str, lexicon: Lexicon) -> Span | None:
    """靖江新闻网, 安庆晚报: a place followed by a media word is one ORG."""
    if span.label == "LOC":
        for word in _MEDIA:
            if text.startswith(word, span.end):
                return reshape(span, span.start, span.end + len(word), text, "ORG")
    return span


def title_marks(span: Span, text: str, lexicon: Lexicon) -> Span | None:
    """台湾《联合报 → 联合报: a name does not run across a title or quote mark; a mark that opens inside
    the span opens the name, one that closes inside it ends the name."""
    start = span.start + max(span.text.rfind(c) for c in "《“「") + 1
    end = min((i for i in (text.find(c, start, span.end) for c in "》”」") if i >= 0), default=span.end)
    if (start, end) == (span.start, span.end):
        return span
    return reshape(span, start, end, text) if end - start >= 2 else None


_DEPARTMENT = re.compile(r"(?<=医院)[\u4e00-\u9fff]{1,5}?(?:科|室|部|中心)$")


def departments(span: Span, text: str, lexicon: Lexicon) -> Span | None:
    """北京协和医院泌尿科 → 北京协和医院: the hospital is the organisation, not its department."""
    department = _DEPARTMENT.search(span.text) if span.label == "ORG" else None
    return reshape(span, span.start, span.start + department.start(), text) if department else span


TAGGER_RULES: list[Rule] = [title_marks, departments, anonymised, single_characters, country_pairs,
                            location_suffixes, titles]
ALL_SOURCES_RULES: list[Rule] = [government, media]


def apply(span: Span, text: str, lexicon: Lexicon) -> Span | None:
    rules = ALL_SOURCES_RULES if span.source == "gazetteer" else TAGGER_RULES + ALL_SOURCES_RULES
    for rule in rules:
        span = rule(span, text, lexicon)
        if span is None:
            return None
    return span


def product_codes(text: str, field: str) -> list[Span]:
    """Model codes followed by a product word: H20芯片, C919客机, RTX 4090显卡."""
    return [Span(field, m.start(), m.end(), "PRODUCT", m.group(0), None, None, "rule")
            for m in MODEL_CODE.finditer(text) if _PRODUCT_AFTER.match(text, m.end() + (text[m.end():m.end() + 1] == " "))]


_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'.-]*")


def _joinable(prev: Span, span: Span, text: str) -> bool:
    if prev.field != span.field or prev.label != span.label:
        return False
    if prev.label == "LOC":
        return prev.end == span.start
    # a name in Latin letters is several words; the tagger, trained on Chinese, tags each alone
    return (prev.label == "PER" and text[prev.end:span.start] == " "
            and bool(_LATIN_WORD.fullmatch(prev.text.split(" ")[-1])) and bool(_LATIN_WORD.fullmatch(span.text)))


def join_adjacent(spans: list[Span], text_of: Callable[[str], str]) -> list[Span]:
    """山西省 长治市 武乡县 written together are one LOC (SPEC: contiguous administrative names), and
    ursula von der leyen, tagged a word at a time, is one PER."""
    out: list[Span] = []
    for span in spans:
        prev = out[-1] if out else None
        text = text_of(span.field)
        if prev is not None and _joinable(prev, span, text):
            joined = reshape(prev, prev.start, span.end, text)
            joined.score = min(s for s in (prev.score, span.score) if s is not None) if prev.score else span.score
            joined.source = "rule"
            out[-1] = joined
        else:
            out.append(span)
    return out
