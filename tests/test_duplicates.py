"""Near-duplicate groups: the vectorised LSH equals the plain definition it replaced."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from collections.abc import Mapping

import numpy as np
import pytest

from pipeline.reconcile import duplicates
from pipeline.reconcile.duplicates import (
    BANDS,
    NUM_PERM,
    BandRows,
    _equal_rows,
    duplicate_groups,
    linked_rows,
    signature_groups,
    similarity,
    whole_buckets,
)


def reference_groups(fps: Mapping[str, tuple[int, ...]], threshold: float) -> dict[str, str]:
    """LSH banding and union-find written out pair by pair, as the definition reads."""
    parent = {aid: aid for aid in fps}

    def find(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    buckets: dict[tuple[int, int, tuple[int, ...]], list[str]] = defaultdict(list)
    for aid in sorted(fps):
        fp = fps[aid]
        if fp:
            rows = max(1, len(fp) // BANDS)
            for band, start in enumerate(range(0, len(fp), rows)):
                buckets[(len(fp), band, fp[start : start + rows])].append(aid)
    for members in buckets.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if similarity(fps[a], fps[b]) >= threshold:
                    ra, rb = find(a), find(b)
                    if ra != rb:
                        parent[max(ra, rb)] = min(ra, rb)
    return {aid: find(aid) for aid in fps}


def random_fingerprints(n: int, seed: int) -> dict[str, tuple[int, ...]]:
    """Signatures over a small alphabet (so bands collide), a third copied with edits."""
    rng = random.Random(seed)
    fps: dict[str, tuple[int, ...]] = {}
    for i in range(n):
        kept = [fp for fp in fps.values() if fp]
        if kept and rng.random() < 0.35:
            base = list(rng.choice(kept))
            for _ in range(rng.choice([0, rng.randint(1, 20)])):
                base[rng.randrange(NUM_PERM)] = rng.randrange(6)
            fp = tuple(base)
        elif rng.random() < 0.05:
            fp = ()
        else:
            fp = tuple(rng.randrange(6) for _ in range(NUM_PERM))
        fps[f"id{rng.randrange(10**6):06d}-{i}"] = fp
    return fps


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("threshold", [0.5, 0.8, 1.0])
def test_vectorised_groups_equal_the_reference(seed: int, threshold: float) -> None:
    fps = random_fingerprints(120, seed)
    got = duplicate_groups(fps, threshold=threshold)
    assert got == reference_groups(fps, threshold)
    assert any(rep != aid for aid, rep in got.items())


def test_signatures_of_other_lengths_never_join() -> None:
    same = tuple(range(NUM_PERM))
    groups = duplicate_groups({"a": same, "b": same[:32], "c": same})
    assert groups == {"a": "a", "b": "b", "c": "a"}


def test_each_row_maps_to_the_first_row_of_its_group() -> None:
    sigs = np.array([[5] * NUM_PERM, [1] * NUM_PERM, [5] * NUM_PERM, [1] * NUM_PERM])
    assert signature_groups(sigs).tolist() == [0, 1, 0, 1]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize(
    ("pair_chunk", "compare_chunk", "slab"),
    [(1, 1, 1), (5, 3, 4), (64, 7, 16_384), (64, 8192, 9)],
)
def test_pairs_checked_a_few_at_a_time_give_the_same_groups(
    monkeypatch: pytest.MonkeyPatch, seed: int, pair_chunk: int, compare_chunk: int, slab: int
) -> None:
    """Buckets larger than a chunk of pairs are cut into row blocks, chunks into
    smaller comparisons, and banded rows into slabs of a few buckets; same groups."""
    fps = random_fingerprints(120, seed)
    monkeypatch.setattr("pipeline.reconcile.duplicates._PAIR_CHUNK", pair_chunk)
    monkeypatch.setattr("pipeline.reconcile.duplicates._COMPARE_CHUNK", compare_chunk)
    monkeypatch.setattr("pipeline.reconcile.duplicates._SLAB", slab)
    assert duplicate_groups(fps, threshold=0.8) == reference_groups(fps, 0.8)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("dtype", [np.uint32, np.uint64, np.int64])
def test_groups_do_not_depend_on_the_integer_type(seed: int, dtype: type) -> None:
    """The store hands compact uint32 signatures; 64-bit ones group the same."""
    fps = {aid: fp for aid, fp in sorted(random_fingerprints(120, seed).items()) if fp}
    sigs = np.array(list(fps.values()), dtype=np.int64)
    expected = signature_groups(sigs).tolist()
    assert signature_groups(sigs.astype(dtype)).tolist() == expected
    names = list(fps)
    reference = reference_groups(fps, 0.8)
    assert [names.index(reference[aid]) for aid in names] == expected


@pytest.mark.parametrize(
    ("width", "values"), [(1, 3), (2, 3), (3, 3), (4, 3), (7, 3), (9, 2), (16, 2), (64, 3), (64, 1)]
)
def test_equal_rows_agree_with_numpy_unique(width: int, values: int) -> None:
    """Narrow rows go through the column sort, wide ones through the row hash; with
    few values per column, wide blocks hold many equal rows too."""
    rng = np.random.default_rng(width)
    block = rng.integers(0, values, size=(300, width)).astype(np.uint32)
    inverse, counts, first = _equal_rows(block)
    _, np_first, np_inverse, np_counts = np.unique(
        block, axis=0, return_index=True, return_inverse=True, return_counts=True
    )
    # The same partition; groups numbered by first row instead of by value.
    assert sorted(first.tolist()) == first.tolist() == sorted(np_first.tolist())
    assert (block[first[inverse]] == block).all()
    assert sorted(counts.tolist()) == sorted(np_counts.tolist())
    assert len(set(zip(inverse.tolist(), np_inverse.ravel().tolist(), strict=True))) == len(first)


@pytest.mark.parametrize("compare_chunk", [1, 5, 8192])
@pytest.mark.parametrize("buckets", [1, 2, 7])
def test_equal_rows_survive_hash_collisions(
    monkeypatch: pytest.MonkeyPatch, buckets: int, compare_chunk: int
) -> None:
    """Different rows that share a row hash (forced here: every hash modulo ``buckets``)
    are still told apart, whichever chunk of compared rows holds them: the groups are
    those of the column sort."""
    monkeypatch.setattr(duplicates, "_COMPARE_CHUNK", compare_chunk)
    rng = np.random.default_rng(buckets)
    block = rng.integers(0, 2, size=(200, 16)).astype(np.uint32)
    with monkeypatch.context() as m:
        m.setattr(duplicates, "_HASHED_WIDTH", block.shape[1])  # the column sort
        expected = [a.tolist() for a in _equal_rows(block)]
    assert [a.tolist() for a in _equal_rows(block)] == expected
    real = duplicates._row_hashes
    monkeypatch.setattr(duplicates, "_row_hashes", lambda b: real(b) % np.uint64(buckets))
    assert [a.tolist() for a in _equal_rows(block)] == expected


@pytest.mark.parametrize("compare_chunk", [1, 4, 8192])
def test_rows_equal_looks_at_every_chunk(
    monkeypatch: pytest.MonkeyPatch, compare_chunk: int
) -> None:
    monkeypatch.setattr(duplicates, "_COMPARE_CHUNK", compare_chunk)
    block = np.zeros((10, 64), dtype=np.uint32)
    rows, others = np.arange(1, 10), np.arange(0, 9)
    assert duplicates._rows_equal(block, rows, others)
    block[9, 63] = 1  # only the last pair differs
    assert not duplicates._rows_equal(block, rows, others)
    assert duplicates._rows_equal(block, rows[:8], others[:8])


@pytest.mark.parametrize("size", [1, 2, 5, 40, 1000])
@pytest.mark.parametrize("seed", range(4))
def test_whole_buckets_never_cut_a_bucket(size: int, seed: int) -> None:
    """Slabs of about ``size`` rows from batches of any length: every row once, in
    order, each bucket in one slab."""
    rng = np.random.default_rng(seed)
    keys = np.sort(rng.integers(0, 30, size=200))
    rows = np.arange(keys.size)
    sigs = rng.integers(0, 9, size=(keys.size, 4))
    cuts = np.sort(rng.choice(np.arange(1, keys.size), size=12, replace=False))
    batches = [
        BandRows(k, r, s)
        for k, r, s in zip(
            np.split(keys, cuts), np.split(rows, cuts), np.split(sigs, cuts), strict=True
        )
    ]
    slabs = list(whole_buckets(batches, size))
    assert np.concatenate([s.rows for s in slabs]).tolist() == rows.tolist()
    assert all((s.sigs == sigs[s.rows]).all() and (s.keys == keys[s.rows]).all() for s in slabs)
    for before, after in itertools.pairwise(slabs):
        assert before.keys[-1] != after.keys[0]
    # A slab is cut once ``size`` rows are held, before the bucket still coming in.
    bucket, batch = np.bincount(keys).max(), max(map(len, batches))
    for slab in slabs[:-1]:
        assert size - bucket <= len(slab) < size + bucket + batch


def test_linked_rows_keeps_only_the_rows_it_links() -> None:
    sigs = np.array([[1, 2, 3, 4], [1, 2, 3, 9], [1, 2, 3, 4], [7, 7, 7, 7]])
    slab = BandRows(np.array([5, 5, 5, 6]), np.array([10, 11, 12, 13]), sigs)
    assert linked_rows([slab], threshold=0.75) == {11: 10, 12: 10}
    assert linked_rows([slab], threshold=1.0) == {12: 10}
    assert linked_rows([], threshold=0.5) == {}
