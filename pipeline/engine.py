"""Running extraction over inputs: read → batches → Extractor → sink, on one of three engines:

- here, in this process (`workers = 1`);
- local worker processes (`workers > 1`): each loads the models once and takes whole batches, with at
  most two batches per worker in flight, so memory stays flat however long the input is;
- Ray Data (`engine = "ray"`): the files are read as a dataset and extracted by a pool of actors that
  hold the models, on a local Ray instance or the cluster at `ray_address`.

Records come out in input order and go through the same sinks. With `resume`, articles a sink already
holds with the same id and sha256 are skipped.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from tqdm import tqdm

from . import ingest
from .config import Config, load_config
from .doc import Article, IngestError
from .records import Record
from .sinks import Sink

Result = Record | IngestError


@dataclass
class Summary:
    read: int = 0            # articles read from the inputs
    skipped: int = 0         # already stored with the same sha256 (resume)
    written: int = 0         # records written
    failed: int = 0          # inputs or articles that became error entries
    entities: int = 0
    chars: int = 0           # normalized characters processed
    seconds: float = 0.0     # wall time, start-up included
    startup_seconds: float = 0.0  # loading the models (in every worker at once)
    errors: list[IngestError] = field(default_factory=list)

    @property
    def chars_per_second(self) -> float:
        """Throughput once the models are loaded."""
        busy = self.seconds - self.startup_seconds
        return self.chars / busy if busy > 0 else 0.0


# ---- worker side ---------------------------------------------------------------------------
_worker_extractor = None


def _init_worker(config: Config) -> None:
    global _worker_extractor
    from .extractor import Extractor

    _worker_extractor = Extractor(config)


def _work(batch: list[Article]) -> list[Result]:
    return _worker_extractor.process_batch(batch)


# ---- main side -----------------------------------------------------------------------------
def _batches(items: Iterable[ingest.Item], size: int, on_error) -> Iterator[list[Article]]:
    """Articles in batches; ingest errors are handed to on_error as they come."""
    batch: list[Article] = []
    for item in items:
        if isinstance(item, IngestError):
            on_error(item)
            continue
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _ready(_: int) -> bool:
    return _worker_extractor is not None


class _Local:
    """Extraction in this process."""

    def __init__(self, config: Config):
        from .extractor import Extractor

        self.extractor = Extractor(config)

    def map(self, batches: Iterator[list[Article]]) -> Iterator[list[Result]]:
        for batch in batches:
            yield self.extractor.process_batch(batch)

    def close(self) -> None:
        pass


class _Pool:
    """Extraction in worker processes that each load the models once."""

    def __init__(self, config: Config, workers: int):
        ctx = mp.get_context("spawn")  # fresh interpreters: no ONNX Runtime threads inherited through fork
        self.workers = workers
        self.pool = ctx.Pool(workers, initializer=_init_worker, initargs=(config,))
        self.pool.map(_ready, range(workers), chunksize=1)  # returns once the workers have loaded

    def map(self, batches: Iterator[list[Article]]) -> Iterator[list[Result]]:
        pending: deque = deque()
        for batch in batches:
            pending.append(self.pool.apply_async(_work, (batch,)))
            if len(pending) >= 2 * self.workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()

    def close(self) -> None:
        self.pool.close()
        self.pool.join()


class _Ray:
    """The same extraction on Ray Data: files read as a dataset, `map_batches` over an actor pool."""

    def __init__(self, config: Config, workers: int, address: str | None):
        import ray

        # a local instance gets a CPU for reading beside one per extraction actor, or the actors take
        # every CPU and the reading tasks wait forever
        local = {} if address or os.environ.get("RAY_ADDRESS") else {"num_cpus": workers + 1}
        ray.init(address=address, ignore_reinit_error=True, include_dashboard=False, log_to_driver=False, **local)
        self.config, self.workers, self.articles = config, workers, 0

    def map_inputs(self, inputs: list[str], on_error, stored=None, on_skip=None) -> Iterator[list[Result]]:
        """Records and errors of the inputs' articles, in input order; with `stored` (resume: a sink's
        `stored`), the articles it holds are found first, from ids and hashes alone, counted to `on_skip`
        and not extracted."""
        import ray

        files = {}
        for kind, path, article_id in ingest.expand(inputs):
            if kind == "stdin":
                raise ValueError("the ray engine reads files; give standard input to the local engine")
            if kind == "missing":
                on_error(IngestError(str(path), "no such file or directory"))
            else:
                files[str(path)] = article_id
        if not files:
            return
        ray.data.DataContext.get_current().execution_options.preserve_order = True
        ds = ray.data.read_binary_files(list(files), include_paths=True)
        ds = ds.flat_map(_ArticlesOf(files))
        if stored is not None:
            keys = [(row["id"], row["sha256"]) for row in ds.select_columns(["id", "sha256"]).iter_rows()
                    if row["sha256"]]
            held = set().union(*(stored([i for i, _ in keys[k:k + 1000]]) for k in range(0, len(keys), 1000)))
            skipped = sum(1 for key in keys if key in held)
            if skipped:
                self.articles += skipped
                on_skip(skipped)
                ds = ds.filter(lambda row: (row["id"], row["sha256"]) not in held)
        ds = ds.map_batches(_RayExtractor, fn_constructor_args=(self.config,), concurrency=self.workers,
                            batch_size=self.config["pipeline"].get("batch_size", 32), num_cpus=1)
        for batch in ds.iter_batches(batch_size=self.config["pipeline"].get("batch_size", 32), batch_format="default"):
            self.articles += sum(1 for kind in batch["kind"] if kind != "ingest-error")
            yield [Record.model_validate_json(data) if kind == "record" else IngestError(**json.loads(data))
                   for kind, data in zip(batch["kind"], batch["data"])]

    def close(self) -> None:
        import ray

        ray.shutdown()


class _ArticlesOf:
    """Ray flat_map: one file's bytes → its articles (or errors), as JSON rows."""

    def __init__(self, ids: dict[str, str]):
        self.ids = ids  # path as given → article id

    def __call__(self, row: dict) -> list[dict]:
        import dataclasses

        items = ingest.read_bytes(bytes(row["bytes"]), Path(row["path"]), self.ids[row["path"]])
        return [{"kind": "article" if isinstance(i, Article) else "error",
                 "id": i.id, "sha256": i.sha256 if isinstance(i, Article) else "",
                 "data": json.dumps(dataclasses.asdict(i), ensure_ascii=False)} for i in items]


