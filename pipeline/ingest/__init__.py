"""Ingest: every input form to a stream of Article and Quarantine records.

``iter_articles(inputs)`` walks files and folders (see :mod:`pipeline.ingest.walk`),
reads each file with the reader of its form (:mod:`pipeline.ingest.readers`) and makes
ids unique within the iteration: a repeated id gets ``~2``, ``~3``... in reading order.
Nothing here raises on bad content; only a missing input path raises
:class:`~pipeline.errors.InputError`. Reading is bounded in memory and time (see the
limits in :mod:`pipeline.ingest.readers`), and every string of every record is valid
UTF-8 (a lone surrogate becomes U+FFFD). Sources name the file as given plus a position:
``dump.jsonl:12`` (line, 1-based), ``x.json#3``, ``x.parquet#row 5``,
``x.warc.gz#record 4`` (1-based indexes), the plain path for ``.txt``/``.md``/``.html``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path

from pipeline.idset import IdSet
from pipeline.ingest.dateline import find_published
from pipeline.ingest.language import detect_language
from pipeline.ingest.readers import read_file
from pipeline.ingest.walk import SkippedFile, check_inputs, iter_files
from pipeline.types import Article, Quarantine

__all__ = ["SkippedFile", "detect_language", "find_published", "iter_articles"]


@dataclasses.dataclass(slots=True)
class _Ids:
    """Ids handed out so far (as digests: a dump of millions of ids stays small); a
    repeat gets the first free ``~n`` suffix (n >= 2).

    ``last`` remembers, for each id met more than once, the suffix it got last: the
    search for a free suffix resumes there instead of from ``~2`` (suffixes below it
    are taken and stay taken), so a dump that repeats one id n times costs about 2n
    lookups, not n²/2.
    """

    used: IdSet = dataclasses.field(default_factory=IdSet)
    last: dict[str, int] = dataclasses.field(default_factory=dict)

    def unique(self, wanted: str) -> str:
        if self.used.add(wanted):
            return wanted
        n = self.last.get(wanted, 1) + 1
        while not self.used.add(f"{wanted}~{n}"):
            n += 1
        self.last[wanted] = n
        return f"{wanted}~{n}"


def _records(
    paths: Sequence[Path], skipped: list[SkippedFile], exclude: Sequence[Path]
) -> Iterator[Article | Quarantine]:
    ids = _Ids()
    for ref in iter_files(paths, skipped=skipped, exclude=exclude):
        for record in read_file(ref):
            unique = ids.unique(record.id)
            yield record if unique == record.id else dataclasses.replace(record, id=unique)


def iter_articles(
    inputs: Sequence[Path],
    *,
    skipped: list[SkippedFile] | None = None,
    exclude: Sequence[Path] = (),
) -> Iterator[Article | Quarantine]:
    """Stream the records of ``inputs`` (files and folders) in a deterministic order.

    Paths that are not read (unknown extension, symlink loop, a newsfacts run folder,
    a path of ``exclude``: the run's own ``--out`` and ``--store``...) are appended to
    ``skipped``. Raises :class:`~pipeline.errors.InputError` at once, before anything is
    read, when an input path does not exist.
    """
    paths = [Path(p) for p in inputs]
    check_inputs(paths)
    return _records(paths, [] if skipped is None else skipped, [Path(p) for p in exclude])
