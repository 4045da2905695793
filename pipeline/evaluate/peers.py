"""Peer test suites: load them, map each case to newsfacts' scope, score the extractors.

The suites are third-party test cases (Recognizers-Text, Duckling) converted to one JSONL
shape. Each case is mapped to our scope once, by :func:`map_case`:

* money suites (``currency``, ``money``): items whose currency has an ISO 4217 code are
  in scope (peer names mapped through ``peer_units.yaml``); unnamed or ambiguous
  currencies (a bare cent or franc, "bucks", crypto-currencies) are not, nor are
  Duckling's latent cases (a bare "5" read as money only on request). Ranges and open
  intervals are in scope: ``{"from", "to"}`` becomes ``value``/``value_max``, a lone
  ``from`` a ``min`` bound, a lone ``to`` a ``max`` bound;
* dimension suites (``dimension``, ``quantity``): only area, power and energy units are
  in scope; length, volume, weight, speed, information and angle are not quantities of
  the product;
* percent suites: every case with a value;
* number suites (``number``, ``numeral``): the product never emits bare numbers, so the
  number parser is scored instead: ``parse_number(expected_text, lang)`` against the
  peer's value. Fractions and scientific notation are out of scope (news write
  "1,5 million", not "trois cinquièmes" or "1,1^23"), and so are negative cases, which
  test what a number is in running text.

An item with no value (the peer reports a bare unit word, "dollar", "percent") is ignored;
a case left with no item then expects nothing of its kind, like the peer's negative cases.
A case is in scope when one of its items is; items of other kinds in the same case are
not scored. ``exclusions`` in the YAML table lists the few single cases left out, each
with its reason (wrong peer expectations, machine-translation artefacts).

A positive case is correct when every in-scope item is found: a quantity of the item's
kind overlapping the peer's span, value (and ``value_max``) within 1 %, the same unit,
and the same bound when the peer gives one; extra quantities are not penalised. A
negative case is correct when no quantity of the suite's kinds is found.
"""

from __future__ import annotations

import importlib
import json
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from pipeline.errors import Errors, InputError, LexiconError
from pipeline.evaluate.mentions import close
from pipeline.types import Quantity

__all__ = [
    "FAMILY_KINDS",
    "SUITES",
    "CaseResult",
    "Extractors",
    "PeerCase",
    "PeerItem",
    "SuiteResult",
    "Table",
    "failure_report",
    "load_suite",
    "load_table",
    "map_case",
    "project_extractors",
    "run_all",
    "run_suite",
    "score_case",
    "suite_family",
]

Family = Literal["money", "dimension", "percent", "number"]
FindFn = Callable[[str, str], Sequence[Quantity]]
ParseFn = Callable[[str, str], object]

TABLE_PATH = Path(__file__).with_name("peer_units.yaml")

#: The suites scored, in the order of the results table.
SUITES: tuple[str, ...] = (
    "recognizers-fr-currency",
    "recognizers-en-currency",
    "duckling-fr-money",
    "duckling-en-money",
    "recognizers-fr-percent",
    "recognizers-en-percent",
    "recognizers-fr-dimension",
    "recognizers-en-dimension",
    "duckling-fr-quantity",
    "duckling-en-quantity",
    "recognizers-fr-number",
    "recognizers-en-number",
    "duckling-fr-numeral",
    "duckling-en-numeral",
)

_FAMILY_OF_MODEL: dict[str, Family] = {
    "currency": "money",
    "money": "money",
    "dimension": "dimension",
    "quantity": "dimension",
    "percent": "percent",
    "number": "number",
    "numeral": "number",
}

#: The quantity kinds a suite judges: a negative case must yield none of them.
FAMILY_KINDS: dict[Family, frozenset[str]] = {
    "money": frozenset({"money"}),
    "dimension": frozenset({"area", "power", "energy"}),
    "percent": frozenset({"percent"}),
    "number": frozenset(),
}

_ISO = re.compile(r"^[A-Z]{3}$")
_FRACTION = re.compile(r"\d\s*/\s*\d")
_NUMBER_TOLERANCE = 1e-6
_VALUE_TOLERANCE = 0.01


@dataclass(frozen=True, slots=True)
class Table:
    """The peer-unit mapping of ``peer_units.yaml``."""

    currencies: Mapping[str, str]
    subunits: Mapping[str, tuple[str, float]]
    ambiguous: Mapping[str, str]
    dimensions: Mapping[str, tuple[str, float]]
    exclusions: Mapping[str, Mapping[str, str]]


