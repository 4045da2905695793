"""The output folder as one unit: one run at a time, what a run is, a marker of a whole set.

- :class:`Lock`: an exclusive, non-blocking ``flock`` on the output folder itself (and
  on ``STORE.lock`` beside a ``--store`` file), held for the whole run. The kernel
  drops it when the process ends, ``kill -9`` included, so a later ``--resume`` is
  never locked out by a dead run.
- :class:`WorkState`: written to ``DIR/.newsfacts-work/work.json`` when a run starts:
  the run's id, its inputs and the options that shape its outputs. ``--resume``
  compares it with the command given and says what differs.
- the manifest ``DIR/MANIFEST.json``, written last: the run's id and each output file's
  name, size and SHA-256. A fresh run removes it before anything else, so a folder
  whose files do not match its manifest (or that has none) is not one complete run.

An input's identity is cheap: its resolved path, how many files it holds, their total
size and a digest of each file's path, size and modification time (``mtime_ns``).
Hashing the content would mean reading a whole dump again before every resume; a
different dump, even with the same article ids, is a rewritten file with another
modification time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import secrets
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import Errors, UsageError

__all__ = [
    "MANIFEST",
    "OUTPUT_NAMES",
    "STATE_NAME",
    "WORK_DIR",
    "WORK_FORMAT",
    "InputState",
    "Lock",
    "WorkState",
    "check_out",
    "check_store",
    "clear_outputs",
    "differences",
    "input_state",
    "new_run_id",
    "read_state",
    "verify_manifest",
    "write_manifest",
    "write_state",
]

WORK_DIR = ".newsfacts-work"
STATE_NAME = "work.json"
MANIFEST = "MANIFEST.json"
# The outputs of one run, in the order a fresh run removes them (run.json first: it is
# what a reader looks at to see whether a folder holds a run).
OUTPUT_NAMES = (
    "run.json",
    "report.html",
    "conflicts.jsonl",
    "facts.jsonl",
    "mentions.jsonl",
    "articles.jsonl",
)
# 2: every work-file line ends with a tab and the CRC32 of its JSON (see checkpoint).
WORK_FORMAT = 2
_HASH_BLOCK = 1 << 20
# EBADF: NFS emulates flock with POSIX locks, which refuse an exclusive lock on a folder.
_NOT_SUPPORTED = (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EINVAL, errno.EBADF)

Notify = Callable[[str], None]


# --------------------------------------------------------------------------- locks


class Lock:
    """An exclusive ``flock`` on a folder (``path`` itself) or on a lock file.

    Non-blocking: a path already locked raises :class:`UsageError` (E013) at once. On a
    file system without ``flock`` the run goes on unlocked, after ``notify`` (E022).
    """

    def __init__(self, path: Path, *, option: str, notify: Notify | None = None) -> None:
        self.path = path
        self._fd: int | None = None
        directory = path.is_dir()
        flags = os.O_RDONLY if directory else os.O_RDWR | os.O_CREAT
        try:
            fd = os.open(path, flags | os.O_CLOEXEC, 0o644)
        except OSError as e:
            detail = f"cannot open {path}: {e.strerror}"
            raise UsageError(Errors.E011.format(option=option, detail=detail)) from e
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            os.close(fd)
            target = path if directory else path.with_suffix("")
            raise UsageError(Errors.E013.format(path=target, option=option)) from e
        except OSError as e:
            if e.errno not in _NOT_SUPPORTED:
                os.close(fd)
                raise
            if notify is not None:
                notify(Errors.E022.format(path=path, detail=e.strerror))
        self._fd = fd

    def sync(self) -> None:
        """fsync the locked folder: renames and removals in it reach the disk."""
        if self._fd is not None and self.path.is_dir():
            os.fsync(self._fd)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the only descriptor drops the flock
            self._fd = None

    def __enter__(self) -> Lock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _probe(folder: Path, option: str) -> None:
    """Create and remove a file in ``folder``: the one sure test of writability."""
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".newsfacts-probe-"):
            pass
    except OSError as e:
        if option == "--out":
            raise UsageError(Errors.E008.format(path=folder, detail=e.strerror)) from e
        detail = f"cannot write in {folder}: {e.strerror}"
        raise UsageError(Errors.E011.format(option=option, detail=detail)) from e


def check_out(out: Path) -> None:
    """Make ``--out`` (a folder we can write in) or raise :class:`UsageError`."""
    if out.exists() and not out.is_dir():
        raise UsageError(Errors.E012.format(path=out))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(Errors.E008.format(path=out, detail=e.strerror or str(e))) from e
    _probe(out, "--out")


def check_store(store: Path) -> Path:
    """Check a ``--store`` path we can create or write; return its lock file's path."""
    if store.exists() and not store.is_file():
        detail = f"{store} is not a file"
        raise UsageError(Errors.E011.format(option="--store", detail=detail))
    blocking = next((p for p in (store.parent, *store.parent.parents) if p.is_file()), None)
    if blocking is not None:
        detail = f"{blocking} is a file, not a folder"
        raise UsageError(Errors.E011.format(option="--store", detail=detail))
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        detail = f"cannot create {store.parent}: {e.strerror or e}"
        raise UsageError(Errors.E011.format(option="--store", detail=detail)) from e
    _probe(store.parent, "--store")
    if store.exists():
        try:
            with store.open("r+b"):
                pass
        except OSError as e:
            detail = f"cannot write {store}: {e.strerror}"
            raise UsageError(Errors.E011.format(option="--store", detail=detail)) from e
    return store.with_name(store.name + ".lock")


