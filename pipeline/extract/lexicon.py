"""Per-language lexicons compiled once into lookup tables and regular expressions.

Every word the extractors match comes from ``pipeline/lang/<xx>/*.yaml`` (STYLE 3):
``number_words``, ``scales``, ``currencies``, ``units``, ``hedges`` and ``counts``.
This module turns them into one frozen :class:`Lexicon` per language, with every
regular expression compiled here and nowhere else. Adding a language is adding a
folder of YAML files; no code knows any language.

Matching rules shared by every table:

* words are matched without regard to case or accents ("mégawatts" finds
  "megawatts"), apostrophes ``'`` and ``’`` are the same, and a space or a hyphen
  in an entry matches a run of spaces (U+00A0 and U+202F included), a hyphen or
  nothing ("start-up", "start up", "startup"; "data center", "datacenter");
* symbols and abbreviations ("MW", "Md", "US$") are matched case-sensitively;
* lookups after a match go through :func:`fold`, so a table key and the text it
  matched always meet.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any, Literal

from pipeline.errors import Errors, LexiconError
from pipeline.lang import load_lang_file

__all__ = [
    "LEXICON_FILES",
    "Lexicon",
    "Scale",
    "currency_of_symbol",
    "fold",
    "get_lexicon",
]

LEXICON_FILES: tuple[str, ...] = (
    "number_words",
    "scales",
    "currencies",
    "units",
    "hedges",
    "counts",
)

HedgeKind = Literal["approx", "min", "max"]
UNIT_KINDS: tuple[str, ...] = (
    "power",
    "energy",
    "area",
    "percent",
    "percentage_points",
    "duration",
)

WS = r"[\s\u00a0\u202f]"
_APOSTROPHES = "'’ʼ"
_HYPHENS = "-‐‑–"
_HYPHEN_CLASS = r"\-‐‑–"
_DROP = re.compile(rf"[\s\u00a0\u202f{_HYPHEN_CLASS}]+")
_SPACES = re.compile(rf"{WS}+")
_WORD = re.compile(r"[^\W\d_]+")
_LOOSE_SYMBOL = re.compile(r"[^\W\d_]+\$|\$ ?[^\W\d_]+")
_LOOSE_PARTS = re.compile(r"[^\W\d_]+|\$")


@dataclass(frozen=True, slots=True)
class Scale:
    """A scale word or abbreviation: ``milliard`` = 1e9.

    ``implausible_above``/``fallback``/``flag`` carry a documented reading rule: when
    the literal value would exceed ``implausible_above``, read the scale as
    ``fallback`` and flag the mention (French "trillion" written for 10^12).
    """

    value: Decimal
    abbreviation: bool
    implausible_above: Decimal | None = None
    fallback: Decimal | None = None
    flag: str | None = None


_SPACE_CHARS = frozenset(" \t\n\r\u00a0\u202f")


def tail_key(text: str, pos: int, floor: int = 0) -> str:
    """The last word before ``pos`` (folded), or the last non-space character.

    Spaces and apostrophes right before ``pos`` are skipped ("près d'" -> "d").
    """
    i = pos
    while i > floor and text[i - 1] in _SPACE_CHARS:
        i -= 1
    while i > floor and text[i - 1] in _APOSTROPHES:
        i -= 1
    if i <= floor:
        return ""
    if not text[i - 1].isalpha():
        return text[i - 1]
    j = i
    while j > floor and text[j - 1].isalpha():
        j -= 1
    return fold(text[j:i])


@dataclass(frozen=True, slots=True)
class Before:
    """Words that end right before a position ("plus de" before "30 %").

    The regex search over the look-back window only runs when the word right before
    the position can end one of the terms, so most numbers cost one set lookup.
    """

    pattern: re.Pattern[str]
    tails: frozenset[str]

    def search(self, text: str, pos: int, floor: int, *, lookback: int) -> re.Match[str] | None:
        """The term ending at ``pos`` (spaces allowed), not starting before ``floor``."""
        if tail_key(text, pos, floor) not in self.tails:
            return None
        return self.pattern.search(text, max(floor, pos - lookback), pos)


def _before(pattern: str, terms: Iterable[str]) -> Before:
    return Before(
        pattern=re.compile(pattern, re.IGNORECASE),
        tails=frozenset(tail_key(t, len(t)) for t in terms),
    )


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything the number and quantity extractors know about one language."""

    lang: str
    decimal: str
    words: Mapping[str, Decimal]
    multipliers: Mapping[str, Decimal]
    articles: frozenset[str]
    joiners: frozenset[str]
    approximate: Mapping[str, Decimal]
    collectives: Mapping[str, Decimal]
    fractions: Mapping[str, Decimal]
    scale_words: Mapping[str, Scale]
    scale_abbreviations: Mapping[str, Scale]
    currency_names: Mapping[str, str]
    currency_subunits: Mapping[str, str]
    currency_symbols: Mapping[str, str]  # exact symbols, then case-folded loose ones
    currency_symbol_scales: Mapping[str, Decimal]  # "MUSD": millions of US dollars
    units: Mapping[str, tuple[str, str]]
    unit_symbols: Mapping[str, tuple[str, str]]
    count_nouns: Mapping[str, str]
    open_modifier_stop: frozenset[str]  # "5 by users": no modifier before a noun
    hedges: Mapping[str, HedgeKind]
    hedges_after: Mapping[str, HedgeKind]
    period: frozenset[str]
    negatives: frozenset[str]
    decimal_points: frozenset[str]
    openers: Mapping[str, re.Pattern[str]]
    starters: frozenset[str]
    # compiled patterns
    scanner: re.Pattern[str]  # runs on the lower-cased text (three times faster)
    scanner_any_case: re.Pattern[str]  # when lower-casing changes the text's length
    core: re.Pattern[str]
    core_plain: re.Pattern[str]
    word_token: re.Pattern[str]
    scale_word: re.Pattern[str]
    scale_abbreviation: re.Pattern[str]
    connector: re.Pattern[str]
    money_after: re.Pattern[str]
    unit_after: re.Pattern[str]
    count_after: re.Pattern[str]
    count_excluded_after: Mapping[str, re.Pattern[str]]  # "cartes bancaires": no GPU
    prefix_currency: re.Pattern[str]
    prefix_name: Before  # a currency name right before digits ("ringgit 42")
    negative_before: Before  # a sign word right before the number ("minus five percent")
    hedge_before: Before
    hedge_after: re.Pattern[str]
    opener_before: Before
    joiner: re.Pattern[str]
    duration_excluded_before: Before
    year_marker_before: Before
    bare_fraction_excluded_before: Before  # "the first half of": no share
    rank_marker_before: Before  # "the top 10 companies": a rank, no count
    rank_after: re.Pattern[str]  # "the five largest banks": a rank, no count
    rank_scope_before: Before  # "parmi les dix … les mieux valorisées": a rank ...
    superlative: re.Pattern[str]  # ... when a superlative follows in the clause
    duration_excluded_after: re.Pattern[str]
    number_token: re.Pattern[str]  # one token of a whole spelled number (parse_number)
    cents_after: re.Pattern[str]  # "and 43 cents" after an amount: its hundredths
    subunit_after: re.Pattern[str]
    trailing_connector: re.Pattern[str]
    collective_after: re.Pattern[str]  # "deux douzaines": a noun that multiplies a number
    # an amount whose currency is implied ("un budget de 38 millions"): its scales (folded
    # words, exact abbreviations), the money words of its context, and whether a noun
    # may follow a number directly (then a word off ``open_modifier_stop`` stops it)
    implied_scales: frozenset[str]
    implied_context: re.Pattern[str]
    implied_noun_after: bool