@dataclass(frozen=True, slots=True)
class PeerItem:
    """One expected result, in newsfacts terms (``kind`` is ``number`` for parser items)."""

    text: str
    start: int | None
    end: int | None
    kind: str
    value: float
    value_max: float | None = None
    unit: str | None = None
    bound: str | None = None


@dataclass(frozen=True, slots=True)
class PeerCase:
    """One peer case mapped to our scope; ``reason`` says why it is out (or what was dropped)."""

    suite: str
    key: str
    input: str
    lang: str
    family: Family
    items: tuple[PeerItem, ...]
    in_scope: bool
    reason: str = ""

    @property
    def negative(self) -> bool:
        return self.in_scope and not self.items


@dataclass(frozen=True, slots=True)
class CaseResult:
    """The outcome of one in-scope case: what was expected and what came out."""

    case: PeerCase
    correct: bool
    got: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SuiteResult:
    """Counts of one suite, its failing cases and the reasons cases were left out."""

    suite: str
    in_scope: int
    out_of_scope: int
    correct: int
    failures: tuple[CaseResult, ...] = ()
    out_reasons: Mapping[str, int] = field(default_factory=dict)
    error: str | None = None

    @property
    def accuracy(self) -> float:
        return self.correct / self.in_scope if self.in_scope else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "suite": self.suite,
            "in_scope": self.in_scope,
            "out_of_scope": self.out_of_scope,
            "correct": self.correct,
            "accuracy": round(self.accuracy, 4),
            "out_reasons": dict(sorted(self.out_reasons.items())),
            "error": self.error,
        }


def suite_family(name: str) -> tuple[str, Family]:
    """The language and family of a suite name ``<peer>-<lang>-<model>``."""
    parts = name.split("-")
    if len(parts) != 3 or name not in SUITES:
        raise InputError(Errors.E451.format(name=name, known=", ".join(SUITES)))
    return parts[1], _FAMILY_OF_MODEL[parts[2]]


def _mapping(data: Mapping[str, Any], key: str, path: Path) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise LexiconError(Errors.E452.format(path=path, detail=f"{key} is not a mapping"))
    return value


@cache
def load_table(path: Path = TABLE_PATH) -> Table:
    """Read the peer-unit table (cached). Raises :class:`LexiconError` when malformed."""
    try:
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except (OSError, yaml.YAMLError) as e:
        raise LexiconError(Errors.E452.format(path=path, detail=e)) from e
    if not isinstance(data, Mapping):
        raise LexiconError(Errors.E452.format(path=path, detail="top level is not a mapping"))
    try:
        return Table(
            currencies={str(k): str(v) for k, v in _mapping(data, "currencies", path).items()},
            subunits={
                str(k): (str(v["iso"]), float(v["factor"]))
                for k, v in _mapping(data, "subunits", path).items()
            },
            ambiguous={str(k): str(v) for k, v in _mapping(data, "ambiguous", path).items()},
            dimensions={
                str(k): (str(v["kind"]), float(v["factor"]))
                for k, v in _mapping(data, "dimensions", path).items()
            },
            exclusions={
                str(suite): {str(k): str(v) for k, v in cases.items()}
                for suite, cases in _mapping(data, "exclusions", path).items()
            },
        )
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise LexiconError(Errors.E452.format(path=path, detail=e)) from e


def load_suite(suites_dir: Path, name: str, *, table: Table | None = None) -> list[PeerCase]:
    """Every case of one suite file, mapped to our scope."""
    lang, family = suite_family(name)
    path = suites_dir / f"{name}.jsonl"
    if not path.is_file():
        raise InputError(Errors.E004.format(path=path))
    table = table or load_table()
    cases: list[PeerCase] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError(Errors.E450.format(line=n, path=path, detail=e)) from e
            if not isinstance(raw, dict):
                raise InputError(Errors.E450.format(line=n, path=path, detail="not an object"))
            cases.append(map_case(raw, name, lang, family, table))
    return cases


def _key(raw: Mapping[str, Any]) -> str:
    if "case_index" in raw:
        return str(raw["case_index"])
    return str(raw.get("input", ""))


def _num(v: object) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v)


def _currency(unit: str | None, iso: str | None, table: Table) -> tuple[str, float] | str:
    """(ISO code, factor) for a peer currency name, or the reason it is out of scope."""
    if iso and _ISO.match(iso):
        return iso, 1.0
    if unit is None:
        return "no currency given"
    if unit in table.ambiguous:
        return f"ambiguous currency: {table.ambiguous[unit]}"
    if unit in table.subunits:
        return table.subunits[unit]
    if unit in table.currencies:
        return table.currencies[unit], 1.0
    if _ISO.match(unit):
        return unit, 1.0
    return f"currency {unit!r} not in the mapping table"


