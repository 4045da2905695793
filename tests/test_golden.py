"""Golden files per language x kind (STYLE 10): tests/golden/<lang>/<kind>.json.

Each item is ``{"text", "results": [{"text", "type", "start", "end", "value", "unit"}]}``
with values as strings; optional ``value_max``, ``approx`` and ``bound`` are compared
when present. Date items carry ``date`` instead of value/unit. An item with an
``xfail`` key is a known gap (strict xfail, the key is the reason).

Only mentions of the file's kind are compared, so a money sentence may also hold a
percent; ``results: []`` means no mention of that kind.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pytest

from pipeline.extract import find_quantities
from pipeline.types import KINDS, Quantity

GOLDEN = Path(__file__).resolve().parent / "golden"


def _kind_of(path: Path) -> str:
    stem = path.stem
    if stem in KINDS:
        return stem
    if stem.rstrip("s") in KINDS:
        return stem.rstrip("s")
    raise ValueError(f"golden file {path} is not named after a kind")


def _cases() -> list[Any]:
    params: list[Any] = []
    for path in sorted(GOLDEN.glob("*/*.json")):
        lang = path.parent.name
        kind = _kind_of(path)
        items = json.loads(path.read_text(encoding="utf-8"))
        for i, item in enumerate(items):
            marks = []
            if "xfail" in item:
                marks.append(pytest.mark.xfail(strict=True, reason=str(item["xfail"])))
            params.append(
                pytest.param(lang, kind, item, id=f"{lang}-{path.stem}-{i:03d}", marks=marks)
            )
    return params


def _same_number(expected: str | None, got: float | None) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    return math.isclose(float(expected), got, rel_tol=1e-4, abs_tol=1e-9)


def _mismatch(expected: dict[str, Any], got: Quantity) -> str | None:
    for field in ("text", "start", "end"):
        if expected[field] != getattr(got, field):
            return f"{field}: expected {expected[field]!r}, got {getattr(got, field)!r}"
    if got.kind == "date":
        if expected.get("date") != got.date:
            return f"date: expected {expected.get('date')!r}, got {got.date!r}"
        return None
    if not _same_number(expected["value"], got.value):
        return f"value: expected {expected['value']}, got {got.value}"
    if expected["unit"] != got.unit:
        return f"unit: expected {expected['unit']!r}, got {got.unit!r}"
    if "value_max" in expected and not _same_number(expected["value_max"], got.value_max):
        return f"value_max: expected {expected['value_max']}, got {got.value_max}"
    if "value_max" not in expected and got.value_max is not None:
        return f"value_max: expected none, got {got.value_max}"
    if expected.get("approx", False) != got.approx:
        return f"approx: expected {expected.get('approx', False)}, got {got.approx}"
    if expected.get("bound") != got.bound:
        return f"bound: expected {expected.get('bound')!r}, got {got.bound!r}"
    return None


@pytest.mark.parametrize(("lang", "kind", "item"), _cases())
def test_golden(lang: str, kind: str, item: dict[str, Any]) -> None:
    text = item["text"]
    published = dt.date.fromisoformat(item["published"][:10]) if item.get("published") else None
    found = [q for q in find_quantities(text, lang, published=published) if q.kind == kind]
    expected = item["results"]
    assert [q.text for q in found] == [r["text"] for r in expected], text
    for exp, got in zip(expected, found, strict=True):
        assert text[got.start : got.end] == got.text
        problem = _mismatch(exp, got)
        assert problem is None, f"{text!r}: {problem}"


def test_golden_files_are_well_formed() -> None:
    paths = sorted(GOLDEN.glob("*/*.json"))
    assert paths, "no golden files"
    for path in paths:
        items = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(items, list), path
        for item in items:
            for r in item["results"]:
                assert item["text"][r["start"] : r["end"]] == r["text"], (path, r)
                if r["type"] != "date":
                    assert isinstance(r["value"], str), (path, r)
