"""Money and percentages: exact values for every written form, attribution, and what is not money."""
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.money import find_figures, parse_amount, parse_number

E8 = 10 ** 8


def one(text):
    figures = find_figures(text)
    assert len(figures) == 1, [(f.text, f.value) for f in figures]
    f = figures[0]
    return f.kind, f.value, f.value_max, f.currency, f.qualifier


# SPEC §3's table, row by row, then every form the money issue lists.
@pytest.mark.parametrize("text, expected", [
    ("171.08亿美元", ("money", 17108000000, None, "USD", None)),
    ("约55亿美元", ("money", 5500000000, None, "USD", "approx")),
    ("超过150亿美元", ("money", 15000000000, None, "USD", "over")),
    ("人民币37000余元", ("money", 37000, None, "CNY", "over")),
    ("二万元", ("money", 20000, None, "CNY", None)),
    ("两万块", ("money", 20000, None, "CNY", None)),
    ("100多元", ("money", 100, None, "CNY", "over")),
    ("十至二十亿港元", ("money", 10 ** 9, 2 * 10 ** 9, "HKD", None)),
    ("增长66%", ("percent", 66, None, None, None)),
    ("百分之六十六", ("percent", 66, None, None, None)),
    ("15%-30%", ("percent", 15, 30, None, None)),
    ("英伟达挽回百亿损失", ("money", 10 ** 10, None, None, None)),
    # Arabic numbers, thousands separators, decimals
    ("1,234.5元", ("money", Decimal("1234.5"), None, "CNY", None)),
    ("1，000美元", ("money", 1000, None, "USD", None)),
    ("393.0568万元", ("money", 3930568, None, "CNY", None)),
    # Chinese numerals: 零/〇, 两, 十几, the short forms
    ("三千五百万元", ("money", 35000000, None, "CNY", None)),
    ("一万零五百元", ("money", 10500, None, "CNY", None)),
    ("一千〇五元", ("money", 1005, None, "CNY", None)),
    ("两百五十元", ("money", 250, None, "CNY", None)),
    ("六千两百元", ("money", 6200, None, "CNY", None)),
    ("一万五千元", ("money", 15000, None, "CNY", None)),
    ("十几万元", ("money", 100000, None, "CNY", "over")),
    # financial numerals
    ("壹万贰仟元", ("money", 12000, None, "CNY", None)),
    ("人民币叁佰伍拾元", ("money", 350, None, "CNY", None)),
    ("柒佰万元", ("money", 7000000, None, "CNY", None)),
    # mixed forms
    ("1.7万元", ("money", 17000, None, "CNY", None)),
    ("3.5亿元", ("money", 350000000, None, "CNY", None)),
    ("1万亿元", ("money", 10 ** 12, None, "CNY", None)),
    ("千亿元", ("money", 10 ** 11, None, "CNY", None)),
    ("索赔2万5", ("money", 25000, None, None, None)),
    ("13块9", ("money", Decimal("13.9"), None, "CNY", None)),
    ("三元五角", ("money", Decimal("3.5"), None, "CNY", None)),
    ("两毛钱", ("money", Decimal("0.2"), None, "CNY", None)),
    # negative
    ("现金流为负1.39亿元", ("money", -139000000, None, "CNY", None)),
    ("净利润为-3.5亿元", ("money", -350000000, None, "CNY", None)),
    # currencies, as words before or after and as symbols
    ("500块钱", ("money", 500, None, "CNY", None)),
    ("人民币500", ("money", 500, None, "CNY", None)),
    ("500元人民币", ("money", 500, None, "CNY", None)),
    ("100美金", ("money", 100, None, "USD", None)),
    ("5亿欧元", ("money", 5 * E8, None, "EUR", None)),
    ("300日元", ("money", 300, None, "JPY", None)),
    ("20港币", ("money", 20, None, "HKD", None)),
    ("20英镑", ("money", 20, None, "GBP", None)),
    ("新台币6900万元", ("money", 69000000, None, "TWD", None)),
    ("6900万台币", ("money", 69000000, None, "TWD", None)),
    ("1000韩元", ("money", 1000, None, "KRW", None)),
    ("300万卢布", ("money", 3000000, None, "RUB", None)),
    ("50澳元", ("money", 50, None, "AUD", None)),
    ("50加元", ("money", 50, None, "CAD", None)),
    ("￥300", ("money", 300, None, "CNY", None)),
    ("¥12", ("money", 12, None, "CNY", None)),
    ("$100", ("money", 100, None, "USD", None)),
    ("US$2.5亿", ("money", 2.5 * E8, None, "USD", None)),
    ("HK$20", ("money", 20, None, "HKD", None)),
    ("€5亿", ("money", 5 * E8, None, "EUR", None)),
    ("£20", ("money", 20, None, "GBP", None)),
    # percentages
    ("上升3个百分点", ("percent", 3, None, None, None)),
    ("增长６６％", ("percent", 66, None, None, None)),
    ("10%至20%", ("percent", 10, 20, None, None)),
    ("15-30%", ("percent", 15, 30, None, None)),
    ("百分之四十至百分之五十", ("percent", 40, 50, None, None)),
    ("通道费率仅万分之五", ("percent", Decimal("0.05"), None, None, None)),
    ("占总规模的7成，", ("percent", 70, None, None, None)),
    # money ranges and vague amounts
    ("10亿至20亿美元", ("money", 10 ** 9, 2 * 10 ** 9, "USD", None)),
    ("十到二十亿港元", ("money", 10 ** 9, 2 * 10 ** 9, "HKD", None)),
    ("两三万元", ("money", 20000, 30000, "CNY", None)),
    ("十六七万元", ("money", 160000, 170000, "CNY", None)),
    ("1万-5万元", ("money", 10000, 50000, "CNY", None)),
    ("5000-8000元", ("money", 5000, 8000, "CNY", None)),
    ("数万元", ("money", 10000, None, "CNY", "over")),
    ("几十万元", ("money", 100000, None, "CNY", "over")),
    ("上百元", ("money", 100, None, "CNY", "over")),
    ("近亿元", ("money", E8, None, "CNY", "approx")),
    ("数十万欧元", ("money", 100000, None, "EUR", "over")),
    # qualifiers, before and after
    ("大约90%", ("percent", 90, None, None, "approx")),
    ("近百亿元", ("money", 10 ** 10, None, "CNY", "approx")),
    ("逾200万元", ("money", 2000000, None, "CNY", "over")),
    ("378万余元", ("money", 3780000, None, "CNY", "over")),
    ("24万多元", ("money", 240000, None, "CNY", "over")),
    ("50万元以上", ("money", 500000, None, "CNY", "over")),
    ("五百元以下", ("money", 500, None, "CNY", "under")),
    ("100元左右", ("money", 100, None, "CNY", "approx")),
    ("不到2000元", ("money", 2000, None, "CNY", "under")),
    ("不足2000元", ("money", 2000, None, "CNY", "under")),
    ("不低于500元", ("money", 500, None, "CNY", "over")),
    ("不超过1000元", ("money", 1000, None, "CNY", "under")),
    ("突破十万元", ("money", 100000, None, "CNY", "over")),
    ("至少交易2，000，000美元", ("money", 2000000, None, "USD", "over")),
    ("100元也不到", ("money", 100, None, "CNY", "under")),
    # money without a currency, from its clause
    ("转账400多万公款", ("money", 4000000, None, None, "over")),
    ("在乾和资管三天亏损两百万", ("money", 2000000, None, None, None)),
    ("男子举债数千万", ("money", 10 ** 7, None, None, "over")),
    ("预计信托收入影响约117亿", ("money", 117 * E8, None, None, "approx")),
    ("管理岗薪酬最高，平均达到23k", ("money", 23000, None, None, None)),
    ("郑某等人给予的人民币共计109.75万，以", ("money", 1097500, None, "CNY", None)),
    ("银行被坑8000万！", ("money", 80000000, None, None, None)),
    # small amounts without a currency only right after a paying verb
    ("花了一千多治好了", ("money", 1000, None, None, "over")),
    ("最后麻醉针还要另收300，", ("money", 300, None, None, None)),
    ("商家愿意赔偿一两千元", ("money", 1000, 2000, "CNY", None)),
    ("价格仅有几元钱的食品", ("money", 1, None, "CNY", "over")),
])
def test_forms(text, expected):
    kind, value, value_max, currency, qualifier = expected
    got = one(text)
    assert got[0] == kind
    assert got[1] == Decimal(value) and (got[2] is None) == (value_max is None)
    if value_max is not None:
        assert got[2] == Decimal(value_max)
    assert got[3:] == (currency, qualifier)


