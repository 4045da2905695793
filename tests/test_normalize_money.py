from __future__ import annotations

import datetime as dt

import pytest

from pipeline.errors import NormalisationError
from pipeline.normalize import normalize, parse_day
from pipeline.normalize.money import fx_table
from pipeline.types import Quantity


def _money(value: float, unit: str, value_max: float | None = None) -> Quantity:
    return Quantity(0, 1, "x", "money", value, value_max=value_max, unit=unit)


@pytest.mark.parametrize(
    ("day", "expected_day"),
    [
        (dt.date(2025, 10, 16), dt.date(2025, 10, 16)),  # a Thursday
        (dt.date(2025, 10, 18), dt.date(2025, 10, 17)),  # Saturday -> Friday
        (dt.date(2025, 10, 19), dt.date(2025, 10, 17)),  # Sunday -> Friday
        (dt.date(2025, 12, 25), dt.date(2025, 12, 24)),  # TARGET holiday
        (dt.date(2025, 1, 1), dt.date(2024, 12, 31)),  # New Year's Day
    ],
)
def test_closed_days_take_the_last_business_day(day: dt.date, expected_day: dt.date) -> None:
    assert fx_table().rate("USD", "EUR", day).day == expected_day


@pytest.mark.parametrize(
    ("value", "unit", "target"),
    [(1e9, "USD", "EUR"), (6e9, "NOK", "USD"), (2.5e6, "GBP", "CHF"), (1e6, "AED", "EUR")],
)
def test_conversion_matches_the_ecb_cross_rate(value: float, unit: str, target: str) -> None:
    day = dt.date(2025, 10, 16)
    n = normalize(_money(value, unit), currency=target, day=day)
    assert n is not None
    rate = fx_table().rate(unit, target, day)
    assert n.value == pytest.approx(value * rate.value)
    assert n.unit == target
    assert n.rate_date == "2025-10-16"


def test_usd_to_eur_on_a_known_day() -> None:
    n = normalize(_money(1.0, "USD"), currency="EUR", day=dt.date(2025, 10, 16))
    assert n is not None
    assert n.value == pytest.approx(1 / 1.1649, rel=1e-6)


def test_pegged_currency_follows_its_anchor() -> None:
    day = dt.date(2025, 10, 16)
    aed = fx_table().rate("AED", "USD", day).value
    assert aed == pytest.approx(1 / 3.6725)


@pytest.mark.parametrize("day", [None, dt.date(2099, 1, 1)])
def test_undated_or_future_articles_take_the_latest_rate(day: dt.date | None) -> None:
    rate = fx_table().rate("USD", "EUR", day)
    assert rate.latest
    assert rate.day <= fx_table().last_day


def test_ranges_convert_both_ends() -> None:
    n = normalize(_money(3e9, "EUR", value_max=4e9), currency="EUR", day=None)
    assert n is not None
    assert (n.value, n.value_max) == (3e9, 4e9)


def test_same_currency_is_identity() -> None:
    n = normalize(_money(1234.5, "USD"), currency="USD", day=dt.date(2024, 3, 1))
    assert n is not None
    assert n.value == pytest.approx(1234.5)


def test_unknown_currency_raises_a_coded_error() -> None:
    with pytest.raises(NormalisationError, match="Unknown currency"):
        fx_table().rate("XYZ", "EUR", None)


def test_unknown_currency_mention_is_left_unnormalised() -> None:
    assert normalize(_money(5.0, "XYZ"), currency="EUR", day=None) is None


@pytest.mark.parametrize(
    ("kind", "unit"), [("power", "MW"), ("count", "gpu"), ("percent", "%"), ("area", "m2")]
)
def test_other_kinds_repeat_value_and_unit(kind: str, unit: str) -> None:
    q = Quantity(0, 1, "x", kind, 290.0, unit=unit)  # type: ignore[arg-type]
    n = normalize(q, currency="EUR", day=None)
    assert n is not None
    assert (n.value, n.value_max, n.unit) == (290.0, None, unit)


def test_dates_have_no_normalized_value() -> None:
    q = Quantity(0, 1, "x", "date", None, date="2026-12")
    assert normalize(q, currency="EUR", day=None) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-10-16", dt.date(2025, 10, 16)),
        ("2025-10-16T08:30:00+02:00", dt.date(2025, 10, 16)),
        (None, None),
        ("", None),
        ("hier", None),
    ],
)
def test_parse_day(text: str | None, expected: dt.date | None) -> None:
    assert parse_day(text) == expected
