"""``--workers 2`` writes the same bytes as ``--workers 1`` (results come back in order)."""

from __future__ import annotations

import atexit
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT / "corpus" / "sample"
COMPARED = ("articles.jsonl", "mentions.jsonl", "facts.jsonl", "conflicts.jsonl")
WORKERS = (1, 2)
TIMEOUT_S = 600


def _command(out: Path, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pipeline",
        "run",
        str(CORPUS),
        "--out",
        str(out),
        "--workers",
        str(workers),
        "--quiet",
    ]


@cache
def run_dirs() -> dict[int, Path]:
    """One run per worker count, started together (they are independent)."""
    root = Path(tempfile.mkdtemp(prefix="newsfacts-workers-"))
    atexit.register(shutil.rmtree, root, True)
    outs = {w: root / f"workers-{w}" for w in WORKERS}
    procs = {
        w: subprocess.Popen(
            _command(out, w), cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        for w, out in outs.items()
    }
    for w, proc in procs.items():
        output, _ = proc.communicate(timeout=TIMEOUT_S)
        assert proc.returncode == 0, f"--workers {w} failed:\n{output.decode(errors='replace')}"
    return outs


@pytest.mark.slow
@pytest.mark.parametrize("name", COMPARED)
def test_two_workers_write_the_same_bytes(name: str) -> None:
    one, two = (run_dirs()[w] / name for w in WORKERS)
    assert one.read_bytes() == two.read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["articles.jsonl", "mentions.jsonl"])
def test_runs_are_not_empty(name: str) -> None:
    assert (run_dirs()[1] / name).read_text(encoding="utf-8").count("\n") > 0