class _RayExtractor:
    def __init__(self, config: Config):
        from .extractor import Extractor

        self.extractor = Extractor(config)

    def __call__(self, batch: dict) -> dict:
        items = [json.loads(d) for d in batch["data"]]
        articles = [Article(**i) for k, i in zip(batch["kind"], items) if k == "article"]
        results = iter(self.extractor.process_batch(articles))
        kinds, data = [], []
        for kind, item in zip(batch["kind"], items):
            if kind == "article":
                r = next(results)
                kinds.append("record" if isinstance(r, Record) else "error")
                data.append(r.to_json() if isinstance(r, Record) else json.dumps(r.__dict__, ensure_ascii=False))
            else:
                kinds.append("ingest-error")
                data.append(json.dumps(item, ensure_ascii=False))
        return {"kind": kinds, "data": data}


def run(inputs: list[str], sink: Sink, config: Config | None = None, workers: int = 1,
        progress: bool = True, stdin: IO[str] | None = None, resume: bool = False, engine: str = "local",
        ray_address: str | None = None) -> Summary:
    config = config or load_config()
    summary = Summary()
    started = time.perf_counter()
    total = ingest.count_articles(inputs)
    bar = tqdm(total=total, unit="art", desc="extract", disable=not progress, file=sys.stderr, dynamic_ncols=True)

    def failed(error: IngestError) -> None:
        summary.failed += 1
        summary.errors.append(error)
        sink.write_errors([error])
        bar.update(1)

    def skipped(n: int) -> None:
        summary.skipped += n
        bar.update(n)

    def counted(items: Iterable[ingest.Item]) -> Iterator[ingest.Item]:
        for item in items:
            if isinstance(item, Article):
                summary.read += 1
            yield item

    def unstored(batches: Iterator[list[Article]]) -> Iterator[list[Article]]:
        for batch in batches:
            held = sink.stored([a.id for a in batch])
            fresh = [a for a in batch if (a.id, a.sha256) not in held]
            skipped(len(batch) - len(fresh))
            if fresh:
                yield fresh

    if engine == "ray":
        executor = _Ray(config, workers, ray_address)
    else:
        executor = _Pool(config, workers) if workers > 1 else _Local(config)
    summary.startup_seconds = time.perf_counter() - started
    try:
        if engine == "ray":
            results = executor.map_inputs(inputs, failed, sink.stored if resume else None, skipped)
        else:
            batches = _batches(counted(ingest.read(inputs, stdin)), config["pipeline"].get("batch_size", 32), failed)
            results = executor.map(unstored(batches) if resume else batches)
        for batch_results in results:
            records = [r for r in batch_results if isinstance(r, Record)]
            for err in (r for r in batch_results if isinstance(r, IngestError)):
                summary.failed += 1
                summary.errors.append(err)
                sink.write_errors([err])
            sink.write(records)
            summary.written += len(records)
            summary.entities += sum(len(r.entities) for r in records)
            summary.chars += sum(len(r.text) + len(r.title or "") for r in records)
            bar.update(len(batch_results))
            summary.seconds = time.perf_counter() - started
            bar.set_postfix(chars_s=f"{summary.chars_per_second:,.0f}", refresh=False)
    finally:
        bar.close()
        executor.close()
        sink.close()
    if engine == "ray":
        summary.read = executor.articles
    summary.seconds = time.perf_counter() - started
    return summary