# --------------------------------------------------------------------------- identity


@dataclass(frozen=True, slots=True)
class InputState:
    """One input argument as it was: resolved path, files, bytes, newest change, digest."""

    path: str
    files: int
    bytes: int
    newest_ns: int
    digest: str

    def describe(self) -> str:
        when = dt.datetime.fromtimestamp(self.newest_ns / 1e9, dt.UTC)
        noun = "file" if self.files == 1 else "files"
        stamp = when.isoformat(timespec="seconds")
        return f"{self.files} {noun}, {self.bytes:,} bytes, last changed {stamp}"


@dataclass(frozen=True, slots=True)
class WorkState:
    """What a run is: its id and everything that shapes its outputs."""

    run_id: str
    newsfacts: str
    inputs: tuple[InputState, ...]
    lang: str
    currency: str
    model: str | None
    store: str | None
    format: int = WORK_FORMAT


def new_run_id(now: dt.datetime | None = None) -> str:
    """``20261103T101500Z-3f9a1c2e``: when the run started, and 32 random bits."""
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{secrets.token_hex(4)}"


def _under(path: Path, folders: Sequence[Path]) -> bool:
    return any(path == f or f in path.parents for f in folders)


def input_state(root: Path, files: Iterable[Path], *, exclude: Sequence[Path] = ()) -> InputState:
    """The identity of one input argument from the files read under it (see the module
    docstring); files under ``exclude`` (the run's own ``--out``) do not count."""
    base = root.resolve()
    # Only a folder inside this input can hold its files: resolve each file then alone.
    skip = [r for r in (p.resolve() for p in exclude) if _under(r, [base])]
    rows: list[tuple[str, int, int]] = []
    for path in files:
        if skip and _under(path.resolve(), skip):
            continue
        try:
            st = path.stat()
        except OSError:  # gone since the walk: reading it will say so
            continue
        name = os.path.relpath(path, root) if path != root else path.name
        rows.append((name, st.st_size, st.st_mtime_ns))
    rows.sort()
    digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    return InputState(
        path=str(base),
        files=len(rows),
        bytes=sum(r[1] for r in rows),
        newest_ns=max((r[2] for r in rows), default=0),
        digest=digest.hexdigest(),
    )


def _shown(value: str | None) -> str:
    return "none" if value is None else value


