"""The quantity lexicons are data (STYLE 3-5): test their keys, duplicates and codes.

One parametrised test per lexicon kind, run for every language folder.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.errors import LexiconError
from pipeline.extract.lexicon import LEXICON_FILES, UNIT_KINDS, fold, get_lexicon, symbol_key
from pipeline.lang import LANG_DIR, available_languages
from pipeline.normalize.units import unit_kind

LANGS = available_languages()

# ISO 4217 list one, active codes (SIX, 2025): the subset a news text may use.
_ISO_4217 = (
    "AED AUD BGN BRL CAD CHF CNY CRC CZK DKK EGP EUR GBP GEL GHS HKD HUF IDR ILS INR JPY "
    "KRW KWD LAK LBP LKR MNT MXN MYR NOK NZD PLN QAR RUB SAR SEK SGD THB TRY TWD UAH USD ZAR"
)
# ISO 4217 list three: withdrawn codes of the currencies the euro replaced (archives).
_ISO_4217_HISTORIC = "ESP FIM NLG"
ISO_4217 = frozenset(_ISO_4217.split(" ")) | frozenset(_ISO_4217_HISTORIC.split(" "))
REQUIRED_CURRENCIES = frozenset(
    [
        "EUR",
        "USD",
        "GBP",
        "CHF",
        "NOK",
        "SEK",
        "DKK",
        "JPY",
        "CNY",
        "AED",
        "SAR",
        "CAD",
        "AUD",
        "INR",
    ]
)
REQUIRED_KEYS: dict[str, frozenset[str]] = {
    "number_words": frozenset(
        {
            "decimal_separator",
            "words",
            "multipliers",
            "articles",
            "joiners",
            "approximate",
            "collectives",
            "fractions",
            "fraction_determiners",
            "fraction_followers",
            "bare_fractions",
            "bare_fraction_excluded_before",
            "approximate_modifiers",
            "connectors",
        }
    ),
    "scales": frozenset({"words", "abbreviations"}),
    "currencies": frozenset({"codes", "symbols", "names", "subunits", "ambiguous"}),
    "units": frozenset(set(UNIT_KINDS) | {"duration_excluded_before", "duration_excluded_after"}),
    "hedges": frozenset(
        {"approx", "min", "max", "approx_after", "min_after", "max_after", "period"}
        | {"joiners", "openers", "after_not_before"}
    ),
    "counts": frozenset(
        {"nouns", "modifiers", "excluded_after", "year_markers", "rank_markers"}
        | {"rank_after", "rank_scopes", "superlatives", "open_modifiers"}
    ),
}
_CANONICAL_NOUN = re.compile(r"[a-z][a-z_]*")


class _DuplicateKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a mapping with the same key twice."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}")
        seen.add(key)
    return dict(loader.construct_mapping(node))


_DuplicateKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


def _path(lang: str, name: str) -> Path:
    return LANG_DIR / lang / f"{name}.yaml"


def _load(lang: str, name: str) -> dict[str, Any]:
    with _path(lang, name).open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=_DuplicateKeyLoader)
    assert isinstance(data, dict)
    return data


def _no_fold_duplicates(terms: list[str], where: str) -> None:
    seen: dict[str, str] = {}
    for term in terms:
        key = fold(term)
        assert key not in seen, f"{where}: {term!r} and {seen[key]!r} are the same entry"
        seen[key] = term


CASES = [(lang, name) for lang in LANGS for name in LEXICON_FILES]


@pytest.mark.parametrize("name", LEXICON_FILES)
def test_every_language_has_the_file(name: str) -> None:
    missing = [lang for lang in LANGS if not _path(lang, name).is_file()]
    assert not missing, f"{name}.yaml missing in {missing}"


@pytest.mark.parametrize(("lang", "name"), CASES)
def test_file_has_required_keys_source_and_no_duplicate_keys(lang: str, name: str) -> None:
    data = _load(lang, name)
    assert REQUIRED_KEYS[name] <= set(data), REQUIRED_KEYS[name] - set(data)
    assert "# source:" in _path(lang, name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", LEXICON_FILES)
def test_same_keys_in_every_language(name: str) -> None:
    keys = {lang: set(_load(lang, name)) for lang in LANGS}
    first = keys[LANGS[0]]
    assert all(k == first for k in keys.values()), keys


@pytest.mark.parametrize("lang", LANGS)
def test_currencies(lang: str) -> None:
    data = _load(lang, "currencies")
    codes = set(data["codes"])
    assert codes <= ISO_4217, codes - ISO_4217
    assert codes >= REQUIRED_CURRENCIES, REQUIRED_CURRENCIES - codes
    assert len(data["codes"]) == len(codes)
    for table in ("symbols", "names", "subunits"):
        assert set(data[table].values()) <= codes, (table, set(data[table].values()) - codes)
    _no_fold_duplicates(list(data["names"]) + list(data["subunits"]), f"{lang} currency names")
    symbols = [symbol_key(s) for s in data["symbols"]]
    assert len(symbols) == len(set(symbols)), "duplicate symbols"
    ambiguous = {fold(a) for a in data["ambiguous"]}
    assert not ambiguous & {fold(n) for n in data["names"]}, "an ambiguous word is a name"
    assert not set(data["ambiguous"]) & set(data["symbols"]), "an ambiguous word is a symbol"


@pytest.mark.parametrize("lang", LANGS)
def test_units(lang: str) -> None:
    data = _load(lang, "units")
    words: list[str] = []
    for section in UNIT_KINDS:
        kind = "percent" if section == "percentage_points" else section
        for table in ("symbols", "words"):
            for surface, unit in data[section][table].items():
                assert unit_kind(unit) == kind, (section, surface, unit)
        words.extend(data[section]["words"])
    _no_fold_duplicates(words, f"{lang} unit words")


@pytest.mark.parametrize("lang", LANGS)
def test_counts(lang: str) -> None:
    data = _load(lang, "counts")
    forms: list[str] = []
    for canonical, surfaces in data["nouns"].items():
        assert _CANONICAL_NOUN.fullmatch(canonical), canonical
        assert surfaces, canonical
        forms.extend(surfaces)
    _no_fold_duplicates(forms, f"{lang} counted nouns")
    _no_fold_duplicates(data["modifiers"], f"{lang} count modifiers")
    for canonical, words in data["excluded_after"].items():
        assert canonical in data["nouns"], f"excluded_after.{canonical} is no counted noun"
        assert words, canonical
        _no_fold_duplicates(words, f"{lang} words after {canonical}")
    for key in ("rank_markers", "rank_after", "rank_scopes", "superlatives"):
        assert data[key], f"{lang} {key} is empty"
        _no_fold_duplicates(data[key], f"{lang} {key}")
    # a rank word is no modifier: "the five largest banks" is a rank, never a count
    modifiers = {fold(m) for m in data["modifiers"]}
    assert not modifiers & {fold(r) for r in data["rank_markers"]}


@pytest.mark.parametrize("lang", LANGS)
def test_open_modifiers(lang: str) -> None:
    spec = _load(lang, "counts")["open_modifiers"]
    assert set(spec) == {"max", "not_words", "not_endings"}, spec
    assert isinstance(spec["max"], int), spec["max"]
    assert 0 <= spec["max"] <= 2, spec["max"]
    assert all(isinstance(w, str) for w in spec["not_words"] + spec["not_endings"])
    _no_fold_duplicates(spec["not_words"], f"{lang} open modifier stop words")


@pytest.mark.parametrize("lang", LANGS)
def test_hedges(lang: str) -> None:
    data = _load(lang, "hedges")
    _no_fold_duplicates(data["approx"] + data["min"] + data["max"], f"{lang} hedges")
    assert data["after_not_before"], f"{lang} after_not_before is empty"
    assert all(isinstance(w, str) for w in data["after_not_before"])
    for opener, joiners in data["openers"].items():
        assert joiners, opener
        assert all(isinstance(j, str) for j in joiners), opener


@pytest.mark.parametrize("lang", LANGS)
def test_scales(lang: str) -> None:
    data = _load(lang, "scales")
    _no_fold_duplicates(list(data["words"]), f"{lang} scale words")
    for word, spec in data["words"].items():
        assert spec["value"] > 0, word
        assert ("fallback" in spec) == ("implausible_above" in spec), word
        if "fallback" in spec:
            assert "flag" in spec, word
    assert all(v > 0 for v in data["abbreviations"].values())


@pytest.mark.parametrize("lang", LANGS)
def test_number_words(lang: str) -> None:
    data = _load(lang, "number_words")
    assert data["decimal_separator"] in {",", "."}
    tables = ("words", "multipliers", "approximate", "collectives", "fractions")
    for table in tables:
        assert all(isinstance(v, int | float) and v >= 0 for v in data[table].values()), table
    _no_fold_duplicates(
        [w for t in tables for w in data[t]], f"{lang} number words (all tables together)"
    )
    assert set(data["articles"]) <= set(data["words"]) | set(data["articles"])
    assert set(data["bare_fractions"]) <= set(data["fractions"]), "a bare fraction is no fraction"
    assert not {fold(m) for m in data["approximate_modifiers"]} & {
        fold(w) for t in tables for w in data[t]
    }, "an approximate modifier is a number word"


@pytest.mark.parametrize("lang", LANGS)
def test_lexicon_compiles(lang: str) -> None:
    lex = get_lexicon(lang)
    assert lex.lang == lang
    assert lex.currency_names
    assert lex.count_nouns
    assert lex.scale_words


@pytest.mark.parametrize("lang", ["xx"])
def test_unknown_language_is_a_lexicon_error(lang: str) -> None:
    with pytest.raises(LexiconError, match="not found"):
        get_lexicon(lang)
