"""Integrity of the gold annotations in ``tests/gold/`` and of the sample ``corpus/``.

The gold files judge the extractors and the reconciler, so they are checked here the
way SPEC.md defines the outputs: offsets that slice the article text exactly, kinds and
units from the canonical lists, facts that name existing articles and SPEC predicates,
every fact backed by a gold mention, and the planted reconciliation cases present.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from pipeline.types import KINDS

TESTS = Path(__file__).resolve().parent
GOLD = TESTS / "gold"
CORPUS = TESTS.parent / "corpus" / "sample"

Row = dict[str, Any]

SPEC_PREDICATES = frozenset(
    {
        "investment",
        "equity",
        "deal_value",
        "contract_value",
        "funding",
        "revenue",
        "valuation",
        "stock_price",
        "power_capacity",
        "energy",
        "gpu_count",
        "jobs",
        "area",
        "people_trained",
        "startups_supported",
        "data_center_count",
        "other",
    }
)
MONEY_PREDICATES = frozenset(
    {
        "investment",
        "equity",
        "deal_value",
        "contract_value",
        "funding",
        "revenue",
        "valuation",
        "stock_price",
    }
)
FIXED_FACT_UNITS = {"power_capacity": "MW", "energy": "MWh", "area": "m2"}
COUNT_FACT_UNITS = {
    "gpu_count": {"gpu"},
    "jobs": {"job", "employee", "person"},
    "people_trained": {"person"},
    "startups_supported": {"startup"},
    "data_center_count": {"data_center", "ai_factory"},
}
STAGES = frozenset({"initial", "target", "maximum", "current"})
CURRENCIES = frozenset({"EUR", "USD", "GBP", "CHF", "NOK", "SEK", "DKK", "JPY", "CNY", "CAD"})
FIXED_UNITS = {"power": "MW", "energy": "MWh", "percent": "%", "area": "m2"}
DURATION_UNITS = frozenset({"year", "month", "day"})
MENTION_KEYS = frozenset(
    {"article_id", "start", "end", "text", "kind", "value", "value_max", "unit"}
    | {"approx", "bound", "date"}
)
FACT_KEYS = frozenset({"subject", "predicate", "value", "value_max", "unit", "stage", "articles"})
FACT_OPTIONAL_KEYS = frozenset(
    {"conflict_group", "approx", "bound", "time", "scope", "counterparty"}
)

COUNT_UNIT = re.compile(r"[a-z]+(?:_[a-z]+)*")
ISO_DATE = re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?|-Q[1-4]|-H[12])?")
MODEL_NUMBER = re.compile(r"\b(?:[A-Z]{1,3}\d{3,4}|RTX \d{4}|Llama \d(?:\.\d)?)\b")
PHONE = re.compile(r"\b0\d(?: \d{2}){4}\b")
LANG_FOLDERS = ("fr", "en")


def read_jsonl(path: Path) -> list[Row]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def corpus_texts() -> dict[str, str]:
    """Article id -> text for the corpus forms whose text is known before extraction."""
    texts: dict[str, str] = {}
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix in {".txt", ".md"}:
            texts[path.relative_to(CORPUS).with_suffix("").as_posix()] = path.read_text(
                encoding="utf-8"
            )
        elif path.suffix == ".jsonl":
            for record in read_jsonl(path):
                texts[str(record["id"])] = str(record["text"])
    return texts


def html_pages() -> dict[str, str]:
    """Article id -> unescaped page source for the HTML articles (main text not extracted)."""
    return {
        path.relative_to(CORPUS).with_suffix("").as_posix(): html.unescape(
            path.read_text(encoding="utf-8")
        )
        for path in sorted(CORPUS.rglob("*.html"))
    }


def corpus_langs() -> dict[str, str]:
    """Article id -> language, from the folder, the record or the page's ``lang``."""
    langs: dict[str, str] = {}
    for path in sorted(CORPUS.rglob("*")):
        article_id = path.relative_to(CORPUS).with_suffix("").as_posix()
        if path.suffix in {".txt", ".md"} and path.parent.name in LANG_FOLDERS:
            langs[article_id] = path.parent.name
        elif path.suffix == ".jsonl":
            langs.update({str(r["id"]): str(r["lang"]) for r in read_jsonl(path)})
        elif path.suffix == ".html":
            found = re.search(r'<html[^>]*\blang="([a-z]{2})"', path.read_text(encoding="utf-8"))
            langs[article_id] = found.group(1) if found else "?"
    return langs


