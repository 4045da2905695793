"""The run's work file: one line per article analysed, appended as the run goes.

Every outcome (the articles.jsonl row, its mentions, its claims and its text
fingerprint) is one JSON line followed by a tab and the CRC32 of the JSON (8 hex
digits), flushed to disk per batch. A run killed at any moment leaves complete lines
plus at most one partial last line, which is cut; ``--resume`` reads the complete
lines, skips those articles and goes on. A line whose checksum or JSON is wrong (a
damaged disk block, a hand edit) is dropped with a warning in the log, so its article
is analysed again: it is never read into the outputs and never ends the run. The
final outputs are written from this file, so a resumed run ends with the same outputs
as an uninterrupted one.

Lines are written and read as bytes (UTF-8, lone surrogates passed through) so that a
damaged byte is a dropped line, not a decoding error.
"""

from __future__ import annotations

import json
import logging
import os
import zlib
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

from pipeline.errors import Errors
from pipeline.idset import IdSet
from pipeline.types import Claim, Evidence, Normalized, Qualifiers

__all__ = ["Checkpoint", "claim_from_json", "claim_to_json", "read_line", "work_line"]

log = logging.getLogger("newsfacts")

_TAIL_BLOCK = 1 << 16
_CRC_DIGITS = 8


def work_line(payload: str) -> bytes:
    """One work-file line: the JSON ``payload``, a tab, its CRC32 in hex, a newline.

    JSON never holds a raw tab (``json.dumps`` escapes it), so the last tab of a line
    always starts its checksum.
    """
    data = payload.encode("utf-8", "surrogatepass")
    return b"%s\t%08x\n" % (data, zlib.crc32(data))


def read_line(raw: bytes) -> dict[str, Any] | str:
    """The outcome a complete work-file line holds, or why it must be dropped."""
    data, tab, crc = raw.rstrip(b"\n").rpartition(b"\t")
    if not tab or len(crc) != _CRC_DIGITS:
        return "no checksum"
    try:
        expected = int(crc, 16)
    except ValueError:
        return "no checksum"
    if zlib.crc32(data) != expected:
        return "checksum mismatch"
    try:
        outcome: object = json.loads(data.decode("utf-8", "surrogatepass"))
    except (UnicodeDecodeError, ValueError) as e:
        return f"malformed JSON ({e})"
    if not isinstance(outcome, dict):
        return "not an outcome (not a JSON object)"
    row = outcome.get("row")
    if not isinstance(row, dict) or row.get("article_id") is None:
        return "not an outcome (no row with an article_id)"
    return outcome


def claim_to_json(c: Claim) -> dict[str, Any]:
    """A claim as a work-file object. Its evidence's ``title`` and ``url`` stay out: the
    store fills them from the article's row when claims are read back."""
    d = asdict(c)
    d["evidence"].pop("title", None)
    d["evidence"].pop("url", None)
    return d


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
        self._fh: IO[bytes] | None = None
        self._dropped: set[int] = set()

    @property
    def dropped(self) -> int:
        """How many damaged lines reading this work file has dropped (each counted once)."""
        return len(self._dropped)

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
        """The outcomes of the complete, sound lines, in order; damaged lines dropped."""
        if not self.path.exists():
            return
        offset = 0
        with self.path.open("rb") as fh:
            for number, raw in enumerate(fh, start=1):
                at, offset = offset, offset + len(raw)
                if not raw.endswith(b"\n"):
                    continue
                outcome = read_line(raw)
                if isinstance(outcome, str):
                    self._drop(at, number, outcome)
                    continue
                yield outcome

    def _drop(self, offset: int, number: int, why: str) -> None:
        if offset not in self._dropped:
            self._dropped.add(offset)
            log.warning(Errors.E018.format(path=self.path, line=number, detail=why))

    def done_ids(self) -> IdSet:
        """The ids of the articles in the work file (sound lines), 16 bytes each."""
        return IdSet(str(row["row"]["article_id"]) for row in self)

    def append(self, outcome: dict[str, Any]) -> None:
        self.append_line(json.dumps(outcome, ensure_ascii=False, separators=(",", ":")))

    def append_line(self, line: str) -> None:
        """Append one outcome already serialised as JSON (one line, no newline in it);
        its checksum is added here."""
        if self._fh is None:
            self._fh = self.path.open("ab")
        try:
            self._fh.write(work_line(line))
        except OSError:
            self._discard()
            raise

    def flush(self) -> None:
        if self._fh is not None:
            try:
                self._fh.flush()
                os.fsync(self._fh.fileno())
            except OSError:
                self._discard()
                raise

    def _discard(self) -> None:
        """Close after a failed write (a full disk): what is buffered is lost (the next
        resume cuts the partial line), and nothing retries the write at exit."""
        fh, self._fh = self._fh, None
        if fh is not None:
            # close() has closed the file even when its final flush failed
            with suppress(OSError):
                fh.close()

    def abandon(self) -> None:
        """Close on the way out of a failed or interrupted run: the lines appended so far
        are flushed when the disk allows it; nothing is raised (the first error tells)."""
        try:
            self.close()
        except OSError:
            self._discard()

    def close(self) -> None:
        if self._fh is not None:
            self.flush()
            if self._fh is not None:
                self._fh.close()
            self._fh = None
