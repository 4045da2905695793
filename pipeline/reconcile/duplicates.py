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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from hashlib import blake2b

import numpy as np

from pipeline.errors import Errors, ReconciliationError

__all__ = [
    "BANDS",
    "FINGERPRINT_AT_ONCE",
    "FINGERPRINT_WORDS",
    "NUM_PERM",
    "SHINGLE",
    "BandRows",
    "article_fingerprint",
    "band_starts",
    "duplicate_groups",
    "linked_rows",
    "signature_groups",
    "similarity",
    "text_fingerprint",
    "whole_buckets",
]

NUM_PERM = 64
BANDS = 16
SHINGLE = 5
_PRIME = (1 << 61) - 1
_MASK = (1 << 32) - 1
_PAIR_CHUNK = 65_536
# Banded rows handled at once (whole buckets: a slab is larger only when one bucket is).
_SLAB = 16_384
# Candidate pairs whose signatures are gathered and compared at once.
_COMPARE_CHUNK = 8_192
# Rows wider than this are grouped by a hash of the row rather than by every column.
_HASHED_WIDTH = 8
_HASH_MUL = np.uint64(0x9E3779B97F4A7C15)
_WORD = re.compile(r"\w+")
#: Words per chunk when the fingerprint of a long text is computed a chunk at a time.
FINGERPRINT_WORDS = 20_000
#: Texts up to this many characters are fingerprinted at once.
FINGERPRINT_AT_ONCE = 50_000
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


