"""Numbers: examples, properties against a naive formatter (STYLE 9), and time bounds."""

from __future__ import annotations

import itertools
import time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import find_quantities
from pipeline.extract.numbers import parse_digits, parse_number
from pipeline.extract.quantities import extract_quantities

EXAMPLES = [
    ("1,2", "fr", 1.2),
    ("1 300", "fr", 1300),
    ("1\u00a0300", "fr", 1300),
    ("1\u202f300", "fr", 1300),
    ("1.300", "fr", 1300),
    ("1'300", "fr", 1300),
    ("1.5", "fr", 1.5),
    ("1,500", "fr", 1.5),
    ("1,500", "en", 1500),
    ("1.500", "en", 1.5),
    ("1,234,567.89", "en", 1234567.89),
    ("1.234.567,89", "fr", 1234567.89),
    ("1 234 567,89", "fr", 1234567.89),
    ("-0,38", "fr", -0.38),
    ("−2,5", "fr", -2.5),
    ("+3", "en", 3),
    ("0,500", "en", 0.5),
    ("cent mille", "fr", 100000),
    ("treize", "fr", 13),
    ("deux", "fr", 2),
    ("vingt et un", "fr", 21),
    ("soixante et onze", "fr", 71),
    ("quatre-vingt-dix-sept", "fr", 97),
    ("deux cent mille", "fr", 200000),
    ("mille deux cents", "fr", 1200),
    ("une cinquantaine", "fr", 50),
    ("une centaine", "fr", 100),
    ("un milliard", "fr", 1e9),
    ("1 300 millions", "fr", 1.3e9),
    ("3 trillions", "fr", 3e12),
    ("a dozen", "en", 12),
    ("dozens", "en", 12),
    ("twenty-one", "en", 21),
    ("one hundred and twenty three thousand", "en", 123000),
    ("a hundred", "en", 100),
    ("a billion", "en", 1e9),
    ("2bn", "en", 2e9),
    ("1.5 million", "en", 1.5e6),
    ("un quart", "fr", 0.25),
    ("two thirds", "en", 0.666666),
    # whole strings: compounds past a scale, words and digits mixed, signs, points
    ("un", "fr", 1),  # a whole string "un" is the number one (in text it is an article)
    ("un million deux cent mille", "fr", 1_200_000),
    ("trois million sept", "fr", 3_000_007),
    (
        "thirty-one million two hundred fifty-six thousand seven hundred twenty-one",
        "en",
        31_256_721,
    ),
    ("twenty-one trillion and three hundred", "en", 21e12 + 300),
    ("vingt et un trillions et trois cents", "fr", 21e12 + 300),  # trillion read as 1e12
    ("4 thousand 3 hundred and 21", "en", 4321),
    ("trente 3", "fr", 33),
    ("322 hundred", "en", 32200),
    ("minus three million two hundred thousand", "en", -3_200_000),
    ("moins 1200000", "fr", -1_200_000),
    ("- 1,200,000", "en", -1_200_000),
    ("- 10  k", "fr", -10_000),
    ("two hundred point zero three", "en", 200.03),
    ("deux cent virgule soixante et onze", "fr", 200.71),
    ("nine point nought four", "en", 9.04),
    ("two point two million", "en", 2_200_000),
    ("point 77", "en", 0.77),
    (",08", "fr", 0.08),
    (".23456000", "en", 0.23456),
    ("three hundred and two dozens", "en", 324),
    ("two hundred dozens", "en", 2400),
    ("trois douzaines", "fr", 36),
    ("half a dozen", "en", 6),
    ("une demi-douzaine", "fr", 6),
    ("a dozen of", "en", 12),
    ("three quarters billion", "en", 0.75e9),
    ("three crore twelve lakh fifty-six thousand", "en", 31_256_000),
    ("12,34,567.89", "en", 1_234_567.89),
    ("10 bln", "en", 1e10),
    ("forty-five (45)", "en", 45),
    ("one twenty two", "en", 122),
]

NOT_NUMBERS = [
    ("", "fr"),
    ("   ", "en"),
    ("abc", "fr"),
    ("a", "en"),
    ("moins", "fr"),
    ("point", "en"),
    ("minus a", "en"),
    ("forty-five (46)", "en"),
    ("twenty thirty forty", "en"),
    ("one two", "en"),
    ("trois et quatre", "fr"),
    ("1 2", "fr"),
    ("1,2,3", "fr"),
    ("12 345 6", "fr"),
    ("H100", "en"),
    ("1.2.3", "en"),
]