def row_id(row: Row) -> str:
    return f"{row['article_id']}@{row['start']}:{row['text']}"


def fact_id(row: Row) -> str:
    return f"{row['subject']}/{row['predicate']}/{row['value']:g}{row['unit']}"


def same_value(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9)


SEED_MENTIONS = read_jsonl(GOLD / "seeds" / "mentions.jsonl")
CORPUS_MENTIONS = read_jsonl(GOLD / "corpus" / "mentions.jsonl")
SEED_FACTS = read_jsonl(GOLD / "seeds" / "facts.jsonl")
CORPUS_FACTS = read_jsonl(GOLD / "corpus" / "facts.jsonl")
CORPUS_TEXTS = corpus_texts()
HTML_PAGES = html_pages()
ALL_MENTIONS = [("seeds", m) for m in SEED_MENTIONS] + [("corpus", m) for m in CORPUS_MENTIONS]
ALL_FACTS = [("seeds", f) for f in SEED_FACTS] + [("corpus", f) for f in CORPUS_FACTS]


# --- mentions: offsets ------------------------------------------------------------------


@pytest.mark.shared
@pytest.mark.parametrize("row", SEED_MENTIONS, ids=row_id)
def test_seed_mention_offsets_slice_the_text(seed_texts: dict[str, str], row: Row) -> None:
    text = seed_texts[row["article_id"]]
    assert text[row["start"] : row["end"]] == row["text"]


@pytest.mark.parametrize(
    "row", [m for m in CORPUS_MENTIONS if m["article_id"] in CORPUS_TEXTS], ids=row_id
)
def test_corpus_mention_offsets_slice_the_text(row: Row) -> None:
    text = CORPUS_TEXTS[row["article_id"]]
    assert text[row["start"] : row["end"]] == row["text"]


@pytest.mark.parametrize(
    "row", [m for m in CORPUS_MENTIONS if m["article_id"] in HTML_PAGES], ids=row_id
)
def test_html_mentions_have_no_offsets_and_occur_in_the_page(row: Row) -> None:
    assert (row["start"], row["end"]) == (None, None)
    assert row["text"] in HTML_PAGES[row["article_id"]]


@pytest.mark.shared
def test_seed_gold_covers_every_seed(seed_texts: dict[str, str]) -> None:
    assert {m["article_id"] for m in SEED_MENTIONS} == set(seed_texts)


def test_corpus_gold_covers_every_corpus_article() -> None:
    assert {m["article_id"] for m in CORPUS_MENTIONS} == set(CORPUS_TEXTS) | set(HTML_PAGES)


@pytest.mark.parametrize(("name", "rows"), [("seeds", SEED_MENTIONS), ("corpus", CORPUS_MENTIONS)])
def test_no_mention_is_annotated_twice(name: str, rows: list[Row]) -> None:
    located = Counter((m["article_id"], m["start"]) for m in rows if m["start"] is not None)
    assert [key for key, n in located.items() if n > 1] == [], name


@pytest.mark.parametrize(("name", "rows"), [("seeds", SEED_MENTIONS), ("corpus", CORPUS_MENTIONS)])
def test_mentions_do_not_overlap(name: str, rows: list[Row]) -> None:
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for m in rows:
        if m["start"] is not None:
            spans[m["article_id"]].append((m["start"], m["end"]))
    overlapping = [
        (aid, a, b)
        for aid, items in spans.items()
        for a, b in zip(sorted(items), sorted(items)[1:], strict=False)
        if b[0] < a[1]
    ]
    assert overlapping == [], name


# --- mentions: values -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "row"), ALL_MENTIONS, ids=lambda x: x if isinstance(x, str) else row_id(x)
)
def test_mention_fields_follow_the_spec(name: str, row: Row) -> None:
    assert set(row) == MENTION_KEYS, name
    assert row["kind"] in KINDS
    assert row["text"] == row["text"].strip()
    assert row["text"]
    assert isinstance(row["approx"], bool)
    assert row["bound"] in {None, "min", "max"}
    kind = row["kind"]
    if kind == "date":
        assert (row["value"], row["value_max"], row["unit"]) == (None, None, None)
        assert row["date"] is None or ISO_DATE.fullmatch(row["date"])
        return
    assert row["date"] is None
    assert isinstance(row["value"], float)
    assert row["value_max"] is None or row["value_max"] > row["value"]
    if kind == "money":
        assert row["unit"] in CURRENCIES
    elif kind == "count":
        assert COUNT_UNIT.fullmatch(row["unit"])
        assert not row["unit"].endswith("s")
    elif kind == "duration":
        assert row["unit"] in DURATION_UNITS
    else:
        assert row["unit"] == FIXED_UNITS[kind]