def _item(e: Mapping[str, Any], family: Family, table: Table) -> PeerItem | str | None:
    """The in-scope item of one expectation, the reason it is out, or None to ignore it."""
    text = str(e.get("text") or "")
    start, end = e.get("start"), e.get("end")
    start = start if isinstance(start, int) else None
    end = end if isinstance(end, int) else None
    raw_value = e.get("value")
    value = _num(e.get("value_num")) if "value_num" in e else _num(raw_value)
    value_max: float | None = None
    bound: str | None = None
    if isinstance(raw_value, Mapping):
        lo, hi = _num(raw_value.get("from")), _num(raw_value.get("to"))
        if lo is not None and hi is not None:
            value, value_max = lo, hi
        elif lo is not None:
            value, bound = lo, "min"
        else:
            value, bound = hi, "max"
    if value is None:
        return None
    unit = e.get("unit")
    unit = unit if isinstance(unit, str) else None
    if family == "money":
        raw = e.get("raw")
        iso = raw.get("Resolution", {}).get("isoCurrency") if isinstance(raw, Mapping) else None
        mapped = _currency(unit, iso if isinstance(iso, str) else None, table)
        if isinstance(mapped, str):
            return mapped
        code, factor = mapped
        return PeerItem(
            text,
            start,
            end,
            "money",
            value * factor,
            None if value_max is None else value_max * factor,
            code,
            bound,
        )
    if family == "dimension":
        if unit is None or unit not in table.dimensions:
            sub = e.get("subtype")
            what = str(sub).lower() if sub else f"unit {unit}"
            return f"{what} is not a quantity kind of newsfacts"
        kind, factor = table.dimensions[unit]
        canonical = {"area": "m2", "power": "MW", "energy": "MWh"}[kind]
        return PeerItem(text, start, end, kind, value * factor, None, canonical, bound)
    if family == "percent":
        return PeerItem(text, start, end, "percent", value, None, "%", bound)
    subtype = e.get("subtype")
    if subtype in ("fraction", "power") or _FRACTION.search(text):
        return f"{subtype or 'fraction'}: not a form news write figures in"
    return PeerItem(text, start, end, "number", value)


def map_case(
    raw: Mapping[str, Any], suite: str, lang: str, family: Family, table: Table
) -> PeerCase:
    """Map one peer case to our scope (see the module docstring for the rules)."""
    key = _key(raw)
    text = str(raw.get("input", ""))

    def out(reason: str) -> PeerCase:
        return PeerCase(suite, key, text, lang, family, (), False, reason)

    excluded = table.exclusions.get(suite, {}).get(key)
    if excluded:
        return out(f"excluded: {excluded}")
    if raw.get("latent"):
        return out("latent: the peer expects it only on request")
    expected = raw.get("expected") or []
    if not expected:
        if family == "number":
            return out("negative number case: the parser is scored on spans")
        return PeerCase(suite, key, text, lang, family, (), True)
    items: list[PeerItem] = []
    reasons: list[str] = []
    for e in expected:
        got = _item(e, family, table) if isinstance(e, Mapping) else None
        if isinstance(got, PeerItem):
            items.append(got)
        elif isinstance(got, str):
            reasons.append(got)
    if items or not reasons:
        return PeerCase(suite, key, text, lang, family, tuple(items), True, "; ".join(reasons))
    return out(reasons[0])


def _overlaps(q: Quantity, item: PeerItem) -> bool:
    if item.start is None or item.end is None:
        return True
    return min(q.end, item.end) > max(q.start, item.start)


def _found(item: PeerItem, quantities: Sequence[Quantity]) -> bool:
    return any(
        q.kind == item.kind
        and _overlaps(q, item)
        and close(q.value, item.value, tolerance=_VALUE_TOLERANCE)
        and close(q.value_max, item.value_max, tolerance=_VALUE_TOLERANCE)
        and q.unit == item.unit
        and (item.bound is None or q.bound == item.bound)
        for q in quantities
    )


def _parsed_value(parsed: object) -> float | None:
    """The number out of whatever the parser returns (a number, or a record with .value)."""
    if parsed is None or isinstance(parsed, bool):
        return None
    if isinstance(parsed, int | float):
        return float(parsed)
    value = getattr(parsed, "value", None)
    return float(value) if isinstance(value, int | float) else None


def _describe(q: Quantity) -> str:
    span = f"{q.value}" if q.value_max is None else f"{q.value}-{q.value_max}"
    bound = f" {q.bound}" if q.bound else ""
    return f"{q.kind} {q.text!r} = {span} {q.unit}{bound}"


