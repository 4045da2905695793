"""Near-duplicate articles: syndicated and copied texts count once as sources.

:func:`article_fingerprint` is a MinHash signature over word shingles (``SHINGLE``
consecutive case-folded words, hashed with BLAKE2b, ``NUM_PERM`` universal hash
functions with fixed parameters): the same text always gives the same fingerprint, on
every machine. :func:`duplicate_groups` estimates the Jaccard similarity of two
fingerprints as the share of equal positions, finds candidate pairs with LSH banding
(``BANDS`` bands of ``NUM_PERM / BANDS`` rows), keeps the pairs at or above the
threshold, and maps every article to the smallest id of its connected group.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Mapping
from hashlib import blake2b

import numpy as np

from pipeline.errors import Errors, ReconciliationError

__all__ = [
    "BANDS",
    "NUM_PERM",
    "SHINGLE",
    "article_fingerprint",
    "duplicate_groups",
    "similarity",
]

NUM_PERM = 64
BANDS = 16
SHINGLE = 5
_PRIME = (1 << 61) - 1
_MASK = (1 << 32) - 1
_WORD = re.compile(r"\w+")
_RNG = random.Random(20250101)
# Shingle hashes, multipliers and offsets are below 2**32, so a * h + b < 2**64 and the
# whole signature is computed in uint64 without overflow.
_PARAMS = tuple((_RNG.randrange(1, _MASK), _RNG.randrange(0, _MASK)) for _ in range(NUM_PERM))
_A = np.array([a for a, _ in _PARAMS], dtype=np.uint64)[:, None]
_B = np.array([b for _, b in _PARAMS], dtype=np.uint64)[:, None]


def _shingle_hashes(text: str) -> set[int]:
    words = [w.casefold() for w in _WORD.findall(text)]
    if not words:
        return set()
    size = min(SHINGLE, len(words))
    return {
        int.from_bytes(
            blake2b(" ".join(words[i : i + size]).encode("utf-8"), digest_size=4).digest(),
            "little",
        )
        for i in range(len(words) - size + 1)
    }


def article_fingerprint(text: str) -> tuple[int, ...]:
    """MinHash signature of ``text`` (``NUM_PERM`` ints); ``()`` for a text with no word."""
    hashes = _shingle_hashes(text)
    if not hashes:
        return ()
    h = np.fromiter(hashes, dtype=np.uint64, count=len(hashes))[None, :]
    signature = (((_A * h + _B) % np.uint64(_PRIME)) & np.uint64(_MASK)).min(axis=1)
    return tuple(int(x) for x in signature)


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity of two fingerprints (0 when lengths differ or empty)."""
    if not a or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def _find(parent: dict[str, str], x: str) -> str:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def duplicate_groups(
    fps: Mapping[str, tuple[int, ...]], *, threshold: float = 0.8
) -> dict[str, str]:
    """Article id → representative id (the smallest id of its near-duplicate group).

    Two articles are near-duplicates when their estimated Jaccard similarity is at least
    ``threshold``; groups are the connected components of that relation. Raises
    :class:`ReconciliationError` (E350) for a threshold outside (0, 1].
    """
    if not 0.0 < threshold <= 1.0:
        raise ReconciliationError(Errors.E350.format(threshold=threshold))
    parent = {aid: aid for aid in fps}
    buckets: dict[tuple[int, int, tuple[int, ...]], list[str]] = defaultdict(list)
    for aid in sorted(fps):
        fp = fps[aid]
        if not fp:
            continue
        rows = max(1, len(fp) // BANDS)
        for band, start in enumerate(range(0, len(fp), rows)):
            buckets[(len(fp), band, fp[start : start + rows])].append(aid)
    checked: set[tuple[str, str]] = set()
    for members in buckets.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if (a, b) in checked:
                    continue
                checked.add((a, b))
                if similarity(fps[a], fps[b]) >= threshold:
                    ra, rb = _find(parent, a), _find(parent, b)
                    if ra != rb:
                        parent[max(ra, rb)] = min(ra, rb)
    return {aid: _find(parent, aid) for aid in fps}
