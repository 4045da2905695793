"""JSON lines in and out: SPEC shapes for articles and mentions, atomic file writes.

Every output file is written to a temporary name in the output folder and renamed
into place when complete, so an interrupted run never leaves a half file that looks
whole.

Every string written is valid UTF-8: a lone surrogate (``"\\ud800"`` in a JSON record, a
file name that is not UTF-8) cannot be encoded, so :func:`utf8` replaces each one with
U+FFFD (one code point for one, so offsets into a text stay exact). The replacement
only runs when a plain encode fails: writing valid text costs one encode, as before.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from pipeline.types import Article, Mention, Quarantine
from pipeline.utf8 import REPLACEMENT, safe_text, utf8

__all__ = [
    "REPLACEMENT",
    "AtomicJsonl",
    "article_row",
    "atomic_write_text",
    "dumps",
    "mention_row",
    "quarantine_row",
    "read_jsonl",
    "safe_text",
    "utf8",
]


def dumps(obj: Mapping[str, Any]) -> str:
    """One JSON line: UTF-8 characters kept, keys in the order given."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def article_row(
    article: Article, *, lang: str | None, n_mentions: int, n_facts: int
) -> dict[str, Any]:
    return {
        "article_id": article.id,
        "source": article.source,
        "lang": lang,
        "published": article.published,
        "status": "ok",
        "n_mentions": n_mentions,
        "n_facts": n_facts,
        "title": article.title,
        "url": article.url,
    }


def quarantine_row(q: Quarantine) -> dict[str, Any]:
    return {
        "article_id": q.id,
        "source": q.source,
        "lang": q.lang,
        "published": q.published,
        "status": "quarantined",
        "reason": q.reason,
        "n_mentions": 0,
        "n_facts": 0,
        "title": q.title,
        "url": q.url,
    }


def mention_row(m: Mention) -> dict[str, Any]:
    q = m.quantity
    n = m.normalized
    return {
        "article_id": m.article_id,
        "start": q.start,
        "end": q.end,
        "text": q.text,
        "kind": q.kind,
        "value": q.value,
        "value_max": q.value_max,
        "unit": q.unit,
        "approx": q.approx,
        "bound": q.bound,
        "normalized": None
        if n is None
        else {"value": n.value, "value_max": n.value_max, "unit": n.unit},
        "date": q.date,
        "sentence": m.sentence,
        "flags": list(q.flags),
    }


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a JSONL file written by newsfacts (blank lines ignored)."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row: dict[str, Any] = json.loads(line)
                yield row


class AtomicJsonl:
    """A JSONL file written under a temporary name and renamed on :meth:`commit`.

    Lines are encoded by :func:`utf8`: a row holding a lone surrogate is written with
    U+FFFD in its place, never refused.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.partial")
        self._fh: IO[bytes] = self.tmp.open("wb")
        self.count = 0

    def write(self, row: Mapping[str, Any]) -> None:
        self._fh.write(utf8(dumps(row)))
        self._fh.write(b"\n")
        self.count += 1

    def write_all(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.write(row)

    def commit(self) -> None:
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        if not self._fh.closed:
            self._fh.close()
        self.tmp.unlink(missing_ok=True)


@contextmanager
def _atomic(path: Path) -> Iterator[IO[bytes]]:
    tmp = path.with_name(f".{path.name}.partial")
    with tmp.open("wb") as fh:
        yield fh
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the whole new one
    (as UTF-8; lone surrogates become U+FFFD, see :func:`utf8`)."""
    data = utf8(text)
    with _atomic(path) as fh:
        fh.write(data)
