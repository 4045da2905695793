"""Normalisation: every mention's value on one scale per kind.

Extractors already give values in the canonical unit of their kind (MW, MWh, m2...);
money is the one kind whose scale depends on the run: it is converted to
``--currency`` at the reference rate of the article's date.
"""

from __future__ import annotations

import datetime as dt

from pipeline.normalize.money import FxTable, Rate, fx_table
from pipeline.types import Normalized, Quantity

__all__ = ["FxTable", "Rate", "fx_table", "normalize", "parse_day"]


def parse_day(published: str | None) -> dt.date | None:
    """The calendar day of an ISO date or datetime string; ``None`` when absent or invalid."""
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


def normalize(
    q: Quantity, *, currency: str, day: dt.date | None, fx: FxTable | None = None
) -> Normalized | None:
    """``q`` on the run's scale, or ``None`` for dates and valueless mentions.

    Money in a currency with no known rate is left unconverted (``None``) rather than
    guessed; the caller counts it.
    """
    if q.kind == "date" or q.value is None or q.unit is None:
        return None
    if q.kind != "money":
        return Normalized(value=q.value, value_max=q.value_max, unit=q.unit)
    table = fx if fx is not None else fx_table()
    if q.unit not in table.currencies or currency not in table.currencies:
        return None
    rate = table.rate(q.unit, currency, day)
    return Normalized(
        value=q.value * rate.value,
        value_max=None if q.value_max is None else q.value_max * rate.value,
        unit=currency,
        rate_date=rate.day.isoformat(),
    )
