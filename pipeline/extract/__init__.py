"""Quantities and dates in running text.

:func:`find_quantities` is the one entry point: every money, power, energy, count,
percent, area and duration mention (:mod:`pipeline.extract.quantities`) and every
date (:mod:`pipeline.extract.dates`), merged into one list sorted by start with no
overlaps. On an overlap the longer span wins; on a tie a quantity beats a date
(years inside amounts or model names are not dates). No spaCy here: plain compiled
regular expressions fed by the language data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pipeline.extract.dates import find_dates
from pipeline.extract.numbers import parse_number
from pipeline.extract.quantities import extract_quantities
from pipeline.extract.spans import keep_disjoint
from pipeline.types import Quantity

__all__ = ["extract_quantities", "find_quantities", "merge_mentions", "parse_number"]


def merge_mentions(quantities: Iterable[Quantity], dates: Iterable[Quantity]) -> list[Quantity]:
    """Quantities and dates sorted by start, without overlaps.

    Longer spans first, then quantities before dates, then earlier starts; a
    candidate that overlaps one already kept is dropped.
    """
    kept = keep_disjoint(
        [(q, 0) for q in quantities] + [(d, 1) for d in dates],
        span=lambda pair: (pair[0].start, pair[0].end),
        rank=lambda pair: (-(pair[0].end - pair[0].start), pair[1], pair[0].start),
    )
    return sorted((q for q, _ in kept), key=lambda q: (q.start, q.end))


def find_quantities(text: str, lang: str, *, published: dt.date | None = None) -> list[Quantity]:
    """Every quantity and date mention of ``text`` (see the module docstring)."""
    return merge_mentions(
        extract_quantities(text, lang), find_dates(text, lang, published=published)
    )
