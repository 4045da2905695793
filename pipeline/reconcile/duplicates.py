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
from collections.abc import Mapping, Sequence
from hashlib import blake2b

import numpy as np

from pipeline.errors import Errors, ReconciliationError

__all__ = [
    "BANDS",
    "NUM_PERM",
    "SHINGLE",
    "article_fingerprint",
    "duplicate_groups",
    "signature_groups",
    "similarity",
]

NUM_PERM = 64
BANDS = 16
SHINGLE = 5
_PRIME = (1 << 61) - 1
_MASK = (1 << 32) - 1
_PAIR_CHUNK = 65_536
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


def _pairs_sharing_a_band(sigs: np.ndarray) -> np.ndarray:
    """Distinct ``(i, j)`` row pairs, ``i < j``, equal on at least one LSH band."""
    m, k = sigs.shape
    rows = max(1, k // BANDS)
    found: list[np.ndarray] = []
    for start in range(0, k, rows):
        _, inverse, counts = np.unique(
            sigs[:, start : start + rows], axis=0, return_inverse=True, return_counts=True
        )
        inverse = inverse.ravel()
        shared = np.flatnonzero(counts[inverse] > 1)  # rows whose band value recurs
        if shared.size == 0:
            continue
        order = shared[np.argsort(inverse[shared], kind="stable")]
        cuts = np.flatnonzero(np.diff(inverse[order])) + 1
        for members in np.split(order, cuts):
            a, b = np.triu_indices(members.size, 1)
            found.append(np.stack([members[a], members[b]], axis=1))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(found).astype(np.int64)
    codes = np.unique(pairs[:, 0] * m + pairs[:, 1])
    return np.stack([codes // m, codes % m], axis=1)


def signature_groups(sigs: np.ndarray, *, threshold: float = 0.8) -> np.ndarray:
    """Row → smallest row of its near-duplicate group, for equal-length signatures.

    ``sigs`` is an ``(articles, NUM_PERM)`` integer array in article-id order. Candidate
    pairs share an LSH band; those whose share of equal positions is at least
    ``threshold`` are joined, and each row maps to the first row of its connected
    group. Vectorised, and compact: ``NUM_PERM`` integers per article, not Python
    tuples, so a dump of near-identical wire copies fits in memory.
    """
    m, k = sigs.shape
    parent = list(range(m))
    pairs = _pairs_sharing_a_band(sigs)
    for chunk in np.array_split(pairs, max(1, len(pairs) // _PAIR_CHUNK)):
        if chunk.size == 0:
            continue
        equal = (sigs[chunk[:, 0]] == sigs[chunk[:, 1]]).sum(axis=1)
        for a, b in chunk[equal / k >= threshold].tolist():
            ra, rb = _find_index(parent, a), _find_index(parent, b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return np.array([_find_index(parent, i) for i in range(m)], dtype=np.int64)


def _find_index(parent: list[int], x: int) -> int:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def duplicate_groups(fps: Mapping[str, Sequence[int]], *, threshold: float = 0.8) -> dict[str, str]:
    """Article id → representative id (the smallest id of its near-duplicate group).

    Two articles are near-duplicates when their estimated Jaccard similarity is at least
    ``threshold``; groups are the connected components of that relation among the
    pairs that share an LSH band. Raises :class:`ReconciliationError` (E350) for a
    threshold outside (0, 1].
    """
    if not 0.0 < threshold <= 1.0:
        raise ReconciliationError(Errors.E350.format(threshold=threshold))
    out = {aid: aid for aid in fps}
    by_length: dict[int, list[str]] = defaultdict(list)
    for aid in sorted(fps):
        if fps[aid]:
            by_length[len(fps[aid])].append(aid)
    for members in by_length.values():
        sigs = np.array([fps[aid] for aid in members], dtype=np.uint64)
        for aid, rep in zip(members, signature_groups(sigs, threshold=threshold), strict=True):
            out[aid] = members[int(rep)]
    return out