def differences(old: WorkState, new: WorkState) -> list[str]:
    """What differs between an interrupted run (``old``) and the command given now."""
    was, now = "in the interrupted run", "now"
    found: list[str] = []
    if old.format != new.format:
        found.append(f"work-file format: {old.format} {was}, {new.format} {now}")
    if old.newsfacts != new.newsfacts:
        found.append(f"newsfacts version: {old.newsfacts} {was}, {new.newsfacts} {now}")
    for option in ("lang", "currency", "model", "store"):
        a, b = getattr(old, option), getattr(new, option)
        if a != b:
            found.append(f"--{option}: {_shown(a)} {was}, {_shown(b)} {now}")
    old_paths = [i.path for i in old.inputs]
    new_paths = [i.path for i in new.inputs]
    if old_paths != new_paths:
        found.append(f"inputs: {', '.join(old_paths)} {was}, {', '.join(new_paths)} {now}")
        return found
    for a, b in zip(old.inputs, new.inputs, strict=True):
        if a == b:
            continue
        before, after = a.describe(), b.describe()
        if before == after:
            after += " (a file was renamed, replaced or changed in place)"
        found.append(f"input {a.path}: {before} {was}, {after} {now}")
    return found


def write_state(path: Path, state: WorkState) -> None:
    from pipeline.report.jsonl import atomic_write_text

    text = json.dumps(dataclasses.asdict(state), ensure_ascii=False, indent=2) + "\n"
    atomic_write_text(path, text)


def read_state(path: Path) -> WorkState:
    """The state a run wrote; :class:`UsageError` (E015) when it cannot be read."""
    try:
        raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        inputs = tuple(InputState(**i) for i in raw.pop("inputs"))
        return WorkState(inputs=inputs, **raw)
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as e:
        detail = f"its {path.name} cannot be read ({type(e).__name__}: {e})"
        raise UsageError(Errors.E015.format(path=path.parent.parent, detail=detail)) from e


# --------------------------------------------------------------------------- manifest


def clear_outputs(out: Path) -> list[str]:
    """Remove another run's outputs: the manifest first, then each output file and its
    temporary; return the names removed. A kill in between leaves no manifest, so the
    rest can never pass for a complete set."""
    removed: list[str] = []
    for name in (MANIFEST, *OUTPUT_NAMES):
        for path in (out / name, out / f".{name}.partial"):
            if path.is_file() or path.is_symlink():
                path.unlink()
                removed.append(path.name)
    return removed


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_HASH_BLOCK):
            h.update(block)
    return h.hexdigest()


def _file_entry(path: Path) -> dict[str, Any]:
    return {"name": path.name, "size": path.stat().st_size, "sha256": _sha256(path)}


def write_manifest(out: Path, run_id: str) -> dict[str, Any]:
    """Write ``MANIFEST.json``: the last file of a complete run."""
    from pipeline.report.jsonl import atomic_write_text

    manifest = {
        "run_id": run_id,
        "complete": True,
        "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "files": [_file_entry(out / name) for name in reversed(OUTPUT_NAMES)],
    }
    atomic_write_text(out / MANIFEST, json.dumps(manifest, indent=2) + "\n")
    return manifest


def verify_manifest(out: Path) -> list[str]:
    """Why ``out`` is not one complete run (no manifest, a file missing or changed, a
    run.json of another run); empty when it is."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        files = {str(f["name"]): f for f in manifest["files"]}
        run_id = str(manifest["run_id"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        return [f"{MANIFEST}: {type(e).__name__}: {e}"]
    problems: list[str] = []
    for name in OUTPUT_NAMES:
        path = out / name
        if name not in files:
            problems.append(f"{name}: not in the manifest")
        elif not path.is_file():
            problems.append(f"{name}: missing")
        elif _file_entry(path) != files[name]:
            problems.append(f"{name}: differs from the manifest")
    try:
        found = json.loads((out / "run.json").read_text(encoding="utf-8")).get("run_id")
    except (OSError, ValueError, AttributeError):
        found = None
    if found != run_id:
        problems.append(f"run.json: run_id {found} where the manifest says {run_id}")
    return problems