@pytest.mark.parametrize(
    ("name", "row"), ALL_MENTIONS, ids=lambda x: x if isinstance(x, str) else row_id(x)
)
def test_mentions_are_not_model_numbers_or_phone_numbers(name: str, row: Row) -> None:
    assert not MODEL_NUMBER.search(row["text"]), name
    assert not PHONE.search(row["text"]), name


@pytest.mark.parametrize(("name", "rows"), [("seeds", SEED_MENTIONS), ("corpus", CORPUS_MENTIONS)])
def test_hedges_and_bounds_are_inside_the_span(name: str, rows: list[Row]) -> None:
    hedged = [m for m in rows if m["approx"]]
    bounded = [m for m in rows if m["bound"]]
    # a hedge or bound word is part of the span, so the span has more than one token
    assert hedged, name
    assert bounded, name
    assert all(len(m["text"].split()) > 1 for m in hedged + bounded), name


# --- facts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "row"), ALL_FACTS, ids=lambda x: x if isinstance(x, str) else fact_id(x)
)
def test_fact_fields_follow_the_spec(name: str, row: Row) -> None:
    assert FACT_KEYS <= set(row) <= FACT_KEYS | FACT_OPTIONAL_KEYS, name
    assert row["predicate"] in SPEC_PREDICATES
    assert row["stage"] is None or row["stage"] in STAGES
    assert isinstance(row["value"], float)
    assert row["value_max"] is None or row["value_max"] > row["value"]
    assert row["articles"] == sorted(set(row["articles"]))
    assert row["articles"]
    assert row.get("bound") in {None, "min", "max"}
    assert row.get("time") is None or ISO_DATE.fullmatch(row["time"])
    predicate, unit = row["predicate"], row["unit"]
    if predicate in MONEY_PREDICATES:
        assert unit in CURRENCIES
    elif predicate in FIXED_FACT_UNITS:
        assert unit == FIXED_FACT_UNITS[predicate]
    elif predicate in COUNT_FACT_UNITS:
        assert unit in COUNT_FACT_UNITS[predicate]


@pytest.mark.shared
@pytest.mark.parametrize("row", SEED_FACTS, ids=fact_id)
def test_seed_facts_name_existing_seeds(seed_texts: dict[str, str], row: Row) -> None:
    assert set(row["articles"]) <= set(seed_texts)


@pytest.mark.parametrize("row", CORPUS_FACTS, ids=fact_id)
def test_corpus_facts_name_existing_articles(row: Row) -> None:
    assert set(row["articles"]) <= set(CORPUS_TEXTS) | set(HTML_PAGES)


@pytest.mark.parametrize(
    ("facts", "mentions"),
    [(SEED_FACTS, SEED_MENTIONS), (CORPUS_FACTS, CORPUS_MENTIONS)],
    ids=["seeds", "corpus"],
)
def test_every_fact_is_backed_by_a_gold_mention_in_each_article(
    facts: list[Row], mentions: list[Row]
) -> None:
    unbacked = [
        (fact_id(fact), article)
        for fact in facts
        for article in fact["articles"]
        if not any(
            m["article_id"] == article
            and m["unit"] == fact["unit"]
            and (same_value(m["value"], fact["value"]) or same_value(m["value_max"], fact["value"]))
            for m in mentions
        )
    ]
    assert unbacked == []


@pytest.mark.parametrize("facts", [SEED_FACTS, CORPUS_FACTS], ids=["seeds", "corpus"])
def test_conflict_groups_share_subject_predicate_and_unit(facts: list[Row]) -> None:
    groups: dict[str, list[Row]] = defaultdict(list)
    for fact in facts:
        if "conflict_group" in fact:
            groups[fact["conflict_group"]].append(fact)
    assert groups
    for name, rows in groups.items():
        assert len(rows) >= 2, name
        assert len({(r["subject"], r["predicate"], r["unit"]) for r in rows}) == 1, name
        assert len({r["value"] for r in rows}) == len(rows), name


