"""Scoring a run against the annotated news corpus: figures, metrics and the blind guard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from pipeline.cli.main import main
from pipeline.errors import InputError, UsageError
from pipeline.evaluate import Counts, NewsScores, score_news, score_news_run
from pipeline.evaluate.news_gold import ArticleGold
from pipeline.evaluate.news_score import (
    GoldFigure,
    Ratio,
    RunFigure,
    check_split,
    figure_found,
    gold_figures,
    news_tables,
    other_names,
    run_figures,
    subject_key,
)

Row = dict[str, object]


# --------------------------------------------------------------------------- builders


def g_mention(
    start: int,
    end: int,
    kind: str = "money",
    value: float | None = 200e6,
    unit: str | None = "EUR",
    *,
    text: str = "200 millions d'euros",
    date: str | None = None,
) -> Row:
    return {
        "start": start,
        "end": end,
        "text": text,
        "kind": kind,
        "value": value,
        "value_max": None,
        "unit": unit,
        "approx": False,
        "bound": None,
        "date": date,
    }


def g_fact(
    start: int,
    end: int,
    subject: str = "Velmora",
    predicate: str = "funding",
    *,
    negated: bool = False,
) -> Row:
    return {
        "start": start,
        "end": end,
        "subject": subject,
        "predicate": predicate,
        "stage": None,
        "time": None,
        "target": None,
        "scope": None,
        "basis": None,
        "deal": None,
        "negated": negated,
    }


def article(
    mentions: list[Row],
    facts: list[Row],
    *,
    article_id: str = "fr/a1",
    subjects: list[Row] | None = None,
) -> ArticleGold:
    lang = article_id.split("/", maxsplit=1)[0]
    names = {str(f["subject"]) for f in facts}
    gold: Row = {
        "article_id": article_id,
        "lang": lang,
        "subjects": subjects
        if subjects is not None
        else [{"name": n, "type": "company", "aliases": []} for n in sorted(names)],
        "mentions": mentions,
        "facts": facts,
    }
    return ArticleGold("dev", Path(f"{article_id}.json"), "", gold)


def evidence(
    start: int, end: int, value: float = 200e6, unit: str = "EUR", *, article_id: str = "fr/a1"
) -> Row:
    return {
        "article_id": article_id,
        "start": start,
        "end": end,
        "text": "",
        "value": value,
        "unit": unit,
    }


def r_fact(
    subject: str,
    predicate: str,
    *ev: Row,
    value: float = 200e6,
    unit: str = "EUR",
    alternatives: list[Row] | None = None,
) -> Row:
    return {
        "fact_id": f"f_{subject}_{predicate}",
        "subject": subject,
        "predicate": predicate,
        "value": value,
        "unit": unit,
        "evidence": list(ev),
        "alternatives": alternatives or [],
    }


def r_mention(
    start: int, end: int, kind: str = "money", value: float | None = 200e6, **kw: object
) -> Row:
    row: Row = {"article_id": "fr/a1", "start": start, "end": end, "kind": kind, "value": value}
    row.update({"value_max": None, "unit": "EUR", "date": None, "text": ""})
    row.update(kw)
    return row


def gold_fig(**kw: object) -> GoldFigure:
    base: dict[str, object] = {
        "article_id": "fr/a1",
        "lang": "fr",
        "start": 10,
        "end": 30,
        "text": "200 millions d'euros",
        "kind": "money",
        "value": 200e6,
        "unit": "EUR",
        "subject": "Velmora",
        "predicate": "funding",
    }
    base.update(kw)
    return GoldFigure(**base)  # type: ignore[arg-type]


def run_fig(**kw: object) -> RunFigure:
    base: dict[str, object] = {
        "article_id": "fr/a1",
        "start": 10,
        "end": 30,
        "text": "200 millions d'euros",
        "subject": "Velmora",
        "predicate": "funding",
        "value": 200e6,
        "unit": "EUR",
    }
    base.update(kw)
    return RunFigure(**base)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- subjects


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Altenor Data SAS", "altenor data"),
        ("Altènor Data, S.A.", "altenor data"),
        ("ALTENOR DATA", "altenor data"),
        ("Nvidia Inc.", "nvidia"),
        ("SAS", "sas"),  # a name that is only a suffix keeps it
        ("Campus Sucrerie", "campus sucrerie"),  # cue words are part of the gold name
    ],
)
def test_subject_key_folds_case_accents_and_legal_suffixes(name: str, key: str) -> None:
    assert subject_key(name) == key


@pytest.mark.parametrize(
    ("subject", "aliases", "expected"),
    [
        ("Campus Sucrerie", (), {"sucrerie"}),
        ("usine de Landévrec", (), {"landevrec"}),
        ("Lakeview campus", (), {"lakeview"}),
        ("Velmora", ("Velmora SAS", "la start-up"), {"la start up"}),
        ("Velmora", (), set()),
    ],
)
def test_other_names_of_a_gold_subject(
    subject: str, aliases: tuple[str, ...], expected: set[str]
) -> None:
    assert other_names(gold_fig(subject=subject, aliases=aliases)) == expected


# --------------------------------------------------------------------------- one figure


@pytest.mark.parametrize(
    ("gold", "run", "found"),
    [
        (gold_fig(), run_fig(), True),
        (gold_fig(), run_fig(start=25, end=40), True),  # partial overlap is enough
        (gold_fig(), run_fig(start=30, end=40), False),  # touching is not overlapping
        (gold_fig(), run_fig(article_id="fr/a2"), False),
        (gold_fig(), run_fig(subject="velmora sas"), True),
        (gold_fig(), run_fig(subject="Velmor"), False),
        (gold_fig(), run_fig(predicate="investment"), False),
        (gold_fig(), run_fig(value=201e6), True),  # within 1 %
        (gold_fig(), run_fig(value=203e6), False),
        (gold_fig(), run_fig(value=None), False),
        (gold_fig(), run_fig(unit="USD"), False),
        (
            gold_fig(kind="count", value=50.0, unit="job", predicate="jobs"),
            run_fig(value=50.0, unit="employee", predicate="jobs"),
            True,  # counted nouns of one dimension
        ),
        (
            gold_fig(kind="count", value=50.0, unit="job", predicate="jobs"),
            run_fig(value=50.0, unit="gpu", predicate="jobs"),
            False,
        ),
    ],
)
def test_figure_found(gold: GoldFigure, run: RunFigure, found: bool) -> None:
    assert figure_found(gold, run) is found


@pytest.mark.parametrize("where", ["chosen", "alternative"])
def test_run_figures_come_from_the_fact_and_its_alternatives(where: str) -> None:
    at_gold, elsewhere = evidence(10, 30), evidence(100, 120, 300e6)
    chosen, alt = (at_gold, elsewhere) if where == "chosen" else (elsewhere, at_gold)
    fact = r_fact(
        "Velmora",
        "funding",
        chosen,
        alternatives=[{"value": 1.0, "unit": "EUR", "evidence": [alt]}],
    )
    figures = run_figures([fact])
    assert [(f.start, f.alternative) for f in figures] == [
        (chosen["start"], False),
        (alt["start"], True),
    ]
    gold = article([g_mention(10, 30)], [g_fact(10, 30)])
    scores = score_news([gold], [], [fact], split="dev")
    assert scores.overall.facts.overall == Counts(tp=1, fp=1)


@pytest.mark.parametrize("subject", ["Velmora", "Velmora SAS"])
def test_one_figure_is_counted_once_per_subject_and_predicate(subject: str) -> None:
    facts = [
        r_fact("Velmora", "funding", evidence(10, 30)),
        r_fact(subject, "funding", evidence(10, 30)),
    ]
    assert len(run_figures(facts)) == 1


# --------------------------------------------------------------------------- fact F1


def scenario() -> tuple[ArticleGold, list[Row]]:
    """Gold: a found figure, a misattributed one, a negated one, a mention with no fact."""
    gold = article(
        [
            g_mention(10, 30),  # Velmora funding: found
            g_mention(
                40, 50, "count", 50.0, "job", text="50 postes"
            ),  # Velmora jobs: wrong subject
            g_mention(60, 66, "power", 150.0, "MW", text="150 MW"),  # negated
            g_mention(70, 90, "money", 9e9, "EUR", text="9 milliards d'euros"),  # a market: no fact
        ],
        [
            g_fact(10, 30),
            g_fact(40, 50, predicate="jobs"),
            g_fact(60, 66, "Campus Nord", "power_capacity", negated=True),
        ],
    )
    run = [
        r_fact("Velmora", "funding", evidence(10, 30)),
        r_fact("Orvane", "jobs", evidence(40, 50, 50.0, "job"), value=50.0, unit="job"),
        r_fact("Campus Nord", "power_capacity", evidence(60, 66, 150.0, "MW"), value=150.0),
        r_fact("Velmora", "investment", evidence(70, 90, 9e9)),
        r_fact("Velmora", "other", evidence(200, 210, 12.0)),  # no gold mention there
    ]
    return gold, run


def test_fact_counts_and_where_errors_come_from() -> None:
    gold, run = scenario()
    o = score_news([gold], [], run, split="dev").overall
    assert o.facts.overall == Counts(tp=1, fp=4, fn=1)
    assert dict(o.error_counts) == {
        "wrong_subject": 1,
        "wrong_attribution": 1,
        "negated_used": 1,
        "not_a_fact": 1,
        "not_a_mention": 1,
    }
    assert o.negated == 1
    assert o.facts.kind("funding") == Counts(tp=1)
    assert o.facts.kind("jobs") == Counts(fp=1, fn=1)


def test_negated_gold_figures_are_not_expected() -> None:
    gold = article([g_mention(60, 66, "power", 150.0, "MW")], [g_fact(60, 66, negated=True)])
    o = score_news([gold], [], [], split="dev").overall
    assert o.facts.overall == Counts()
    assert o.subject_accuracy == Ratio()


@pytest.mark.parametrize(
    ("run", "category"),
    [
        ([], "mention_missed"),
        ([r_mention(10, 30)], "not_attached"),
        ([r_fact("Velmora", "funding", evidence(10, 30, 150e6))], "wrong_value"),
        ([r_fact("Velmora", "investment", evidence(10, 30))], "wrong_predicate"),
        ([r_fact("Orvane", "funding", evidence(10, 30))], "wrong_subject"),
        ([r_fact("Orvane", "other", evidence(10, 30))], "wrong_subject_and_predicate"),
    ],
)
def test_a_missed_figure_says_why(run: list[Row], category: str) -> None:
    gold = article([g_mention(10, 30)], [g_fact(10, 30)])
    mentions = [r for r in run if "kind" in r]
    facts = [r for r in run if "kind" not in r]
    o = score_news([gold], mentions, facts, split="dev").overall
    assert [e.category for e in o.errors if e.gold is not None] == [category]
    assert o.facts.overall.fn == 1


def test_a_second_figure_on_a_found_gold_figure_is_a_duplicate() -> None:
    gold = article([g_mention(10, 30)], [g_fact(10, 30)])
    run = [r_fact("Velmora", "funding", evidence(10, 30), evidence(12, 20))]
    o = score_news([gold], [], run, split="dev").overall
    assert o.facts.overall == Counts(tp=1, fp=1)
    assert [e.category for e in o.errors] == ["duplicate"]


def test_the_error_list_shows_gold_against_run_and_flags_aliases() -> None:
    subjects: list[Row] = [{"name": "Velmora", "type": "company", "aliases": ["Velmora Labs"]}]
    gold = article([g_mention(10, 30)], [g_fact(10, 30)], subjects=subjects)
    run = [r_fact("Velmora Labs", "funding", evidence(10, 30))]
    o = score_news([gold], [], run, split="dev").overall
    (error,) = o.errors
    assert error.gold is not None
    assert error.gold.subject == "Velmora"
    assert [r.subject for r in error.run] == ["Velmora Labs"]
    assert error.alias
    assert error.as_dict()["run"] == [
        {"subject": "Velmora Labs", "predicate": "funding", "value": 200e6, "unit": "EUR"}
    ]


# --------------------------------------------------------------------------- accuracies


def test_subject_accuracy_is_over_figures_the_run_attached() -> None:
    gold = article(
        [g_mention(10, 30), g_mention(40, 60, value=5e6), g_mention(70, 90, value=7e6)],
        [g_fact(10, 30), g_fact(40, 60), g_fact(70, 90, "Campus Sucrerie", "investment")],
    )
    run = [
        r_fact("Velmora", "other", evidence(10, 30)),  # right subject, wrong predicate
        r_fact("Orvane", "funding", evidence(40, 60, 5e6), value=5e6),  # wrong subject
        r_fact("Sucrerie", "investment", evidence(70, 90, 7e6), value=7e6),  # another name
    ]
    o = score_news([gold], [], run, split="dev").overall
    assert o.subject_accuracy == Ratio(1, 3)
    assert o.subject_accuracy_any_name == Ratio(2, 3)
    assert o.subject_by_predicate["funding"] == Ratio(1, 2)


def test_money_predicate_accuracy_and_confusion() -> None:
    gold = article(
        [
            g_mention(10, 30),
            g_mention(40, 60, value=5e6),
            g_mention(70, 76, "power", 150.0, "MW", text="150 MW"),
            g_mention(80, 90, value=1e6),
        ],
        [
            g_fact(10, 30),  # funding named other
            g_fact(40, 60, predicate="investment"),  # right predicate, wrong subject
            g_fact(70, 76, predicate="power_capacity"),  # not money
            g_fact(80, 90),  # not attached: not judged
        ],
    )
    run = [
        r_fact("Velmora", "other", evidence(10, 30)),
        r_fact("Orvane", "investment", evidence(40, 60, 5e6), value=5e6),
        r_fact("Velmora", "jobs", evidence(70, 76, 150.0, "MW"), value=150.0),
    ]
    o = score_news([gold], [], run, split="dev").overall
    assert o.money_predicate_accuracy == Ratio(1, 2)
    assert o.money_confusion == {"funding": {"other": 1}, "investment": {"investment": 1}}


def test_candidate_recall_is_a_placeholder_until_runs_write_candidates() -> None:
    gold, run = scenario()
    scores = score_news([gold], [], run, split="dev")
    assert scores.overall.candidate_recall is None
    assert scores.as_dict()["candidate_recall"] is None


# --------------------------------------------------------------------------- mentions, languages


def test_quantities_and_dates_are_scored_apart() -> None:
    gold = article(
        [
            g_mention(10, 30),
            g_mention(40, 48, "date", None, None, text="fin 2027", date="2027-12"),
        ],
        [],
    )
    predicted = [
        r_mention(10, 30),
        r_mention(40, 48, "date", None, unit=None, date="2027"),  # wrong ISO date
        r_mention(10, 30, article_id="fr/other"),  # an article without gold: not judged
    ]
    o = score_news([gold], predicted, [], split="dev").overall
    assert o.quantities.overall == Counts(tp=1)
    assert o.dates.overall == Counts(fp=1, fn=1)
    assert o.quantities.kind("money") == Counts(tp=1)


def test_scores_per_language() -> None:
    fr = article([g_mention(10, 30)], [g_fact(10, 30)])
    en = article([g_mention(10, 30)], [g_fact(10, 30, "Kestrel")], article_id="en/b1")
    run = [
        r_fact("Velmora", "funding", evidence(10, 30)),
        r_fact("Orvane", "funding", evidence(10, 30, article_id="en/b1")),
    ]
    scores = score_news([fr, en], [], run, split="dev", run_articles={"fr/a1"})
    assert scores.by_lang["fr"].facts.overall == Counts(tp=1)
    assert scores.by_lang["en"].facts.overall == Counts(fp=1, fn=1)
    assert scores.overall.facts.overall == Counts(tp=1, fp=1, fn=1)
    assert scores.missing == ("en/b1",)


def test_gold_figures_join_facts_to_their_mentions() -> None:
    gold, _ = scenario()
    figures = gold_figures([gold])
    assert [(f.kind, f.value, f.unit, f.negated) for f in figures] == [
        ("money", 200e6, "EUR", False),
        ("count", 50.0, "job", False),
        ("power", 150.0, "MW", True),
    ]


# --------------------------------------------------------------------------- the blind guard


def write_corpus(root: Path, split: str, run_dir: Path) -> None:
    """A one-article corpus split and a run of it."""
    gold, run = scenario()
    (root / "gold" / split / "fr").mkdir(parents=True)
    (root / "text" / split / "fr").mkdir(parents=True)
    data = {**gold.gold, "article_id": "fr/a1"}
    (root / "gold" / split / "fr" / "a1.json").write_text(json.dumps(data), "utf-8")
    (root / "text" / split / "fr" / "a1.txt").write_text("Titre\n\nTexte.", "utf-8")
    run_dir.mkdir()
    rows: dict[str, list[Row]] = {
        "articles.jsonl": [{"article_id": "fr/a1", "status": "ok"}],
        "facts.jsonl": run,
        "mentions.jsonl": [r_mention(10, 30)],
    }
    for name, lines in rows.items():
        text = "".join(json.dumps(line) + "\n" for line in lines)
        (run_dir / name).write_text(text, "utf-8")


@pytest.mark.parametrize(
    ("split", "blind", "refused"),
    [
        ("blind-2026-12-03", False, True),
        ("blind-2026-12-03", True, False),
        ("dev", False, False),
        ("dev-blind", False, False),  # only the prefix marks a blind split
    ],
)
def test_check_split(split: str, blind: bool, refused: bool) -> None:
    if refused:
        with pytest.raises(UsageError, match="pass --blind"):
            check_split(split, blind=blind)
    else:
        check_split(split, blind=blind)


@pytest.mark.parametrize("split", ["blind-2026-12-03", "blind-x"])
def test_a_blind_split_is_refused_before_anything_is_read(tmp_path: Path, split: str) -> None:
    gold, run = scenario()
    with pytest.raises(UsageError, match="blind split"):
        score_news([gold], [], run, split=split)
    # nothing exists there: the guard answers before any file is looked for
    with pytest.raises(UsageError, match="blind split"):
        score_news_run(tmp_path / "no-run", tmp_path / "no-corpus", split)


@pytest.mark.parametrize("blind_split", [True, False])
def test_scoring_a_blind_split_says_so(tmp_path: Path, blind_split: bool) -> None:
    split = "blind-2026-01-01" if blind_split else "dev"
    write_corpus(tmp_path / "news", split, tmp_path / "run")
    scores = score_news_run(tmp_path / "run", tmp_path / "news", split, blind=blind_split)
    report = scores.as_dict()
    assert report["blind"] is blind_split
    assert ("note" in report) is blind_split
    assert ("errors" in report) is not blind_split  # a blind split's errors are not listed
    console = Console(record=True, width=240)
    for table in news_tables(scores):
        console.print(table)
    text = console.export_text()
    assert ("BLIND split" in text) is blind_split
    assert ("errors (first" in text) is not blind_split


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        ([], 2, "pass --blind"),
        (["--blind", "--json"], 0, ""),
    ],
)
def test_cli_blind_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], code: int, message: str
) -> None:
    split = "blind-2026-01-01"
    write_corpus(tmp_path / "news", split, tmp_path / "run")
    argv = ["evaluate", str(tmp_path / "run"), "--news", str(tmp_path / "news"), "--split", split]
    assert main([*argv, *extra]) == code
    out, err = capsys.readouterr()
    assert message in err
    if code == 0:
        report = json.loads(out)
        assert report["blind"] is True
        assert report["facts"]["tp"] == 1


@pytest.mark.parametrize("as_json", [True, False])
def test_cli_scores_a_dev_split(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], as_json: bool
) -> None:
    write_corpus(tmp_path / "news", "dev", tmp_path / "run")
    argv = ["evaluate", str(tmp_path / "run"), "--news", str(tmp_path / "news"), "--split", "dev"]
    assert main([*argv, "--errors", "2"] + (["--json"] if as_json else [])) == 0
    out = capsys.readouterr().out
    if as_json:
        report = json.loads(out)
        assert report["facts"] == Counts(tp=1, fp=4, fn=1).as_dict()
        assert len(report["errors"]) == 2
        assert report["blind"] is False
    else:
        assert "split dev: 1 articles" in out
        assert "wrong_subject" in out


@pytest.mark.parametrize(
    ("case", "error", "match"),
    [
        ("unknown split", InputError, "No split 'test'"),
        ("run of other articles", InputError, "holds none of the 1 articles"),
        ("no facts file", InputError, "no facts.jsonl"),
    ],
)
def test_score_news_run_errors(
    tmp_path: Path, case: str, error: type[Exception], match: str
) -> None:
    write_corpus(tmp_path / "news", "dev", tmp_path / "run")
    split = "test" if case == "unknown split" else "dev"
    if case == "run of other articles":
        (tmp_path / "run" / "articles.jsonl").write_text(
            json.dumps({"article_id": "fr/zz", "status": "ok"}) + "\n", "utf-8"
        )
    if case == "no facts file":
        (tmp_path / "run" / "facts.jsonl").unlink()
    with pytest.raises(error, match=match):
        score_news_run(tmp_path / "run", tmp_path / "news", split)


def test_scores_as_dict_limits_the_errors() -> None:
    gold, run = scenario()
    scores = score_news([gold], [], run, split="dev")
    assert isinstance(scores, NewsScores)
    assert len(scores.overall.errors) == 4  # the wrong attribution is listed once, with its gold
    for limit in (0, 2, 10):
        listed = scores.as_dict(errors=limit)["errors"]
        assert isinstance(listed, list)
        assert len(listed) == min(limit, 4)