def test_values_are_exact():
    [f] = find_figures("171.08亿美元")
    assert f.value == Decimal("17108000000") and f.as_dict()["value"] == 17108000000.0
    assert parse_number("0.1万") + parse_number("0.2万") == Decimal("3000")


@pytest.mark.parametrize("text", [
    "6000余人参加", "1500余间房屋", "比赛进行了90分钟", "他今年35岁", "考了89.2分", "发生4.7级地震",
    "电话13812345678", "拨打010-12345678", "2019年1月28日", "2019-01-28", "英伟达H20芯片", "二季度", "七月",
    "一些人", "十分重要", "千万不要", "三块石头", "元旦放假", "投资带动就业1.2万人", "千亿级大模型训练",
    "一成不变", "这事八成是他干的", "G20峰会", "第一", "iPhone 15", "5G手机", "伪造美元一张", "他有一千多个粉丝",
    "他花了3天时间",
])
def test_not_money(text):
    assert find_figures(text) == []


def test_a_bare_bound_takes_the_currency_of_the_next_figure():
    figures = find_figures("一类地区以2万以上不满40万元")
    assert [(f.value, f.currency, f.qualifier) for f in figures] == [(20000, "CNY", "over"), (400000, "CNY", "under")]


def test_a_currency_elsewhere_in_the_clause_does_not_make_counts_money():
    assert find_figures("人民币升值使出口企业3万家受影响") == []
    assert find_figures("美元汇率上涨，投资者损失约5亿")[0].currency is None  # another clause


