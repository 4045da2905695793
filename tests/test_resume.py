"""A run killed with SIGKILL and then ``--resume``d writes the same bytes as one that never
stopped: killed during the analysis (checkpoint half written), and killed during the
final write phase (articles and mentions written, facts not yet).

The write-phase kill is made deterministic with a named pipe in place of the facts
file's temporary name: opening it for writing blocks until a reader comes, so the run
is certain to be stopped there. The pipe is then replaced by what a killed writer
leaves (a regular file ending in a partial line) before resuming.
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
from functools import cache
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SYNTH = PROJECT / "benchmarks" / "synth.py"
N_ARTICLES = 60
COMPARED = ("articles.jsonl", "mentions.jsonl", "facts.jsonl", "conflicts.jsonl")
CHECKPOINT = Path(".newsfacts-work") / "outcomes.jsonl"
BLOCKED = ".facts.jsonl.partial"
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


def _finish(proc: subprocess.Popen[bytes]) -> None:
    output, _ = proc.communicate(timeout=TIMEOUT_S)
    assert proc.returncode == 0, output.decode(errors="replace")


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
def killed_in_analysis() -> tuple[Path, int]:
    out = root() / "killed-analysis"
    done = _kill_when(_start(out), out, lines=1)
    _finish(_start(out, resume=True))
    return out, done


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


@pytest.mark.slow
@pytest.mark.parametrize("name", COMPARED)
def test_resume_after_kill_in_analysis_gives_same_bytes(name: str) -> None:
    out, _ = killed_in_analysis()
    assert (out / name).read_bytes() == (uninterrupted() / name).read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("bound", [N_ARTICLES])
def test_kill_in_analysis_happened_mid_way(bound: int) -> None:
    _, done = killed_in_analysis()
    assert 0 < done < bound


@pytest.mark.slow
@pytest.mark.parametrize("name", COMPARED)
def test_resume_after_kill_in_write_phase_gives_same_bytes(name: str) -> None:
    out, _ = killed_in_write()
    assert (out / name).read_bytes() == (uninterrupted() / name).read_bytes()


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
