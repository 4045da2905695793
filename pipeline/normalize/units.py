"""Unit symbols to the canonical unit of each kind (SPEC: MW, MWh, m2, %, year|month|day).

The language files (``pipeline/lang/<xx>/units.yaml``) map what is written
("mégawatts", "sq ft", "ans") to a language-independent unit symbol; this module
converts a value in such a symbol to the canonical unit of its kind. Pure functions,
no language data.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pipeline.errors import Errors, NormalisationError

__all__ = ["CANONICAL_UNITS", "Canonical", "to_canonical", "unit_kind"]


@dataclass(frozen=True, slots=True)
class Canonical:
    """A value in the canonical unit of its kind."""

    kind: str
    value: Decimal
    unit: str


# symbol -> (kind, factor to the canonical unit, canonical unit)
# source: SI brochure, 9th ed. (BIPM 2019); NIST SP 811 appendix B for acre and sq ft.
_FACTORS: dict[str, tuple[str, Decimal, str]] = {
    "W": ("power", Decimal("1e-6"), "MW"),
    "kW": ("power", Decimal("1e-3"), "MW"),
    "MW": ("power", Decimal(1), "MW"),
    "GW": ("power", Decimal("1e3"), "MW"),
    "TW": ("power", Decimal("1e6"), "MW"),
    "Wh": ("energy", Decimal("1e-6"), "MWh"),
    "kWh": ("energy", Decimal("1e-3"), "MWh"),
    "MWh": ("energy", Decimal(1), "MWh"),
    "GWh": ("energy", Decimal("1e3"), "MWh"),
    "TWh": ("energy", Decimal("1e6"), "MWh"),
    "m2": ("area", Decimal(1), "m2"),
    "km2": ("area", Decimal("1e6"), "m2"),
    "ha": ("area", Decimal("1e4"), "m2"),
    "acre": ("area", Decimal("4046.8564224"), "m2"),
    "sq_ft": ("area", Decimal("0.09290304"), "m2"),
    "%": ("percent", Decimal(1), "%"),
    "pp": ("percent", Decimal(1), "%"),
    "bp": ("percent", Decimal("0.01"), "%"),
    "year": ("duration", Decimal(1), "year"),
    "month": ("duration", Decimal(1), "month"),
    "week": ("duration", Decimal(7), "day"),
    "day": ("duration", Decimal(1), "day"),
}

CANONICAL_UNITS: dict[str, tuple[str, ...]] = {
    "power": ("MW",),
    "energy": ("MWh",),
    "area": ("m2",),
    "percent": ("%",),
    "duration": ("year", "month", "day"),
}


def unit_kind(unit: str) -> str | None:
    """The kind of a unit symbol (``"GW"`` -> ``"power"``), or ``None`` when unknown."""
    entry = _FACTORS.get(unit)
    return None if entry is None else entry[0]


def to_canonical(value: Decimal, unit: str) -> Canonical:
    """``value`` in ``unit`` converted to the canonical unit of its kind.

    >>> to_canonical(Decimal(5), "GW")
    Canonical(kind='power', value=Decimal('5E+3'), unit='MW')

    Raises :class:`NormalisationError` for an unknown unit symbol.
    """
    entry = _FACTORS.get(unit)
    if entry is None:
        raise NormalisationError(Errors.E201.format(unit=unit, known=", ".join(sorted(_FACTORS))))
    kind, factor, canonical = entry
    return Canonical(kind=kind, value=value * factor, unit=canonical)