def test_a_taiwan_article_prices_bare_yuan_in_twd():
    text = "义美违反规定，最重可罚2亿元(新台币，下同)。另罚款30万元。"
    assert [f.currency for f in find_figures(text)] == ["TWD", "TWD"]
    assert [f.currency for f in find_figures("他骗保6900万台币，又借了24万多元。")] == ["TWD", "TWD"]


def test_seed_figures_and_their_attribution(seed_record):
    money = [(m.text, m.value, m.currency, m.qualifier) for m in seed_record.money]
    assert money == [
        ("171.08亿美元", 17108000000, "USD", None), ("103.06亿美元", 10306000000, "USD", None),
        ("66%", 66, None, None), ("约55亿美元", 5500000000, "USD", "approx"), ("45亿美元", 4500000000, "USD", None),
        ("超过150亿美元", 15000000000, "USD", "over"), ("8亿美元", 800000000, "USD", None),
        ("15亿美元", 1500000000, "USD", None), ("45亿美元", 4500000000, "USD", None), ("15%-30%", 15, None, None),
        ("约63%", 63, None, "approx"), ("约42%", 42, None, "approx"), ("40%", 40, None, None),
        ("百亿", 10000000000, None, None)]
    by_text = {m.text: m for m in seed_record.money}
    for m in seed_record.money:
        assert seed_record.text[m.start:m.end] == m.text
    assert (by_text["171.08亿美元"].subject, by_text["171.08亿美元"].metric, by_text["171.08亿美元"].period) == (
        "英伟达", "营收", "2024自然年")
    assert (by_text["约55亿美元"].subject, by_text["约55亿美元"].metric, by_text["约55亿美元"].period) == (
        "英伟达", "收入", "季度")
    assert (by_text["8亿美元"].subject, by_text["8亿美元"].metric, by_text["8亿美元"].period) == ("AMD", "收入", "二季度")
    assert by_text["超过150亿美元"].metric == "损失" and by_text["超过150亿美元"].period == "全年"
    assert by_text["百亿"].metric == "损失" and by_text["15%-30%"].value_max == 30