@pytest.mark.parametrize("facts", [SEED_FACTS, CORPUS_FACTS], ids=["seeds", "corpus"])
def test_one_line_per_fact(facts: list[Row]) -> None:
    keys = Counter(
        (f["subject"], f["predicate"], f["value"], f["unit"], f.get("scope"), f.get("time"))
        for f in facts
    )
    assert [k for k, n in keys.items() if n > 1] == []


# --- the planted reconciliation cases ---------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "name", "expected"),
    [
        (
            SEED_FACTS,
            "stargate_norway_power",
            {"initial": 230.0, "target": 290.0, "maximum": 520.0},
        ),
        (CORPUS_FACTS, "nordlys_power", {"initial": 230.0, "target": 290.0, "maximum": 520.0}),
    ],
)
def test_power_stages_are_separate_lines(
    facts: list[Row], name: str, expected: dict[str, float]
) -> None:
    rows = [f for f in facts if f.get("conflict_group") == name]
    assert {f["stage"]: f["value"] for f in rows} == expected
    assert len({a for f in rows for a in f["articles"]}) >= 2


@pytest.mark.parametrize(
    ("facts", "name", "subject"),
    [
        (SEED_FACTS, "stargate_norway_investment", "Stargate Norway"),
        (CORPUS_FACTS, "nordlys_investment", "Nordlys AI Campus"),
    ],
)
def test_investment_conflict_is_one_billion_against_about_two(
    facts: list[Row], name: str, subject: str
) -> None:
    rows = sorted((f for f in facts if f.get("conflict_group") == name), key=lambda f: f["value"])
    assert [(f["subject"], f["value"], f["unit"]) for f in rows] == [
        (subject, 1e9, "USD"),
        (subject, 2e9, "USD"),
    ]
    assert rows[1].get("approx") is True
    assert set(rows[0]["articles"]).isdisjoint(rows[1]["articles"])


@pytest.mark.parametrize(
    ("facts", "mentions", "subject"),
    [
        (SEED_FACTS, SEED_MENTIONS, "Stargate Norway"),
        (CORPUS_FACTS, CORPUS_MENTIONS, "Nordlys AI Campus"),
    ],
    ids=["seeds", "corpus"],
)
def test_gpu_count_stated_by_three_articles_is_one_line(
    facts: list[Row], mentions: list[Row], subject: str
) -> None:
    rows = [f for f in facts if f["subject"] == subject and f["predicate"] == "gpu_count"]
    assert [(f["value"], f["unit"], len(f["articles"])) for f in rows] == [(1e5, "gpu", 3)]
    forms = {
        m["text"]
        for m in mentions
        if m["article_id"] in rows[0]["articles"] and m["unit"] == "gpu" and m["value"] == 1e5
    }
    assert len(forms) >= (1 if facts is SEED_FACTS else 3)


@pytest.mark.parametrize("facts", [SEED_FACTS, CORPUS_FACTS], ids=["seeds", "corpus"])
def test_same_value_for_different_subjects_stays_apart(facts: list[Row]) -> None:
    rows = [f for f in facts if f["value"] == 3e10 and f["unit"] == "USD"]
    assert len({f["subject"] for f in rows}) == len(rows) >= 2
    assert {"contract_value", "investment"} <= {f["predicate"] for f in rows}


# --- the corpus itself ------------------------------------------------------------------


def test_corpus_has_enough_french_and_english_articles() -> None:
    langs = Counter(corpus_langs().values())
    assert langs["fr"] >= 8
    assert langs["en"] >= 4


@pytest.mark.parametrize("article_id", sorted(CORPUS_TEXTS))
def test_corpus_articles_are_news_length(article_id: str) -> None:
    assert 150 <= len(CORPUS_TEXTS[article_id].split()) <= 450


def test_corpus_covers_every_input_form() -> None:
    suffixes = {p.suffix for p in CORPUS.rglob("*") if p.is_file()}
    assert {".txt", ".md", ".jsonl", ".html"} <= suffixes
    records = read_jsonl(CORPUS / "dump" / "wire.jsonl")
    assert len(records) >= 4
    assert all({"id", "title", "url", "published", "lang", "text"} <= set(r) for r in records)


def test_corpus_money_spans_six_currencies() -> None:
    found = {m["unit"] for m in CORPUS_MENTIONS if m["kind"] == "money"}
    assert {"EUR", "USD", "NOK", "GBP", "CHF", "SEK"} <= found


@pytest.mark.parametrize("kind", KINDS)
def test_corpus_gold_has_every_kind(kind: str) -> None:
    assert any(m["kind"] == kind for m in CORPUS_MENTIONS)
