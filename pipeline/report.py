"""HTML reports: a batch of records (`zhx report`) and an evaluation (`zhx eval --html`).

One self-contained file each (inline CSS, SVG charts and a few lines of script; nothing is fetched), so
it opens anywhere. Every string from an article goes through `html.escape`: a `<script>` in a news text
shows as text and runs nothing.
"""
from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from html import escape
from pathlib import Path
from typing import Any

LABEL_COLOURS = {"PER": "#ffd166", "ORG": "#7ad7f0", "LOC": "#9be39b", "PRODUCT": "#f4a6d7", "MONEY": "#ffb38a"}
POLARITY_COLOURS = {"support": "#1a7f37", "oppose": "#cf222e", "neutral": "#57606a"}

STYLE = """
body{font-family:system-ui,-apple-system,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}
main{padding:16px 24px;max-width:1200px}section{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin:12px 0}
h2{font-size:16px;margin:4px 0 10px}table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #eaeef2;padding:3px 10px;text-align:left}
th{background:#f6f8fa}.num{text-align:right;font-variant-numeric:tabular-nums}.grid{display:flex;flex-wrap:wrap;gap:16px}
mark{padding:1px 3px;border-radius:4px;line-height:1.9}mark .tag{font-size:10px;font-weight:600;margin-left:3px;opacity:.75}
.ev{border-bottom:2px solid;cursor:help}.text{white-space:pre-wrap;line-height:1.9;font-size:15px}
.warn{color:#9a6700;font-size:12px}.pol{color:#fff;border-radius:10px;padding:1px 8px;font-size:12px}
#search{font-size:14px;padding:6px 10px;width:320px;border:1px solid #d0d7de;border-radius:6px}
.meta{color:#57606a;font-size:12px}.hidden{display:none}.side{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.fp{background:#ffebe9}.fn{background:#fff8c5}ul{margin:4px 0;padding-left:20px}
"""
SEARCH = """
document.getElementById('search').addEventListener('input', function (e) {
  var q = e.target.value.trim().toLowerCase();
  document.querySelectorAll('section.article').forEach(function (s) {
    var names = (s.getAttribute('data-entities') || '').toLowerCase();
    s.classList.toggle('hidden', q !== '' && names.indexOf(q) < 0);
  });
});
"""


# ---- reading records ---------------------------------------------------------------------
def load_records(path: str | Path) -> list[dict[str, Any]]:
    """Records from a .jsonl output or a .sqlite/.db database written by `zhx extract`."""
    path = Path(path)
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        records = {}
        for row in conn.execute("select * from documents order by rowid"):
            records[row["id"]] = {**dict(row), "warnings": json.loads(row["warnings"]), "meta": json.loads(row["meta"]),
                                  "pipeline": json.loads(row["pipeline"]), "entities": [], "money": [], "stances": []}
        for table in ("entities", "money", "stances"):
            for row in conn.execute(f"select * from {table} order by id"):
                item = {k: row[k] for k in row.keys() if k not in ("id", "document_id")}
                records[row["document_id"]][table].append(item)
    return list(records.values())


# ---- pieces ------------------------------------------------------------------------------
def bar_chart(rows: list[tuple[str, float]], width: int = 360, unit: str = "", colour: str = "#0969da") -> str:
    """A horizontal bar chart as inline SVG."""
    if not rows:
        return "<p class=meta>nothing to show</p>"
    top = max(v for _, v in rows) or 1
    height = 22 * len(rows) + 4
    bars = []
    for i, (name, value) in enumerate(rows):
        w = max(1, int((width - 150) * value / top))
        bars.append(f'<text x="0" y="{22 * i + 15}" font-size="12">{escape(name[:14])}</text>'
                    f'<rect x="110" y="{22 * i + 4}" width="{w}" height="15" fill="{colour}" rx="2"/>'
                    f'<text x="{114 + w}" y="{22 * i + 15}" font-size="11">{escape(_number(value))}{unit}</text>')
    return f'<svg width="{width + 60}" height="{height}" role="img">{"".join(bars)}</svg>'


def _number(value: float) -> str:
    if abs(value) >= 1e8:
        return f"{value / 1e8:,.2f}亿"
    if abs(value) >= 1e4:
        return f"{value / 1e4:,.2f}万"
    return f"{value:,.4g}" if isinstance(value, float) else f"{value:,}"