def test_attribution_in_a_made_up_report(extractor):
    record = extractor("2024年第三季度，腾讯营收1671亿元，同比增长8%；净利润为532亿元。阿里巴巴去年被罚款182.28亿元。")
    got = [(m.text, m.subject, m.metric, m.period) for m in record.money]
    assert got == [("1671亿元", "腾讯", "营收", "2024年第三季度"), ("8%", "腾讯", "增长", "2024年第三季度"),
                   ("532亿元", "腾讯", "净利润", "2024年第三季度"), ("182.28亿元", "阿里巴巴", "罚款", "去年")]


# ---- properties -------------------------------------------------------------------------
DIGIT_CHARS = "零一二三四五六七八九"


def to_chinese(n: int, liang: bool) -> str:
    """The standard Chinese numeral of n (零 for gaps; 两 before a unit when asked)."""
    if n == 0:
        return "零"

    def below_10000(x: int, leading: bool) -> str:
        out, zero = "", False
        for unit, char in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = x // unit % 10
            if d == 0:
                zero = bool(out) or not leading
                continue
            if zero and (out or not leading):
                out += "零"
            zero = False
            digit = "两" if liang and d == 2 and unit >= 100 else DIGIT_CHARS[d]
            if unit == 10 and d == 1 and not out and leading:
                digit = ""                                   # 十二, not 一十二
            out += digit + char
        return out

    parts, first = [], True
    for big, char in ((10 ** 8, "亿"), (10 ** 4, "万"), (1, "")):
        chunk = n // big % 10000 if big < 10 ** 8 else n // big
        if chunk:
            if not first and chunk < 1000 and not parts[-1].endswith("零"):
                parts.append("零")
            parts.append(below_10000(chunk, first) + char)
            first = False
        elif not first and parts and not parts[-1].endswith("零") and n % big:
            parts.append("零")
    return "".join(parts).rstrip("零") or "零"


@settings(max_examples=2000, deadline=None)
@given(st.integers(min_value=1, max_value=10 ** 12 - 1), st.booleans())
def test_chinese_numerals_parse_back(n, liang):
    written = to_chinese(n, liang)
    assert parse_number(written) == n, written


@settings(max_examples=2000, deadline=None)
@given(st.integers(min_value=1, max_value=10 ** 12 - 1), st.booleans())
def test_chinese_money_parses_back(n, liang):
    [f] = find_figures(f"共计{to_chinese(n, liang)}元")
    assert f.value == n and f.currency == "CNY"


ALPHABET = st.sampled_from(list("0123456789.,，%％-~至到约近超过余多以上下左右不足元块美欧港币亿万千百十零一二两三四五六七八九"
                                "壹贰叁肆伍陆柒捌玖拾佰仟数几上成负$¥€£￥个百分点之分毛角钱kK的了在是损失营收人间年月日分钟级 \n。，"))


@settings(max_examples=10_000, deadline=None)
@given(st.text(ALPHABET, max_size=40) | st.text(max_size=40))
def test_the_parser_never_raises(text):
    for f in find_figures(text):
        assert text[f.start:f.end] == f.text
        assert f.kind in ("money", "percent")


def test_parse_amount_vague_forms():
    assert parse_amount("数万").qualifier == "over" and parse_amount("数万").value == 10000
    assert parse_amount("两三万").value_max == 30000
