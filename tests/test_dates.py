"""Date extraction (pipeline/extract/dates.py): families, distractors, data, properties."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import LexiconError
from pipeline.extract.dates import _candidates, _lexicon, find_dates, lexicon_keys
from pipeline.lang import load_lang_file
from pipeline.types import Quantity

GOLDEN = Path(__file__).resolve().parent / "golden"
LANGS = ("fr", "en")
PUB = dt.date(2025, 10, 16)  # a Thursday


def _pairs(text: str, lang: str, published: dt.date | None = PUB) -> list[tuple[str, str | None]]:
    return [(q.text, q.date) for q in find_dates(text, lang, published=published)]


def _golden(lang: str) -> list[dict[str, Any]]:
    with (GOLDEN / lang / "dates.json").open(encoding="utf-8") as fh:
        cases: list[dict[str, Any]] = json.load(fh)
    return cases


# --- families ------------------------------------------------------------------------

FAMILIES: list[tuple[str, str, list[tuple[str, str | None]]]] = [
    # written day, month, year
    ("fr", "signé le 1er août 2025 à Paris", [("1er août 2025", "2025-08-01")]),
    ("fr", "le premier mars 2026", [("premier mars 2026", "2026-03-01")]),
    ("fr", "mardi 7 janv. 2025", [("mardi 7 janv. 2025", "2025-01-07")]),
    ("fr", "le 31 févr. 2025", [("févr. 2025", "2025-02")]),
    ("en", "signed on August 1st, 2025", [("August 1st, 2025", "2025-08-01")]),
    ("en", "on 16 October 2025", [("16 October 2025", "2025-10-16")]),
    ("en", "Thursday, Oct. 16, 2025", [("Thursday, Oct. 16, 2025", "2025-10-16")]),
    ("en", "the 4th of July 2025", [("4th of July 2025", "2025-07-04")]),
    ("en", "dated 05-Aug-2016", [("05-Aug-2016", "2016-08-05")]),
    # month and year
    ("fr", "En octobre 2025, il a", [("octobre 2025", "2025-10")]),
    ("fr", "en sept. 2024", [("sept. 2024", "2024-09")]),
    ("en", "in October 2025", [("October 2025", "2025-10")]),
    ("en", "in June of 1992", [("June of 1992", "1992-06")]),
    ("en", "plans for Dec-2018", [("Dec-2018", "2018-12")]),
    # all digits: the order is language data
    ("fr", "le 16/10/2025", [("16/10/2025", "2025-10-16")]),
    ("fr", "le 16.10.2025", [("16.10.2025", "2025-10-16")]),
    ("fr", "le 16/10/25", [("16/10/25", "2025-10-16")]),
    ("en", "on 10/16/2025", [("10/16/2025", "2025-10-16")]),
    ("en", "on 16/10/2025", []),
    ("fr", "note 2024-05 (AOF)", [("2024-05", "2024-05")]),
    ("fr", "le 2025-10-16", [("2025-10-16", "2025-10-16")]),
    ("fr", "en 10/2025", [("10/2025", "2025-10")]),
    # parts of a year or a month
    ("fr", "prévu fin 2026", [("fin 2026", "2026-12")]),
    ("fr", "début 2025, OpenAI", [("début 2025", "2025-01")]),
    ("fr", "à la mi-2025", [("la mi-2025", "2025-06")]),
    ("fr", "d'ici la fin de l'année 2026", [("la fin de l'année 2026", "2026-12")]),
    ("fr", "fin octobre 2025", [("fin octobre 2025", "2025-10")]),
    ("fr", "mi-juin", [("mi-juin", "2025-06")]),
    ("fr", "d'ici la fin de l'année", [("la fin de l'année", "2025-12")]),
    ("fr", "fin d'année", [("fin d'année", "2025-12")]),
    ("fr", "fin de l'année prochaine", [("fin de l'année prochaine", "2026-12")]),
    ("en", "by the end of 2026", [("the end of 2026", "2026-12")]),
    ("en", "early 2025", [("early 2025", "2025-01")]),
    ("en", "by mid-2025", [("mid-2025", "2025-06")]),
    ("en", "late next year", [("late next year", "2026-12")]),
    ("en", "by the end of the year", [("the end of the year", "2025-12")]),
    # quarters and halves
    ("fr", "au premier trimestre 2025", [("premier trimestre 2025", "2025-Q1")]),
    ("fr", "T1 2025", [("T1 2025", "2025-Q1")]),
    ("fr", "au 3e trimestre de 2024", [("3e trimestre de 2024", "2024-Q3")]),
    ("fr", "au dernier trimestre 2025", [("dernier trimestre 2025", "2025-Q4")]),
    ("fr", "au second semestre 2026", [("second semestre 2026", "2026-H2")]),
    ("fr", "S1 2026", [("S1 2026", "2026-H1")]),
    ("fr", "au troisième trimestre", [("troisième trimestre", "2025-Q3")]),
    ("en", "Q1 2025", [("Q1 2025", "2025-Q1")]),
    ("en", "the fourth quarter of 2024", [("fourth quarter of 2024", "2024-Q4")]),
    ("en", "H2 2026", [("H2 2026", "2026-H2")]),
    ("en", "the first half of next year", [("first half of next year", "2026-H1")]),
    # bare years need a cue
    ("fr", "en 2025", [("2025", "2025")]),
    ("fr", "depuis 2019", [("2019", "2019")]),
    ("fr", "l'exercice 2024", [("2024", "2024")]),
    ("fr", "en 2023 et 2024", [("2023", "2023"), ("2024", "2024")]),
    ("fr", "en 2022, 2023 et 2024", [("2022", "2022"), ("2023", "2023"), ("2024", "2024")]),
    ("fr", "de 2025 à 2030", [("2025", "2025"), ("2030", "2030")]),
    ("fr", "le plan 2026-2028", [("2026", "2026"), ("2028", "2028")]),
    ("en", "in 2025", [("2025", "2025")]),
    ("en", "since 2019", [("2019", "2019")]),
    ("en", "between 2025 and 2030", [("2025", "2025"), ("2030", "2030")]),
    ("en", "fiscal 2025", [("2025", "2025")]),
    # ranges of days
    ("fr", "du 14 au 16 octobre 2025", [("14", "2025-10-14"), ("16 octobre 2025", "2025-10-16")]),
    ("fr", "les 3 et 4 mai 2025", [("3", "2025-05-03"), ("4 mai 2025", "2025-05-04")]),
    ("en", "October 14-16, 2025", [("October 14", "2025-10-14"), ("16, 2025", "2025-10-16")]),
    # relative to the publication date (2025-10-16, a Thursday)
    ("fr", "a annoncé jeudi", [("jeudi", "2025-10-16")]),
    ("fr", "a annoncé lundi", [("lundi", "2025-10-13")]),
    ("fr", "jeudi dernier", [("jeudi dernier", "2025-10-09")]),
    ("fr", "lundi prochain", [("lundi prochain", "2025-10-20")]),
    ("fr", "l'an prochain", [("l'an prochain", "2026")]),
    ("fr", "l’année dernière", [("l’année dernière", "2024")]),
    ("fr", "hier", [("hier", "2025-10-15")]),
    ("fr", "avant-hier", [("avant-hier", "2025-10-14")]),
    ("fr", "aujourd’hui", [("aujourd’hui", "2025-10-16")]),
    ("fr", "demain", [("demain", "2025-10-17")]),
    ("fr", "la semaine dernière", [("la semaine dernière", "2025-W41")]),
    ("fr", "le mois prochain", [("le mois prochain", "2025-11")]),
    ("fr", "cette année", [("cette année", "2025")]),
    ("fr", "il y a deux ans", [("il y a deux ans", "2023")]),
    ("fr", "dans 3 mois", [("dans 3 mois", "2026-01")]),
    ("fr", "il y a 10 jours", [("il y a 10 jours", "2025-10-06")]),
    ("fr", "en septembre dernier", [("septembre dernier", "2025-09")]),
    ("fr", "en janvier", [("janvier", "2026-01")]),
    ("fr", "le 3 mars dernier", [("3 mars dernier", "2025-03-03")]),
    ("fr", "le 20 octobre", [("20 octobre", "2025-10-20")]),
    ("en", "on Thursday", [("Thursday", "2025-10-16")]),
    ("en", "last Friday", [("last Friday", "2025-10-10")]),
    ("en", "next Monday", [("next Monday", "2025-10-20")]),
    ("en", "next year", [("next year", "2026")]),
    ("en", "last year", [("last year", "2024")]),
    ("en", "yesterday", [("yesterday", "2025-10-15")]),
    ("en", "today", [("today", "2025-10-16")]),
    ("en", "this year", [("this year", "2025")]),
    ("en", "last week", [("last week", "2025-W41")]),
    ("en", "next quarter", [("next quarter", "2026-Q1")]),
    ("en", "two years ago", [("two years ago", "2023")]),
    ("en", "in three weeks", [("in three weeks", "2025-11-06")]),
    ("en", "this September", [("this September", "2025-09")]),
    # a part of the decade of the publication date (the 2020s: 2029 is its last year)
    ("fr", "rentable d'ici la fin de la décennie.", [("la fin de la décennie", "2029-12")]),
    ("fr", "au début de la décennie", [("début de la décennie", "2020-01")]),
    ("fr", "vers le milieu de la décennie", [("le milieu de la décennie", "2025-06")]),
    ("en", "profitable by the end of the decade", [("the end of the decade", "2029-12")]),
    ("en", "a mid-decade launch", [("mid-decade", "2025-06")]),
    # a bare year after a weak cue ("de", "of") when punctuation follows it
    ("fr", "inspiré du roman de 1984, le service", [("1984", "1984")]),
    ("fr", "la crise financière de 2008.", [("2008", "2008")]),
    ("fr", "une hausse de 2000 salariés", []),
    ("fr", "une puissance de 2000 MW.", []),
    ("en", "the summer of 1969, when", [("1969", "1969")]),
    ("en", "a total of 2000 workers", []),
    # fiscal years
    ("en", "FY2025 revenue rose", [("FY2025", "2025")]),
    ("en", "its FY25 guidance", [("FY25", "2025")]),
    ("en", "in FY 2026,", [("FY 2026", "2026")]),
    ("en", "FY’24 results", [("FY’24", "2024")]),
    ("fr", "sur l'exercice FY2025", [("FY2025", "2025")]),
    ("en", "the FY results", []),
    # a weekday and a day number: the month is the one around the publication date
    ("fr", "Mercredi 15, la société a", [("Mercredi 15", "2025-10-15")]),
    ("fr", "le mercredi 8 à Paris", [("mercredi 8", "2025-10-08")]),
    ("fr", "le lundi 1er décembre", [("lundi 1er décembre", "2025-12-01")]),
    ("fr", "le vendredi 31 à Lyon", [("vendredi 31", "2025-10-31")]),
    ("fr", "jeudi 14 heures", [("jeudi", "2025-10-16")]),
    ("fr", "jeudi 14h30", [("jeudi", "2025-10-16")]),
    ("fr", "mardi 3 000 manifestants", [("mardi", "2025-10-14")]),
    ("en", "on Wednesday the 15th", [("Wednesday the 15th", "2025-10-15")]),
    ("en", "on Tuesday 21, the board", [("Tuesday 21", "2025-10-21")]),
    ("en", "Friday 9 am", [("Friday", "2025-10-10")]),
    # ISO week numbers
    ("fr", "livré en semaine 42", [("semaine 42", "2025-W42")]),
    ("fr", "la semaine 12 de 2024", [("semaine 12 de 2024", "2024-W12")]),
    ("fr", "la semaine de 35 heures", []),
    ("fr", "la semaine 60", []),
    ("en", "shipping in week 42", [("week 42", "2025-W42")]),
    ("en", "week 12 of 2024", [("week 12 of 2024", "2024-W12")]),
    ("en", "the 2026-W03 release", [("2026-W03", "2026-W03")]),
    ("en", "week 53 of 2025", [("2025", "2025")]),  # 2025 has 52 ISO weeks
    # two-digit years after a month name
    ("fr", "prévu en oct-25", [("oct-25", "2025-10")]),
    ("fr", "livré en janv. 26, puis", [("janv. 26", "2026-01")]),
    ("fr", "depuis février ’24", [("février ’24", "2024-02")]),
    ("fr", "juin 25 salariés ont signé", []),
    ("fr", "en mai 25.", []),
    ("en", "since Oct '25", [("Oct '25", "2025-10")]),
    ("en", "a Mar-26 deadline", [("Mar-26", "2026-03")]),
    ("en", "on Oct 25", [("Oct 25", "2025-10-25")]),
    ("en", "dated 05-Aug-16", [("05-Aug-16", "2016-08-05")]),
    # lower-casing changes the length of "İ": anchors are then found case-insensitively
    ("fr", "İstanbul, jeudi dernier", [("jeudi dernier", "2025-10-09")]),
    ("fr", "İSTANBUL, 16 OCTOBRE 2025", [("16 OCTOBRE 2025", "2025-10-16")]),
]


@pytest.mark.parametrize(("lang", "text", "expected"), FAMILIES)
def test_family(lang: str, text: str, expected: list[tuple[str, str | None]]) -> None:
    assert _pairs(text, lang) == expected


NEGATIVES: list[tuple[str, str]] = [
    ("fr", "un investissement de 1,2 milliard d'euros"),
    ("fr", "entre 3 et 4 entreprises"),
    ("fr", "sa société"),
    ("fr", "Sam Altman"),
    ("fr", "la sonde s'est posée sur Mars"),
    ("fr", "en mars"),
    ("fr", "le mois de mai"),
    ("fr", "la RTX 5090 et l'A100"),
    ("fr", "le modèle Llama 3.1"),
    ("fr", "2025 millions de jetons"),
    ("fr", "en 2025 millions"),
    ("fr", "appelez le 06.12.34.56.78"),
    ("fr", "à 14h30 ou 14:30"),
    ("fr", "2 025 actions"),
    ("fr", "3,5 % du capital"),
    ("fr", "le prototype X2030"),
    ("fr", "Le rapport 2025 sera publié."),
    ("fr", "en 1850 et en 2150"),
    ("fr", "le 32/13/2025"),
    ("fr", "version 1.10.25"),
    ("en", "$1.2 billion"),
    ("en", "they may 5x output"),
    ("en", "in May"),
    ("en", "the probe landed on Mars"),
    ("en", "in March"),
    ("en", "Call 555-123-4567"),
    ("en", "at 2:30 pm"),
    ("en", "2,025 shares"),
    ("en", "Llama 3.1 and the A100"),
    ("en", "by 2025 million"),
    ("en", "RTX 5090"),
    ("en", "the Q3 results"),
]


@pytest.mark.parametrize(("lang", "text"), NEGATIVES)
def test_distractor_is_not_a_date(lang: str, text: str) -> None:
    assert find_dates(text, lang, published=PUB) == []


FLAGS: list[tuple[str, str, tuple[str, ...]]] = [
    ("fr", "d'ici 2030", ("target",)),
    ("fr", "d’ici fin 2026", ("target",)),
    ("fr", "à l'horizon 2035", ("target",)),
    ("fr", "depuis 2019", ("since",)),
    ("fr", "jusqu'en 2027", ("until",)),
    ("fr", "en 2025", ()),
    ("fr", "d'ici 2028 ou 2030", ("target",)),
    ("en", "by 2030", ("target",)),
    ("en", "by the end of 2026", ("target",)),
    ("en", "since 2019", ("since",)),
    ("en", "until 2027", ("until",)),
]


@pytest.mark.parametrize(("lang", "text", "flags"), FLAGS)
def test_cue_flags(lang: str, text: str, flags: tuple[str, ...]) -> None:
    found = find_dates(text, lang, published=PUB)
    assert found
    assert all(q.flags == flags for q in found)


@pytest.mark.parametrize(
    ("lang", "text", "flag"),
    [
        ("fr", "jeudi", "relative"),
        ("fr", "l'an prochain", "relative"),
        ("fr", "il y a deux ans", "relative"),
        ("fr", "le 20 octobre", "year_inferred"),
        ("fr", "au troisième trimestre", "year_inferred"),
        ("en", "yesterday", "relative"),
        ("en", "by the end of the year", "year_inferred"),
    ],
)
def test_relative_without_published_is_unresolved(lang: str, text: str, flag: str) -> None:
    (found,) = find_dates(text, lang)
    assert found.date is None
    assert flag in found.flags
    assert "unresolved" in found.flags


@pytest.mark.parametrize("lang", LANGS)
def test_absolute_dates_need_no_published(lang: str) -> None:
    text = {"fr": "le 1er août 2025", "en": "on August 1, 2025"}[lang]
    (found,) = find_dates(text, lang)
    assert (found.date, found.flags) == ("2025-08-01", ())


@pytest.mark.parametrize("lang", LANGS)
def test_quantity_shape(lang: str) -> None:
    text = {"fr": "Fin 2026 puis en 2030.", "en": "End of 2026, then in 2030."}[lang]
    found = find_dates(text, lang, published=PUB)
    assert [q.date for q in found] == ["2026-12", "2030"]
    assert all(isinstance(q, Quantity) and q.kind == "date" and q.value is None for q in found)
    assert all(q.unit is None and text[q.start : q.end] == q.text for q in found)


@pytest.mark.parametrize(
    ("lang", "text", "flags"),
    [
        ("en", "FY2025", ("fiscal",)),
        ("fr", "d'ici la fin de la décennie", ("target", "relative")),
        ("fr", "mercredi 15", ("relative",)),
        ("fr", "semaine 42", ("year_inferred",)),
        ("fr", "la semaine 42 de 2025", ()),
    ],
)
def test_new_family_flags(lang: str, text: str, flags: tuple[str, ...]) -> None:
    (found,) = find_dates(text, lang, published=PUB)
    assert found.flags == flags


# --- the tense of a date without a year ----------------------------------------------

PUB_MAY = dt.date(2026, 5, 7)  # a Thursday


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # a forward cue or a future word: the next occurrence on or after the date
        ("en", "The buyback is to be completed by December.", ("December", "2026-12")),
        ("en", "The new hall will open in December.", ("December", "2026-12")),
        ("en", "Prices stay frozen until January.", ("January", "2027-01")),
        ("en", "The board will vote on Tuesday.", ("Tuesday", "2026-05-12")),
        ("en", "The board will vote on Thursday.", ("Thursday", "2026-05-07")),
        ("en", "The line is expected to reopen on January 12.", ("January 12", "2027-01-12")),
        ("fr", "Le raccordement doit être achevé d'ici décembre.", ("décembre", "2026-12")),
        ("fr", "Le site ouvrira ses portes en décembre.", ("décembre", "2026-12")),
        ("fr", "Les tarifs sont gelés jusqu'en février.", ("février", "2027-02")),
        ("fr", "Les travaux devraient s'achever fin janvier.", ("fin janvier", "2027-01")),
        ("fr", "Le conseil se réunira mardi.", ("mardi", "2026-05-12")),
        ("fr", "Elle a promis de livrer d'ici décembre.", ("décembre", "2026-12")),
        # a past word or a back cue: the last occurrence on or before the date
        ("en", "The hall opened in September.", ("September", "2025-09")),
        ("en", "Output was cut in September.", ("September", "2025-09")),
        ("en", "Sales have doubled since September.", ("September", "2025-09")),
        ("en", "The plant ran until December.", ("December", "2025-12")),
        ("fr", "Le site avait ouvert en septembre.", ("septembre", "2025-09")),
        ("fr", "La ligne a été coupée le 15 septembre.", ("15 septembre", "2025-09-15")),
        ("fr", "Les ventes progressent depuis septembre.", ("septembre", "2025-09")),
        # a future word beats a past one before it; the clause stops at a comma
        ("en", "It said it will open the site in September.", ("September", "2026-09")),
        ("en", "It opened a hall, and the next is due in December.", ("December", "2026-12")),
        # nothing said: the nearest occurrence, as before
        ("en", "Output of the plant in December", ("December", "2025-12")),
        ("fr", "Les chiffres de septembre", None),
        ("fr", "Le chantier en décembre", ("décembre", "2025-12")),
        ("fr", "Le conseil jeudi", ("jeudi", "2026-05-07")),
        # a modifier or a year wins over the tense
        ("en", "It will beat last December's record.", ("last December", "2025-12")),
        ("fr", "Le site ouvrira en décembre 2027.", ("décembre 2027", "2027-12")),
    ],
)
def test_tense_picks_the_occurrence(lang: str, text: str, expected: tuple[str, str] | None) -> None:
    found = _pairs(text, lang, PUB_MAY)
    assert found == ([expected] if expected is not None else []), found


def test_tense_needs_published() -> None:
    (found,) = find_dates("The hall will open in December.", "en")
    assert found.date is None
    assert "unresolved" in found.flags


# --- a dateline stands for the publication date -------------------------------------------

DATELINES: list[tuple[str, str, list[tuple[str, str | None]]]] = [
    # a month: month, quarter and year values are read against it, days are not
    (
        "fr",
        "date 2024-05 (AOF) - Le groupe a signé ce mois-ci, lundi dernier, pour l'an prochain.",
        [
            ("2024-05", "2024-05"),
            ("ce mois-ci", "2024-05"),
            ("lundi dernier", None),
            ("l'an prochain", "2025"),
        ],
    ),
    # a day: everything is
    (
        "fr",
        "PARIS, 16 octobre 2025 - Le groupe a signé ce mois-ci et livrera dans 10 jours.",
        [
            ("16 octobre 2025", "2025-10-16"),
            ("ce mois-ci", "2025-10"),
            ("dans 10 jours", "2025-10-26"),
        ],
    ),
    (
        "en",
        "LONDON, Oct. 16, 2025 - The firm said on Tuesday that it will open next month.",
        [("Oct. 16, 2025", "2025-10-16"), ("Tuesday", "2025-10-14"), ("next month", "2025-11")],
    ),
    # a year is too coarse, a date far from the start is no dateline
    (
        "fr",
        "Fondée en 2019, la société a signé ce mois-ci.",
        [("2019", "2019"), ("ce mois-ci", None)],
    ),
    (
        "en",
        "The firm, which was founded by two engineers from the same lab, said this month "
        "that the plant opened in October 2024.",
        [("this month", None), ("October 2024", "2024-10")],
    ),
]


@pytest.mark.parametrize(("lang", "text", "expected"), DATELINES)
def test_dateline_stands_for_published(
    lang: str, text: str, expected: list[tuple[str, str | None]]
) -> None:
    found = find_dates(text, lang)
    assert [(q.text, q.date) for q in found] == expected
    for q in found:
        relative = {"relative", "year_inferred"} & set(q.flags)
        assert ("dateline" in q.flags) == bool(relative and q.date)
        assert ("unresolved" in q.flags) == (q.date is None)


def test_published_beats_dateline() -> None:
    text = "date 2024-05 (AOF) - Le groupe a signé ce mois-ci."
    (_, found) = find_dates(text, "fr", published=PUB)
    assert (found.date, found.flags) == ("2025-10", ("relative",))


def test_unknown_language_raises() -> None:
    with pytest.raises(LexiconError, match="not found"):
        find_dates("en 2025", "xx")


# --- golden files ----------------------------------------------------------------------

GOLDEN_CASES = [(lang, case) for lang in LANGS for case in _golden(lang)]


@pytest.mark.parametrize(
    ("lang", "case"), GOLDEN_CASES, ids=[f"{lang}-{i}" for i, (lang, _) in enumerate(GOLDEN_CASES)]
)
def test_golden(lang: str, case: dict[str, Any]) -> None:
    published = dt.date.fromisoformat(case["published"])
    found = find_dates(case["text"], lang, published=published)
    got = [
        {"text": q.text, "type": q.kind, "start": q.start, "end": q.end, "date": q.date}
        for q in found
    ]
    assert got == case["results"]


@pytest.mark.parametrize("lang", LANGS)
def test_golden_has_positives_and_negatives(lang: str) -> None:
    cases = _golden(lang)
    assert sum(1 for c in cases if c["results"]) >= 25
    assert sum(1 for c in cases if not c["results"]) >= 8
    for case in cases:
        for result in case["results"]:
            assert case["text"][result["start"] : result["end"]] == result["text"]


# --- data --------------------------------------------------------------------------------


def test_languages_have_the_same_keys() -> None:
    assert lexicon_keys("fr") == lexicon_keys("en")


@pytest.mark.parametrize("lang", LANGS)
def test_month_data(lang: str) -> None:
    months = load_lang_file(lang, "months")["months"]
    assert sorted(int(k) for k in months) == list(range(1, 13))
    seen: dict[str, int] = {}
    for number, forms in months.items():
        for word in [*forms["names"], *forms["abbreviations"]]:
            key = str(word).lower().rstrip(".")
            assert seen.setdefault(key, int(number)) == int(number), word


@pytest.mark.parametrize("lang", LANGS)
def test_dates_data(lang: str) -> None:
    data = load_lang_file(lang, "dates")
    assert sorted(data["weekdays"].values()) == list(range(1, 8))
    assert sorted(data["numeric_order"]) == ["day", "month", "year"]
    assert set(data["relative_periods"]) == {"year", "month", "week", "quarter"}
    assert {p["code"] for p in data["periods"].values()} == {"Q", "H"}
    assert set(data["cues"]) == {"target", "since", "until", "context"}
    assert all(1 <= p["month"] <= 12 for p in data["year_parts"].values())
    assert all(0 <= p["decade_year"] <= 9 for p in data["year_parts"].values())
    assert data["week_words"]
    assert all(str(w).isupper() for w in data["fiscal_abbreviations"])
    assert set(data["tense"]) == {"forward", "back"}
    for way in data["tense"].values():
        assert set(way) == {"words", "endings", "cues", "weak_cues"}
        assert set(way["cues"]) | set(way["weak_cues"]) <= set(data["cues"]) - {"context"}


# --- properties ----------------------------------------------------------------------------


def _check_invariants(text: str, found: list[Quantity]) -> None:
    previous_end = 0
    for q in found:
        assert text[q.start : q.end] == q.text
        assert q.start >= previous_end
        previous_end = q.end


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200), lang=st.sampled_from(LANGS))
def test_no_crash_on_any_text(text: str, lang: str) -> None:
    _check_invariants(text, find_dates(text, lang, published=PUB))


@settings(max_examples=100, deadline=None)
@given(
    text=st.text(alphabet="0123456789 /.-,:'’", max_size=120),
    lang=st.sampled_from(LANGS),
)
def test_invariants_on_digit_soup(text: str, lang: str) -> None:
    found = find_dates(text, lang, published=PUB)
    _check_invariants(text, found)
    for q in found:
        assert q.date is None or 1900 <= int(q.date[:4]) <= 2100


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("alphabet", ["0123456789 ", "0123456789 /.-,:", "19 20 2025 / - , ."])
def test_bounded_time_on_10kb(lang: str, alphabet: str) -> None:
    text = (alphabet * (10_000 // len(alphabet) + 1))[:10_000]
    find_dates("warm up 2025", lang)
    started = time.perf_counter()
    find_dates(text, lang, published=PUB)
    assert time.perf_counter() - started < 0.5


# Date words, numbers and fillers: texts made of them have dates spread far apart.
_TOKENS: dict[str, list[str]] = {
    "fr": str.split(
        "2025 2030 16 1er octobre oct. mai jeudi mercredi fin début mi- de la l'année "
        "décennie prochaine dernier d'ici en depuis il y a deux ans mois dans 3 semaine 42 T1 "
        "trimestre premier 16/10/25 2024-05 FY25 hier millions et à - , ."
    ),
    "en": str.split(
        "2025 2030 16 1st October Oct. May Thursday Wednesday the end of early "
        "mid- year decade next last by in since ago two years months week 42 Q1 quarter "
        "first 10/16/25 2024-05 FY25 yesterday million and to - , ."
    ),
}
_FILLER = ["Lorem", "ipsum", "dolor", "sit", "amet,", "x" * 40, "consectetur"]


@settings(max_examples=150, deadline=None)
@given(
    lang=st.sampled_from(LANGS),
    data=st.data(),
)
def test_windows_find_what_a_whole_text_scan_finds(lang: str, data: st.DataObject) -> None:
    words = st.sampled_from([*_TOKENS[lang], *_FILLER])
    parts = data.draw(st.lists(st.tuples(words, st.sampled_from([" ", "  ", "\n"])), max_size=60))
    text = "".join(word + space for word, space in parts)
    whole = _candidates(text, [(0, len(text))], _lexicon(lang), PUB)
    found = find_dates(text, lang, published=PUB)
    assert [(q.start, q.end, q.date, q.flags) for q in found] == [
        (c.start, c.end, c.date, c.flags) for c in whole
    ]


def _formats(lang: str, day: dt.date) -> list[str]:
    """``day`` written in every absolute format of ``lang``, from the language data."""
    months = load_lang_file(lang, "months")["months"]
    name = str(months[day.month]["names"][0])
    order = load_lang_file(lang, "dates")["numeric_order"]
    parts = {"day": f"{day.day:02d}", "month": f"{day.month:02d}", "year": f"{day.year}"}
    orders = load_lang_file(lang, "dates")["text_orders"]
    written = []
    if "day_month" in orders:
        written.append(f"{day.day} {name} {day.year}")
    if "month_day" in orders:
        written.append(f"{name} {day.day}, {day.year}")
    return [*written, "/".join(parts[p] for p in order), day.isoformat()]


@settings(max_examples=150, deadline=None)
@given(
    day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    lang=st.sampled_from(LANGS),
)
def test_parse_of_format_is_identity(day: dt.date, lang: str) -> None:
    for written in _formats(lang, day):
        found = find_dates(f"Le {written}, rien.", lang)
        assert [(q.text, q.date) for q in found] == [(written, day.isoformat())]


@settings(max_examples=100, deadline=None)
@given(
    year=st.integers(min_value=1900, max_value=2100),
    month=st.integers(min_value=1, max_value=12),
    lang=st.sampled_from(LANGS),
)
def test_month_year_round_trip(year: int, month: int, lang: str) -> None:
    name = str(load_lang_file(lang, "months")["months"][month]["names"][0])
    assert _pairs(f"x {name} {year} x", lang, None) == [(f"{name} {year}", f"{year}-{month:02d}")]


# --- seeds -----------------------------------------------------------------------------


def test_seed_dates(seed_texts: dict[str, str]) -> None:
    found = [q for text in seed_texts.values() for q in find_dates(text, "fr", published=PUB)]
    values = {q.date for q in found}
    assert {"2025-10", "2024-08", "2025-06", "2025-01", "2024-05", "1994"} <= values
    targets = {q.date for q in found if "target" in q.flags}
    assert {"2026-12", "2030", "2029", "2027", "2028", "2029-12"} <= targets
    assert "2020" in {q.date for q in found if "since" in q.flags}
    for q in found:
        assert not q.text.replace(" ", "").replace(",", "").isdigit() or len(q.text) == 4


def test_seed_dateline(seed_texts: dict[str, str]) -> None:
    """Without ``published``, one seed's "date YYYY-MM" header resolves its month words."""
    found = [q for text in seed_texts.values() for q in find_dates(text, "fr")]
    assert {q.date for q in found if "dateline" in q.flags} == {"2024-05"}
    assert all(q.date is None for q in found if "unresolved" in q.flags)


def test_no_date_inside_seed_amounts(seed_texts: dict[str, str]) -> None:
    for text in seed_texts.values():
        for q in find_dates(text, "fr", published=PUB):
            after = text[q.end : q.end + 12].lower()
            assert not after.lstrip().startswith(("milliard", "million", "€", "%")), q