def table(header: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f'<td{" class=num" if i in numeric else ""}>{cell}</td>'
                                    for i, cell in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def highlight(text: str, field: str, record: dict) -> str:
    """The field's text with entities, money and stance evidence marked (escaped throughout)."""
    marks = []   # (start, end, kind, label, tooltip)
    for e in record.get("entities", []):
        if e.get("field", "text") == field:
            marks.append((e["start"], e["end"], "ent", e["label"], f"{e['label']} · {e.get('canonical') or e['text']}"))
    for m in record.get("money", []):
        if m.get("field", "text") == field:
            value = _number(m["value"]) + (f"–{_number(m['value_max'])}" if m.get("value_max") is not None else "")
            unit = "%" if m["kind"] == "percent" else f" {m.get('currency') or ''}"
            bits = [f"= {value}{unit}", m.get("qualifier"), m.get("subject"), m.get("metric"), m.get("period")]
            marks.append((m["start"], m["end"], "money", "MONEY", " · ".join(str(b) for b in bits if b)))
    stances = [s for s in record.get("stances", []) if s.get("field", "text") == field]
    bounds = sorted({0, len(text), *(p for m in marks for p in m[:2]), *(p for s in stances for p in (s["start"], s["end"]))})
    out = []
    for a, b in zip(bounds, bounds[1:]):
        if a >= b:
            continue
        piece = escape(text[a:b])
        mark = next((m for m in marks if m[0] <= a and b <= m[1]), None)
        if mark is not None:
            tag = f'<span class=tag>{mark[3]}</span>' if b == mark[1] else ""
            piece = (f'<mark class="{mark[2]} {mark[3]}" style="background:{LABEL_COLOURS[mark[3]]}" '
                     f'title="{escape(mark[4])}">{piece}{tag}</mark>')
        stance = next((s for s in stances if s["start"] <= a and b <= s["end"]), None)
        if stance is not None:
            tip = f"{stance['holder']} → {stance['target']} ({stance['polarity']}): {stance['evidence']}"
            piece = (f'<span class="ev {escape(stance["polarity"])}" style="border-color:'
                     f'{POLARITY_COLOURS[stance["polarity"]]}" title="{escape(tip)}">{piece}</span>')
        out.append(piece)
    return "".join(out)


def _polarity(p: str) -> str:
    return f'<span class="pol" style="background:{POLARITY_COLOURS.get(p, "#57606a")}">{escape(p)}</span>'


def _page(title: str, body: str, script: str = "") -> str:
    return (f"<!DOCTYPE html><html lang=zh-CN><head><meta charset=utf-8><title>{escape(title)}</title>"
            f"<style>{STYLE}</style></head><body><header><h1>{escape(title)}</h1></header><main>{body}</main>"
            f"<script>{script}</script></body></html>")


# ---- the batch report --------------------------------------------------------------------
def records_report(records: list[dict], source: str) -> str:
    labels = Counter(e["label"] for r in records for e in r["entities"])
    mentions = Counter((e.get("canonical") or e["text"], e["label"]) for r in records for e in r["entities"])
    money = defaultdict(float)
    money_rows = []
    for r in records:
        for m in r["money"]:
            if m["kind"] == "money":
                key = (m.get("subject") or "—", m.get("currency") or "—")
                money[key] += m["value"]
                money_rows.append(m)
    stance_rows = [(r, s) for r in records for s in r["stances"]]
    overview = f"""
<section id=overview><h2>Overview</h2>
<p>{len(records)} articles from <code>{escape(source)}</code>; {sum(labels.values())} entity mentions, {len(money_rows)}
monetary figures, {len(stance_rows)} stances.</p>
<div class=grid>
<div><h2>Entities by label</h2>{table(["label", "mentions"], [[escape(k), str(v)] for k, v in labels.most_common()], {1})}
{bar_chart(labels.most_common())}</div>
<div id=top-entities><h2>Most mentioned</h2>{table(["entity", "label", "mentions"],
        [[escape(n), escape(lab), str(c)] for (n, lab), c in mentions.most_common(15)], {2})}</div>
<div id=money-table><h2>Money by subject and currency</h2>{table(["subject", "currency", "total"],
        [[escape(s), escape(c), _number(v)] for (s, c), v in sorted(money.items(), key=lambda kv: -kv[1])[:20]], {2})}
{bar_chart([(f"{s} {c}", v) for (s, c), v in sorted(money.items(), key=lambda kv: -kv[1])[:10]], colour="#fb8500")}</div>
</div>
<div id=who-said-what><h2>Who said what</h2>{table(["holder", "target", "polarity", "article"],
        [[f'<span title="{escape(s["evidence"])}">{escape(s["holder"])}</span>', escape(s["target"]),
          _polarity(s["polarity"]), escape(r["id"])] for r, s in stance_rows[:300]])}</div>
</section>"""
    articles = []
    for r in records:
        names = " ".join(sorted({e.get("canonical") or e["text"] for e in r["entities"]} | {e["text"] for e in r["entities"]}))
        title = f"<h2>{highlight(r['title'], 'title', r)}</h2>" if r.get("title") else f"<h2>{escape(r['id'])}</h2>"
        warnings = "".join(f"<div class=warn>⚠ {escape(w)}</div>" for w in r.get("warnings", []))
        articles.append(
            f'<section class=article id="{escape(r["id"])}" data-entities="{escape(names)}">{title}'
            f'<div class=meta>{escape(r["id"])} · {escape(r["source"])} · script {escape(r["script"])}</div>'
            f"{warnings}<div class=text>{highlight(r['text'], 'text', r)}</div></section>")
    legend = " ".join(f'<mark style="background:{c}">{k}</mark>' for k, c in LABEL_COLOURS.items())
    legend += " " + " ".join(f'<span class=ev style="border-color:{c}">{k}</span>' for k, c in POLARITY_COLOURS.items())
    body = (f"{overview}<section><input id=search type=search placeholder='Filter articles by entity (e.g. 英伟达)'>"
            f" <span class=meta>{legend}</span></section>{''.join(articles)}")
    return _page(f"zhx report: {Path(source).name}", body, SEARCH)


def write_records_report(records_path: str | Path, out: str | Path) -> None:
    Path(out).write_text(records_report(load_records(records_path), str(records_path)), encoding="utf-8")


# ---- the evaluation report ---------------------------------------------------------------
def _stance_details(stances: dict) -> str:
    """The polarity confusion over matched holders, and the targets' overlap with the gold."""
    from .evaluate import POLARITIES

    confusion = table(["gold \\ predicted", *POLARITIES],
                      [[p, *(str(stances["confusion"][p].get(q, 0)) for q in POLARITIES)] for p in POLARITIES],
                      {1, 2, 3})
    target = stances["target"]
    return (f"<h2>Polarity over matched holders</h2>{confusion}"
            f"<p>Target overlap {target['overlap_f1']:.3f}: character F1 with the gold target, over "
            f"{target['matched']} stances matched by holder and evidence.</p>")


def evaluation_report(report: dict, diffs: list[dict]) -> str:
    sections = []
    for name, part, rows in (("Entities (document level, strict)", report["entities"],
                              lambda p: p["strict"]),
                             ("Money and percentages", report["money"], lambda p: {"all": p, **p["by_kind"]}),
                             ("Stances", report["stances"], lambda p: {"(holder, polarity)": p["pair"],
                                                                        "holder only": p["holder"],
                                                                        "holder only, exact": p["holder_exact"]})):
        if not part:
            continue
        data = rows(part)
        charts = "".join(f"<div><h2>{escape(metric)}</h2>{bar_chart([(k, v[metric]) for k, v in data.items()])}</div>"
                         for metric in ("p", "r", "f1"))
        numbers = table(["", "P", "R", "F1", "TP", "FP", "FN"],
                        [[escape(k), f"{v['p']:.3f}", f"{v['r']:.3f}", f"{v['f1']:.3f}", str(v["tp"]), str(v["fp"]),
                          str(v["fn"])] for k, v in data.items()], {1, 2, 3, 4, 5, 6})
        extra = _stance_details(part) if name == "Stances" else ""
        sections.append(f"<section><h2>{escape(name)}</h2>{numbers}<div class=grid>{charts}</div>{extra}</section>")
    for d in diffs:
        def items(kind: str, cls: str) -> str:
            return "".join(f"<li class={cls}>{escape(x)}</li>" for x in d[kind]) or "<li class=meta>none</li>"
        sections.append(
            f'<section class=article id="{escape(d["id"])}" data-entities="{escape(" ".join(d["names"]))}">'
            f"<h2>{escape(d['id'])} {escape(d.get('title') or '')}</h2><div class=side>"
            f"<div><h2>Spurious (predicted, not in gold)</h2><ul class=spurious>{items('spurious', 'fp')}</ul></div>"
            f"<div><h2>Missed (in gold, not predicted)</h2><ul class=missed>{items('missed', 'fn')}</ul></div>"
            f"</div></section>")
    head = (f"<section><p>{report['documents']} documents of <code>{escape(report['gold'])}</code>; pipeline "
            f"{escape(report['pipeline']['version'])} {escape(json.dumps(report['pipeline']['models']))}</p>"
            f"<input id=search type=search placeholder='Filter documents by entity'></section>")
    return _page(f"zhx eval: {Path(report['gold']).name}", head + "".join(sections), SEARCH)
