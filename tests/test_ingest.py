"""Reading real files in real encodings; broken inputs become error entries, never crashes."""
import io
import json
import os

import pytest

from pipeline.doc import Article, IngestError
from pipeline.ingest import decode, read

from conftest import SAMPLES, SEED

NEWS = "英伟达方面表示，美国已批准H20芯片销往中国。\n黄仁勋多次访问北京。"
TRAD = "英偉達方面表示，美國已批准H20晶片銷往中國。\n黃仁勳多次訪問北京。"


def items(*paths, stdin=None):
    return list(read([str(p) for p in paths], stdin=stdin))


def only(*paths):
    [item] = items(*paths)
    return item


@pytest.mark.parametrize("encoding, text", [
    ("utf-8", NEWS), ("utf-8-sig", NEWS), ("utf-16", NEWS), ("gbk", NEWS), ("gb18030", NEWS),
    ("big5", TRAD), ("gbk", TRAD),
])
def test_encodings_are_detected(tmp_path, encoding, text):
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode(encoding))
    article = only(path)
    assert isinstance(article, Article)
    assert article.text == text
    assert article.title is None  # the first line ends a sentence


def test_bundled_gbk_and_big5_samples():
    gbk = only(SAMPLES / "inews_train_0209_gbk.txt")
    big5 = only(SAMPLES / "inews_train_0838_big5.txt")
    assert (gbk.encoding, big5.encoding) == ("gb18030", "big5")
    assert gbk.title == "称坐顺风车出事故，乘客诉“嘀嗒出行”索赔"
    assert big5.title == "臺灣一食品公司發現過期9年多仍未銷燬食品"
    assert "桃園市衛生局" in big5.text


def test_short_first_line_without_final_punctuation_is_the_title(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("英伟达获准对华销售H20\n\n7月15日，英伟达方面表示。", encoding="utf-8")
    article = only(path)
    assert article.title == "英伟达获准对华销售H20"
    assert article.text.strip() == "7月15日，英伟达方面表示。"
    assert article.id == "a"


def test_empty_and_blank_files_are_errors(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text(" \n\n \t\n", encoding="utf-8")
    errors = items(tmp_path / "empty.txt", tmp_path / "blank.txt")
    assert [type(e) for e in errors] == [IngestError, IngestError]
    assert all(e.reason == "empty file" for e in errors)


def test_binary_file_is_an_error(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    error = only(path)
    assert isinstance(error, IngestError)
    assert "binary" in error.reason


def test_random_bytes_without_nul_are_an_error():
    import random

    data = bytes(random.Random(1).randrange(0x80, 0x100) for _ in range(4000))
    with pytest.raises(ValueError):
        decode(data)


def test_jsonl_bad_line_is_an_error_and_the_rest_is_read(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join([
        json.dumps({"id": "a1", "title": "标题", "text": "英伟达表示。", "site": "x.com"}, ensure_ascii=False),
        '{"id": "a2", "text": "缺少结尾',
        json.dumps({"text": "没有编号的文章。"}, ensure_ascii=False),
        json.dumps({"id": "a4", "text": "  "}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "a6", "body": "no text field"}),
    ]) + "\n", encoding="utf-8")
    got = items(path)
    assert [type(g).__name__ for g in got] == ["Article", "IngestError", "Article", "IngestError", "IngestError",
                                               "IngestError"]
    assert got[0].id == "a1" and got[0].meta == {"site": "x.com"} and got[0].line == 1
    assert got[1].line == 2 and got[1].reason.startswith("invalid JSON")
    assert got[2].id == "batch:3"
    assert got[3].reason == "empty article" and got[3].id == "a4"
    assert "missing 'text'" in got[5].reason


def test_json_object_and_list(tmp_path):
    (tmp_path / "one.json").write_text(json.dumps({"id": "x", "text": "中国市场。"}), encoding="utf-8")
    (tmp_path / "many.json").write_text(json.dumps([{"text": "一。"}, {"text": "二。"}]), encoding="utf-8")
    one, first, second = items(tmp_path / "one.json", tmp_path / "many.json")
    assert one.id == "x" and (first.id, second.id) == ("many:1", "many:2")


def test_html_main_text_and_title():
    article = only(SAMPLES / "inews_train_1514.html")
    assert article.title == "鲍师傅道歉:雇人排队有责任!"
    assert "雇人排队充场事件" in article.text
    for boilerplate in ("版权所有", "京ICP备", "点击领取新人红包", "热门推荐一"):
        assert boilerplate not in article.text


def test_stdin_is_jsonl():
    stdin = io.StringIO('{"id": "s1", "text": "第一篇。"}\n{"text": "第二篇。"}\n')
    first, second = items("-", stdin=stdin)
    assert (first.id, first.source, second.id) == ("s1", "-", "stdin:2")


def test_directory_is_read_recursively_in_order_and_broken_files_do_not_stop_it(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("最后一篇。", encoding="utf-8")
    (tmp_path / "a.txt").write_text("第一篇。", encoding="utf-8")
    (tmp_path / "ignored.csv").write_text("x,y", encoding="utf-8")
    os.symlink(tmp_path / "gone.txt", tmp_path / "a2.txt")  # a dangling link: cannot be read
    unreadable = tmp_path / "b" / "locked.txt"
    unreadable.write_text("锁住的文件。", encoding="utf-8")
    unreadable.chmod(0)
    got = items(tmp_path)
    assert [g.id for g in got] == ["a", "a2", "b/locked", "b/z"]  # sorted, recursive, .csv skipped
    assert isinstance(got[1], IngestError) and got[1].reason.startswith("cannot read")
    assert isinstance(got[0], Article) and isinstance(got[3], Article)
    if os.geteuid() != 0:  # root reads any file; anyone else gets an error entry for it
        assert isinstance(got[2], IngestError)


def test_missing_input_is_an_error():
    error = only("/no/such/file.txt")
    assert isinstance(error, IngestError) and error.reason == "no such file or directory"


def test_seed_file_is_read_whole():
    article = only(SEED)
    assert article.title is None and article.id == "000_7bd9ede5e3be618e"
    assert len(article.sha256) == 64
