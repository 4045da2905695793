"""Integrity of the held-out development set (``tests/data/dev``) and its score floors.

The dev articles were written after the pipeline was tuned, on other subjects and
phrasings; their gold follows ``tests/gold/README.md``. The slow test runs the CLI end
to end and keeps the measured mention and fact F1 as floors.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pipeline.types import KINDS

TESTS = Path(__file__).resolve().parent
DEV = TESTS / "data" / "dev"
GOLD = TESTS / "gold" / "dev"

Row = dict[str, Any]

PREDICATES = frozenset(
    {"investment", "equity", "deal_value", "contract_value", "funding", "revenue"}
    | {"valuation", "stock_price", "power_capacity", "energy", "gpu_count", "jobs", "area"}
    | {"people_trained", "startups_supported", "data_center_count", "other"}
)
CURRENCIES = frozenset({"EUR", "USD", "GBP", "CHF", "NOK", "SEK", "DKK", "JPY", "CNY", "CAD"})
FIXED_UNITS = {"power": "MW", "energy": "MWh", "percent": "%", "area": "m2"}
STAGES = frozenset({"initial", "target", "maximum", "current"})
MENTION_F1_FLOOR = 0.95
FACT_F1_FLOOR = 0.85
GOLD_ARGS = ("--mentions", str(GOLD / "mentions.jsonl"), "--facts", str(GOLD / "facts.jsonl"))


def read_jsonl(path: Path) -> list[Row]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


TEXTS = {
    p.relative_to(DEV).with_suffix("").as_posix(): p.read_text(encoding="utf-8")
    for p in sorted(DEV.rglob("*.txt"))
}
MENTIONS = read_jsonl(GOLD / "mentions.jsonl")
FACTS = read_jsonl(GOLD / "facts.jsonl")


def row_id(row: Row) -> str:
    return f"{row['article_id']}@{row['start']}:{row['text']}"


def fact_id(row: Row) -> str:
    return f"{row['subject']}/{row['predicate']}/{row['value']:g}{row['unit']}"


def test_six_french_and_four_english_articles() -> None:
    assert Counter(aid.split("/")[0] for aid in TEXTS) == {"fr": 6, "en": 4}


@pytest.mark.parametrize("article_id", sorted(TEXTS))
def test_articles_are_news_length_with_a_dateline(article_id: str) -> None:
    text = TEXTS[article_id]
    assert 200 <= len(text.split()) <= 400
    assert " 2026 –" in text.split("\n\n")[1]


@pytest.mark.parametrize("row", MENTIONS, ids=row_id)
def test_mention_offsets_slice_the_text(row: Row) -> None:
    assert TEXTS[row["article_id"]][row["start"] : row["end"]] == row["text"]


@pytest.mark.parametrize("row", MENTIONS, ids=row_id)
def test_mention_fields_are_valid(row: Row) -> None:
    assert row["kind"] in KINDS
    assert row["bound"] in {None, "min", "max"}
    if row["kind"] == "date":
        assert (row["value"], row["unit"]) == (None, None)
        assert row["date"] is not None
        return
    assert isinstance(row["value"], float)
    assert row["value_max"] is None or row["value_max"] > row["value"]
    if row["kind"] == "money":
        assert row["unit"] in CURRENCIES
    elif row["kind"] == "duration":
        assert row["unit"] in {"year", "month", "day"}
    elif row["kind"] in FIXED_UNITS:
        assert row["unit"] == FIXED_UNITS[row["kind"]]


def test_every_article_has_gold_and_no_span_twice() -> None:
    assert {m["article_id"] for m in MENTIONS} == set(TEXTS)
    located = Counter((m["article_id"], m["start"]) for m in MENTIONS)
    assert [k for k, n in located.items() if n > 1] == []


@pytest.mark.parametrize("row", FACTS, ids=fact_id)
def test_facts_are_valid_and_backed_by_a_mention(row: Row) -> None:
    assert row["predicate"] in PREDICATES
    assert row["stage"] is None or row["stage"] in STAGES
    assert row["articles"] == sorted(set(row["articles"]))
    assert set(row["articles"]) <= set(TEXTS)
    for article in row["articles"]:
        assert any(
            m["article_id"] == article
            and m["unit"] == row["unit"]
            and any(
                v is not None and math.isclose(v, row["value"])
                for v in (m["value"], m["value_max"])
            )
            for m in MENTIONS
        ), article


def test_planted_conflicts_span_two_articles() -> None:
    groups: dict[str, list[Row]] = {}
    for fact in FACTS:
        if "conflict_group" in fact:
            groups.setdefault(fact["conflict_group"], []).append(fact)
    assert len(groups) >= 3
    for name, rows in groups.items():
        assert len({(r["subject"], r["predicate"], r["unit"]) for r in rows}) == 1, name
        assert len({a for r in rows for a in r["articles"]}) >= 2, name


@pytest.mark.slow
def test_dev_set_scores_stay_above_the_measured_floors(tmp_path: Path) -> None:
    out = tmp_path / "run"
    cli = [sys.executable, "-m", "pipeline"]
    subprocess.run([*cli, "run", str(DEV), "--out", str(out), "--quiet"], check=True)
    scored = subprocess.run(
        [*cli, "evaluate", str(out), *GOLD_ARGS],
        check=True,
        capture_output=True,
        text=True,
    )
    scores = json.loads(scored.stdout)
    assert scores["mentions"]["overall"]["f1"] >= MENTION_F1_FLOOR
    assert scores["facts"]["overall"]["f1"] >= FACT_F1_FLOOR
