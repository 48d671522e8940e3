"""Normalization (SPEC §2) on the seed's real noise and on small cases of each kind."""
import pytest

from pipeline.normalize import normalize

from conftest import SEED


@pytest.fixture(scope="module")
def seed():
    return normalize(SEED.read_text(encoding="utf-8"))


def test_seed_becomes_simplified_and_clean(seed):
    assert seed.script == "hant"
    assert "卢特尼克也称" in seed.text
    assert "。”同时" in seed.text
    for noise in ("(mào)", "(nèi)", "蓖瑫", "北R", "拔覀", "?!"):
        assert noise not in seed.text
    assert "贸易" in seed.text and "國" not in seed.text


def test_seed_repairs_are_listed_with_normalized_offsets(seed):
    repairs = [w for w in seed.warnings if w.startswith("mojibake repaired at")]
    assert len(repairs) == 3
    for warning in repairs:
        start, end = map(int, warning.split()[3].rstrip(":").split("-"))
        assert 0 <= start < end <= len(seed.text)
    first = repairs[0]
    start, end = map(int, first.split()[3].rstrip(":").split("-"))
    assert seed.text[start:end] == "。”同时"
    assert "pinyin annotations removed: 112" in seed.warnings


def test_offsets_point_back_into_the_raw_text(seed):
    raw = SEED.read_text(encoding="utf-8")
    assert len(seed.offsets) == len(seed.text)
    assert all(a <= b for a, b in zip(seed.offsets, seed.offsets[1:]))
    i = seed.text.index("斯科特·贝森特")
    assert raw[seed.offsets[i]:seed.offsets[i + 6] + 1] == "斯科特·貝森特"


@pytest.mark.parametrize("raw, expected", [
    ("貿(mào)易", "贸易"),
    ("國內(nèi)", "国内"),
    ("供應(yīng)鏈", "供应链"),
    ("中（zhōng）国", "中国"),
    ("保留(AI)与(2019)和(ma)", "保留(AI)与(2019)和(ma)"),
])
def test_pinyin_annotations(raw, expected):
    assert normalize(raw).text == expected


def test_fullwidth_digits_letters_percent_become_halfwidth():
    assert normalize("增长６６％，ＡＭＤ的ＭＩ３０８。").text == "增长66%，AMD的MI308。"


def test_line_endings_escapes_and_spaces():
    assert normalize("第一段\\n第二段\r\n第三段   结束  \n\u3000\u3000缩进").text == "第一段\n第二段\n第三段 结束\n缩进"
    assert normalize("2013年，\u00a0李安说\t好").text == "2013年， 李安说 好"     # one no-break space or tab: a space


def test_script_detection():
    assert normalize("美国政府解禁芯片出口").script == "hans"
    assert normalize("美國政府解禁晶片出口").script == "hant"
    assert normalize("美國政府解禁晶片出口，美国政府表示欢迎这一决定").script == "mixed"


def test_question_marks_in_real_text_are_left_alone():
    text = "真的吗?他说iPhone很好用?还是下达裁定书呢?也没有明确规定"
    result = normalize(text)
    assert result.text == text
    assert not [w for w in result.warnings if "mojibake" in w]


def test_utf8_read_as_latin1_is_repaired():
    broken = "中国".encode("utf-8").decode("latin-1")
    result = normalize(f"新闻：{broken}经济")
    assert result.text == "新闻：中国经济"
    assert any("mojibake" in w for w in result.warnings)
