"""The run's work file: one line per article analysed, appended as the run goes.

Every outcome (the articles.jsonl row, its mentions, its claims and its text
fingerprint) is one JSON line, flushed to disk per batch. A run killed at any moment
leaves complete lines plus at most one partial last line, which is ignored; ``--resume``
reads the complete lines, skips those articles and goes on. The final outputs are
written from this file, so a resumed run ends with the same outputs as an
uninterrupted one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

from pipeline.idset import IdSet
from pipeline.types import Claim, Evidence, Normalized, Qualifiers

__all__ = ["Checkpoint", "claim_from_json", "claim_to_json"]

_TAIL_BLOCK = 1 << 16


def claim_to_json(c: Claim) -> dict[str, Any]:
    return asdict(c)


def claim_from_json(d: dict[str, Any]) -> Claim:
    return Claim(
        subject=d["subject"],
        subject_type=d["subject_type"],
        predicate=d["predicate"],
        value=d["value"],
        value_max=d["value_max"],
        unit=d["unit"],
        normalized=Normalized(**d["normalized"]),
        qualifiers=Qualifiers(**d["qualifiers"]),
        evidence=Evidence(**d["evidence"]),
        published=d["published"],
        source_key=d["source_key"],
        confidence=d["confidence"],
        extra=tuple((str(k), str(v)) for k, v in d["extra"]),
    )


class Checkpoint:
    """Append-only JSONL of article outcomes under ``DIR/.newsfacts-work/``."""

    NAME = "outcomes.jsonl"

    def __init__(self, out: Path, *, resume: bool) -> None:
        self.dir = out / ".newsfacts-work"
        self.path = self.dir / self.NAME
        self.dir.mkdir(parents=True, exist_ok=True)
        if not resume:
            self.path.unlink(missing_ok=True)
        self._valid_bytes = self._truncate_partial_tail()
        self._fh: IO[str] | None = None

    def _truncate_partial_tail(self) -> int:
        """Cut a partial last line (a kill mid-write) so that appends start clean.

        Reads backwards from the end in blocks: the work file of a large dump is
        hundreds of megabytes and never needs to be in memory.
        """
        if not self.path.exists():
            return 0
        with self.path.open("r+b") as fh:
            size = fh.seek(0, os.SEEK_END)
            end = size
            while end > 0:
                start = max(0, end - _TAIL_BLOCK)
                fh.seek(start)
                newline = fh.read(end - start).rfind(b"\n")
                if newline >= 0:
                    end = start + newline + 1
                    break
                end = start
            if end != size:
                fh.truncate(end)
        return end

    def __iter__(self) -> Iterator[dict[str, Any]]:
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.endswith("\n"):
                    row: dict[str, Any] = json.loads(line)
                    yield row

    def done_ids(self) -> IdSet:
        """The ids of the articles in the work file (complete lines), 16 bytes each."""
        return IdSet(str(row["row"]["article_id"]) for row in self)

    def append(self, outcome: dict[str, Any]) -> None:
        self.append_line(json.dumps(outcome, ensure_ascii=False, separators=(",", ":")))

    def append_line(self, line: str) -> None:
        """Append one outcome already serialised as JSON (one line, no newline in it)."""
        if self._fh is None:
            self._fh = self.path.open("a", encoding="utf-8")
        self._fh.write(line)
        self._fh.write("\n")

    def flush(self) -> None:
        if self._fh is not None:
            self._fh.flush()
            os.fsync(self._fh.fileno())

    def close(self) -> None:
        if self._fh is not None:
            self.flush()
            self._fh.close()
            self._fh = None
