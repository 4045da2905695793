"""The output folder is one run: locked, checked on resume, sealed by a manifest, its work
file checksummed, a full disk or Ctrl-C a clean exit.

Most runs here read dumps whose records are all quarantined (empty texts): they go
through every phase of a run without loading a spaCy model, so they take a second. One
test runs real articles in subprocesses, to see two runs on one folder in real time.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.checkpoint import Checkpoint, read_line, work_line
from pipeline.cli.main import main
from pipeline.errors import Errors, UsageError
from pipeline.rundir import (
    MANIFEST,
    OUTPUT_NAMES,
    STATE_NAME,
    WORK_DIR,
    Lock,
    WorkState,
    check_out,
    check_store,
    clear_outputs,
    differences,
    input_state,
    verify_manifest,
)
from pipeline.runner import RunOptions, run

PROJECT = Path(__file__).resolve().parent.parent
SYNTH = PROJECT / "benchmarks" / "synth.py"
DISK_FULL_LINE = "newsfacts: error: disk full while writing "
TIMEOUT_S = 600
POLL_S = 0.02


def _dump(path: Path, ids: list[str], *, text: str = "") -> Path:
    """A JSONL dump whose records are all quarantined (blank text): no model is loaded."""
    lines = [json.dumps({"id": aid, "text": text}) for aid in ids]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _ids(n: int) -> list[str]:
    return [f"a{i:03d}" for i in range(n)]


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _opts(dump: Path, out: Path, **kw: Any) -> RunOptions:
    return RunOptions(inputs=(dump,), out=out, **kw)


def _argv(dump: Path, out: Path, *extra: str) -> list[str]:
    return ["run", str(dump), "--out", str(out), "--quiet", *extra]


# --------------------------------------------------------------------------- work file


@pytest.mark.parametrize(
    "payload",
    [
        '{"row":{"article_id":"a"}}',
        '{"row":{"article_id":"é—€"},"text":"tab\\there"}',
        '{"row":{"article_id":"\ud800"}}',
    ],
    ids=["ascii", "accents-and-escaped-tab", "lone-surrogate"],
)
def test_work_lines_round_trip(payload: str) -> None:
    line = work_line(payload)
    assert line.endswith(b"\n")
    assert line.count(b"\t") == 1
    assert read_line(line) == json.loads(payload)


def _flip_digit(line: bytes) -> bytes:
    at = line.index(b"1")
    return line[:at] + b"2" + line[at + 1 :]


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (_flip_digit, "checksum mismatch"),
        (lambda b: b[:-3] + (b"0" if b[-3:-2] != b"0" else b"1") + b[-2:], "checksum mismatch"),
        (lambda b: b.split(b"\t")[0] + b"\n", "no checksum"),
        (lambda b: b.replace(b"\t", b"\tzz"), "no checksum"),
        (lambda b: work_line('{"row":{"article_id":"a1"}'), "malformed JSON"),
        (lambda b: work_line("[1, 2]"), "not an outcome"),
        (lambda b: work_line('{"row":{"article_id":null}}'), "not an outcome"),
        (lambda b: b[:3] + b"\xff" + b[4:], "checksum mismatch"),
    ],
    ids=[
        "changed-digit",
        "changed-checksum",
        "no-checksum",
        "bad-checksum",
        "cut-json",
        "not-object",
        "no-id",
        "bad-utf8",
    ],
)
def test_damaged_work_lines_are_refused(damage: Callable[[bytes], bytes], why: str) -> None:
    good = work_line('{"row":{"article_id":"a1","n_mentions":12}}')
    found = read_line(damage(good))
    assert isinstance(found, str)
    assert found.startswith(why)


@pytest.mark.parametrize("damaged", [0, 1, 2])
def test_checkpoint_drops_a_damaged_line_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, damaged: int
) -> None:
    ckpt = Checkpoint(tmp_path, resume=False)
    for aid in ("a1", "b1", "c1"):
        ckpt.append({"row": {"article_id": aid, "n_facts": 10}})
    ckpt.close()
    lines = ckpt.path.read_bytes().splitlines(keepends=True)
    lines[damaged] = _flip_digit(lines[damaged])
    ckpt.path.write_bytes(b"".join(lines))
    again = Checkpoint(tmp_path, resume=True)
    with caplog.at_level(logging.WARNING, logger="newsfacts"):
        done = again.done_ids()
        kept = [r["row"]["article_id"] for r in again]
    expected = [aid for i, aid in enumerate(("a1", "b1", "c1")) if i != damaged]
    assert kept == expected
    assert len(done) == 2
    assert all(aid in done for aid in expected)
    assert again.dropped == 1
    assert len([r for r in caplog.records if "checksum mismatch" in r.message]) == 1


# --------------------------------------------------------------------------- locks


@pytest.mark.parametrize("kind", ["folder", "lock-file"])
def test_a_second_lock_is_refused_until_the_first_is_released(tmp_path: Path, kind: str) -> None:
    path = tmp_path if kind == "folder" else tmp_path / "facts.duckdb.lock"
    first = Lock(path, option="--out")
    with pytest.raises(UsageError, match="in use by another newsfacts run"):
        Lock(path, option="--out")
    first.release()
    with Lock(path, option="--out"):
        pass


@pytest.mark.parametrize("code", [errno.ENOLCK, errno.EOPNOTSUPP])
def test_a_file_system_without_locks_runs_unlocked_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    import fcntl

    def refuse(fd: int, op: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(fcntl, "flock", refuse)
    notices: list[str] = []
    with Lock(tmp_path, option="--out", notify=notices.append):
        pass
    assert len(notices) == 1
    assert notices[0].startswith(f"Cannot lock {tmp_path} ({os.strerror(code)})")


@pytest.mark.parametrize("sig", [signal.SIGKILL])
def test_the_lock_dies_with_its_process(tmp_path: Path, sig: int) -> None:
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from pipeline.rundir import Lock\n"
        "lock = Lock(Path(sys.argv[1]), option='--out')\n"
        "print('locked', flush=True)\n"
        "time.sleep(600)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path)], cwd=PROJECT, stdout=subprocess.PIPE
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == b"locked\n"
    with pytest.raises(UsageError, match="in use"):
        Lock(tmp_path, option="--out")
    proc.send_signal(sig)
    proc.communicate(timeout=TIMEOUT_S)
    with Lock(tmp_path, option="--out"):
        pass


@pytest.mark.parametrize("option", ["--out", "--store"])
def test_a_run_on_a_locked_folder_or_store_is_refused(tmp_path: Path, option: str) -> None:
    dump = _dump(tmp_path / "dump.jsonl", _ids(3))
    out, store = tmp_path / "out", tmp_path / "facts.duckdb"
    out.mkdir()
    held = out if option == "--out" else check_store(store)
    with Lock(held, option=option), pytest.raises(UsageError, match=f"another {option}"):
        run(_opts(dump, out, store=store))
    assert not (out / WORK_DIR).exists(), "the refused run touched the folder"


# --------------------------------------------------------------------------- checks


@pytest.mark.parametrize(
    ("out", "match"),
    [("x", "is a file, not a folder"), ("x/sub", "not writable")],
    ids=["out-is-a-file", "out-under-a-file"],
)
def test_an_out_that_cannot_be_a_folder_is_refused(tmp_path: Path, out: str, match: str) -> None:
    (tmp_path / "x").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match=match):
        check_out(tmp_path / out)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders")
@pytest.mark.parametrize("mode", [0o500])
def test_a_read_only_out_is_refused(tmp_path: Path, mode: int) -> None:
    out = tmp_path / "ro"
    out.mkdir(mode=mode)
    with pytest.raises(UsageError, match="not writable"):
        check_out(out)


@pytest.mark.parametrize(
    ("name", "match"),
    [("dir.duckdb", "is not a file"), ("file/x.duckdb", "is a file, not a folder")],
)
def test_a_store_that_cannot_be_written_is_refused(tmp_path: Path, name: str, match: str) -> None:
    (tmp_path / "dir.duckdb").mkdir()
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match=match):
        check_store(tmp_path / name)


# --------------------------------------------------------------------------- identity


def _state(dump: Path, **kw: Any) -> WorkState:
    fields: dict[str, Any] = {"lang": "auto", "currency": "USD", "model": None, "store": None}
    fields.update(kw)
    inputs = (input_state(dump, [dump]),)
    return WorkState(run_id="r", newsfacts="1", inputs=inputs, **fields)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"currency": "EUR"}, "--currency: USD in the interrupted run, EUR now"),
        ({"lang": "fr"}, "--lang: auto in the interrupted run, fr now"),
        ({"model": "/m"}, "--model: none in the interrupted run, /m now"),
        ({"store": "/s.duckdb"}, "--store: none in the interrupted run, /s.duckdb now"),
    ],
)
def test_a_changed_option_is_named(tmp_path: Path, change: dict[str, str], said: str) -> None:
    dump = _dump(tmp_path / "d.jsonl", _ids(2))
    assert differences(_state(dump), _state(dump, **change)) == [said]


@pytest.mark.parametrize(
    ("text", "shift_ns", "said"),
    [
        ("other words", 2_000_000_000, "bytes"),  # longer: another size
        ("b", 1_000, "changed in place"),  # same size, same second: only the digest differs
    ],
    ids=["other-size", "same-size"],
)
def test_another_dump_with_the_same_ids_is_detected(
    tmp_path: Path, text: str, shift_ns: int, said: str
) -> None:
    dump = _dump(tmp_path / "d.jsonl", _ids(4), text="a")
    before = _state(dump)
    mtime = dump.stat().st_mtime_ns
    _dump(dump, _ids(4), text=text)
    os.utime(dump, ns=(mtime, mtime + shift_ns))
    found = differences(before, _state(dump))
    assert len(found) == 1
    assert found[0].startswith(f"input {dump.resolve()}: ")
    assert said in found[0]


@pytest.mark.parametrize("inside", ["out"])
def test_the_runs_own_folder_is_not_part_of_its_input(tmp_path: Path, inside: str) -> None:
    (tmp_path / inside).mkdir()
    dump = _dump(tmp_path / "d.jsonl", _ids(2))
    files = [dump, _dump(tmp_path / inside / "articles.jsonl", _ids(1))]
    alone = input_state(tmp_path, [dump])
    assert input_state(tmp_path, files, exclude=[tmp_path / inside]) == alone
    assert input_state(tmp_path, files) != alone


# --------------------------------------------------------------------------- manifest


@pytest.fixture
def done_run(tmp_path: Path) -> Path:
    """A complete run (its work folder kept) over a dump of quarantined records."""
    out = tmp_path / "out"
    run(_opts(_dump(tmp_path / "dump.jsonl", _ids(5)), out, keep_work=True))
    return out


def test_a_complete_run_carries_its_id_and_a_manifest(done_run: Path) -> None:
    run_json = json.loads((done_run / "run.json").read_text(encoding="utf-8"))
    manifest = json.loads((done_run / MANIFEST).read_text(encoding="utf-8"))
    state = json.loads((done_run / WORK_DIR / STATE_NAME).read_text(encoding="utf-8"))
    assert run_json["run_id"] == manifest["run_id"] == state["run_id"]
    assert {f["name"] for f in manifest["files"]} == set(OUTPUT_NAMES)
    assert verify_manifest(done_run) == []


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        (lambda out: (out / "facts.jsonl").write_text("{}\n", encoding="utf-8"), "facts.jsonl"),
        (lambda out: (out / "report.html").unlink(), "report.html: missing"),
        (lambda out: (out / MANIFEST).unlink(), MANIFEST),
    ],
    ids=["changed", "missing", "no-manifest"],
)
def test_a_mixed_folder_is_told_from_a_complete_run(
    done_run: Path, tamper: Callable[[Path], object], problem: str
) -> None:
    tamper(done_run)
    assert any(p.startswith(problem) for p in verify_manifest(done_run))


@pytest.mark.parametrize("other", ["notes.txt", "newsfacts.log"])
def test_clearing_removes_the_manifest_first_and_only_run_outputs(
    done_run: Path, other: str
) -> None:
    (done_run / other).write_text("mine", encoding="utf-8")
    (done_run / ".facts.jsonl.partial").write_text("{", encoding="utf-8")
    removed = clear_outputs(done_run)
    assert removed[0] == MANIFEST
    assert set(removed) == {MANIFEST, *OUTPUT_NAMES, ".facts.jsonl.partial"}
    assert (done_run / other).read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("fail_at", ["_write_articles", "write_manifest"])
def test_a_failed_fresh_run_leaves_no_old_outputs_and_keeps_its_work(
    done_run: Path, monkeypatch: pytest.MonkeyPatch, fail_at: str
) -> None:
    import pipeline.runner as runner

    def boom(*_: object, **__: object) -> None:
        raise RuntimeError(fail_at)

    monkeypatch.setattr(runner, fail_at, boom)
    dump = done_run.parent / "dump.jsonl"
    with pytest.raises(RuntimeError, match=fail_at):
        run(_opts(dump, done_run))
    assert not (done_run / MANIFEST).exists()
    if fail_at == "_write_articles":
        assert not [n for n in OUTPUT_NAMES if (done_run / n).exists()]
    assert (done_run / WORK_DIR / Checkpoint.NAME).is_file()


@pytest.mark.parametrize("keep", [False, True])
def test_the_work_folder_goes_after_success_unless_kept(tmp_path: Path, keep: bool) -> None:
    out = tmp_path / "out"
    run(_opts(_dump(tmp_path / "d.jsonl", _ids(3)), out, keep_work=keep))
    assert (out / WORK_DIR).exists() == keep
    assert verify_manifest(out) == []


# --------------------------------------------------------------------------- resume


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"currency": "EUR"}, "--currency: USD in the interrupted run, EUR now"),
        ({"lang": "fr"}, "--lang: auto in the interrupted run, fr now"),
        ({"inputs": "other"}, "inputs: "),
        ({"dump": "same ids"}, "input "),
    ],
)
def test_a_resume_with_other_inputs_or_options_is_refused(
    done_run: Path, change: dict[str, str], said: str
) -> None:
    dump = done_run.parent / "dump.jsonl"
    opts = _opts(dump, done_run, resume=True)
    if "inputs" in change:
        opts = _opts(_dump(done_run.parent / "other.jsonl", _ids(5)), done_run, resume=True)
    elif "dump" in change:
        mtime = dump.stat().st_mtime_ns
        _dump(dump, _ids(5), text=" ")
        os.utime(dump, ns=(mtime, mtime + 1_000))
    else:
        opts = _opts(dump, done_run, resume=True, **change)
    before = (done_run / "articles.jsonl").read_bytes()
    with pytest.raises(UsageError, match="Cannot resume") as caught:
        run(opts)
    assert said in str(caught.value)
    assert (done_run / "articles.jsonl").read_bytes() == before
    assert verify_manifest(done_run) == []


@pytest.mark.parametrize("damaged", [1, 3])
def test_a_damaged_work_line_is_analysed_again(done_run: Path, damaged: int) -> None:
    before = sorted((done_run / "articles.jsonl").read_text(encoding="utf-8").splitlines())
    work = done_run / WORK_DIR / Checkpoint.NAME
    lines = work.read_bytes().splitlines(keepends=True)
    lines[damaged] = lines[damaged].replace(b'"a00', b'"a90', 1)  # a changed digit
    work.write_bytes(b"".join(lines))
    notices: list[str] = []
    summary = run(
        _opts(done_run.parent / "dump.jsonl", done_run, resume=True), notify=notices.append
    )
    after = sorted((done_run / "articles.jsonl").read_text(encoding="utf-8").splitlines())
    assert after == before
    assert summary.work_lines_dropped == 1
    run_json = json.loads((done_run / "run.json").read_text(encoding="utf-8"))
    assert run_json["counts"]["work_lines_dropped"] == 1
    assert notices == [Errors.E017.format(count=1)]


@pytest.mark.parametrize("state", ["no-work-folder", "old-format"])
def test_a_resume_without_a_checked_work_file(tmp_path: Path, state: str) -> None:
    dump = _dump(tmp_path / "d.jsonl", _ids(3))
    out = tmp_path / "out"
    notices: list[str] = []
    if state == "old-format":
        (out / WORK_DIR).mkdir(parents=True)
        (out / WORK_DIR / Checkpoint.NAME).write_text('{"row":{"article_id":"a000"}}\n', "utf-8")
        with pytest.raises(UsageError, match="older newsfacts"):
            run(_opts(dump, out, resume=True), notify=notices.append)
        return
    run(_opts(dump, out, resume=True), notify=notices.append)
    assert notices == [f"Nothing to resume in {out} (no work file): starting a fresh run"]
    assert verify_manifest(out) == []


# --------------------------------------------------------------------------- exits


def _enospc(*_: object, **__: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _edquot(*_: object, **__: object) -> None:
    raise OSError(errno.EDQUOT, os.strerror(errno.EDQUOT))


def _rollback_hides_it(*_: object, **__: object) -> None:
    try:
        _enospc()
    except OSError:
        raise RuntimeError("TransactionContext Error: cannot rollback") from None


def _duckdb_io(*_: object, **__: object) -> None:
    import duckdb

    raise duckdb.IOException(f'Could not write file "x.duckdb": {os.strerror(errno.ENOSPC)}')


@pytest.mark.parametrize(
    ("target", "fail"),
    [
        ("pipeline.checkpoint.Checkpoint.append_line", _enospc),
        ("pipeline.checkpoint.Checkpoint.append_line", _edquot),
        ("pipeline.report.jsonl.AtomicJsonl.write", _enospc),
        ("pipeline.store.FactStore.add_outcomes", _rollback_hides_it),
        ("pipeline.store.FactStore.add_outcomes", _duckdb_io),
        ("pipeline.runner.write_manifest", _enospc),
    ],
    ids=["work-file", "quota", "outputs", "store-rollback", "duckdb", "manifest"],
)
def test_a_full_disk_is_one_line_and_resumable(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    target: str,
    fail: Callable[..., None],
) -> None:
    dump, out = _dump(tmp_path / "d.jsonl", _ids(20)), tmp_path / "out"
    with monkeypatch.context() as m:
        m.setattr(target, fail)
        assert main(_argv(dump, out)) == 1
    err = capsys.readouterr().err
    assert err.startswith(DISK_FULL_LINE)
    assert err.endswith("; free space and run again with --resume\n")
    assert err.count("\n") == 1
    log = out / "newsfacts.log"
    assert not log.exists() or "Traceback" not in log.read_text(encoding="utf-8")
    assert main(_argv(dump, out, "--resume")) == 0
    assert [r["article_id"] for r in _rows(out / "articles.jsonl")] == _ids(20)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("name", ["articles.jsonl", "report.html", "run.json"])
def test_a_real_full_disk_while_writing_an_output(
    done_run: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    # A resume reuses the analysis; the output's temporary name leads to a full device.
    (done_run / f".{name}.partial").symlink_to("/dev/full")
    dump = done_run.parent / "dump.jsonl"
    assert main(_argv(dump, done_run, "--resume")) == 1
    err = capsys.readouterr().err
    assert err.startswith(DISK_FULL_LINE)
    assert err.count("\n") == 1
    (done_run / f".{name}.partial").unlink(missing_ok=True)  # space freed
    assert main(_argv(dump, done_run, "--resume")) == 0
    assert verify_manifest(done_run) == []


@pytest.mark.parametrize("after", [1, 2])
def test_ctrl_c_exits_130_and_the_run_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], after: int
) -> None:
    dump = _dump(tmp_path / "d.jsonl", _ids(40))
    whole, out = tmp_path / "whole", tmp_path / "out"
    assert main(_argv(dump, whole)) == 0
    original = Checkpoint.append_line
    calls: list[str] = []

    def interrupted(self: Checkpoint, line: str) -> None:
        if len(calls) == after:
            raise KeyboardInterrupt
        calls.append(line)
        original(self, line)

    with monkeypatch.context() as m:
        m.setattr(Checkpoint, "append_line", interrupted)
        assert main(_argv(dump, out)) == 130
    err = capsys.readouterr().err
    assert err == "newsfacts: interrupted; run the same command with --resume to go on\n"
    assert (out / WORK_DIR / Checkpoint.NAME).read_bytes().count(b"\n") == after
    assert main(_argv(dump, out, "--resume")) == 0
    for name in ("articles.jsonl", "mentions.jsonl", "facts.jsonl", "conflicts.jsonl"):
        assert (out / name).read_bytes() == (whole / name).read_bytes(), name


# --------------------------------------------------------------------------- two runs


@pytest.fixture(scope="module")
def synth_dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synth") / "dump.jsonl"
    cmd = [sys.executable, str(SYNTH), "--n", "12", "--out", str(path), "--seed", "5"]
    subprocess.run(cmd, check=True, capture_output=True)
    return path


def _start(dump: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "pipeline", *_argv(dump, out, *extra)]
    return subprocess.Popen(cmd, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _wait_for(path: Path, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not path.exists():
        assert proc.poll() is None, "the run ended before it reached the point awaited"
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(POLL_S)


def _finish_all(procs: list[subprocess.Popen[bytes]]) -> Iterator[tuple[int, str]]:
    for proc in procs:
        output, _ = proc.communicate(timeout=TIMEOUT_S)
        yield proc.returncode, output.decode(errors="replace")


@pytest.mark.slow
@pytest.mark.parametrize("n", [12])
def test_two_runs_on_one_folder_never_write_an_article_twice(
    tmp_path: Path, synth_dump: Path, n: int
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    # The first run stops in its write phase (opening a named pipe blocks until a reader
    # comes), so it holds the folder for certain while the others start.
    os.mkfifo(out / ".facts.jsonl.partial")
    first = _start(synth_dump, out)
    _wait_for(out / "mentions.jsonl", first)
    written = (out / "articles.jsonl").read_bytes()
    others = [_start(synth_dump, out), _start(synth_dump, out, "--resume")]
    for code, output in _finish_all(others):
        assert code == 2, output
        assert "is in use by another newsfacts run" in output
    assert (out / "articles.jsonl").read_bytes() == written
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=TIMEOUT_S)
    (out / ".facts.jsonl.partial").unlink()
    # Two resumes of the killed run at once: one goes on, the other is refused.
    resumes = [_start(synth_dump, out, "--resume") for _ in range(2)]
    codes = sorted(code for code, _ in _finish_all(resumes))
    assert codes == [0, 2]
    ids = [r["article_id"] for r in _rows(out / "articles.jsonl")]
    assert len(ids) == len(set(ids)) == n
    assert verify_manifest(out) == []
    assert not (out / WORK_DIR).exists()


@pytest.mark.parametrize("option", ["--out"])
def test_nothing_is_left_locked_after_a_run(done_run: Path, option: str) -> None:
    with Lock(done_run, option=option):
        pass
