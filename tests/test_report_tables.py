"""Terminal tables of a run and the number formatting they share with the page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from rich.console import Console
from rich.table import Table

from pipeline.report.tables import (
    TEMPLATES,
    conflicts_table,
    distinct_digits,
    facts_table,
    fold,
    format_number,
    format_qualifiers,
    format_quantity,
    labels,
    sources,
    summary_rows,
    summary_table,
    web_url,
)

CONFLICT: dict[str, Any] = {
    "conflict_id": "c1",
    "fact_id": "f-power",
    "subject": "Stargate Norway",
    "predicate": "power_capacity",
    "unit": "MW",
    "type": "stage",
    "candidates": [
        {
            "value": 230.0,
            "value_max": None,
            "qualifiers": {"stage": "initial", "approx": False},
            "support": 1.0,
            "articles": ["fr-001"],
            "evidence": [],
        },
        {
            "value": 290.0,
            "value_max": None,
            "qualifiers": {"stage": "target", "time": "2026-12"},
            "support": 2.0,
            "articles": ["en-002", "fr-003"],
            "evidence": [],
        },
    ],
    "resolution": {
        "value": 290.0,
        "rule": "latest_stage",
        "explanation": "230 MW is the initial capacity and 290 MW the target.",
    },
    "spread": 0.2069,
}
CONFLICT_CLOSE: dict[str, Any] = {
    **CONFLICT,
    "subject": "Mistral AI",
    "predicate": "funding",
    "unit": "EUR",
    "type": "rounding",
    "candidates": [
        {"value": 1.2341e9, "articles": ["a"], "support": 1.0},
        {"value": 1.2342e9, "articles": ["b"], "support": 1.0},
    ],
    "resolution": {"value": 1.2341e9, "rule": "support", "explanation": "Tie."},
    "spread": 0.0001,
}


def _fact(subject: str, predicate: str, value: float, unit: str, **extra: Any) -> dict[str, Any]:
    return {
        "fact_id": f"{subject}-{predicate}",
        "subject": subject,
        "subject_type": "company",
        "predicate": predicate,
        "value": value,
        "value_max": None,
        "unit": unit,
        "normalized": {"value": value, "value_max": None, "unit": unit},
        "qualifiers": {"stage": None, "time": None, "approx": False, "bound": None},
        "status": "single",
        "confidence": 0.5,
        "evidence": [{"article_id": "a1"}, {"article_id": "a2"}, {"article_id": "a1"}],
        "alternatives": [],
        **extra,
    }


FACTS = [
    _fact("Stargate Norway", "power_capacity", 290.0, "MW", status="conflict"),
    _fact("Électricité de France", "investment", 1.2e9, "EUR", status="agreed"),
    _fact("Mistral AI", "gpu_count", 18_000.0, "gpu"),
    _fact("Stargate UAE", "power_capacity", 1000.0, "MW", value_max=5000.0),
]
RUN: dict[str, Any] = {
    "counts": {
        "articles_read": 12,
        "processed": 10,
        "quarantined": {"no usable text": 1, "undecodable bytes": 1},
        "mentions": {"money": 30, "power": 7},
        "facts": 21,
        "conflicts": 3,
    },
    "timings": {"ingest": 0.4, "extract": 12.5},
    "models": {"fr": "fr_core_news_md 3.8.0"},
    "command": ["newsfacts", "run", "in", "--out", "out"],
}


def _render(table: Table) -> str:
    console = Console(record=True, width=120)
    console.print(table)
    return console.export_text()


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (1.2e9, {"unit": "EUR"}, "1.2 billion EUR"),
        (1_200_000_000, {"unit": "USD", "approx": True}, "≈ 1.2 billion USD"),
        (3.5e12, {"unit": "JPY"}, "3.5 trillion JPY"),
        (250_000.0, {"unit": "EUR"}, "250,000 EUR"),
        (230.0, {"unit": "MW", "value_max": 520.0}, "230–520 MW"),
        (1500.0, {"unit": "MW"}, "1.5 GW"),
        (500.0, {"unit": "MW", "value_max": 1500.0}, "0.5–1.5 GW"),
        (2.5e6, {"unit": "MWh"}, "2.5 TWh"),
        (12_000.0, {"unit": "m2"}, "12,000 m²"),
        (-0.38, {"unit": "%"}, "-0.38%"),
        (3.0, {"unit": "year"}, "3 years"),
        (1.0, {"unit": "year"}, "1 year"),
        (18_000.0, {"unit": "gpu", "bound": "min"}, "≥ 18,000 GPUs"),
        (2.0, {"unit": "data_center", "bound": "max"}, "≤ 2 data centres"),
        (7.0, {"unit": "wind_turbine"}, "7 wind turbine"),
        (None, {"unit": "EUR"}, "—"),
        ("12", {"unit": "EUR"}, "—"),
        (float("nan"), {"unit": "EUR"}, "—"),
    ],
)
def test_format_quantity(value: Any, kwargs: Mapping[str, Any], expected: str) -> None:
    assert format_quantity(value, **kwargs) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [(1.2e9, "1.2 billion"), (1e6, "1 million"), (999.5, "999.5"), (0.0, "0"), (1234, "1,234")],
)
def test_format_number(number: float, expected: str) -> None:
    assert format_number(number) == expected


@pytest.mark.parametrize(
    ("values", "digits"),
    [([230.0, 290.0], 3), ([1.2341e9, 1.2342e9], 4), ([1.0, 1.0], 3)],
)
def test_distinct_values_are_shown_distinctly(values: Sequence[float], digits: int) -> None:
    assert distinct_digits(values, unit="EUR") == digits


@pytest.mark.parametrize(
    ("qualifiers", "expected"),
    [
        (
            {"stage": "target", "time": "2026", "approx": True, "bound": "min"},
            ["stage: target", "time: 2026"],
        ),
        ({"stage": None, "approx": False}, []),
        ({"scope": "phase 1", "firm": True}, ["scope: phase 1", "firm"]),
        (None, []),
    ],
)
def test_format_qualifiers(qualifiers: Any, expected: list[str]) -> None:
    assert format_qualifiers(qualifiers) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Électricité de France", "electricite de france"),
        ("STARGATE", "stargate"),
        ("L\u2019Oréal  Groupe", "l'oreal groupe"),
        ("", ""),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("conflicts", "shown"),
    [
        (
            [CONFLICT],
            [
                "Stargate Norway",
                "power_capacity",
                "stage",
                "230 MW",
                "290 MW",
                "latest_stage",
                "initial",
                "en-002",
                "fr-003",
                "21%",
            ],
        ),
        ([CONFLICT_CLOSE], ["1.2341 billion EUR", "1.2342 billion EUR", "rounding"]),
        ([], ["Conflicts (0)", "No conflicts"]),
    ],
)
def test_conflicts_table(conflicts: Sequence[Mapping[str, Any]], shown: list[str]) -> None:
    text = _render(conflicts_table(conflicts))
    for item in shown:
        assert item in text


@pytest.mark.parametrize(
    ("subject", "shown", "hidden"),
    [
        (None, ["Stargate Norway", "Mistral AI", "1.2 billion EUR", "18,000 GPUs", "1–5 GW"], []),
        ("stargate", ["Stargate Norway", "Stargate UAE", "290 MW"], ["Mistral AI"]),
        ("ELECTRICITE", ["Électricité de France", "1.2 billion EUR", "agreed"], ["Stargate"]),
        ("  mistral ", ["Mistral AI", "18,000 GPUs", "3 (2 art.)"], ["Stargate"]),
        ("nobody", ["No fact about a subject matching 'nobody'"], ["Stargate", "Mistral"]),
    ],
)
def test_facts_table(subject: str | None, shown: list[str], hidden: list[str]) -> None:
    text = _render(facts_table(FACTS, subject=subject))
    for item in shown:
        assert item in text
    for item in hidden:
        assert item not in text


@pytest.mark.parametrize(
    ("run", "shown"),
    [
        (
            RUN,
            [
                "articles read",
                "12",
                "quarantined › no usable text",
                "mentions › money",
                "30",
                "12.50 s",
                "fr_core_news_md 3.8.0",
                "newsfacts run in --out out",
            ],
        ),
        ({}, ["Empty run summary"]),
    ],
)
def test_summary_table(run: Mapping[str, Any], shown: list[str]) -> None:
    text = _render(summary_table(run))
    for item in shown:
        assert item in text


@pytest.mark.parametrize(
    ("run", "first_sections"),
    [
        ({"timings": {"a": 1}, "articles": {"read": 2}, "zeta": 1}, ["articles", "timings", "run"]),
        ({"command": "x", "facts": 3}, ["run", "run"]),
        (
            {"models": {"fr": "m"}, "timings": {"a": 1}, "counts": {"b": 2}},
            ["counts", "timings", "models"],
        ),
    ],
)
def test_summary_rows_put_familiar_sections_first(
    run: Mapping[str, Any], first_sections: list[str]
) -> None:
    assert [section for section, _, _ in summary_rows(run)] == first_sections


@pytest.mark.parametrize(
    ("table", "items"),
    [(facts_table, [["not a mapping"]]), (conflicts_table, [[3]])],
)
def test_tables_refuse_records_that_are_not_objects(table: Any, items: list[Any]) -> None:
    with pytest.raises(ValueError, match=r"is not a JSON object"):
        table(*items)


@pytest.mark.parametrize(
    "kind", ["stage", "time", "scope", "part_whole", "scale_slip", "rounding", "disagreement"]
)
def test_every_conflict_type_has_a_description(kind: str) -> None:
    assert labels().conflict_types[kind]


@pytest.mark.parametrize("name", ["labels.yaml", "report.css", "report.js"])
def test_templates_are_self_contained(name: str) -> None:
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    assert "http://" not in text
    assert "https://" not in text


@pytest.mark.parametrize("field", ["magnitudes"])
def test_label_scales_are_largest_first(field: str) -> None:
    thresholds = [t for t, _ in getattr(labels(), field)]
    assert thresholds == sorted(thresholds, reverse=True)
    for unit in labels().units.values():
        scale = [t for t, _ in unit.scale]
        assert scale == sorted(scale, reverse=True)
        assert unit.label
        assert unit.plural


def test_a_conflict_with_many_candidates_is_cut_in_the_terminal_too() -> None:
    template = CONFLICT["candidates"][0]
    candidates = [
        {**template, "value": 100.0 + i, "support": 1.0, "articles": [f"a{i}"]} for i in range(40)
    ]
    candidates[7] = {**candidates[7], "support": 20.0, "articles": [f"w{j}" for j in range(20)]}
    conflict = {**CONFLICT, "candidates": candidates, "resolution": {"value": 107.0}}
    text = _render(conflicts_table([conflict]))
    assert "and 30 more with less support" in text
    assert "w11, … 8 more" in text
    assert "w12" not in text
    assert "a39" not in text  # not among the 10 shown


# --------------------------------------------------------------------------- sources


def _ev(article: str, title: Any = None, url: Any = None) -> dict[str, Any]:
    return {"article_id": article, "title": title, "url": url}


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        (
            [_ev("a", "Titre A", "https://a.example/1"), _ev("b", "Titre B"), _ev("c")],
            [("Titre A", "https://a.example/1"), ("Titre B", None)],
        ),
        (
            [
                _ev("a", "Titre A", "https://a.example/1"),
                _ev("a", "Titre A", "https://a.example/1"),
            ],
            [("Titre A", "https://a.example/1")],
        ),
        ([_ev("a", None, "javascript:alert(1)")], [("javascript:alert(1)", None)]),
        ([_ev("a", None, "http://b.example/x")], [("http://b.example/x", "http://b.example/x")]),
        ([{"article_id": "a"}, "not a mapping"], []),
        ("not a list", []),
    ],
)
def test_sources_are_distinct_and_link_only_web_urls(
    evidence: Any, expected: list[tuple[str, str | None]]
) -> None:
    assert sources(evidence) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a", "https://example.com/a"),
        ("HTTPS://EXAMPLE.COM", "HTTPS://EXAMPLE.COM"),
        (" https://example.com/a", None),
        ("javascript:alert(1)", None),
        ("https:///path", None),
        ("https://" + "x" * 3000, None),
        (None, None),
        (12, None),
    ],
)
def test_web_url(url: Any, expected: str | None) -> None:
    assert web_url(url) == expected


@pytest.mark.parametrize("n_sources", [1, 3, 5])
def test_the_conflicts_table_names_each_candidates_sources(n_sources: int) -> None:
    evidence = [_ev(f"a{i}", f"Titre {i}", f"https://example.com/{i}") for i in range(n_sources)]
    candidate = {**CONFLICT["candidates"][0], "evidence": evidence}
    conflict = {**CONFLICT, "candidates": [candidate, CONFLICT["candidates"][1]]}
    console = Console(record=True, width=200)
    console.print(conflicts_table([conflict]))
    text = console.export_text()
    shown = min(n_sources, 3)
    assert "sources: " + "; ".join(f"Titre {i}" for i in range(shown)) in text
    assert (f"{n_sources - 3:,} more" in text) == (n_sources > 3)
    assert text.count("sources:") == 1  # the other candidate's evidence names no source


def test_source_titles_are_links_in_the_terminal() -> None:
    candidate = {**CONFLICT["candidates"][0], "evidence": [_ev("a", "Titre", "https://x.example/")]}
    console = Console(record=True, width=200, force_terminal=True, color_system="truecolor")
    console.print(conflicts_table([{**CONFLICT, "candidates": [candidate]}]))
    rendered = console.export_text(styles=True)
    assert "\x1b]8;" in rendered
    assert "https://x.example/" in rendered