@pytest.mark.parametrize(("text", "lang", "expected"), EXAMPLES)
def test_parse_number(text: str, lang: str, expected: float) -> None:
    assert parse_number(text, lang) == pytest.approx(expected)


@pytest.mark.parametrize(("text", "lang"), NOT_NUMBERS)
def test_not_a_number(text: str, lang: str) -> None:
    assert parse_number(text, lang) is None


# -- a naive formatter: the oracle --------------------------------------------------

GROUPINGS = {
    "fr": [("", ","), (" ", ","), ("\u00a0", ","), ("\u202f", ","), (".", ","), ("'", ",")],
    "en": [("", "."), (",", "."), (" ", "."), ("\u00a0", "."), ("'", ".")],
}


def _format(integer: int, decimals: str, *, group: str, decimal: str, sign: str) -> str:
    digits = str(integer)
    if group:
        parts: list[str] = []
        while len(digits) > 3:
            parts.insert(0, digits[-3:])
            digits = digits[:-3]
        parts.insert(0, digits)
        digits = group.join(parts)
    return sign + digits + (decimal + decimals if decimals else "")


@st.composite
def formatted(draw: st.DrawFn) -> tuple[str, str, Decimal]:
    lang = draw(st.sampled_from(sorted(GROUPINGS)))
    group, decimal = draw(st.sampled_from(GROUPINGS[lang]))
    integer = draw(st.integers(min_value=0, max_value=10**12))
    decimals = draw(st.sampled_from(["", "5", "25", "75", "125", "0625"]))
    sign = draw(st.sampled_from(["", "-"]))
    text = _format(integer, decimals, group=group, decimal=decimal, sign=sign)
    value = Decimal(f"{integer}.{decimals or 0}") * (-1 if sign else 1)
    return lang, text, value


@given(formatted())
@settings(max_examples=300, deadline=None)
def test_formatted_number_parses_back(case: tuple[str, str, Decimal]) -> None:
    lang, text, value = case
    decimal = "," if lang == "fr" else "."
    assert parse_digits(text, decimal=decimal) == value
    assert parse_number(text, lang) == pytest.approx(float(value))


@given(formatted())
@settings(max_examples=100, deadline=None)
def test_formatted_amount_is_found_in_a_sentence(case: tuple[str, str, Decimal]) -> None:
    lang, text, value = case
    sentence = f"Le montant atteint {text} € cette année."
    found = [q for q in extract_quantities(sentence, lang) if q.kind == "money"]
    assert len(found) == 1
    assert found[0].value == pytest.approx(float(value))
    assert found[0].unit == "EUR"


@given(st.text(max_size=300), st.sampled_from(["fr", "en"]))
@settings(max_examples=300, deadline=None)
def test_no_crash_on_any_text(text: str, lang: str) -> None:
    found = find_quantities(text, lang)
    for q in found:
        assert text[q.start : q.end] == q.text
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start
    parse_number(text, lang)


_NUMBERISH = st.text(alphabet="0123456789 ,.'-%$€\u00a0kmMW", min_size=1, max_size=2000)


@given(_NUMBERISH, st.sampled_from(["fr", "en"]))
@settings(max_examples=100, deadline=None)
def test_no_crash_on_number_soup(text: str, lang: str) -> None:
    for q in extract_quantities(text, lang):
        assert text[q.start : q.end] == q.text


PATHOLOGICAL = [
    "1 " * 5000,
    "1" * 10000,
    "1 000 " * 1700,
    "1,2," * 2500,
    "1." * 5000,
    "- " * 5000,
    "$1 " * 3300,
    "un " * 3300,
    "vingt et " * 1100,
    "de 1 à " * 1400,
    "entre 1 et " * 900,
    "12 345 678 901 234 " * 500,
]


@pytest.mark.parametrize("text", PATHOLOGICAL, ids=range(len(PATHOLOGICAL)))
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pathological_input_is_fast(text: str, lang: str) -> None:
    """10 kB in under half a second, plus a linear allowance when every token is a mention.

    No catastrophic backtracking: the time never grows faster than the mentions found.
    """
    extract_quantities("1 €", lang)  # the lexicon is compiled once, not timed here
    start = time.perf_counter()
    found = extract_quantities(text[:10_000], lang)
    parse_number(text[:10_000], lang)
    assert time.perf_counter() - start < 0.5 + 0.0002 * len(found)
