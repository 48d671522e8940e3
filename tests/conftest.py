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


def unavailable(reason: str) -> None:
    """Skip a test whose system program is missing, saying why; in CI (ZHX_REQUIRE_SERVICES=1, set by
    .ci/run after installing them) a missing program fails the run instead of hiding behind a skip."""
    import os

    if os.environ.get("ZHX_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (ZHX_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(reason)


# ---- a throwaway PostgreSQL server, from Debian's binaries -----------------------------------
def _postgres_bin():
    import glob

    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(d, "initdb").exists() and Path(d, "pg_ctl").exists():
            return Path(d)
    return None


@pytest.fixture(scope="session")
def postgres_url():
    """A real PostgreSQL server in a temp dir for this session (skipped, saying why, without binaries)."""
    import os
    import shutil
    import socket
    import subprocess

    bindir = _postgres_bin()
    if bindir is None:
        unavailable("PostgreSQL server binaries not found (Debian package `postgresql`): PostgreSQL tests skipped")
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="zhx-pg-"))  # not under pytest's tmp: its 0700 parents keep postgres out
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root: use the package's postgres user
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                    "--no-sync", "-E", "UTF8"], check=True, capture_output=True)
    subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(root / "log"),
                    "-o", f"-k {sockets} -p {port} -c listen_addresses='' -c fsync=off", "start"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@/postgres?host={sockets}&port={port}"
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
