"""Score jionlp's `extract_money` and ours on the same gold files (SPEC §5 money scoring).

jionlp finds money only, not percentages, so the table shows money mentions alone as well as all
figures. Its output is mapped to our fields: `num` → value (a two-number list → value, value_max),
`case` → currency, `definition` blur/blur+/blur- → approx/over/under. jionlp reads 37000余元 as
the range 37000–38000; we count such a range as 37000 `over`, to credit it with what it found.

    python corpus/scripts/compare_money.py corpus/gold/dev.jsonl ../shared/gold/seed.gold.jsonl
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import time

from pipeline.evaluate import gold_articles, load_gold, score_money

CASES = {"元": "CNY", "人民币": "CNY", "块": "CNY", "美元": "USD", "美金": "USD", "欧元": "EUR", "日元": "JPY",
         "港元": "HKD", "港币": "HKD", "英镑": "GBP", "新台币": "TWD", "台币": "TWD", "韩元": "KRW"}
DEFINITIONS = {"blur": "approx", "blur+": "over", "blur-": "under", "accurate": None}


def jionlp_money(text: str) -> list[dict]:
    with contextlib.redirect_stdout(io.StringIO()):  # jionlp prints a banner on import
        import jionlp

    out = []
    for item in jionlp.ner.extract_money(text, with_parsing=True):
        detail = item["detail"]
        num = detail["num"]
        low, high = (num[0], num[1]) if isinstance(num, list) else (num, None)
        qualifier = DEFINITIONS.get(detail.get("definition"))
        if high is not None and re.search(r"[余多]", item["text"]):
            high, qualifier = None, "over"
        out.append({"text": item["text"], "kind": "money", "value": float(low),
                    "value_max": float(high) if high is not None else None,
                    "currency": CASES.get(detail.get("case")), "qualifier": qualifier})
    return out


class _Predicted:
    """Just enough of a Record for score_money: a `money` list of objects with model_dump()."""

    def __init__(self, money: list[dict]):
        self.money = [_Item(m) for m in money]


class _Item(dict):
    def model_dump(self) -> dict:
        return dict(self)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("gold", nargs="+")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    import pipeline
    from rich.console import Console
    from rich.table import Table

    ours = pipeline.load()
    results = {}
    for path in args.gold:
        gold = load_gold(path)
        started = time.perf_counter()
        our_records = list(ours.pipe(gold_articles(gold, path)))
        our_seconds = time.perf_counter() - started
        started = time.perf_counter()
        theirs = [_Predicted(jionlp_money((g.get("title") or "") + "\n" + g["text"])) for g in gold]
        their_seconds = time.perf_counter() - started
        money_gold = [{**g, "money": [m for m in g["money"] if m["kind"] == "money"]} for g in gold]
        our_money_only = [_Predicted([m.model_dump() for m in r.money if m.kind == "money"]) for r in our_records]
        results[path] = {
            "mentions": sum(len(g["money"]) for g in gold),
            "ours": {"all": score_money(gold, our_records), "money_only": score_money(money_gold, our_money_only),
                     "seconds_whole_pipeline": round(our_seconds, 2)},
            "jionlp": {"all": score_money(gold, theirs), "money_only": score_money(money_gold, theirs),
                       "seconds": round(their_seconds, 2)},
        }
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return
    console = Console()
    for path, r in results.items():
        table = Table(title=f"{path}: {r['mentions']} money and percent mentions", title_justify="left")
        for col in ("extractor", "figures", "P", "R", "F1", "qualifier acc.", "currency acc."):
            table.add_column(col, justify="left" if col in ("extractor", "figures") else "right")
        for name in ("ours", "jionlp"):
            for scope in ("all", "money_only"):
                s = r[name][scope]
                table.add_row(name, "money + percent" if scope == "all" else "money only", f"{s['p']:.3f}",
                              f"{s['r']:.3f}", f"{s['f1']:.3f}", str(s["qualifier_accuracy"]),
                              str(s["currency_accuracy"]))
        console.print(table)


if __name__ == "__main__":
    main()