def score_case(
    case: PeerCase, *, find: FindFn | None = None, parse: ParseFn | None = None
) -> CaseResult:
    """Run the extractor (or the number parser) on one in-scope case and judge it."""
    if case.family == "number":
        if parse is None:
            return CaseResult(case, False, ("number parser unavailable",))
        got: list[str] = []
        ok = True
        for item in case.items:
            value = _parsed_value(parse(item.text, case.lang))
            got.append(f"{item.text!r} -> {value}")
            ok = ok and close(value, item.value, tolerance=_NUMBER_TOLERANCE)
        return CaseResult(case, ok, tuple(got))
    if find is None:
        return CaseResult(case, False, ("find_quantities unavailable",))
    quantities = list(find(case.input, case.lang))
    described = tuple(_describe(q) for q in quantities)
    if case.negative:
        kinds = FAMILY_KINDS[case.family]
        return CaseResult(case, not any(q.kind in kinds for q in quantities), described)
    return CaseResult(case, all(_found(i, quantities) for i in case.items), described)


def run_suite(
    name: str,
    cases: Sequence[PeerCase],
    *,
    find: FindFn | None = None,
    parse: ParseFn | None = None,
    error: str | None = None,
) -> SuiteResult:
    """Score every in-scope case of one suite; ``error`` notes a missing extractor."""
    reasons: Counter[str] = Counter()
    results: list[CaseResult] = []
    for case in cases:
        if case.in_scope:
            results.append(score_case(case, find=find, parse=parse))
        else:
            reasons[case.reason.split(":")[0]] += 1
    return SuiteResult(
        suite=name,
        in_scope=len(results),
        out_of_scope=sum(reasons.values()),
        correct=sum(r.correct for r in results),
        failures=tuple(r for r in results if not r.correct),
        out_reasons=dict(reasons),
        error=error,
    )


@dataclass(frozen=True, slots=True)
class Extractors:
    """The project's extractor and number parser, or why one could not be imported."""

    find: FindFn | None
    parse: ParseFn | None
    errors: tuple[str, ...] = ()


def _import(module: str, name: str) -> Callable[..., object] | str:
    """A callable of the project, or why it cannot be had (it may not be written yet)."""
    try:
        found: object = getattr(importlib.import_module(module), name, None)
    except ImportError as e:
        return f"{module}.{name}: {e}"
    if not callable(found):
        return f"{module}.{name}: not defined yet"
    return found


def project_extractors() -> Extractors:
    """The project's ``find_quantities`` and ``parse_number``, looked up at run time.

    Either may be missing while the extractors are being written; the suites using it
    then score 0 and the reason is reported rather than raised.
    """
    found_find = _import("pipeline.extract", "find_quantities")
    found_parse = _import("pipeline.extract.numbers", "parse_number")
    errors = tuple(f for f in (found_find, found_parse) if isinstance(f, str))
    find: FindFn | None = None
    parse: ParseFn | None = None
    if not isinstance(found_find, str):
        extract = found_find

        def find(text: str, lang: str) -> Sequence[Quantity]:
            out = extract(text, lang)
            if not isinstance(out, Sequence):
                return []
            return [q for q in out if isinstance(q, Quantity)]

    if not isinstance(found_parse, str):
        parse = found_parse
    return Extractors(find, parse, errors)


def run_all(
    suites_dir: Path, *, names: Sequence[str] = SUITES, extractors: Extractors | None = None
) -> list[SuiteResult]:
    """Load and score every named suite with the project's extractors."""
    ex = extractors or project_extractors()
    results = []
    for name in names:
        family = suite_family(name)[1]
        name_needed = "parse_number" if family == "number" else "find_quantities"
        error = next((e for e in ex.errors if name_needed in e), None)
        results.append(
            run_suite(name, load_suite(suites_dir, name), find=ex.find, parse=ex.parse, error=error)
        )
    return results


def failure_report(result: SuiteResult) -> str:
    """The failing cases of one suite as readable text, one block a case."""
    lines = [f"# {result.suite}: {len(result.failures)} failing of {result.in_scope} in scope"]
    for r in result.failures:
        c = r.case
        lines.append(f"\n[{c.key}] {c.input!r}")
        if not c.items:
            lines.append("  expected: nothing of this kind")
        for i in c.items:
            span = f"{i.value}" if i.value_max is None else f"{i.value}-{i.value_max}"
            bound = f" {i.bound}" if i.bound else ""
            lines.append(f"  expected: {i.kind} {i.text!r} = {span} {i.unit}{bound}")
        lines.extend(f"  got:      {g}" for g in r.got or ("nothing",))
    return "\n".join(lines) + "\n"
