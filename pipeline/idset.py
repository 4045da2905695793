"""A set of article ids that stays small: 16 bytes an id instead of about a hundred.

A run meets every article id twice over: reading makes each one unique within the
dump, and resuming skips those already done. A Python set of millions of strings
takes hundreds of megabytes; :class:`IdSet` keeps a 128-bit digest of each id
instead. New digests wait in a small Python set; every ``_FREEZE`` of them are
sorted (by their first 64 bits) into a pair of arrays, and arrays of similar size are
merged, so that a lookup searches a few sorted arrays (a log-structured set). Two ids
share a digest with a chance of about one in 10**20 for a billion of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from hashlib import blake2b

import numpy as np

__all__ = ["IdSet"]

# Digests kept in the Python set before they are sorted into arrays.
_FREEZE = 65_536


def _digest(article_id: str) -> bytes:
    return blake2b(article_id.encode("utf-8"), digest_size=16).digest()


def _words(digests: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Packed 16-byte digests as two uint64 arrays (high, low), sorted by high."""
    words = np.frombuffer(digests, dtype=np.uint64).reshape(-1, 2)
    order = np.argsort(words[:, 0], kind="stable")
    return words[order, 0], words[order, 1]


class IdSet:
    """Strings added with :meth:`add`, for ``in`` and ``len`` (distinct ids)."""

    def __init__(self, ids: Iterable[str] = ()) -> None:
        self._recent: set[bytes] = set()
        self._levels: list[tuple[np.ndarray, np.ndarray]] = []
        self._frozen = 0
        for article_id in ids:
            self.add(article_id)

    def __len__(self) -> int:
        return self._frozen + len(self._recent)

    def __contains__(self, article_id: object) -> bool:
        return isinstance(article_id, str) and self._has(_digest(article_id))

    def add(self, article_id: str) -> bool:
        """Add ``article_id``; whether it was not there yet (one lookup for both)."""
        digest = _digest(article_id)
        if self._has(digest):
            return False
        self._recent.add(digest)
        if len(self._recent) >= _FREEZE:
            self._freeze()
        return True

    def _has(self, digest: bytes) -> bool:
        if digest in self._recent:
            return True
        if not self._levels:
            return False
        high, low = np.frombuffer(digest, dtype=np.uint64)
        for highs, lows in self._levels:
            first = int(np.searchsorted(highs, high, side="left"))
            if first < highs.size and highs[first] == high:
                last = int(np.searchsorted(highs, high, side="right"))
                if (lows[first:last] == low).any():
                    return True
        return False

    def _freeze(self) -> None:
        """Sort the recent digests into a new level; merge levels of similar size."""
        self._levels.append(_words(b"".join(self._recent)))
        self._frozen += len(self._recent)
        self._recent = set()
        while len(self._levels) > 1 and self._levels[-2][0].size <= 2 * self._levels[-1][0].size:
            newer, older = self._levels.pop(), self._levels.pop()
            highs = np.concatenate([older[0], newer[0]])
            lows = np.concatenate([older[1], newer[1]])
            del newer, older
            order = np.argsort(highs, kind="stable")
            self._levels.append((highs[order], lows[order]))
