"""Near-duplicate groups: the vectorised LSH equals the plain definition it replaced."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping

import numpy as np
import pytest

from pipeline.reconcile.duplicates import (
    BANDS,
    NUM_PERM,
    duplicate_groups,
    signature_groups,
    similarity,
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
