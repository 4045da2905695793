"""A run killed with SIGKILL and then ``--resume``d writes the same bytes as one that never
stopped, wherever it was killed: as soon as its work folder is set up (nothing analysed
yet), during the analysis (checkpoint half written; the run had started in a folder
holding an earlier complete run), during the final write phase (articles and mentions
written, facts not yet), and just before its manifest (every output written).

The kills are at events, not at times, so each test knows where the run stopped. The
late ones are made certain with a named pipe in place of a file's temporary name:
opening it for writing blocks until a reader comes, so the run is stopped there. The
pipe is then replaced by what a killed writer leaves (a regular file ending in a partial
line) before resuming.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from pipeline.rundir import MANIFEST, OUTPUT_NAMES, STATE_NAME, WORK_DIR, verify_manifest

PROJECT = Path(__file__).resolve().parent.parent
SYNTH = PROJECT / "benchmarks" / "synth.py"
N_ARTICLES = 60
COMPARED = ("articles.jsonl", "mentions.jsonl", "facts.jsonl", "conflicts.jsonl")
CHECKPOINT = Path(WORK_DIR) / "outcomes.jsonl"
BLOCKED = ".facts.jsonl.partial"
BLOCKED_MANIFEST = f".{MANIFEST}.partial"
TIMEOUT_S = 600
POLL_S = 0.02


@cache
def root() -> Path:
    path = Path(tempfile.mkdtemp(prefix="newsfacts-resume-"))
    atexit.register(shutil.rmtree, path, True)
    return path


@cache
def dump() -> Path:
    path = root() / "dump.jsonl"
    subprocess.run(
        [sys.executable, str(SYNTH), "--n", str(N_ARTICLES), "--out", str(path), "--seed", "3"],
        check=True,
        capture_output=True,
    )
    return path


def _command(out: Path, *, resume: bool = False) -> list[str]:
    cmd = [sys.executable, "-m", "pipeline", "run", str(dump()), "--out", str(out)]
    cmd += ["--workers", "1", "--quiet"]
    return [*cmd, "--resume"] if resume else cmd


def _start(out: Path, *, resume: bool = False) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        _command(out, resume=resume), cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def _finish(proc: subprocess.Popen[bytes]) -> str:
    output, _ = proc.communicate(timeout=TIMEOUT_S)
    assert proc.returncode == 0, output.decode(errors="replace")
    return output.decode(errors="replace")


def _complete_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def _kill_when(proc: subprocess.Popen[bytes], out: Path, *, lines: int, wait_for: str = "") -> int:
    """SIGKILL ``proc`` once its checkpoint holds ``lines`` complete lines (and the file
    ``wait_for`` exists, when given); return the number of complete lines."""
    deadline = time.monotonic() + TIMEOUT_S
    while _complete_lines(out / CHECKPOINT) < lines or (wait_for and not (out / wait_for).exists()):
        assert proc.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline, "the run never reached the kill point"
        time.sleep(POLL_S)
    done = _complete_lines(out / CHECKPOINT)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=TIMEOUT_S)  # reaps it and closes its output pipe
    return done


@cache
def uninterrupted() -> Path:
    out = root() / "whole"
    _finish(_start(out))
    return out


@cache
def killed_at_start() -> Path:
    out = root() / "killed-start"
    _kill_when(_start(out), out, lines=0, wait_for=f"{WORK_DIR}/{STATE_NAME}")
    _finish(_start(out, resume=True))
    return out


@cache
def killed_in_analysis() -> tuple[Path, int, list[str]]:
    """Killed mid-analysis in a folder that held an earlier complete run: returns the
    folder, the articles analysed at the kill and the old outputs still there then."""
    out = root() / "killed-analysis"
    shutil.copytree(uninterrupted(), out)
    done = _kill_when(_start(out), out, lines=1)
    left = [name for name in (MANIFEST, *OUTPUT_NAMES) if (out / name).exists()]
    _finish(_start(out, resume=True))
    return out, done, left


@cache
def killed_in_write() -> tuple[Path, bool]:
    out = root() / "killed-write"
    out.mkdir()
    os.mkfifo(out / BLOCKED)
    # mentions.jsonl is committed just before reconciliation; the run cannot get past
    # the pipe, so from then on it is in its write phase until killed.
    _kill_when(_start(out), out, lines=N_ARTICLES, wait_for="mentions.jsonl")
    written_before = (out / "articles.jsonl").exists() and not (out / "facts.jsonl").exists()
    (out / BLOCKED).unlink()
    (out / BLOCKED).write_text('{"fact_id": "trunc', encoding="utf-8")
    _finish(_start(out, resume=True))
    return out, written_before


@cache
def killed_before_manifest() -> tuple[Path, list[str]]:
    """Killed with every output written but the manifest: returns the folder and the
    outputs present at the kill."""
    out = root() / "killed-manifest"
    out.mkdir()
    os.mkfifo(out / BLOCKED_MANIFEST)
    _kill_when(_start(out), out, lines=N_ARTICLES, wait_for="run.json")
    present = [name for name in (MANIFEST, *OUTPUT_NAMES) if (out / name).exists()]
    (out / BLOCKED_MANIFEST).unlink()
    (out / BLOCKED_MANIFEST).write_text('{"run_id": "trunc', encoding="utf-8")
    _finish(_start(out, resume=True))
    return out, present


KILLED: dict[str, Callable[[], Path]] = {
    "start": killed_at_start,
    "analysis": lambda: killed_in_analysis()[0],
    "write": lambda: killed_in_write()[0],
    "manifest": lambda: killed_before_manifest()[0],
}


@pytest.mark.slow
@pytest.mark.parametrize("name", COMPARED)
@pytest.mark.parametrize("point", list(KILLED))
def test_resume_after_kill_gives_same_bytes(point: str, name: str) -> None:
    out = KILLED[point]()
    assert (out / name).read_bytes() == (uninterrupted() / name).read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("point", list(KILLED))
def test_resumed_run_is_one_complete_set(point: str) -> None:
    out = KILLED[point]()
    assert verify_manifest(out) == []
    assert not (out / WORK_DIR).exists()
    assert not list(out.glob(".*.partial"))


@pytest.mark.slow
@pytest.mark.parametrize("expected", [[]])
def test_a_fresh_run_removed_the_old_run_before_analysing(expected: list[str]) -> None:
    _, _, left = killed_in_analysis()
    assert left == expected


@pytest.mark.slow
@pytest.mark.parametrize("missing", [MANIFEST])
def test_kill_before_the_manifest_left_no_manifest(missing: str) -> None:
    _, present = killed_before_manifest()
    assert set(present) == set(OUTPUT_NAMES)
    assert missing not in present


@pytest.mark.slow
@pytest.mark.parametrize("bound", [N_ARTICLES])
def test_kill_in_analysis_happened_mid_way(bound: int) -> None:
    _, done, _ = killed_in_analysis()
    assert 0 < done < bound


@pytest.mark.slow
@pytest.mark.parametrize("leftover", [BLOCKED])
def test_kill_in_write_phase_left_outputs_half_written(leftover: str) -> None:
    out, written_before = killed_in_write()
    assert written_before, "articles.jsonl should exist and facts.jsonl not, at the kill"
    assert not (out / leftover).exists()


@pytest.mark.slow
@pytest.mark.parametrize("n", [N_ARTICLES])
def test_uninterrupted_run_read_every_article(n: int) -> None:
    text = (uninterrupted() / "articles.jsonl").read_text(encoding="utf-8")
    assert text.count("\n") == n
