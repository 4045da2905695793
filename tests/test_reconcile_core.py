"""Reconciliation: singles, agreed merges, one test per conflict type, choice, JSON shapes."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from pipeline.errors import ReconciliationError
from pipeline.reconcile import (
    CONFLICT_TYPES,
    conflict_to_json,
    fact_to_json,
    reconcile,
    reconcile_groups,
)
from pipeline.reconcile.agree import rounding_compatible, significant_digits, spread
from pipeline.reconcile.explain import format_value, join_words
from pipeline.reconcile.ids import conflict_id, fact_id
from pipeline.types import Bound, Claim, Evidence, Normalized, Qualifiers, Stage


def claim(
    subject: str,
    predicate: str,
    value: float,
    unit: str,
    *,
    article: str = "a1",
    value_max: float | None = None,
    stage: Stage | None = None,
    time: str | None = None,
    approx: bool = False,
    bound: Bound | None = None,
    scope: str | None = None,
    published: str | None = None,
    source_key: str | None = None,
    normalized: float | None = None,
    dimension: str | None = None,
    start: int = 0,
    confidence: float = 0.5,
) -> Claim:
    text = f"{value:g} {unit}"
    return Claim(
        subject=subject,
        subject_type="project",
        predicate=predicate,
        value=value,
        value_max=value_max,
        unit=unit,
        normalized=Normalized(
            normalized if normalized is not None else value, value_max, dimension or unit
        ),
        qualifiers=Qualifiers(stage=stage, time=time, approx=approx, bound=bound, scope=scope),
        evidence=Evidence(article, start, start + len(text), text, f"S {text}.", value, unit),
        published=published,
        source_key=source_key,
        confidence=confidence,
    )


SN = "Stargate Norway"


@pytest.mark.parametrize(
    ("claims", "value", "n_evidence"),
    [
        ([claim(SN, "gpu_count", 100000, "gpu")], 100000, 1),
        # two mentions of one article are one source: still single
        ([claim(SN, "jobs", 30, "job"), claim(SN, "jobs", 30, "job", start=40)], 30, 2),
        # syndicated copies share a source key
        (
            [
                claim(SN, "jobs", 30, "job", article="a1", source_key="fam"),
                claim(SN, "jobs", 30, "job", article="a2", source_key="fam"),
            ],
            30,
            2,
        ),
    ],
)
def test_single(claims: list[Claim], value: float, n_evidence: int) -> None:
    (fact,) = reconcile(claims).facts
    assert fact.status == "single"
    assert fact.value == value
    assert len(fact.evidence) == n_evidence
    assert fact.alternatives == ()


@pytest.mark.parametrize(
    ("claims", "value"),
    [
        ([claim(SN, "gpu_count", 100000, "gpu", article=a) for a in ("a1", "a2", "a3")], 100000),
        (
            [
                claim(SN, "investment", 2e9, "USD", article="a1", approx=True),
                claim(SN, "investment", 2.1e9, "USD", article="a2"),
            ],
            2.1e9,
        ),
        (
            [
                claim(SN, "jobs", 30, "job", article="a1", bound="min"),
                claim(SN, "jobs", 30, "job", article="a2"),
            ],
            30,
        ),
        (
            [
                claim(
                    SN, "investment", 1e9, "EUR", article="a1", normalized=1.17e9, dimension="USD"
                ),
                claim(SN, "investment", 1.17e9, "USD", article="a2"),
            ],
            1.17e9,
        ),
        (
            [
                claim(SN, "power_capacity", 230, "MW", article="a1", value_max=520),
                claim(SN, "power_capacity", 300, "MW", article="a2"),
            ],
            300,
        ),
    ],
)
def test_agreed_merges_all_evidence(claims: list[Claim], value: float) -> None:
    result = reconcile(claims)
    (fact,) = result.facts
    assert fact.status == "agreed"
    assert fact.normalized.value == pytest.approx(value)
    assert len(fact.evidence) == len(claims)
    assert result.conflicts == []


def test_hundred_thousand_gpus_from_three_articles() -> None:
    claims = [claim(SN, "gpu_count", 100000, "gpu", article=a) for a in ("a1", "a2", "a3")]
    (fact,) = reconcile(claims).facts
    assert (fact.status, len(fact.evidence), fact.unit) == ("agreed", 3, "gpu")
    assert {e.article_id for e in fact.evidence} == {"a1", "a2", "a3"}
    assert fact.confidence == pytest.approx(1 - 0.5**3)


CONFLICT_CASES: dict[str, list[Claim]] = {
    "stage": [
        claim(SN, "power_capacity", 230, "MW", article="a1", stage="initial"),
        claim(SN, "power_capacity", 290, "MW", article="a2", stage="target"),
    ],
    "time": [
        claim(SN, "jobs", 1000, "job", article="a1", time="2026"),
        claim(SN, "jobs", 3000, "job", article="a2", time="2030"),
    ],
    "scope": [
        claim(SN, "jobs", 1000, "job", article="a1", scope="France"),
        claim(SN, "jobs", 30000, "job", article="a2", scope="world"),
    ],
    "part_whole": [
        claim(SN, "power_capacity", 230, "MW", article="a1"),
        claim(SN, "power_capacity", 290, "MW", article="a1", start=30),
        claim(SN, "power_capacity", 520, "MW", article="a2"),
    ],
    "scale_slip": [
        claim(SN, "investment", 2e6, "EUR", article="a1"),
        claim(SN, "investment", 2e9, "EUR", article="a2"),
        claim(SN, "investment", 2e9, "EUR", article="a3"),
    ],
    "rounding": [
        claim(SN, "investment", 2e9, "USD", article="a1"),
        claim(SN, "investment", 2.1e9, "USD", article="a2"),
    ],
    "disagreement": [
        claim(SN, "investment", 1e9, "USD", article="a1"),
        claim(SN, "investment", 2e9, "USD", article="a2", approx=True),
    ],
}
CHOSEN = {
    "stage": 290,
    "time": 3000,
    "scope": 30000,
    "part_whole": 520,
    "scale_slip": 2e9,
    "rounding": 2.1e9,
    "disagreement": 1e9,
}
EXPLANATION_WORDS = {
    "stage": "290 MW chosen as the latest-stage figure",
    "time": "3,000 job chosen as the latest figure",
    "scope": "cover different scopes",
    "part_whole": "230 + 290 = 520",
    "scale_slip": "million/billion slip",
    "rounding": "agree once rounded",
    "disagreement": "1 billion USD (1 article) and about 2 billion USD (1 article) disagree",
}


def test_every_conflict_type_has_a_case() -> None:
    assert set(CONFLICT_CASES) == set(CONFLICT_TYPES)


@pytest.mark.parametrize("ctype", CONFLICT_TYPES)
def test_conflict_types(ctype: str) -> None:
    result = reconcile(CONFLICT_CASES[ctype])
    (fact,) = result.facts
    (conflict,) = result.conflicts
    assert fact.status == "conflict"
    assert conflict.type == ctype == fact.conflict_type
    assert conflict.resolution.rule.startswith(f"{ctype}/")
    assert fact.value == CHOSEN[ctype] == conflict.resolution.value
    assert EXPLANATION_WORDS[ctype] in conflict.resolution.explanation
    assert len(fact.alternatives) == len(conflict.candidates) - 1
    assert CHOSEN[ctype] not in [a.value for a in fact.alternatives]
    assert conflict.fact_id == fact.fact_id
    assert conflict.conflict_id == conflict_id(fact.fact_id)


def test_stage_conflict_with_part_whole_note() -> None:
    claims = [
        claim(SN, "power_capacity", 230, "MW", article="a1", stage="initial"),
        claim(SN, "power_capacity", 290, "MW", article="a1", stage="target", start=30),
        claim(SN, "power_capacity", 520, "MW", article="a2", stage="maximum"),
    ]
    result = reconcile(claims)
    (conflict,) = result.conflicts
    assert conflict.type == "stage"
    assert conflict.notes == ("230 + 290 = 520",)
    assert result.facts[0].value == 520
    assert conflict.resolution.explanation == (
        "230 MW is the initial power capacity, 290 MW the target and 520 MW the maximum: "
        "all kept, 520 MW chosen as the latest-stage figure (230 + 290 = 520)"
    )


def test_stargate_norway_investment_conflict() -> None:
    claims = CONFLICT_CASES["disagreement"]
    (conflict,) = reconcile(claims).conflicts
    assert conflict.subject == SN
    assert conflict.spread == pytest.approx(0.5)
    assert [c.support for c in conflict.candidates] == [1.0, 1.0]
    assert conflict.resolution.explanation == (
        "1 billion USD (1 article) and about 2 billion USD (1 article) disagree; "
        "1 billion USD chosen: more specific figure"
    )


def test_an_explanation_names_a_few_candidates_and_counts_the_rest() -> None:
    """Forty disagreeing figures: the sentence stays one readable line."""
    claims = [claim(SN, "investment", 1000 + 24 * i, "USD", article=f"a{i:02d}") for i in range(40)]
    (conflict,) = reconcile(claims).conflicts
    assert len(conflict.candidates) == 40
    explanation = conflict.resolution.explanation
    assert " and 35 more disagree; " in explanation
    assert explanation.startswith("1,000 USD (1 article), 1,024 USD (1 article), ")
    assert explanation.count("(1 article)") == 5
    assert len(explanation) < 300


@pytest.mark.parametrize(
    ("items", "limit", "expected"),
    [
        ([], 6, ""),
        (["a"], 6, "a"),
        (["a", "b", "c"], 6, "a, b and c"),
        (list("abcdef"), 6, "a, b, c, d, e and f"),
        (list("abcdefg"), 6, "a, b, c, d, e and 2 more"),
        (list("abc"), 1, "a and 2 more"),
    ],
)
def test_join_words(items: list[str], limit: int, expected: str) -> None:
    assert join_words(items, limit=limit) == expected


@pytest.mark.parametrize(
    ("claims", "chosen", "criterion"),
    [
        # more independent sources beat a more specific single one
        (
            [
                claim(SN, "jobs", 100, "job", article="a1", approx=True),
                claim(SN, "jobs", 100, "job", article="a2", approx=True),
                claim(SN, "jobs", 300, "job", article="a3"),
            ],
            100,
            "support",
        ),
        # near-duplicate copies count once: then specificity decides
        (
            [
                claim(SN, "jobs", 100, "job", article="a1", approx=True, source_key="k"),
                claim(SN, "jobs", 100, "job", article="a2", approx=True, source_key="k"),
                claim(SN, "jobs", 300, "job", article="a3"),
            ],
            300,
            "specificity",
        ),
        # same support and specificity: the more recent one
        (
            [
                claim(SN, "jobs", 100, "job", article="a1", published="2025-01-01"),
                claim(SN, "jobs", 300, "job", article="a2", published="2025-06-01"),
            ],
            300,
            "recency",
        ),
    ],
)
def test_choice_rule(claims: list[Claim], chosen: float, criterion: str) -> None:
    (conflict,) = reconcile(claims).conflicts
    assert conflict.resolution.value == chosen
    assert conflict.resolution.rule == f"disagreement/{criterion}"


@pytest.mark.parametrize(("reliable", "chosen"), [("a1", 100), ("a2", 300)])
def test_source_reliability_weighs_support(reliable: str, chosen: float) -> None:
    claims = [
        claim(SN, "jobs", 100, "job", article="a1"),
        claim(SN, "jobs", 300, "job", article="a2"),
    ]
    result = reconcile(claims, source_reliability={reliable: 0.9})
    (conflict,) = result.conflicts
    assert conflict.resolution.value == chosen
    assert sorted(c.support for c in conflict.candidates) == [0.5, 0.9]


@pytest.mark.parametrize("bad", [-0.1, 1.5])
def test_bad_reliability_is_an_error(bad: float) -> None:
    with pytest.raises(ReconciliationError, match="must be within"):
        reconcile([claim(SN, "jobs", 1, "job")], source_reliability={"a1": bad})


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_non_finite_value_is_an_error(bad: float) -> None:
    with pytest.raises(ReconciliationError, match="not a finite number"):
        reconcile([claim(SN, "jobs", bad, "job")])


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("Oracle", "contract_value"), ("Meta", "investment")),
        (("Stargate", "investment"), ("Stargate Norway", "investment")),
        (("Stargate UAE", "investment"), ("Stargate Norway", "investment")),
    ],
)
def test_distinct_subjects_never_merge(first: tuple[str, str], second: tuple[str, str]) -> None:
    claims = [
        claim(first[0], first[1], 30e9, "USD", article="a1"),
        claim(second[0], second[1], 30e9, "USD", article="a2"),
    ]
    result = reconcile(claims)
    assert sorted((f.subject, f.status) for f in result.facts) == sorted(
        [(first[0], "single"), (second[0], "single")]
    )


def test_units_of_different_dimensions_are_different_facts() -> None:
    claims = [claim(SN, "energy", 230, "MW"), claim(SN, "energy", 230, "MWh", article="a2")]
    assert len(reconcile(claims).facts) == 2


def test_surface_variants_merge_into_one_fact() -> None:
    claims = [
        claim("projet Stargate Norway", "jobs", 30, "job", article="a1"),
        claim("stargate norway", "jobs", 30, "job", article="a2"),
        claim(SN, "jobs", 30, "job", article="a3"),
        claim("AWS", "jobs", 5, "job", article="a1"),
        claim("Amazon Web Services", "jobs", 5, "job", article="a2"),
    ]
    facts = reconcile(claims).facts
    assert sorted((f.subject, len(f.evidence)) for f in facts) == [
        ("Amazon Web Services", 2),
        (SN, 3),
    ]


def test_fact_id_is_the_hash_of_the_group_key() -> None:
    (fact,) = reconcile([claim(SN, "jobs", 30, "job")]).facts
    assert fact.fact_id == fact_id("stargatenorway", "jobs", "job")
    assert fact.fact_id.startswith("f_")


def test_streaming_blocks_give_the_same_facts() -> None:
    claims = [c for cs in CONFLICT_CASES.values() for c in cs]
    whole = reconcile(claims)
    streamed = sorted(
        (f for f, _ in reconcile_groups([claims[:2], claims[2:]])), key=lambda f: f.fact_id
    )
    by_block = sorted((f for f, _ in reconcile_groups([claims])), key=lambda f: f.fact_id)
    assert by_block == whole.facts
    # a block cut inside a subject gives that subject's facts twice: blocks must be whole
    assert len(streamed) > len(whole.facts)


@pytest.mark.parametrize(
    ("values", "expected"),
    [([1e9, 2e9], 0.5), ([230, 290, 520], (520 - 230) / 520), ([5, 5], 0.0), ([], 0.0)],
)
def test_spread(values: list[float], expected: float) -> None:
    assert spread(values) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [(2e9, 2.1e9, True), (1e9, 1.4e9, False), (1.2e9, 1.24e9, True), (30, 35, False)],
)
def test_rounding_compatible(a: float, b: float, expected: bool) -> None:
    da, db = significant_digits(a), significant_digits(b)
    assert rounding_compatible(a, b, digits_a=da, digits_b=db) is expected
    assert rounding_compatible(b, a, digits_a=db, digits_b=da) is expected


@pytest.mark.parametrize(
    ("value", "value_max", "unit", "q", "text"),
    [
        (2e9, None, "USD", Qualifiers(approx=True), "about 2 billion USD"),
        (230, 520, "MW", Qualifiers(), "230–520 MW"),
        (100000, None, "gpu", Qualifiers(bound="min"), "more than 100,000 gpu"),
        (-0.38, None, "%", Qualifiers(), "-0.38%"),
    ],
)
def test_format_value(
    value: float, value_max: float | None, unit: str, q: Qualifiers, text: str
) -> None:
    assert format_value(value, value_max, unit, q) == text


# --- JSON shapes (SPEC.md) ---------------------------------------------------------

EVIDENCE_KEYS = {
    "article_id": str,
    "start": int,
    "end": int,
    "text": str,
    "sentence": str,
    "value": float,
    "unit": str,
    "title": (str, type(None)),
    "url": (str, type(None)),
}
QUALIFIER_KEYS = {"stage", "time", "approx", "bound"}
FACT_KEYS = {
    "fact_id": str,
    "subject": str,
    "subject_type": str,
    "predicate": str,
    "value": float,
    "value_max": (float, type(None)),
    "unit": str,
    "normalized": dict,
    "qualifiers": dict,
    "status": str,
    "confidence": float,
    "evidence": list,
    "alternatives": list,
}
CONFLICT_KEYS = {
    "conflict_id": str,
    "fact_id": str,
    "subject": str,
    "predicate": str,
    "unit": str,
    "candidates": list,
    "resolution": dict,
    "spread": float,
    "type": str,
    "notes": list,
}


def _check_types(obj: dict[str, Any], spec: dict[str, Any]) -> None:
    assert set(obj) == set(spec)
    for key, kind in spec.items():
        assert isinstance(obj[key], kind), key


def _check_qualifiers(q: dict[str, Any]) -> None:
    assert QUALIFIER_KEYS <= set(q) <= QUALIFIER_KEYS | {"counterparty", "location", "scope"}
    assert q["stage"] in (None, "initial", "target", "maximum", "current")
    assert isinstance(q["approx"], bool)
    assert q["bound"] in (None, "min", "max")
    assert q["time"] is None or isinstance(q["time"], str)


def _check_evidence(items: list[dict[str, Any]]) -> None:
    assert items
    for e in items:
        _check_types(e, EVIDENCE_KEYS)


ALL_CLAIMS = [c for cs in CONFLICT_CASES.values() for c in cs] + [
    claim("Oracle", "contract_value", 30e9, "USD"),
    claim(SN, "gpu_count", 100000, "gpu", article="a2"),
    claim(SN, "gpu_count", 100000, "gpu", article="a3"),
]


@pytest.mark.parametrize("fact", reconcile(ALL_CLAIMS).facts, ids=lambda f: f.fact_id)
def test_fact_json_has_exactly_the_spec_keys(fact: Any) -> None:
    obj = fact_to_json(fact)
    assert json.loads(json.dumps(obj)) == obj
    _check_types(obj, FACT_KEYS)
    assert obj["status"] in ("single", "agreed", "conflict")
    assert 0.0 <= obj["confidence"] <= 1.0
    assert set(obj["normalized"]) == {"value", "value_max", "unit"}
    assert isinstance(obj["normalized"]["value"], float)
    _check_qualifiers(obj["qualifiers"])
    _check_evidence(obj["evidence"])
    assert (obj["status"] == "conflict") == bool(obj["alternatives"])
    for alt in obj["alternatives"]:
        assert set(alt) == {"value", "value_max", "unit", "qualifiers", "evidence"}
        assert isinstance(alt["value"], float)
        _check_qualifiers(alt["qualifiers"])
        _check_evidence(alt["evidence"])


@pytest.mark.parametrize("conflict", reconcile(ALL_CLAIMS).conflicts, ids=lambda c: c.type)
def test_conflict_json_has_exactly_the_spec_keys(conflict: Any) -> None:
    obj = conflict_to_json(conflict)
    assert json.loads(json.dumps(obj)) == obj
    _check_types(obj, CONFLICT_KEYS)
    assert obj["type"] in CONFLICT_TYPES
    assert set(obj["resolution"]) == {"value", "rule", "explanation"}
    assert isinstance(obj["resolution"]["value"], float)
    assert obj["resolution"]["explanation"].count(". ") == 0
    assert len(obj["candidates"]) >= 2
    for cand in obj["candidates"]:
        assert set(cand) == {"value", "value_max", "qualifiers", "support", "articles", "evidence"}
        assert isinstance(cand["value"], float)
        assert isinstance(cand["support"], float)
        assert all(isinstance(a, str) for a in cand["articles"])
        _check_qualifiers(cand["qualifiers"])
        _check_evidence(cand["evidence"])
    values = [c["value"] for c in obj["candidates"]]
    assert obj["spread"] == pytest.approx((max(values) - min(values)) / max(values))
    assert obj["resolution"]["value"] in values


@pytest.mark.parametrize(
    ("stage_a", "stage_b", "expected"),
    [
        ("initial", "target", "stage"),
        ("initial", None, "disagreement"),
        (None, None, "disagreement"),
    ],
)
def test_only_stated_stages_make_a_stage_conflict(
    stage_a: Stage | None, stage_b: Stage | None, expected: str
) -> None:
    claims = [
        claim("Nordlys", "power_capacity", 230.0, "MW", article="a1", stage=stage_a),
        claim("Nordlys", "power_capacity", 410.0, "MW", article="a2", stage=stage_b),
    ]
    (conflict,) = reconcile(claims).conflicts
    assert conflict.type == expected
