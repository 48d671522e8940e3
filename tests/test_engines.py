"""The same extraction on every engine: this process, local workers, Ray Data on a local instance."""
import json
import subprocess
import sys

import pytest

from conftest import ROOT, SAMPLES, read_jsonl


def extract(out, *args):
    return subprocess.run([sys.executable, "-m", "pipeline", "extract", str(SAMPLES), "--out", str(out), "--quiet",
                           *args], capture_output=True, text=True, cwd=ROOT, timeout=900)


@pytest.fixture(scope="module")
def local_records(tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "out.jsonl"
    assert extract(out).returncode == 0
    return read_jsonl(out)


def test_local_workers_give_the_same_records(local_records, tmp_path):
    out = tmp_path / "out.jsonl"
    assert extract(out, "--workers", "2", "--batch-size", "2").returncode == 0
    assert strip(read_jsonl(out)) == strip(local_records)


def test_ray_engine_gives_the_same_records(local_records, tmp_path):
    pytest.importorskip("ray")
    out = tmp_path / "out.sqlite"
    jsonl = tmp_path / "out.jsonl"
    result = extract(jsonl, "--out", str(out), "--engine", "ray", "--workers", "2")
    assert result.returncode == 0, result.stderr[-2000:]
    assert strip(read_jsonl(jsonl)) == strip(local_records)
    again = extract(jsonl, "--out", str(out), "--engine", "ray", "--workers", "2", "--resume")
    assert again.returncode == 0
    import sqlite3

    with sqlite3.connect(out) as conn:
        assert conn.execute("select count(*) from documents").fetchone()[0] == len(local_records)
    # resuming, what the sink holds is found from ids and hashes and never reaches the extraction actors
    probe = f"""
import json
from pipeline.config import load_config
from pipeline.engine import _Ray
from pipeline.sinks import open_sink
skipped, ray = [], _Ray(load_config(), 1, None)
batches = list(ray.map_inputs([{str(SAMPLES)!r}], print, open_sink({str(out)!r}).stored, skipped.append))
ray.close()
print(json.dumps({{"batches": len(batches), "skipped": sum(skipped)}}))
"""
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"batches": 0, "skipped": len(local_records)}


def strip(records):
    """Records without what differs by run (nothing, today, but timestamps may come)."""
    return [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records]
