"""Items with character spans (figures, names, entities), looked up by position.

The facts stage asks, for each figure, about the names and figures of its sentence or of
a window before it. Asked of whole lists, each question costs the article's number of
names or figures, and the article the square of it; a :class:`SpanIndex` answers from
sorted starts and ends, with the same items in the same order as a filter over the list.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

__all__ = ["SpanIndex"]

T = TypeVar("T")


class SpanIndex(Generic[T]):
    """``items`` with their ``[start, end)`` spans, looked up by start or end.

    Every lookup returns the matching items in the order of ``items``, as a filter over
    the list would, in time that grows with the number returned.
    """

    __slots__ = ("_by_end", "_by_start", "_ends", "_starts", "items", "longest", "spans")

    def __init__(self, items: Sequence[T], span: Callable[[T], tuple[int, int]]) -> None:
        self.items: list[T] = list(items)
        self.spans: list[tuple[int, int]] = [span(it) for it in self.items]
        self._by_start = sorted(range(len(self.items)), key=lambda i: self.spans[i][0])
        self._starts = [self.spans[i][0] for i in self._by_start]
        self._by_end = sorted(range(len(self.items)), key=lambda i: self.spans[i][1])
        self._ends = [self.spans[i][1] for i in self._by_end]
        self.longest = max((e - s for s, e in self.spans), default=0)

    def add(self, item: T, span: tuple[int, int]) -> None:
        """Append ``item`` (it comes last in the order of the items)."""
        i = len(self.items)
        self.items.append(item)
        self.spans.append(span)
        at = bisect_right(self._starts, span[0])
        self._starts.insert(at, span[0])
        self._by_start.insert(at, i)
        at = bisect_right(self._ends, span[1])
        self._ends.insert(at, span[1])
        self._by_end.insert(at, i)
        self.longest = max(self.longest, span[1] - span[0])

    def _pick(self, indices: list[int]) -> list[T]:
        if len(indices) > 1:
            indices.sort()
        return [self.items[i] for i in indices]

    def overlapping_indices(self, start: int, end: int) -> list[int]:
        """Positions in ``items`` of the items overlapping ``[start, end)``, ascending."""
        a = bisect_left(self._starts, start - self.longest)
        b = bisect_left(self._starts, end)
        return sorted(i for i in self._by_start[a:b] if self.spans[i][1] > start)

    def starting(self, lo: int, hi: int) -> list[T]:
        """The items with ``lo <= start <= hi``."""
        a, b = bisect_left(self._starts, lo), bisect_right(self._starts, hi)
        return self._pick(self._by_start[a:b])

    def ending(self, lo: int, hi: int) -> list[T]:
        """The items with ``lo <= end <= hi``."""
        a, b = bisect_left(self._ends, lo), bisect_right(self._ends, hi)
        return self._pick(self._by_end[a:b])

    def within(self, lo: int, hi: int) -> list[T]:
        """The items with ``lo <= start`` and ``end <= hi``."""
        a, b = bisect_left(self._starts, lo), bisect_right(self._starts, hi)
        return self._pick([i for i in self._by_start[a:b] if self.spans[i][1] <= hi])

    def overlapping(self, start: int, end: int) -> list[T]:
        """The items with ``item.start < end and start < item.end``."""
        return [self.items[i] for i in self.overlapping_indices(start, end)]

    def overlaps(self, start: int, end: int) -> bool:
        """Whether an item has ``item.start < end and start < item.end``."""
        a = bisect_left(self._starts, start - self.longest)
        b = bisect_left(self._starts, end)
        return any(self.spans[i][1] > start for i in self._by_start[a:b])