def _word_chunks(text: str, *, words: int) -> list[tuple[int, int]]:
    """Spans of ``words`` words, each followed by the next ``SHINGLE - 1`` words, so that
    every word shingle of ``text`` lies whole in one span and no span makes a shingle the
    text does not have (a span with fewer than ``SHINGLE`` words is left out: its
    shingles are in the span before)."""
    if words < 1:
        raise ValueError(Errors.E051.format(words=words))
    tail = SHINGLE - 2  # the last word of span j is word (j + 1) * words + tail
    starts: list[int] = []
    ends: dict[int, int] = {}
    n = last = 0
    for m in _WORD.finditer(text):
        if n % words == 0:
            starts.append(m.start())
        if n >= words + tail and (n - tail) % words == 0:
            ends[(n - tail) // words - 1] = m.end()
        last = m.end()
        n += 1
    return [
        (a, ends.get(j, last)) for j, a in enumerate(starts) if j == 0 or n - j * words >= SHINGLE
    ]


def text_fingerprint(
    text: str, *, words: int = FINGERPRINT_WORDS, at_once: int = FINGERPRINT_AT_ONCE
) -> tuple[int, ...]:
    """``article_fingerprint(text)``, computed ``words`` words at a time.

    A MinHash signature is the minimum over shingles, so the signature of the whole is
    the elementwise minimum of the signatures of spans that hold every shingle; the
    memory is the chunk's, not the text's (at once, a 20 MB text needs 3.5 GB). A text
    of at most ``at_once`` characters is fingerprinted at once.
    """
    if len(text) <= at_once:
        return tuple(article_fingerprint(text))
    parts = [article_fingerprint(text[a:b]) for a, b in _word_chunks(text, words=words)]
    parts = [p for p in parts if p]
    if not parts:
        return ()
    return tuple(min(column) for column in zip(*parts, strict=True))


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity of two fingerprints (0 when lengths differ or empty)."""
    if not a or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def _sort_keys(block: np.ndarray) -> list[np.ndarray]:
    """Columns of ``block`` as sort keys; two 32-bit values share one 64-bit key."""
    width = block.shape[1]
    if block.dtype != np.uint32 or width < 2:
        return [block[:, i] for i in range(width)]
    shift = np.uint64(32)
    keys = [
        (block[:, i].astype(np.uint64) << shift) | block[:, i + 1] for i in range(0, width - 1, 2)
    ]
    return keys + ([block[:, -1].astype(np.uint64)] if width % 2 else [])


def _equal_rows(block: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Groups of equal rows: row → group, rows per group, and each group's first row.

    Groups are numbered in the order of their first rows. The same as ``np.unique`` on
    rows, but with a sort of integer keys instead of one over raw bytes, several times
    faster. Rows wider than ``_HASHED_WIDTH`` are sorted by one 64-bit hash of the row,
    not by every column, so a fingerprint block needs no copy as sort keys; rows that
    share a hash are then checked equal, and a collision falls back to the full sort.
    """
    if block.shape[1] > _HASHED_WIDTH:
        h = _row_hashes(block)
        order = np.argsort(h, kind="stable")
        starts = np.empty(block.shape[0], dtype=bool)
        starts[:1] = True
        ranked = h[order]
        np.not_equal(ranked[1:], ranked[:-1], out=starts[1:])
        del ranked
        same = np.flatnonzero(~starts[1:]) + 1  # sorted rows sharing the previous one's hash
        if _rows_equal(block, order[same], order[same - 1]):
            return _numbered(order, starts)
    keys = _sort_keys(block)
    order = np.lexsort(keys[::-1])
    starts = np.zeros(block.shape[0], dtype=bool)
    starts[:1] = True
    for key in keys:
        ranked = key[order]
        starts[1:] |= ranked[1:] != ranked[:-1]
    return _numbered(order, starts)


def _rows_equal(block: np.ndarray, rows: np.ndarray, others: np.ndarray) -> bool:
    """Whether ``block[rows[i]]`` equals ``block[others[i]]`` for every ``i``, gathered
    ``_COMPARE_CHUNK`` pairs at a time: on a dump of wire copies most rows share their
    hash with another, and gathering them all at once would copy the block twice."""
    for lo in range(0, rows.size, _COMPARE_CHUNK):
        hi = lo + _COMPARE_CHUNK
        if not np.array_equal(block[rows[lo:hi]], block[others[lo:hi]]):
            return False
    return True


def _row_hashes(block: np.ndarray) -> np.ndarray:
    """One 64-bit hash per row (multiply-add over the columns, wrapping): equal rows
    always share it; different rows almost never do."""
    h = np.zeros(block.shape[0], dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(block.shape[1]):
            h *= _HASH_MUL
            h += block[:, i].astype(np.uint64)
            h ^= h >> np.uint64(29)
    return h


def _numbered(order: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_equal_rows`'s result from a stable sort ``order`` of the rows and the
    positions in it where a new group starts."""
    m = order.size
    sorted_group = np.cumsum(starts) - 1
    first = order[starts]  # the sort is stable: a group's first row comes first
    renumber = np.empty(first.size, dtype=np.int64)
    by_row = np.argsort(first, kind="stable")
    renumber[by_row] = np.arange(first.size)
    inverse = np.empty(m, dtype=np.int64)
    inverse[order] = renumber[sorted_group]
    return inverse, np.bincount(inverse, minlength=first.size), first[by_row]


def _bucket_pairs(buckets: np.ndarray) -> Iterator[np.ndarray]:
    """Every ``(a, b)`` pair within each bucket, ``a`` before ``b``, about
    ``_PAIR_CHUNK`` at a time: a bucket of thousands of rows never holds all its pairs."""
    count, size = buckets.shape
    per_bucket = size * (size - 1) // 2
    if per_bucket <= _PAIR_CHUNK:
        a, b = np.triu_indices(size, 1)
        step = max(1, _PAIR_CHUNK // per_bucket)
        for lo in range(0, count, step):
            block = buckets[lo : lo + step]
            yield np.stack([block[:, a].ravel(), block[:, b].ravel()], axis=1)
        return
    step = max(1, _PAIR_CHUNK // size)
    for members in buckets:
        for first in range(0, size - 1, step):
            left = np.arange(first, min(first + step, size - 1))
            counts = size - 1 - left
            a = np.repeat(left, counts)
            starts = np.repeat(np.cumsum(counts) - counts, counts)
            b = np.arange(a.size) - starts + a + 1
            yield np.stack([members[a], members[b]], axis=1)


def band_starts(length: int) -> range:
    """First position of each LSH band of a ``length``-value signature (``BANDS`` bands
    of ``length // BANDS`` values, the last one shorter when they don't divide)."""
    return range(0, length, max(1, length // BANDS))


@dataclass(frozen=True)
class BandRows:
    """Signatures in LSH buckets, bucket by bucket: row ``rows[i]`` (its number in the
    dump) has signature ``sigs[i]`` and lies in bucket ``keys[i]`` (a band and the
    band's values); ``keys`` ascend, so a bucket's rows are consecutive."""

    keys: np.ndarray
    rows: np.ndarray
    sigs: np.ndarray

    def __len__(self) -> int:
        return int(self.keys.size)

    def part(self, lo: int, hi: int | None = None) -> BandRows:
        return BandRows(self.keys[lo:hi], self.rows[lo:hi], self.sigs[lo:hi])


def _joined(parts: Sequence[BandRows]) -> BandRows:
    if len(parts) == 1:
        return parts[0]
    return BandRows(
        np.concatenate([p.keys for p in parts]),
        np.concatenate([p.rows for p in parts]),
        np.concatenate([p.sigs for p in parts]),
    )


def whole_buckets(batches: Iterable[BandRows], size: int | None = None) -> Iterator[BandRows]:
    """``batches`` (in key order) as slabs of about ``size`` rows (``_SLAB``), each
    bucket within one slab: a slab is larger only when one bucket is."""
    size = _SLAB if size is None else size
    held: list[BandRows] = []
    count = 0
    for batch in batches:
        held.append(batch)
        count += len(batch)
        if count < size:
            continue
        slab = _joined(held)
        cut = int(np.searchsorted(slab.keys, slab.keys[-1]))  # where the last bucket starts
        if cut == 0:  # one bucket so far: it goes on in the next batch
            held = [slab]
            continue
        yield slab.part(0, cut)
        held = [slab.part(cut)]
        count = len(held[0])
    if count:
        yield _joined(held)


def _pairs_in_buckets(keys: np.ndarray) -> Iterator[np.ndarray]:
    """Every ``(a, b)`` pair of positions with equal ``keys`` (consecutive), ``a``
    before ``b``, about ``_PAIR_CHUNK`` at a time."""
    if keys.size < 2:
        return
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    sizes = np.diff(np.append(starts, keys.size))
    for size in np.unique(sizes[sizes > 1]).tolist():
        firsts = starts[sizes == size]
        yield from _bucket_pairs(firsts[:, None] + np.arange(size))


def linked_rows(slabs: Iterable[BandRows], *, threshold: float) -> dict[int, int]:
    """Row → smallest row of its group, for every row of ``slabs`` that joins a smaller
    one: two rows of a bucket join when their share of equal positions is at least
    ``threshold``, and groups are the connected components of those links.

    Pairs are formed and compared a chunk at a time, so a bucket of thousands of rows
    never holds its millions of pairs at once; only the rows linked are remembered.
    """
    parent: dict[int, int] = {}
    for slab in slabs:
        width = slab.sigs.shape[1]
        for pairs in _pairs_in_buckets(slab.keys):
            for lo in range(0, len(pairs), _COMPARE_CHUNK):
                chunk = pairs[lo : lo + _COMPARE_CHUNK]
                equal = (slab.sigs[chunk[:, 0]] == slab.sigs[chunk[:, 1]]).sum(axis=1)
                for a, b in slab.rows[chunk[equal / width >= threshold]].tolist():
                    ra, rb = _find(parent, a), _find(parent, b)
                    if ra != rb:
                        parent[max(ra, rb)] = min(ra, rb)
    return {row: _find(parent, row) for row in list(parent)}


def _find(parent: dict[int, int], x: int) -> int:
    """Root of ``x`` in the forest ``parent`` (a row absent from it is a root), with
    the path compressed."""
    root = x
    while (up := parent.get(root, root)) != root:
        root = up
    while x != root:
        parent[x], x = root, parent[x]
    return root


def _banded(sigs: np.ndarray, rows: np.ndarray) -> Iterator[BandRows]:
    """The rows of ``sigs[rows]`` that share a band's values with another, band by band
    in bucket order, ``_SLAB`` at a time (only those rows' signatures are copied)."""
    count = rows.size
    starts = band_starts(sigs.shape[1])
    for band, start in enumerate(starts):
        inverse, counts, _ = _equal_rows(sigs[rows, start : start + starts.step])
        shared = np.flatnonzero(counts[inverse] > 1)
        order = shared[np.argsort(inverse[shared], kind="stable")]
        keys = inverse[order] + band * count
        for lo in range(0, order.size, _SLAB):
            picked = rows[order[lo : lo + _SLAB]]
            yield BandRows(keys[lo : lo + _SLAB], picked, sigs[picked])


def signature_groups(sigs: np.ndarray, *, threshold: float = 0.8) -> np.ndarray:
    """Row → smallest row of its near-duplicate group, for equal-length signatures.

    ``sigs`` is an ``(articles, NUM_PERM)`` integer array in article-id order. Candidate
    pairs share an LSH band; those whose share of equal positions is at least
    ``threshold`` are joined, and each row maps to the first row of its connected
    group.

    Memory stays bounded on dumps of wire copies: identical signatures (always one
    group: they share every band and agree everywhere) are compared once, and pairs are
    formed and checked a chunk at a time (:func:`linked_rows`).
    """
    if sigs.shape[0] == 0:
        return np.empty(0, dtype=np.int64)
    inverse, _, first = _equal_rows(sigs)  # first rows ascend: groups are in row order
    root = first.astype(np.int64)
    linked = linked_rows(whole_buckets(_banded(sigs, first)), threshold=threshold)
    if linked:
        rows = np.fromiter(linked, dtype=np.int64, count=len(linked))
        root[np.searchsorted(first, rows)] = np.fromiter(linked.values(), np.int64, len(linked))
    rep: np.ndarray = root[inverse]
    return rep


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
