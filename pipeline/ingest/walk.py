"""Inputs to a deterministic list of files, each with its form and its id base.

Folders are walked recursively in sorted order (by name, entries of a folder before
nothing else: depth first, as ``sorted`` puts them). Symbolic links are followed, but a
link back to a folder being walked is a loop, and a file or folder reached twice
through links is read once; both are reported as :class:`SkippedFile`, as are broken
links and files whose extension names no known form.

Outputs of newsfacts are never read back as input: a folder that holds a newsfacts run
(:data:`RUN_MARKERS`), any ``.newsfacts-work`` folder, and the paths given in ``exclude``
(the run's own ``--out`` folder and ``--store`` file) are skipped wherever they are met
(given as an input, or reached while walking one) and reported as :class:`SkippedFile`.
Paths in skip reports are valid UTF-8: a name that is not shows U+FFFD for a bad byte.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import Errors, InputError
from pipeline.utf8 import safe_text

__all__ = [
    "FORMS",
    "RUN_MARKERS",
    "WORK_FOLDER",
    "FileRef",
    "SkippedFile",
    "check_inputs",
    "holds_a_run",
    "iter_files",
    "split_form",
]

# Known endings (lower case, longest first) and the reader form they select.
FORMS: tuple[tuple[str, str], ...] = (
    (".jsonl.gz", "jsonl"),
    (".ndjson.gz", "jsonl"),
    (".warc.gz", "warc"),
    (".jsonl", "jsonl"),
    (".ndjson", "jsonl"),
    (".json", "json"),
    (".parquet", "parquet"),
    (".warc", "warc"),
    (".html", "html"),
    (".htm", "html"),
    (".txt", "text"),
    (".md", "text"),
)

# The hidden work folder of a run: never an input.
WORK_FOLDER = ".newsfacts-work"
# A folder holding every name of one of these sets holds a newsfacts run: complete
# (run.json written last, beside its outputs or its work folder) or cut short in its
# final phase (outputs beside the work folder, run.json not yet written).
RUN_MARKERS: tuple[frozenset[str], ...] = (
    frozenset({"run.json", WORK_FOLDER}),
    frozenset({"run.json", "articles.jsonl", "facts.jsonl"}),
    frozenset({WORK_FOLDER, "articles.jsonl"}),
)


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A path found in the inputs that was not read, and why."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file to read: its path as reached from the inputs, its form and its id base.

    ``file_id`` is the path relative to the folder given, without the known extension,
    with ``/`` separators (the stem for a file given directly).
    """

    path: Path
    form: str
    file_id: str


def split_form(name: str) -> tuple[str, str] | None:
    """``(name without its known ending, form)``, or ``None`` for an unknown ending."""
    lower = name.lower()
    for ending, form in FORMS:
        if lower.endswith(ending) and len(name) > len(ending):
            return name[: -len(ending)], form
    return None


def _skip(path: Path | str, reason: str) -> SkippedFile:
    """A skip report whose strings are valid UTF-8 whatever the file name."""
    return SkippedFile(safe_text(str(path)), safe_text(reason))


def _unknown(path: Path) -> SkippedFile:
    suffix = path.suffix.lower() or "(none)"
    return _skip(path, Errors.E112.format(ext=suffix))


def holds_a_run(names: Collection[str]) -> bool:
    """Whether a folder of these entry names holds a newsfacts run (:data:`RUN_MARKERS`)."""
    present = set(names)
    return any(markers <= present for markers in RUN_MARKERS)


def _resolved(paths: Sequence[Path]) -> frozenset[Path]:
    """``paths`` resolved as far as they exist (a path not created yet still counts)."""
    return frozenset(Path(p).resolve(strict=False) for p in paths)


def check_inputs(inputs: Sequence[Path]) -> None:
    """Raise :class:`InputError` for the first input path that does not exist."""
    for path in inputs:
        if not path.exists():
            raise InputError(Errors.E004.format(path=path))


def _real(path: Path) -> Path | SkippedFile:
    """The resolved path, or why it cannot be resolved (loop, broken link)."""
    try:
        return path.resolve(strict=True)
    except RuntimeError:
        return _skip(path, Errors.E113)
    except FileNotFoundError:
        return _skip(path, Errors.E114)
    except OSError as e:
        reason = Errors.E113 if e.errno == errno.ELOOP else Errors.E117.format(detail=e.strerror)
        return _skip(path, reason)


@dataclass(slots=True)
class _Walk:
    """The mutable state of one walk: what was seen, and where skipped paths go."""

    skipped: list[SkippedFile]
    seen: dict[Path, Path]
    exclude: frozenset[Path] = frozenset()

    def file(self, path: Path, real: Path, prefix: str) -> Iterator[FileRef]:
        split = split_form(path.name)
        if split is None:
            self.skipped.append(_unknown(path))
            return
        if real in self.seen:
            self.skipped.append(_skip(path, Errors.E116.format(path=self.seen[real])))
            return
        self.seen[real] = path
        stem, form = split
        yield FileRef(path, form, prefix + stem)

    def folder(self, root: Path, folder: Path, ancestors: frozenset[Path]) -> Iterator[FileRef]:
        try:
            names = sorted(os.listdir(folder))
        except OSError as e:
            self.skipped.append(_skip(folder, Errors.E117.format(detail=e.strerror)))
            return
        if holds_a_run(names):
            self.skipped.append(_skip(folder, Errors.E123))
            return
        for name in names:
            path = folder / name
            real = _real(path)
            if isinstance(real, SkippedFile):
                self.skipped.append(real)
                continue
            yield from self.entry(root, path, real, ancestors)

    def entry(
        self, root: Path, path: Path, real: Path, ancestors: frozenset[Path]
    ) -> Iterator[FileRef]:
        try:
            mode = real.stat().st_mode
        except OSError as e:
            self.skipped.append(_skip(path, Errors.E117.format(detail=e.strerror)))
            return
        if real in self.exclude:
            reason = Errors.E125 if stat.S_ISDIR(mode) else Errors.E126
            self.skipped.append(_skip(path, reason))
        elif stat.S_ISDIR(mode):
            if real in ancestors:
                self.skipped.append(_skip(path, Errors.E113))
            elif real in self.seen:
                first = self.seen[real]
                self.skipped.append(_skip(path, Errors.E116.format(path=first)))
            elif real.name == WORK_FOLDER:
                self.skipped.append(_skip(path, Errors.E124))
            else:
                self.seen[real] = path
                yield from self.folder(root, path, ancestors | {real})
        elif stat.S_ISREG(mode):
            parent = path.relative_to(root).parent.as_posix()
            yield from self.file(path, real, "" if parent == "." else f"{parent}/")
        else:
            self.skipped.append(_skip(path, Errors.E118))


def iter_files(
    inputs: Sequence[Path], *, skipped: list[SkippedFile], exclude: Sequence[Path] = ()
) -> Iterator[FileRef]:
    """Every readable file of ``inputs`` in a deterministic order; see the module docstring.

    A path of ``exclude`` (a file or folder, existing or not) is skipped where it is met,
    as an input or while walking one, a folder with everything inside it. Call
    :func:`check_inputs` first: a missing input is skipped here, not raised.
    """
    walk = _Walk(skipped=skipped, seen={}, exclude=_resolved(exclude))
    for path in inputs:
        real = _real(path)
        if isinstance(real, SkippedFile):
            skipped.append(real)
        else:
            yield from walk.entry(path, path, real, frozenset())