def fold(text: str) -> str:
    """Lookup key of a word: no accents, case-folded, one apostrophe, no spaces/hyphens."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    for a in _APOSTROPHES[1:]:
        stripped = stripped.replace(a, "'")
    return _DROP.sub("", stripped.casefold())


def symbol_key(text: str) -> str:
    """Lookup key of a symbol: exact, without spaces."""
    return _SPACES.sub("", text)


def currency_of_symbol(lex: Lexicon, text: str) -> tuple[str, Decimal] | None:
    """The ISO code of a currency symbol or code and its scale ("MUSD": USD, 1e6)."""
    key = symbol_key(text)
    iso = lex.currency_symbols.get(key) or lex.currency_symbols.get(key.casefold())
    if iso is None:
        return None
    return iso, lex.currency_symbol_scales.get(key, Decimal(1))


def _char_pattern(c: str) -> str:
    if c == " " or c in _HYPHENS:
        return rf"(?:{WS}+|[{_HYPHEN_CLASS}])?"
    if c in _APOSTROPHES:
        return f"[{_APOSTROPHES}]{WS}?"
    base = unicodedata.normalize("NFD", c)[0]
    if base != c:
        return f"[{re.escape(c)}{re.escape(base)}]"
    return re.escape(c)


def word_pattern(term: str) -> str:
    """A regex for a lexicon word: accents optional, flexible spaces, hyphens, apostrophes."""
    return "".join(_char_pattern(c) for c in term)


def symbol_pattern(term: str) -> str:
    """A regex for a symbol: exact characters, a space in the entry is optional."""
    return "".join(f"{WS}?" if c == " " else re.escape(c) for c in term)


def _alt(terms: Iterable[str], *, symbols: bool = False) -> str:
    uniq = sorted(set(terms), key=lambda t: (-len(t), t))
    if not uniq:
        return "(?!)"
    make = symbol_pattern if symbols else word_pattern
    return "|".join(make(t) for t in uniq)


def _fail(lang: str, name: str, detail: str) -> LexiconError:
    return LexiconError(Errors.E200.format(lang=lang, name=name, detail=detail))


def _mapping(data: dict[str, Any], key: str, *, lang: str, name: str) -> dict[str, Any]:
    value = data.get(key, {})
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(lang, name, f"{key!r} is not a mapping")
    return value


def _strings(data: dict[str, Any], key: str, *, lang: str, name: str) -> list[str]:
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(lang, name, f"{key!r} is not a list of strings")
    return list(value)


def _numbers(data: dict[str, Any], key: str, *, lang: str, name: str) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for word, value in _mapping(data, key, lang=lang, name=name).items():
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise _fail(lang, name, f"{key}.{word} is not a number")
        out[fold(str(word))] = Decimal(str(value))
    return out


def _scales(data: dict[str, Any], *, lang: str) -> tuple[dict[str, Scale], dict[str, Scale]]:
    words: dict[str, Scale] = {}
    for word, spec in _mapping(data, "words", lang=lang, name="scales").items():
        if not isinstance(spec, dict) or "value" not in spec:
            raise _fail(lang, "scales", f"words.{word} needs a 'value'")

        def dec(field: str, spec: dict[str, Any] = spec) -> Decimal | None:
            v = spec.get(field)
            return None if v is None else Decimal(str(v))

        value = dec("value")
        assert value is not None  # checked above
        flag = spec.get("flag")
        words[fold(str(word))] = Scale(
            value=value,
            abbreviation=False,
            implausible_above=dec("implausible_above"),
            fallback=dec("fallback"),
            flag=str(flag) if flag is not None else None,
        )
    abbreviations = {
        symbol_key(str(k)): Scale(value=v, abbreviation=True)
        for k, v in _raw_numbers(data, "abbreviations", lang=lang, name="scales").items()
    }
    return words, abbreviations


def _raw_numbers(data: dict[str, Any], key: str, *, lang: str, name: str) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for word, value in _mapping(data, key, lang=lang, name=name).items():
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise _fail(lang, name, f"{key}.{word} is not a number")
        out[str(word)] = Decimal(str(value))
    return out


def _units(
    data: dict[str, Any], *, lang: str
) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]], list[str], list[str]]:
    words: dict[str, tuple[str, str]] = {}
    symbols: dict[str, tuple[str, str]] = {}
    word_terms: list[str] = []
    symbol_terms: list[str] = []
    for kind in UNIT_KINDS:
        section = _mapping(data, kind, lang=lang, name="units")
        for word, unit in _mapping(section, "words", lang=lang, name="units").items():
            words[fold(str(word))] = (kind, str(unit))
            word_terms.append(str(word))
        for sym, unit in _mapping(section, "symbols", lang=lang, name="units").items():
            symbols[symbol_key(str(sym))] = (kind, str(unit))
            symbol_terms.append(str(sym))
    return words, symbols, word_terms, symbol_terms


def _hedges(data: dict[str, Any], suffix: str, *, lang: str) -> dict[str, HedgeKind]:
    out: dict[str, HedgeKind] = {}
    kinds: tuple[HedgeKind, ...] = ("approx", "min", "max")
    for kind in kinds:
        for term in _strings(data, kind + suffix, lang=lang, name="hedges"):
            out[fold(term) or term] = kind
    return out


def _starters(terms: Iterable[str]) -> frozenset[str]:
    """First word of every term, case-folded, with and without accents."""
    out: set[str] = set()
    for term in terms:
        first = _WORD.match(term)
        if first is None:
            continue
        word = first.group().casefold()
        out.add(word)
        out.add(
            "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
        )
    return frozenset(out)


def _word_or_elided(terms: Iterable[str]) -> str:
    """Words that need a boundary after them, or elided forms ("d'") that need none."""
    terms = list(terms)
    elided = [t for t in terms if t[-1:] in _APOSTROPHES]
    words = [t for t in terms if t[-1:] not in _APOSTROPHES]
    return rf"(?:(?:{_alt(words)})(?!\w)|(?:{_alt(elided)}))"


def _after_pattern(terms: Iterable[str]) -> str:
    words = [t for t in terms if t[:1].isalpha()]
    signs = [t for t in terms if not t[:1].isalpha()]
    parts = []
    if words:
        parts.append(rf"{WS}+(?:{_alt(words)})(?!\w)")
    if signs:
        parts.append(rf"{WS}*(?:{_alt(signs, symbols=True)})(?!\w)")
    return "|".join(parts) if parts else "(?!)"


@cache
def get_lexicon(lang: str) -> Lexicon:
    """The compiled lexicon of ``lang`` (read and compiled once per process).

    Raises :class:`LexiconError` when a data file is missing or malformed.
    """
    nw = load_lang_file(lang, "number_words")
    sc = load_lang_file(lang, "scales")
    cu = load_lang_file(lang, "currencies")
    un = load_lang_file(lang, "units")
    he = load_lang_file(lang, "hedges")
    co = load_lang_file(lang, "counts")

    decimal = str(nw.get("decimal_separator", ""))
    if decimal not in {",", "."}:
        raise _fail(lang, "number_words", "decimal_separator must be ',' or '.'")

    words = _numbers(nw, "words", lang=lang, name="number_words")
    multipliers = _numbers(nw, "multipliers", lang=lang, name="number_words")
    approximate = _numbers(nw, "approximate", lang=lang, name="number_words")
    collectives = _numbers(nw, "collectives", lang=lang, name="number_words")
    fractions = _numbers(nw, "fractions", lang=lang, name="number_words")
    article_terms = _strings(nw, "articles", lang=lang, name="number_words")
    joiner_terms = _strings(nw, "joiners", lang=lang, name="number_words")
    fdet_terms = _strings(nw, "fraction_determiners", lang=lang, name="number_words")
    follower_terms = _strings(nw, "fraction_followers", lang=lang, name="number_words")
    connector_terms = _strings(nw, "connectors", lang=lang, name="number_words")
    negative_terms = _strings(nw, "negatives", lang=lang, name="number_words")
    point_terms = _strings(nw, "decimal_points", lang=lang, name="number_words")
    raw_words = list(_mapping(nw, "words", lang=lang, name="number_words"))
    raw_mult = list(_mapping(nw, "multipliers", lang=lang, name="number_words"))
    articles = frozenset(fold(a) for a in article_terms)

    scale_words, scale_abbr = _scales(sc, lang=lang)
    raw_scale_words = [str(w) for w in _mapping(sc, "words", lang=lang, name="scales")]
    raw_scale_abbr = [str(w) for w in _mapping(sc, "abbreviations", lang=lang, name="scales")]

    codes = _strings(cu, "codes", lang=lang, name="currencies")
    raw_symbols = {
        str(k): str(v) for k, v in _mapping(cu, "symbols", lang=lang, name="currencies").items()
    }
    raw_names = {
        str(k): str(v) for k, v in _mapping(cu, "names", lang=lang, name="currencies").items()
    }
    ambiguous = {fold(a) for a in _strings(cu, "ambiguous", lang=lang, name="currencies")}
    # a qualifier in letters before or after "$" ("C$", "HK$", "Mex$", "$ HK") is also
    # read in any case and spaced ("c $", "$ hk"), unless the letters are a word
    # ("a $5 fee")
    loose_symbols = [
        k
        for k in raw_symbols
        if _LOOSE_SYMBOL.fullmatch(k)
        and fold(k.strip("$ ")) not in articles
        and fold(k.strip("$ ")) not in ambiguous
    ]
    prefixes = _raw_numbers(cu, "code_scale_prefixes", lang=lang, name="currencies")
    scaled_codes = {f"{p}{c}": (c, v) for p, v in prefixes.items() for c in codes}
    currency_symbols = {symbol_key(k): v for k, v in raw_symbols.items()}
    currency_symbols.update({c: c for c in codes})
    currency_symbols.update({k: c for k, (c, _) in scaled_codes.items()})
    currency_symbols.update({symbol_key(k).casefold(): raw_symbols[k] for k in loose_symbols})
    currency_symbol_scales = {k: v for k, (_, v) in scaled_codes.items()}
    currency_names = {fold(k): v for k, v in raw_names.items()}
    raw_subunits = {
        str(k): str(v) for k, v in _mapping(cu, "subunits", lang=lang, name="currencies").items()
    }
    currency_subunits = {fold(k): v for k, v in raw_subunits.items()}
    implied = _mapping(cu, "implied", lang=lang, name="currencies")
    cu_ref: dict[str, Any] = {"lang": lang, "name": "currencies"}

    unit_words, unit_symbols, unit_word_terms, unit_symbol_terms = _units(un, lang=lang)

    nouns: dict[str, str] = {}
    noun_terms: list[str] = []
    for canonical, forms in _mapping(co, "nouns", lang=lang, name="counts").items():
        if not isinstance(forms, list):
            raise _fail(lang, "counts", f"nouns.{canonical} is not a list")
        for form in forms:
            nouns[fold(str(form))] = str(canonical)
            noun_terms.append(str(form))
    modifiers = _strings(co, "modifiers", lang=lang, name="counts")
    open_mods = _mapping(co, "open_modifiers", lang=lang, name="counts")
    open_max = open_mods.get("max")
    if not isinstance(open_max, int) or open_max < 0:
        raise _fail(lang, "counts", "open_modifiers.max is not a count")
    open_not = _strings(open_mods, "not_words", lang=lang, name="counts")
    open_endings = _strings(open_mods, "not_endings", lang=lang, name="counts")
    count_excluded_after: dict[str, re.Pattern[str]] = {}
    for canonical, words_after in _mapping(co, "excluded_after", lang=lang, name="counts").items():
        if str(canonical) not in nouns.values():
            raise _fail(lang, "counts", f"excluded_after.{canonical} is no counted noun")
        if not isinstance(words_after, list) or not words_after:
            raise _fail(lang, "counts", f"excluded_after.{canonical} is not a list of words")
        count_excluded_after[str(canonical)] = re.compile(
            rf"(?:{WS}+|[{_HYPHEN_CLASS}])(?:{_word_or_elided(str(w) for w in words_after)})",
            re.IGNORECASE,
        )

    hedges = _hedges(he, "", lang=lang)
    hedges_after = _hedges(he, "_after", lang=lang)
    period = frozenset(fold(p) for p in _strings(he, "period", lang=lang, name="hedges"))
    joiners = _strings(he, "joiners", lang=lang, name="hedges")
    opener_map = _mapping(he, "openers", lang=lang, name="hedges")

    flags = re.IGNORECASE
    art = _alt(article_terms)
    w_all = _alt(raw_words + raw_mult)
    start_terms = [w for w in raw_words if fold(w) not in articles] + raw_mult
    w_start = _alt(start_terms)
    joiner = _alt(joiner_terms)
    scale_alt = _alt(raw_scale_words)
    mult_alt = _alt(raw_mult)
    sep = rf"(?:{WS}+|[{_HYPHEN_CLASS}])"
    art_before_mult = rf"(?:(?:{art}){WS}+(?=(?:{mult_alt})(?!\w)))?"
    wseq = rf"{art_before_mult}(?:{w_start})(?:{sep}(?:(?:{joiner}){sep})?(?:{w_all}))*"
    frac = _alt(list(_mapping(nw, "fractions", lang=lang, name="number_words")))
    fdet = _alt(article_terms + fdet_terms + raw_words)
    apx = _alt(list(_mapping(nw, "approximate", lang=lang, name="number_words")))
    apx_mod = _alt(_strings(nw, "approximate_modifiers", lang=lang, name="number_words"))
    col = _alt(list(_mapping(nw, "collectives", lang=lang, name="number_words")))
    follow = _word_or_elided(follower_terms)
    bare_fraction_terms = _strings(nw, "bare_fractions", lang=lang, name="number_words")
    bare_excluded = _strings(nw, "bare_fraction_excluded_before", lang=lang, name="number_words")
    bare = _alt(bare_fraction_terms)
    # digits may be glued to a currency symbol that ends with a letter ("Skr95bn")
    glued = "".join(
        f"|(?<=(?-i:{re.escape(sym)}))"
        for sym in sorted(set(raw_symbols) | set(codes))
        if sym[-1:].isalpha()
    )
    digits = (
        r"(?P<dig>(?:(?<![\w.,%])[-−+](?=\d))?(?:(?<![\w.,%])" + glued + r")(?<![^\W\d_][-‐‑])"
        r"(?:\d{1,3}(?:[ \u00a0\u202f.,'’]\d{3})+(?!\d)|\d+)(?:[.,]\d+)?(?![\d]))"
    )

    # "a dollar", "un euro", "a penny": an article is one of a currency named after it
    art_money = (
        rf"(?:{_alt(list(_mapping(cu, 'names', lang=lang, name='currencies')))}"
        rf"|{_alt(list(_mapping(cu, 'subunits', lang=lang, name='currencies')))})"
        rf"(?![\w{_HYPHEN_CLASS}])"
    )

    def core(with_follower: bool) -> re.Pattern[str]:
        look = rf"(?={WS}+{follow})" if with_follower else ""
        # a bare fraction ("Half of") states a share only before its follower
        bare_frac = bare if with_follower else "(?!)"
        return re.compile(
            rf"{digits}"
            rf"|(?<!\w)(?P<fsc>(?:(?P<fsdet>{fdet}){WS}+)?(?P<fsnum>{frac}))"
            rf"(?:{WS}+(?:{art}))?(?={WS}+(?:{scale_alt})(?!\w))"
            rf"|(?<!\w)(?P<frac>(?P<fdet>{fdet}){WS}+(?P<fnum>{frac})){look}(?!\w)"
            rf"|(?<!\w)(?P<bfrac>{bare_frac}){look}(?!\w)"
            rf"|(?<!\w)(?P<apx>(?:(?P<apxart>{art}){WS}+(?:(?:{apx_mod}){WS}+)?)?(?:{apx}))(?!\w)"
            rf"|(?<!\w)(?P<col>(?:(?:{art}){WS}+)?(?:{col}))(?!\w)"
            rf"|(?<!\w)(?P<art>{art})(?={WS}+(?:(?:{scale_alt})(?!\w)|{art_money}))"
            rf"|(?<!\w)(?P<ws>{wseq})(?!\w)",
            flags,
        )

    connector_re = rf"(?P<conn>{WS}+{_word_or_elided(connector_terms)}{WS}*)"

    loose_alt = "|".join(
        rf"{WS}?".join(re.escape(part) for part in _LOOSE_PARTS.findall(k))
        for k in sorted(loose_symbols, key=lambda t: (-len(t), t))
    )
    strict_alt = _alt(list(raw_symbols) + codes + list(scaled_codes), symbols=True)
    symbols_alt = rf"(?i:{loose_alt or '(?!)'})(?![\w'’])|{strict_alt}"
    sub_abbr = _strings(cu, "subunit_abbreviations", lang=lang, name="currencies")
    subunit_after = (
        rf"(?:{WS}*(?-i:{_alt(sub_abbr, symbols=True)})|{WS}+(?:{_alt(list(raw_subunits))}))"
        r"(?!\w)"
    )
    cents_after = rf"{WS}+(?:(?:{joiner}){WS}+)?"
    names_alt = _alt(list(raw_names))
    money_after = (
        rf"(?:{connector_re}|{WS}*|[{_HYPHEN_CLASS}])(?:(?-i:(?P<sym>{symbols_alt}))|(?P<name>{names_alt})"
        rf"|(?P<sub>{_alt(list(raw_subunits))}))(?!\w)"
    )
    unit_after = (
        rf"(?:{connector_re}|{WS}*|[{_HYPHEN_CLASS}])"
        rf"(?:(?-i:(?P<usym>{_alt(unit_symbol_terms, symbols=True)}))"
        rf"|(?P<uword>{_alt(unit_word_terms)}))(?!\w)"
    )
    # a brand ("Nvidia", "H100") or a lower-case word with a hyphen inside ("well-paid")
    brand = r"(?-i:[A-Z][\w\-]*|[^\W\d_A-Z]+-[^\W\d_]+(?!\w))"
    # a lower-case word off the list ("law firms", "mobile customers"), where the data
    # allows one: no function word, no verb or plural ending
    endings = "".join(f"(?<!{re.escape(e)})" for e in open_endings)
    # (function words are looked up in ``open_modifier_stop``: an alternation here
    # would cost a third of the extractor's time)
    open_word = rf"(?-i:(?P<open>[^\W\d_A-Z]+){endings}(?![\w'’{_HYPHEN_CLASS}]))"
    listed = rf"(?:{WS}+(?:(?:{_alt(modifiers)})(?!\w)|{brand})){{0,2}}?"
    count_after = (
        rf"(?:{connector_re}|(?P<mods>{listed}(?:{WS}+{open_word}){{0,{open_max}}}?){WS}+"
        rf"|(?P<hyphen>[{_HYPHEN_CLASS}]))"
        rf"(?P<noun>{_alt(noun_terms)})(?:s)?(?!\w)"
    )
    # not after a letter, an apostrophe or a point: "Apple's $5", "U.S. $5" are dollars
    prefix_currency = rf"(?<![^\W\d_])(?<!['’.])(?-i:(?P<sym>{symbols_alt})){WS}?$"
    prefix_name = rf"(?<!\w)(?P<name>{names_alt}){WS}+$"
    before_terms = [
        t for k in ("approx", "min", "max") for t in _strings(he, k, lang=lang, name="hedges")
    ]
    hedge_before = rf"(?<!\w)(?P<hedge>{_alt(before_terms)}){WS}*$"
    after_terms = (
        _strings(he, "approx_after", lang=lang, name="hedges")
        + _strings(he, "min_after", lang=lang, name="hedges")
        + _strings(he, "max_after", lang=lang, name="hedges")
    )
    not_before = _strings(he, "after_not_before", lang=lang, name="hedges")
    # "au plus fort", "et plus de 300": the after-hedge is another phrase there
    hedge_after = (
        rf"(?P<hedge>{_after_pattern(after_terms)})"
        rf"(?!{WS}*\d|{WS}+{_word_or_elided(not_before) if not_before else '(?!)'})"
    )
    opener_before = rf"(?<!\w)(?P<op>{_alt([str(k) for k in opener_map])}){WS}*$"

    def joiner_pattern(terms: Iterable[str]) -> str:
        terms = list(terms)
        word_j = [t for t in terms if t[:1].isalpha()]
        sign_j = [t for t in terms if not t[:1].isalpha()]
        parts = []
        if word_j:
            parts.append(rf"{WS}+(?:{_alt(word_j)}){WS}+")
        if sign_j:
            parts.append(rf"{WS}*(?:{_alt(sign_j, symbols=True)}){WS}*")
        return "|".join(parts) if parts else "(?!)"

    def with_prefix(pattern: str) -> re.Pattern[str]:
        return re.compile(rf"(?:{pattern})(?:(?-i:(?P<sym>{symbols_alt})){WS}?)?", flags)

    openers: dict[str, re.Pattern[str]] = {}
    for opener, own in opener_map.items():
        if not isinstance(own, list):
            raise _fail(lang, "hedges", f"openers.{opener} is not a list")
        openers[fold(str(opener))] = with_prefix(joiner_pattern([str(j) for j in own] + joiners))

    starters = _starters(
        raw_words
        + raw_mult
        + article_terms
        + fdet_terms
        + list(_mapping(nw, "fractions", lang=lang, name="number_words"))
        + list(_mapping(nw, "approximate", lang=lang, name="number_words"))
        + list(_mapping(nw, "collectives", lang=lang, name="number_words"))
    )
    excl_before = _strings(un, "duration_excluded_before", lang=lang, name="units")
    year_markers = _strings(co, "year_markers", lang=lang, name="counts")
    rank_markers = _strings(co, "rank_markers", lang=lang, name="counts")
    rank_after = _strings(co, "rank_after", lang=lang, name="counts")
    rank_scopes = _strings(co, "rank_scopes", lang=lang, name="counts")
    superlatives = _strings(co, "superlatives", lang=lang, name="counts")
    excl_after = _strings(un, "duration_excluded_after", lang=lang, name="units")

    token_words = (
        raw_words
        + raw_mult
        + raw_scale_words
        + article_terms
        + joiner_terms
        + negative_terms
        + point_terms
        + list(_mapping(nw, "approximate", lang=lang, name="number_words"))
        + list(_mapping(nw, "collectives", lang=lang, name="number_words"))
        + list(_mapping(nw, "fractions", lang=lang, name="number_words"))
    )
    number_token = (
        r"(?P<dig>(?:\d{1,2}(?:,\d\d)+,\d{3}(?!\d)"
        r"|\d{1,3}(?:[ \u00a0\u202f.,'’]\d{3})+(?!\d)|\d+)(?:[.,]\d+)?(?!\d)|[.,]\d+(?!\d))"
        rf"|(?<!\w)(?P<word>{_alt(token_words)})(?!\w)"
        rf"|(?-i:(?P<abbr>{_alt(raw_scale_abbr, symbols=True)}))(?!\w)"
    )

    return Lexicon(
        lang=lang,
        decimal=decimal,
        words=words,
        multipliers=multipliers,
        articles=articles,
        joiners=frozenset(fold(j) for j in joiner_terms),
        approximate=approximate,
        collectives=collectives,
        fractions=fractions,
        scale_words=scale_words,
        scale_abbreviations=scale_abbr,
        currency_names=currency_names,
        currency_subunits=currency_subunits,
        currency_symbols=currency_symbols,
        currency_symbol_scales=currency_symbol_scales,
        units=unit_words,
        unit_symbols=unit_symbols,
        count_nouns=nouns,
        open_modifier_stop=frozenset(fold(w) for w in open_not),
        hedges=hedges,
        hedges_after=hedges_after,
        period=period,
        negatives=frozenset(fold(t) for t in negative_terms),
        decimal_points=frozenset(fold(t) for t in point_terms),
        openers=openers,
        starters=starters,
        # where a number can start: a run of digits or a starting word; one cheap
        # pass over the text, the full number pattern runs only at these places
        scanner=re.compile(rf"\d+|(?<!\w)(?:{_alt(starters, symbols=True)})(?!\w)"),
        scanner_any_case=re.compile(rf"\d+|(?<!\w)(?:{_alt(starters, symbols=True)})(?!\w)", flags),
        core=core(True),
        core_plain=core(False),
        word_token=re.compile(rf"(?<!\w)(?:{w_all}|{joiner}|{art})(?!\w)", flags),
        scale_word=re.compile(rf"(?:{WS}*|[{_HYPHEN_CLASS}])(?P<scale>{scale_alt})(?!\w)", flags),
        scale_abbreviation=re.compile(
            rf"{WS}?(?-i:(?P<scale>{_alt(raw_scale_abbr, symbols=True)}))(?!\w)", flags
        ),
        connector=re.compile(connector_re, flags),
        money_after=re.compile(money_after, flags),
        unit_after=re.compile(unit_after, flags),
        count_after=re.compile(count_after, flags),
        prefix_currency=re.compile(prefix_currency, flags),
        prefix_name=_before(prefix_name, list(raw_names)),
        negative_before=_before(rf"(?<!\w)(?:{_alt(negative_terms)}){WS}+$", negative_terms),
        hedge_before=_before(hedge_before, before_terms),
        hedge_after=re.compile(hedge_after, flags),
        opener_before=_before(opener_before, [str(k) for k in opener_map]),
        joiner=with_prefix(joiner_pattern(joiners)),
        year_marker_before=_before(
            rf"(?<!\w)(?:{_alt(year_markers)}){WS}*$",
            year_markers,
        ),
        duration_excluded_before=_before(rf"(?<!\w)(?:{_alt(excl_before)}){WS}*$", excl_before),
        bare_fraction_excluded_before=_before(
            rf"(?<!\w)(?:{_alt(bare_excluded)}){WS}+$", bare_excluded
        ),
        count_excluded_after=count_excluded_after,
        rank_marker_before=_before(rf"(?<!\w)(?:{_alt(rank_markers)}){WS}*$", rank_markers),
        rank_after=re.compile(rf"{WS}+(?:{_alt(rank_after)})(?!\w)", flags),
        rank_scope_before=_before(rf"(?<!\w)(?:{_alt(rank_scopes)}){WS}*$", rank_scopes),
        superlative=re.compile(rf"(?<!\w)(?:{_alt(superlatives)})(?!\w)", flags),
        duration_excluded_after=re.compile(
            rf"(?:{WS}*|[{_HYPHEN_CLASS}])(?:{_alt(excl_after)})(?!\w)", flags
        ),
        number_token=re.compile(number_token, flags),
        cents_after=re.compile(cents_after, flags),
        subunit_after=re.compile(subunit_after, flags),
        trailing_connector=re.compile(rf"{WS}+(?:{_alt(connector_terms)})$", flags),
        collective_after=re.compile(rf"{WS}+(?P<col>{apx}|{col})(?!\w)", flags),
        implied_scales=frozenset(
            t if t in raw_scale_abbr else fold(t) for t in _strings(implied, "scales", **cu_ref)
        ),
        implied_context=re.compile(
            rf"(?<!\w)(?:{_alt(_strings(implied, 'context', **cu_ref))})(?!\w)", flags
        ),
        implied_noun_after=bool(implied.get("noun_after", False)),
    )
