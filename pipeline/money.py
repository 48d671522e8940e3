"""Monetary figures and percentages: found, normalized to exact numbers, and attributed.

    171.08亿美元 → 17108000000 USD        约55亿美元 → 5500000000 USD, approx
    人民币37000余元 → 37000 CNY, over       十至二十亿港元 → 1000000000 … 2000000000 HKD
    15%-30% → 15 … 30 percent               英伟达挽回百亿损失 → 百亿: 10000000000, no currency

Numbers are parsed with `Decimal`, so 171.08亿 is exactly 17108000000. A figure is money when a
currency is written (元, 美元, ￥ …), or when it has a 万/亿 magnitude and the clause is about money
(损失, 营收, 罚款, 被骗 …) without a counting word after it (6000余人, 1500余间 stay out).
Each figure gets the entity it belongs to (`subject`), what it measures (`metric`) and when (`period`),
where its sentence says so.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .doc import Doc, Span
from .registry import component
from .segment import sentences

# ---- numbers -----------------------------------------------------------------------------
DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "贰": 2, "貳": 2, "三": 3, "叁": 3, "参": 3,
          "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6, "七": 7, "柒": 7, "八": 8,
          "捌": 8, "九": 9, "玖": 9}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10 ** 4, "萬": 10 ** 4, "亿": 10 ** 8, "億": 10 ** 8}
UNITS = {**SMALL_UNITS, **BIG_UNITS}
_CN_CHARS = "".join(DIGITS) + "".join(UNITS)
VAGUE_PREFIXES = ("好几", "数", "几", "上", "成")


class NumberError(ValueError):
    pass


def _cn_integer(s: str) -> int:
    """二万 → 20000, 三千五百万 → 35000000, 一亿零五百万 → 105000000, 一万五 → 15000, 十二 → 12."""
    if not s:
        raise NumberError("empty numeral")
    for big, value in (("亿", 10 ** 8), ("億", 10 ** 8), ("万", 10 ** 4), ("萬", 10 ** 4)):
        if big in s:
            head, _, tail = s.rpartition(big) if big in ("亿", "億") else s.partition(big)
            high = _cn_integer(head) if head else 1
            if tail and tail[0] in DIGITS and len(tail) == 1 and tail not in ("零", "〇"):
                return high * value + DIGITS[tail] * value // 10    # 一万五 = 15000
            return high * value + (_cn_integer(tail) if tail.strip("零〇") else 0)
    total, digit, last_unit, zero = 0, None, None, False
    for ch in s:
        if ch in DIGITS:
            if DIGITS[ch] == 0:
                zero = True
                continue
            if digit is not None:
                raise NumberError(f"two digits in a row in {s!r}")
            digit = DIGITS[ch]
        elif ch in SMALL_UNITS:
            unit = SMALL_UNITS[ch]
            if last_unit is not None and unit >= last_unit:
                raise NumberError(f"units out of order in {s!r}")
            total += (1 if digit is None else digit) * unit
            digit, last_unit, zero = None, unit, False
        else:
            raise NumberError(f"not a numeral: {ch!r}")
    if digit is not None:
        # 一千五 = 1500 and 两百五 = 250, but 一千零五 = 1005 and 十二 = 12
        total += digit * last_unit // 10 if last_unit and last_unit >= 100 and not zero else digit
    return total


def parse_number(s: str) -> Decimal:
    """A written number as an exact Decimal: 1,234.5 / 二万 / 1.7万 / 171.08亿 / 1万亿 / 千亿 / 2万5 / 壹佰."""
    s = s.replace(",", "").replace("，", "")
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([十百千万亿萬億拾佰仟]*)(\d)?", s)
    if m:
        number, units, tail = Decimal(m.group(1)), m.group(2), m.group(3)
        scale = 1
        for ch in units:
            scale *= UNITS[ch]
        if tail:  # 2万5 = 2.5万
            if not units or units[-1] not in BIG_UNITS:
                raise NumberError(f"a digit after {units!r} in {s!r}")
            return number * scale + Decimal(tail) * scale / 10
        return number * scale
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([" + _CN_CHARS + "]+)", s)
    if m and all(c in UNITS for c in m.group(2)):
        return parse_number(m.group(1) + m.group(2))
    if not s or any(c not in _CN_CHARS for c in s):
        raise NumberError(f"not a number: {s!r}")
    if s[0] in UNITS and s[0] not in ("十", "拾") and s[0] in SMALL_UNITS:
        s = "一" + s                                           # 百亿 = 一百亿, 千亿 = 一千亿
    if all(c in DIGITS for c in s) and len(s) > 1:            # 二〇二五 read digit by digit
        return Decimal("".join(str(DIGITS[c]) for c in s))
    return Decimal(_cn_integer(s))


@dataclass(frozen=True)
class Amount:
    value: Decimal
    value_max: Decimal | None = None
    qualifier: str | None = None       # from the numeral itself: 数万 → over


def parse_amount(s: str) -> Amount:
    """A number, a vague number (数万, 几十万, 上百, 十几) or an adjacent-digit range (两三万, 十六七万)."""
    if s == "几":                                              # 几元钱 → 1, over
        return Amount(Decimal(1), None, "over")
    for prefix in VAGUE_PREFIXES:
        if s.startswith(prefix) and len(s) > len(prefix) and all(c in UNITS for c in s[len(prefix):]):
            scale = 1
            for c in s[len(prefix):]:
                scale *= UNITS[c]
            return Amount(Decimal(scale), None, "over")       # 数万 → 10000, at least
    m = re.fullmatch(r"([十拾])几([" + "".join(UNITS) + "]*)", s)
    if m:                                                      # 十几万 → 100000, over
        scale = 10
        for c in m.group(2):
            scale *= UNITS[c]
        return Amount(Decimal(scale), None, "over")
    m = re.fullmatch(r"(.*?)([一二两三四五六七八九])([一二两三四五六七八九])([" + "".join(UNITS) + "]*)", s)
    if m and DIGITS[m.group(3)] == DIGITS[m.group(2)] + 1 and (m.group(1) or m.group(4)):
        head, low, high, units = m.groups()                   # 十六七万, 两三万, 三四百
        return Amount(parse_number(head + low + units), parse_number(head + high + units))
    return Amount(parse_number(s))


# ---- the grammar -------------------------------------------------------------------------
CURRENCIES = {  # longest first matters where one name ends another (元 / 美元)
    "元人民币": "CNY", "新台币": "TWD", "人民币": "CNY", "元钱": "CNY", "块钱": "CNY", "美元": "USD",
    "美金": "USD", "欧元": "EUR", "日元": "JPY", "日圆": "JPY", "港元": "HKD", "港币": "HKD", "英镑": "GBP",
    "台币": "TWD", "韩元": "KRW", "卢布": "RUB", "澳元": "AUD", "加元": "CAD", "元": "CNY", "块": "CNY",
}
PREFIX_CURRENCIES = {"人民币": "CNY", "新台币": "TWD", "港币": "HKD", "港元": "HKD", "美元": "USD", "欧元": "EUR",
                     "RMB": "CNY", "CNY": "CNY", "USD": "USD", "HKD": "HKD", "EUR": "EUR", "US$": "USD",
                     "HK$": "HKD", "NT$": "TWD", "￥": "CNY", "¥": "CNY", "$": "USD", "€": "EUR", "£": "GBP"}
QUALIFIERS_BEFORE = {
    "大约": "approx", "大概": "approx", "将近": "approx", "接近": "approx", "差不多": "approx", "约合": "approx",
    "约": "approx", "近": "approx", "超过": "over", "不低于": "over", "不少于": "over", "至少": "over",
    "最少": "over", "高于": "over", "多于": "over", "突破": "over", "逾": "over", "超": "over",
    "不超过": "under", "不到": "under", "不足": "under", "低于": "under", "少于": "under", "未满": "under",
    "不满": "under",
}
QUALIFIERS_AFTER = {"左右": "approx", "上下": "approx", "以上": "over", "有余": "over", "之多": "over",
                    "以下": "under", "以内": "under"}
MONEY_METRICS = ("营业收入", "净利润", "营业利润", "毛利润", "营收", "收入", "利润", "盈利", "亏损", "损失", "费用",
                 "罚款", "罚金", "罚没款", "市值", "估值", "融资", "投资", "投入", "库存", "成交额", "交易额", "销售额",
                 "营业额", "出口额", "进口额", "目标价", "股价", "售价", "价格", "票价", "房价", "租金", "房租", "工资",
                 "薪资", "薪酬", "月薪", "年薪", "奖金", "奖励", "赔偿金", "赔偿", "补偿", "补贴", "资产", "负债", "债务",
                 "欠款", "借款", "贷款", "存款", "预算", "成本", "支出", "开支", "税收", "订单", "资金", "公款", "赃款")
PERCENT_METRICS = ("毛利率", "净利率", "增长率", "增速", "增长", "下降", "下滑", "涨幅", "跌幅", "上涨", "下跌", "占比",
                   "份额", "利率", "税率", "费率", "比例", "失业率", "通胀")
MONEY_WORDS = ("损失", "亏损", "营收", "收入", "利润", "盈利", "赚", "罚款", "罚金", "赔偿", "补偿", "索赔", "融资",
               "投资", "募资", "估值", "市值", "成交额", "交易额", "销售额", "营业额", "资产", "负债", "债务", "举债",
               "欠款", "借款", "贷款", "转账", "汇款", "付款", "支付", "付", "骗", "诈骗", "贪污", "受贿", "挪用",
               "花费", "花了", "耗资", "斥资", "价值", "售价", "价格", "资金", "工资", "薪", "奖金", "租金", "房租",
               "预算", "补贴", "拨款", "捐款", "捐赠", "收费", "费用", "成本", "公款", "赃款", "现金", "存款", "借",
               "欠", "贷", "还款", "坑", "赌资", "利息", "本金", "红包", "彩礼", "挣")
# after a bare number these words say it counts something other than money
COUNTERS = re.compile(r"^(?:余|多)?(?:人|名|位|个|家|间|座|件|次|辆|台|套|户|吨|公斤|千克|克|斤|平方|亩|公里|千米|米|条|只|头|"
                      r"项|起|张|本|部|所|场|篇|份|股|手|倍|年|月|日|天|小时|分钟|秒|岁|度|级|分|票|字|页|层|楼|号|届|期|批|"
                      r"例|种|类|款|辆次|人次|粒|瓶|盒|箱|袋|根|颗|棵|株|片|块|处|栋|幢|套|台|架|艘|列)")
PERIOD = re.compile(
    r"(?:\d{4}|[一二〇零]{4}|今|去|明|前)(?:自然|财|会计)?年(?:度)?"
    r"(?:第?[一二三四1-4]季度|[上下]半年|前三季度|全年|同期|\d{1,2}月(?:份)?)?"
    r"|(?:第?[一二三四1-4]|本|上|下)季度|季度|[上下]半年|前三季度|全年|同期|年内|年底|年初|\d{1,2}月(?:份)?")
CLAUSE_END = re.compile(r"[，,；;。！？!?\n：:]")

_NUM = r"\d+(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN = "[" + _CN_CHARS + "]"
NUMBER = (r"(?:(?:好几|数|几|上|成)[十百千万亿]+|[十拾]几[万亿]*|(?<=近)[万亿]|几(?=元|块)"
          r"|(?:" + _NUM + r")(?:[十百千万亿]+(?:\d(?![\d.十百千万亿]))?)?"
          r"|" + _CN + r"*[一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟〇零]" + _CN + r"*)")
_SEP = r"(?:至|到|-|–|—|~|～|－)"
_QB = "|".join(sorted(QUALIFIERS_BEFORE, key=len, reverse=True))
_QA = "|".join(sorted(QUALIFIERS_AFTER, key=len, reverse=True))
_CUR = "|".join(sorted(CURRENCIES, key=len, reverse=True))
_PCUR = "|".join(re.escape(c) for c in sorted(PREFIX_CURRENCIES, key=len, reverse=True))

FIGURE = re.compile(
    rf"(?P<qb>{_QB})?(?P<pcur>{_PCUR})?\s?(?P<neg>负|(?<![\d%％])[-－])?"
    rf"(?:百分之(?P<pct_cn>{NUMBER})(?:{_SEP}百分之(?P<pct_cn2>{NUMBER}))?|(?P<per>千分之|万分之)(?P<per_num>{NUMBER})"
    rf"|(?P<num>{NUMBER})(?:(?P<pct1>[%％])?(?P<sep>{_SEP})(?P<num2>{NUMBER}))?"
    rf"(?P<fuzzy>余|多)?(?P<units>[十百千万亿]*)"
    rf"(?:(?P<pct>[%％]|个百分点)|(?P<cur>{_CUR})(?P<jiao>(?<=块)\d(?![\d.])|[一二三四五六七八九][毛角]"
    rf"|(?<=块)[一二三四五六七八九](?![\u4e00-\u9fff]))?"
    rf"|(?P<mao>毛钱|角钱|毛|角)|(?P<k>[kK](?![A-Za-z]))|(?P<cheng>成)|))"
    rf"(?P<qa>{_QA})?")
_CURRENCY_SOON = re.compile(rf"(?:以上|以下|余|多)?(?:不满|不足|不到|至|到|-|～|~|或)\s?(?:{NUMBER})[十百千万亿]*(?P<cur>{_CUR})")
_CURRENCY_BEFORE = re.compile(r"人民币|新台币|港币|港元|美元|欧元|英镑|日元")
_WORD_CURRENCIES = {"人民币", "新台币", "港币", "港元", "美元", "欧元"}
_PAID = re.compile(r"(?:花了|花费|花掉|另收|收费|收取|交了|付了|赔了|罚了|赚了|挣了|亏了|费用(?:大概|大约)?在?)"
                   r"(?:约|大概|大约|好)?$")
_WORD_BEFORE = re.compile(r"[A-Za-z0-9_./]")
_NOT_CURRENCY_AFTER = {"元": "旦宵素首件老帅朝代器音曲年", "块": "石头砖板地肉糖钢木玻骨田区块"}
_CHENG_AFTER = "为了功立就本员交绩果型熟长都市人语品年"


@dataclass
class Figure:
    text: str
    start: int
    end: int
    kind: str
    value: Decimal
    value_max: Decimal | None
    currency: str | None
    qualifier: str | None
    subject: str | None = None
    metric: str | None = None
    period: str | None = None
    field: str = "text"

    def as_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end, "kind": self.kind,
                "value": float(self.value), "value_max": None if self.value_max is None else float(self.value_max),
                "currency": self.currency, "qualifier": self.qualifier, "subject": self.subject,
                "metric": self.metric, "period": self.period, "field": self.field}


def _clause_before(text: str, pos: int) -> str:
    start = max((m.end() for m in CLAUSE_END.finditer(text, max(0, pos - 60), pos)), default=max(0, pos - 60))
    return text[start:pos]


def _money_context(text: str, start: int, end: int) -> bool:
    """A bare 万/亿 number is money when its clause speaks of money (no counting word follows it)."""
    after = text[end:end + 4]
    if any(after.lstrip("的").startswith(m) for m in MONEY_METRICS):
        return True
    return any(w in _clause_before(text, start) for w in MONEY_WORDS)


_NEARBY_BEFORE = re.compile(r"(至少|最少|超过|不低于|不少于|大约|不到|不足)[\u4e00-\u9fff]{1,2}$")
_NEARBY_AFTER = re.compile(r"也?(不到|不足)")


def _qualifier_nearby(text: str, start: int, end: int) -> str | None:
    """至少交易2,000,000美元, 至少有50%, 100元也不到: a qualifier one verb away."""
    before = _NEARBY_BEFORE.search(text[max(0, start - 5):start])
    if before:
        return QUALIFIERS_BEFORE[before.group(1)]
    return "under" if _NEARBY_AFTER.match(text, end) else None


def _sentence_says_salary(text: str, pos: int) -> bool:
    left = text.rfind("。", 0, pos) + 1
    right = text.find("。", pos)
    return bool(re.search(r"薪|工资|收入|待遇", text[left:right if right >= 0 else len(text)]))


def _scale(units: str) -> Decimal:
    scale = Decimal(1)
    for c in units:
        scale *= UNITS[c]
    return scale


def _figure(m: re.Match[str], text: str, default_currency: str) -> Figure | None:
    g = m.groupdict()
    start = m.start()
    if start > 0 and _WORD_BEFORE.match(text[start - 1]):
        return None                                             # H20, G20, 5.1.2 versions
    qualifier = QUALIFIERS_BEFORE.get(g["qb"]) if g["qb"] else None
    try:
        if g["per_num"]:                                        # 千分之三 = 0.3%, 万分之五 = 0.05%
            value = parse_number(g["per_num"]) / (10 if g["per"] == "千分之" else 100)
            return Figure(m.group(0), start, m.end(), "percent", value, None, None, qualifier)
        if g["pct_cn"]:
            low = parse_amount(g["pct_cn"])
            high = parse_amount(g["pct_cn2"]) if g["pct_cn2"] else None
            return Figure(m.group(0), start, m.end(), "percent", low.value, high.value if high else None, None,
                          QUALIFIERS_AFTER.get(g["qa"]) if g["qa"] else qualifier or low.qualifier)
        low = parse_amount(g["num"])
        high = parse_amount(g["num2"]) if g["num2"] else None
    except (NumberError, InvalidOperation, KeyError):
        return None
    units = _scale(g["units"]) if g["units"] else Decimal(1)
    if g["neg"]:                                                # 负1.39亿元, -3.5亿元
        units = -units
    value = low.value * units
    value_max = high.value * units if high else low.value_max * units if low.value_max is not None else None
    if high and value_max is not None and value_max > value * 10 and not re.search(r"[万亿]$", g["num"]):
        # 十到二十亿: the magnitude written once, on the second number, belongs to both
        tail = re.search(r"[万亿]+$", g["num2"])
        if tail and not re.search(r"[\d]", g["num"]):
            value = low.value * _scale(tail.group(0)) * units
    fuzzy = "over" if g["fuzzy"] else None
    after = QUALIFIERS_AFTER.get(g["qa"]) if g["qa"] else None
    qualifier = after or qualifier or fuzzy or low.qualifier or _qualifier_nearby(text, start, m.end())
    end = m.end()
    if g["pct"] or g["pct1"] and g["sep"]:
        if not g["pct"]:
            return None
        metric = "百分点" if g["pct"] == "个百分点" else None
        fig = Figure(text[start:end], start, end, "percent", value, value_max, None, qualifier)
        fig.metric = metric
        return fig
    if g["cheng"]:
        if high or units != 1 or value > 10 or text[m.end("cheng"):m.end("cheng") + 1] in _CHENG_AFTER \
                or (not g["num"].isdigit() and not g["qb"]):
            return None
        return Figure(text[start:end], start, end, "percent", value * 10, None, None, qualifier)
    currency = None
    if g["pcur"]:
        currency = PREFIX_CURRENCIES[g["pcur"]]
    if g["cur"]:
        nxt = text[m.end("cur"):m.end("cur") + 1]
        if nxt and nxt in _NOT_CURRENCY_AFTER.get(g["cur"], ""):
            return None
        if g["cur"] == "块" and not _plausible_kuai(text, m, units * low.value):
            return None
        if currency is None:  # 新台币6900万元: the prefix names the currency, 元 only ends it
            currency = CURRENCIES[g["cur"]]
            if g["cur"] in ("元", "块", "元钱", "块钱"):
                currency = default_currency
        if g["jiao"]:                                           # 13块9 = 13.9, 3元5角 = 3.5
            jiao = g["jiao"].rstrip("毛角")
            value += Decimal(DIGITS.get(jiao, jiao if jiao.isdigit() else 0)) / 10
    elif g["mao"]:
        nxt = text[m.end("mao"):m.end("mao") + 1]
        if g["mao"] in ("毛", "角") and nxt and "\u4e00" <= nxt <= "\u9fff" and nxt not in "的奖一每":
            return None
        value, value_max = value / 10, value_max / 10 if value_max is not None else None
        currency = "CNY"
    elif g["k"]:
        if units != 1 or not _sentence_says_salary(text, start):
            return None
        value, value_max = value * 1000, value_max * 1000 if value_max is not None else None
    elif currency is None or g["pcur"] in _WORD_CURRENCIES:
        magnitude = re.search(r"[万亿]", g["num"] + (g["num2"] or "") + g["units"])
        if g["pcur"] in _WORD_CURRENCIES:                      # 人民币500 yes, 美元一张 no
            return fig_or_none(magnitude or re.search(r"\d", g["num"]), text, start, end, value, value_max,
                               currency, qualifier)
        if COUNTERS.match(text[end:end + 4]):
            return None
        if not magnitude:                                       # 花了一千多, 另收300: a paying verb right before
            if not _PAID.search(text, max(0, start - 6), start):
                return None
            return Figure(text[start:end], start, end, "money", value, value_max, None, qualifier)
        soon = _CURRENCY_SOON.match(text, end)               # 2万以上不满40万元: the next figure's currency
        named = _CURRENCY_BEFORE.search(_clause_before(text, start))  # 人民币共计109.75万
        if soon:
            currency = CURRENCIES[soon.group("cur")]
        elif named:
            currency = PREFIX_CURRENCIES.get(named.group(0)) or CURRENCIES[named.group(0)]
        elif not _money_context(text, start, end):
            return None
    return Figure(text[start:end], start, end, "money", value, value_max, currency, qualifier)


def fig_or_none(ok, text: str, start: int, end: int, value: Decimal, value_max: Decimal | None,
                currency: str | None, qualifier: str | None) -> Figure | None:
    return Figure(text[start:end], start, end, "money", value, value_max, currency, qualifier) if ok else None


def _plausible_kuai(text: str, m: re.Match[str], value: Decimal) -> bool:
    """块 is also a counting word (三块石头): take it as yuan after a magnitude, or before 钱, a digit or a stop."""
    nxt = text[m.end("cur"):m.end("cur") + 1]
    return m.group("cur") == "块钱" or value >= 100 or bool(m.group("jiao")) or not nxt or not (
        "\u4e00" <= nxt <= "\u9fff") or nxt in "的左多"


def default_currency(text: str) -> str:
    """What a bare 元 means: CNY, unless the article prices in one other yuan (新台币 … 下同)."""
    declared = re.search(r"[（(](新台币|台币|港币|港元|人民币)[，,、]?下同[)）]", text)
    if declared:
        return CURRENCIES[declared.group(1)]
    others = {CURRENCIES[c] for c in ("新台币", "台币", "港币", "港元") if c in text}
    if len(others) == 1 and "人民币" not in text:
        return others.pop()
    return "CNY"


def find_figures(text: str, currency: str | None = None) -> list[Figure]:
    """Every money and percent figure in `text`, in order."""
    currency = currency or default_currency(text)
    figures = []
    for m in FIGURE.finditer(text):
        if not (m.group("num") or m.group("pct_cn") or m.group("per_num")):
            continue
        fig = _figure(m, text, currency)
        if fig is not None:
            figures.append(fig)
    return figures


# ---- attribution -------------------------------------------------------------------------
def _metric(text: str, fig: Figure, clause: tuple[int, int], sentence: tuple[int, int]) -> str | None:
    """What the figure measures: a metric word just after it (55亿美元季度收入, 45亿美元的H20芯片库存),
    else the nearest one before it in its clause, else in its sentence."""
    metrics = MONEY_METRICS if fig.kind == "money" else PERCENT_METRICS + MONEY_METRICS
    after = text[fig.end:min(clause[1], fig.end + 10)]
    found = [(after.find(w), -len(w), w) for w in metrics if w in after]
    if found:
        return min(found)[2]
    for left in (clause[0], sentence[0]):
        before = text[left:fig.start]
        found = [(before.rfind(w) + len(w), len(w), w) for w in metrics if w in before]  # nearest end, longest
        if found:
            return max(found)[2]
    return None


def _period(text: str, fig: Figure, sent_start: int) -> str | None:
    """When: a time word right after the figure (约55亿美元季度收入 → 季度), else the last one before it."""
    after = PERIOD.match(text, fig.end + (1 if text.startswith("的", fig.end) else 0))
    if after:
        return after.group(0)
    before = list(PERIOD.finditer(text, sent_start, fig.start))
    return before[-1].group(0) if before else None


def attribute(fig: Figure, text: str, sentences: list[tuple[int, int]], holders: list[Span],
              holder_starts: list[int]) -> None:
    """Fill subject, metric and period; `holders` are the field's ORG/PER spans sorted by start."""
    k = bisect_right(sentences, (fig.start, len(text))) - 1
    sent_start, sent_end = sentences[k] if k >= 0 else (0, len(text))
    clause_start = max((m.end() for m in CLAUSE_END.finditer(text, sent_start, fig.start)), default=sent_start)
    clause_end = CLAUSE_END.search(text, fig.end)
    clause_end = clause_end.start() if clause_end else len(text)
    # the subject: the clause's first organisation or person, else the nearest one before in the sentence
    before = [e for e in holders[bisect_left(holder_starts, sent_start):bisect_left(holder_starts, fig.start)]
              if e.end <= fig.start]
    in_clause = [e for e in before if e.start >= clause_start]
    chosen = in_clause[0] if in_clause else before[-1] if before else None
    fig.subject = (chosen.canonical or chosen.text) if chosen else None
    fig.metric = fig.metric or _metric(text, fig, (clause_start, clause_end), (sent_start, sent_end))
    fig.period = _period(text, fig, sent_start)


@component("money")
def make_money_finder(config: dict) -> Callable[[list[Doc]], None]:
    def find_money(docs: list[Doc]) -> None:
        for doc in docs:
            currency = default_currency((doc.title or "") + "\n" + doc.text)
            doc.money = []
            for name, text in doc.fields():
                holders = sorted((e for e in doc.entities if e.field == name and e.label in ("ORG", "PER")),
                                 key=lambda e: e.start)
                starts = [e.start for e in holders]
                spans = doc.sentences.get(name) or sentences(text)
                for fig in find_figures(text, currency):
                    fig.field = name
                    attribute(fig, text, spans, holders, starts)
                    doc.money.append(fig.as_dict())
    return find_money
