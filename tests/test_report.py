"""The HTML reports in a real headless Chromium: rendered, highlighted, searchable, and safe."""
import json
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, SEED, SEED_GOLD, unavailable

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(autouse=True)
def _needs_chromium():
    if CHROMIUM is None:
        unavailable("Debian's chromium is not installed: browser tests skipped")


def zhx(*args):
    result = subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode in (0, 1), result.stderr
    return result


def chromium(page, tmp_path, screenshot=None):
    """The DOM after the page's scripts ran (and a screenshot, if asked)."""
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
             f"--user-data-dir={tmp_path / 'chromium-profile'}", "--virtual-time-budget=3000"]
    if screenshot:
        subprocess.run([CHROMIUM, *flags, f"--screenshot={screenshot}", "--window-size=1280,2400",
                        page.as_uri()], capture_output=True, timeout=120)
    result = subprocess.run([CHROMIUM, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.strip(), result.stderr[-2000:]
    return result.stdout


def test_seed_report_renders_with_its_mentions_highlighted(tmp_path):
    records = tmp_path / "seed.jsonl"
    zhx("extract", SEED, "--out", records, "--quiet")
    page = tmp_path / "report.html"
    zhx("report", records, "--out", page)
    dom = chromium(page, tmp_path, screenshot=tmp_path / "report.png")
    assert (tmp_path / "report.png").stat().st_size > 20_000
    for section in ('id="overview"', 'id="top-entities"', 'id="money-table"', 'id="who-said-what"'):
        assert section in dom
    [record] = [json.loads(line) for line in records.read_text(encoding="utf-8").splitlines()]
    marks = re.findall(r'<mark class="ent (\w+)"[^>]*>([^<]+)<span class="tag">', dom)
    assert ("PER", "斯科特·贝森特") in marks and ("ORG", "英伟达") in marks and ("PRODUCT", "MI308") in marks
    assert len(marks) == len(record["entities"])        # every mention highlighted, each once
    assert re.search(r'<mark class="money MONEY"[^>]*title="= 55.00亿 USD · approx', dom)
    assert 'class="ev oppose"' in dom and "黄仁勋" in dom


def test_eval_report_lists_every_missed_and_spurious_mention(tmp_path):
    page = tmp_path / "eval.html"
    zhx("eval", SEED_GOLD, "--html", page)
    dom = chromium(page, tmp_path)
    import html

    import pipeline
    from pipeline.evaluate import document_diffs, evaluate, run_gold

    gold, results = run_gold(SEED_GOLD, pipeline.load())
    [diff] = document_diffs(gold, results)
    missed = re.search(r'<ul class="missed">(.*?)</ul>', dom, re.S).group(1)
    spurious = re.search(r'<ul class="spurious">(.*?)</ul>', dom, re.S).group(1)
    for item in diff["missed"]:
        assert html.escape(item) in missed
    for item in diff["spurious"]:
        assert html.escape(item) in spurious
    assert "<svg" in dom and "PER+ORG+LOC" in dom
    stances = evaluate(SEED_GOLD, pipeline.load())["stances"]   # the confusion matrix and the target score
    assert "Polarity over matched holders" in dom
    assert f"Target overlap {stances['target']['overlap_f1']:.3f}" in dom


def test_article_text_is_escaped_and_runs_nothing(tmp_path):
    evil = tmp_path / "evil.jsonl"
    evil.write_text(json.dumps({"id": "evil<b>", "title": "<script>document.title='pwned'</script>标题",
                                "text": "英伟达表示<img src=x onerror=\"document.title='pwned'\">反对出口禁令，"
                                        "<script>document.body.innerHTML='pwned'</script>黄仁勋说。",
                                "source": "<i>x</i>"}, ensure_ascii=False) + "\n", encoding="utf-8")
    records = tmp_path / "evil-records.jsonl"
    zhx("extract", evil, "--out", records, "--quiet")
    page = tmp_path / "report.html"
    zhx("report", records, "--out", page)
    dom = chromium(page, tmp_path)
    assert "pwned" not in re.search(r"<title>(.*?)</title>", dom).group(1)
    assert "<img" not in dom
    # escaped, whatever the tagger highlights inside it (a Latin word can be tagged: &lt;<mark>img</mark>)
    unmarked = re.sub(r'<span class="?tag"?>[^<]*</span>|</?mark[^>]*>', "", dom)
    assert "&lt;script&gt;document.body.innerHTML" in unmarked
    [record] = [json.loads(line) for line in records.read_text(encoding="utf-8").splitlines()]
    assert any("<img src=x" in stance["evidence"] for stance in record["stances"])   # who said what, escaped too
    who_said_what = re.search(r'id="who-said-what".*?</section>', unmarked, re.S).group(0)
    assert "&lt;img src=x onerror=" in who_said_what and "&lt;img src=x onerror=" in unmarked.split(who_said_what)[1]
    assert dom.count("<script>") == 1   # ours, the search box
