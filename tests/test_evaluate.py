"""The mention scorer, the fact scorer and the run-directory readers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.evaluate import Counts, evaluate_facts, evaluate_run, score_facts, score_mentions
from pipeline.evaluate.mentions import close, span_overlap
from pipeline.evaluate.runs import canonical_subject, read_jsonl


def mention(
    start: int | None,
    end: int | None,
    kind: str = "money",
    value: float | None = 1e9,
    unit: str | None = "EUR",
    *,
    text: str = "1 milliard d'euros",
    value_max: float | None = None,
    date: str | None = None,
    article: str = "a1",
) -> dict[str, object]:
    return {
        "article_id": article,
        "start": start,
        "end": end,
        "text": text,
        "kind": kind,
        "value": value,
        "value_max": value_max,
        "unit": unit,
        "date": date,
    }


GOLD = mention(10, 28)


@pytest.mark.parametrize(
    ("predicted", "matches"),
    [
        (mention(10, 28), True),
        (mention(5, 12), True),  # partial overlap is enough
        (mention(20, 40, text="d'euros en 2026"), True),
        (mention(28, 40), False),  # touching, not overlapping
        (mention(0, 10), False),
        (mention(10, 28, article="a2"), False),  # other article
        (mention(10, 28, value=1.0099e9), True),  # within 1 %
        (mention(10, 28, value=0.9901e9), True),
        (mention(10, 28, value=1.02e9), False),
        (mention(10, 28, value=None), False),
        (mention(10, 28, unit="USD"), False),
        (mention(10, 28, kind="count"), False),
        (mention(10, 28, value_max=2e9), False),  # a range is not a single figure
    ],
)
def test_mention_match_rules(predicted: dict[str, object], matches: bool) -> None:
    scores = score_mentions([predicted], [GOLD])
    assert (scores.tp, scores.fp, scores.fn) == ((1, 0, 0) if matches else (0, 1, 1))


@pytest.mark.parametrize(
    ("tolerance", "value", "matches"),
    [(0.01, 1.05e9, False), (0.1, 1.05e9, True), (0.0, 1e9, True), (0.0, 1.000001e9, False)],
)
def test_value_tolerance_is_an_option(tolerance: float, value: float, matches: bool) -> None:
    scores = score_mentions([mention(10, 28, value=value)], [GOLD], value_tolerance=tolerance)
    assert scores.tp == int(matches)


@pytest.mark.parametrize(
    ("pred_date", "matches"), [("2026-12", True), ("2026", False), (None, False)]
)
def test_dates_compare_their_date_string(pred_date: str | None, matches: bool) -> None:
    gold = mention(0, 8, "date", None, None, text="fin 2026", date="2026-12")
    pred = mention(0, 8, "date", None, None, text="fin 2026", date=pred_date)
    assert score_mentions([pred], [gold]).tp == int(matches)


@pytest.mark.parametrize(
    ("gold_max", "pred_max", "matches"),
    [(520.0, 520.0, True), (520.0, 517.0, True), (520.0, None, False), (520.0, 600.0, False)],
)
def test_ranges_compare_value_max(gold_max: float, pred_max: float | None, matches: bool) -> None:
    gold = mention(0, 17, "power", 230.0, "MW", text="de 230 à 520 MW", value_max=gold_max)
    pred = mention(0, 17, "power", 230.0, "MW", text="de 230 à 520 MW", value_max=pred_max)
    assert score_mentions([pred], [gold]).tp == int(matches)


@pytest.mark.parametrize(
    ("pred_text", "matches"),
    [
        ("290 mégawatts", True),
        ("290  Mégawatts", True),  # case and spaces ignored
        ("environ 290 mégawatts", True),  # predicted contains gold
        ("290", True),  # gold contains predicted
        ("230 mégawatts", False),
    ],
)
def test_html_gold_with_null_offsets_matches_by_text(pred_text: str, matches: bool) -> None:
    gold = mention(None, None, "power", 290.0, "MW", text="290 mégawatts")
    pred = mention(100, 100 + len(pred_text), "power", 290.0, "MW", text=pred_text)
    assert (span_overlap(pred, gold) > 0) == matches
    assert score_mentions([pred], [gold]).tp == int(matches)


def test_matching_is_one_to_one() -> None:
    gold = [mention(10, 28)]
    predicted = [mention(10, 28), mention(12, 20)]
    scores = score_mentions(predicted, gold)
    assert (scores.tp, scores.fp, scores.fn) == (1, 1, 0)


def test_each_gold_takes_the_most_overlapping_prediction() -> None:
    gold = [mention(0, 10, value=5.0, text="5 euros"), mention(8, 20, value=5.0, text="5 €")]
    predicted = [mention(0, 9, value=5.0), mention(9, 20, value=5.0)]
    assert score_mentions(predicted, gold).tp == 2


def test_per_kind_precision_recall_f1() -> None:
    gold = [
        mention(0, 5, "money", 5.0, "EUR"),
        mention(10, 15, "money", 7.0, "EUR"),
        mention(20, 25, "power", 290.0, "MW"),
        mention(30, 35, "percent", 12.0, "%"),
    ]
    predicted = [
        mention(0, 5, "money", 5.0, "EUR"),  # tp money
        mention(10, 15, "money", 9.0, "EUR"),  # fp + fn money
        mention(20, 25, "power", 290.0, "MW"),  # tp power
        mention(40, 45, "count", 3.0, "gpu"),  # fp count
    ]
    scores = score_mentions(predicted, gold)
    assert scores.kind("money") == Counts(tp=1, fp=1, fn=1)
    assert scores.kind("power") == Counts(tp=1)
    assert scores.kind("percent") == Counts(fn=1)
    assert scores.kind("count") == Counts(fp=1)
    assert scores.kind("area") == Counts()
    assert scores.overall == Counts(tp=2, fp=2, fn=2)
    assert scores.kind("money").precision == pytest.approx(0.5)
    assert scores.kind("money").f1 == pytest.approx(0.5)
    assert scores.kind("power").f1 == pytest.approx(1.0)
    assert scores.kind("percent").f1 == 0.0
    assert scores.f1 == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("counts", "p", "r", "f"),
    [
        (Counts(), 0.0, 0.0, 0.0),
        (Counts(tp=3), 1.0, 1.0, 1.0),
        (Counts(tp=1, fp=3), 0.25, 1.0, 0.4),
        (Counts(tp=2, fn=2), 1.0, 0.5, 2 / 3),
    ],
)
def test_counts_ratios(counts: Counts, p: float, r: float, f: float) -> None:
    assert counts.precision == pytest.approx(p)
    assert counts.recall == pytest.approx(r)
    assert counts.f1 == pytest.approx(f)


@pytest.mark.parametrize(
    ("predicted", "gold", "expected"),
    [(None, None, True), (1.0, None, False), (None, 1.0, False), (0.0, 0.0, True)],
)
def test_close_handles_missing_values(
    predicted: float | None, gold: float | None, expected: bool
) -> None:
    assert close(predicted, gold, tolerance=0.01) is expected


def test_scorer_is_symmetric_in_counts() -> None:
    a = [mention(0, 5, value=5.0), mention(10, 15, value=7.0)]
    b = [mention(0, 5, value=5.0), mention(30, 35, value=7.0)]
    ab, ba = score_mentions(a, b), score_mentions(b, a)
    assert (ab.tp, ab.fp, ab.fn) == (ba.tp, ba.fn, ba.fp)


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_evaluate_run_reads_mentions_jsonl(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    write_jsonl(run / "mentions.jsonl", [mention(10, 28), mention(40, 50, "percent", 3.0, "%")])
    gold = write_jsonl(tmp_path / "gold.jsonl", [GOLD, mention(60, 70, "power", 5.0, "MW")])
    scores = evaluate_run(run, gold)
    assert (scores.tp, scores.fp, scores.fn) == (1, 1, 1)


def test_evaluate_run_needs_a_run_directory(tmp_path: Path) -> None:
    gold = write_jsonl(tmp_path / "gold.jsonl", [GOLD])
    with pytest.raises(InputError, match=r"no mentions\.jsonl"):
        evaluate_run(tmp_path, gold)


@pytest.mark.parametrize("bad_line", ["{not json", "[1, 2]"])
def test_malformed_jsonl_is_a_coded_error(tmp_path: Path, bad_line: str) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(GOLD) + "\n" + bad_line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="Line 2 of"):
        read_jsonl(path)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Stargate Norway", "stargate  norway"),
        ("Élysée", "elysee"),
        ("Nscale", "NSCALE"),
        ("Aker-Nscale", "aker nscale"),
    ],
)
def test_canonical_subject(a: str, b: str) -> None:
    assert canonical_subject(a) == canonical_subject(b)


def fact(subject: str, predicate: str, value: float, unit: str, *alts: float) -> dict[str, object]:
    return {
        "subject": subject,
        "predicate": predicate,
        "value": value,
        "unit": unit,
        "alternatives": [{"value": a, "value_max": None, "unit": unit} for a in alts],
    }


FACTS = [
    fact("Stargate Norway", "power_capacity", 290.0, "MW", 230.0),
    fact("Stargate Norway", "gpu_count", 100000.0, "gpu"),
    fact("Stargate Norway", "jobs", 12.0, "job"),  # judged: a wrong figure
    fact("Mistral AI", "funding", 1.7e9, "EUR"),  # not annotated: not judged
]


@pytest.mark.parametrize(
    ("gold", "found"),
    [
        ({"subject": "stargate norway", "predicate": "power_capacity", "value": 290.0}, True),
        ({"subject": "Stargate Norway", "predicate": "power_capacity", "value": 231.0}, True),
        ({"subject": "Stargate Norway", "predicate": "power_capacity", "value": 520.0}, False),
        ({"subject": "Stargate", "predicate": "power_capacity", "value": 290.0}, False),
        ({"subject": "Stargate Norway", "predicate": "energy", "value": 290.0}, False),
        (
            {"subject": "Stargate Norway", "predicate": "gpu_count", "value": 1e5, "unit": "x"},
            False,
        ),
    ],
)
def test_fact_found_rules(gold: dict[str, object], found: bool) -> None:
    assert score_facts(FACTS, [gold]).tp == int(found)


def test_fact_scores(tmp_path: Path) -> None:
    gold = [
        {"subject": "Stargate Norway", "predicate": "power_capacity", "value": 230.0},
        {"subject": "Stargate Norway", "predicate": "power_capacity", "value": 290.0},
        {"subject": "Stargate Norway", "predicate": "gpu_count", "value": 100000.0},
        {"subject": "Stargate Norway", "predicate": "jobs", "value": 30.0},
    ]
    run = tmp_path / "run"
    run.mkdir()
    write_jsonl(run / "facts.jsonl", FACTS)
    scores = evaluate_facts(run, write_jsonl(tmp_path / "facts_gold.jsonl", gold))
    assert (scores.tp, scores.fp, scores.fn) == (3, 1, 1)
    assert scores.kind("power_capacity") == Counts(tp=2)
    assert scores.kind("jobs") == Counts(fp=1, fn=1)
    assert scores.recall == pytest.approx(0.75)


@pytest.mark.parametrize("name", ["seeds", "corpus"])
def test_gold_files_score_perfectly_against_themselves(gold_dir: Path, name: str) -> None:
    gold = read_jsonl(gold_dir / name / "mentions.jsonl")
    assert gold
    assert all(
        {"article_id", "start", "end", "text", "kind", "value", "unit"} <= set(g) for g in gold
    )
    scores = score_mentions(gold, gold)
    assert (scores.fp, scores.fn) == (0, 0)
    assert scores.f1 == 1.0
    assert {k for k, c in scores.per_kind.items() if c.f1 == 1.0} == {str(g["kind"]) for g in gold}
