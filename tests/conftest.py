from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpus" / "samples"
SEED = SAMPLES / "000_7bd9ede5e3be618e.txt"
SEED_GOLD = ROOT.parent / "shared" / "gold" / "seed.gold.jsonl"


@pytest.fixture(scope="session")
def extractor():
    """The default pipeline, loaded once for the whole session (real models)."""
    import pipeline

    return pipeline.load()


@pytest.fixture(scope="session")
def seed_record(extractor):
    from pipeline.ingest import read

    [article] = list(read([str(SEED)]))
    return extractor.process(article)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
