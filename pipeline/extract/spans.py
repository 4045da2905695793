"""Choosing among overlapping spans, in time that grows with the spans, not their square.

:func:`keep_disjoint` is the greedy rule the extractors share ("the longer span wins,
then ..."): take the spans in order of preference and keep each one that overlaps
none kept before it. Written as a loop over the kept spans it costs the number of
spans squared, which a text dense with figures (a table of a thousand values) turns
into minutes; here each span is checked against the kept ones of its own cluster only
(spans linked by overlaps), with a binary search.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = ["keep_disjoint", "overlaps_any"]

T = TypeVar("T")

# A cluster this small is checked pair by pair (cheaper than sorting it).
_SMALL = 8


def keep_disjoint(
    items: Sequence[T], *, span: Callable[[T], tuple[int, int]], rank: Callable[[T], Any]
) -> list[T]:
    """The items the greedy rule keeps, in the order it keeps them.

    In ascending ``rank`` (ties in the order of ``items``), an item is kept unless its
    ``[start, end)`` overlaps (``a.start < b.end and b.start < a.end``) an item kept
    before it. The same result as the plain loop over every kept item, for any spans
    (empty ones included).
    """
    spans = [span(it) for it in items]
    ranks = [rank(it) for it in items]
    order = sorted(range(len(items)), key=lambda i: spans[i])
    kept: list[int] = []
    cluster: list[int] = []
    reach = 0  # the largest end in the current cluster
    for i in order:
        start, end = spans[i]
        if cluster and start >= reach:
            kept.extend(_greedy(cluster, spans, ranks))
            cluster = []
        if not cluster:
            reach = end
        cluster.append(i)
        reach = max(reach, end)
    if cluster:
        kept.extend(_greedy(cluster, spans, ranks))
    return [items[i] for i in sorted(kept, key=lambda i: (ranks[i], i))]


def _greedy(
    cluster: list[int], spans: Sequence[tuple[int, int]], ranks: Sequence[Any]
) -> list[int]:
    """The greedy rule within one cluster (indices into ``spans`` and ``ranks``): the
    indices kept."""
    if len(cluster) == 1:
        return cluster
    ranked = sorted(cluster, key=lambda i: (ranks[i], i))
    chosen: list[int] = []
    if len(cluster) <= _SMALL:
        for i in ranked:
            s, e = spans[i]
            if not any(s < spans[j][1] and spans[j][0] < e for j in chosen):
                chosen.append(i)
        return chosen
    disjoint: list[tuple[int, int]] = []  # kept spans by (start, end): their ends never fall
    for i in ranked:
        if not overlaps_any(disjoint, spans[i]):
            insort(disjoint, spans[i])
            chosen.append(i)
    return chosen


def overlaps_any(disjoint: Sequence[tuple[int, int]], sp: tuple[int, int]) -> bool:
    """Whether ``sp`` overlaps one of ``disjoint``: pairwise non-overlapping spans sorted
    by (start, end), whose ends therefore never decrease."""
    start, end = sp
    i = bisect_left(disjoint, (end,))  # the spans starting before ``end``
    return i > 0 and disjoint[i - 1][1] > start
