"""Running extraction over inputs: read → batches → Extractor (here, or in worker processes) → sink.

With `workers > 1`, each worker process loads the models once and takes whole batches; at most
two batches per worker are in flight, so memory stays flat however long the input is. Records come
out in input order.
"""
from __future__ import annotations

import multiprocessing as mp
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
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


def run(inputs: list[str], sink: Sink, config: Config | None = None, workers: int = 1,
        progress: bool = True, stdin: IO[str] | None = None) -> Summary:
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

    def counted(items: Iterable[ingest.Item]) -> Iterator[ingest.Item]:
        for item in items:
            if isinstance(item, Article):
                summary.read += 1
            yield item

    executor = _Pool(config, workers) if workers > 1 else _Local(config)
    summary.startup_seconds = time.perf_counter() - started
    batches = _batches(counted(ingest.read(inputs, stdin)), config["pipeline"].get("batch_size", 32), failed)
    try:
        for batch_results in executor.map(batches):
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
    summary.seconds = time.perf_counter() - started
    return summary

