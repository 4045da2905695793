"""Dates in running text: absolute, partial and relative date expressions.

:func:`find_dates` returns one :class:`~pipeline.types.Quantity` of kind ``date`` per
expression, with ``date`` the ISO 8601 value at the expression's own precision:

============================  ==============  ======================================
expression                    ``date``        family
============================  ==============  ======================================
``1er août 2025``             ``2025-08-01``  written day, month, year
``octobre 2025``, ``oct-25``  ``2025-10``     month and year (two-digit year: ``'25``)
``16/10/2025``, ``2024-05``   ``2025-10-16``  all digits (day/month order is data)
``fin 2026``, ``mi-2025``     ``2026-12``     a part of a year (or of a month)
``T1 2025``, ``H2 2026``      ``2025-Q1``     quarters (``Q``) and halves (``H``)
``semaine 42``, ``2025-W42``  ``2025-W42``    ISO week numbers
``en 2025``, ``d'ici 2030``   ``2030``        a bare year after a cue word
``FY2025``, ``FY25``          ``2025``        fiscal years (flag ``fiscal``)
``jeudi``, ``l'an prochain``  ``2025-10-16``  relative to ``published``
``mercredi 15``               ``2025-10-15``  a weekday and a day, month from ``published``
``fin de la décennie``        ``2029-12``     a part of the decade of ``published``
============================  ==============  ======================================

Words are data: month names in ``pipeline/lang/<xx>/months.yaml``, every other word
(weekdays, relative words, year parts, quarter words, cues, the order of an all-digit
date) in ``dates.yaml``. The code knows no language.

Conservative by design: a bare number is never a date; a bare year needs a cue word
("en 2025", "by 2030", "l'année 2026"), a date right before it ("en 2024 et 2025"), or
a weak cue and punctuation after it ("le film de 1994,"); a month name that is also a
common word ("mai", "Mars", "May", "March") needs a day or a year next to it; years are
1900-2100. Flags: ``target`` ("d'ici", "by"), ``since``, ``until``; ``relative`` and
``year_inferred`` for values read against ``published``, and ``unresolved`` when it is
``None`` (then ``date`` is ``None``).

A month, a day or a weekday without a year is read against ``published`` by the tense
of its clause (``dates.yaml`` ``tense``): after a future word or a forward cue ("will
open in December", "by December", "d'ici décembre") the next occurrence on or after it,
after a past word or a back cue ("opened in September", "depuis septembre") the last one
on or before it; with neither the nearest one (ties: the past one).

Without ``published``, an absolute date of month or day precision opening the text (a
dateline: "date 2024-05 (AOF) -", "PARIS, 16 octobre 2025 -") stands in for it; values
read against it carry the flag ``dateline``, and those it is too coarse for (a day
against a month) stay unresolved.

Speed: one scan for anchors (years, month names, weekdays, relative words... taken from
the data) on the lower-cased text, then the patterns run only in small windows around
them, never over the whole text once per pattern.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pipeline.errors import Errors, LexiconError
from pipeline.extract.spans import keep_disjoint, overlaps_any
from pipeline.lang import load_lang_file
from pipeline.types import Quantity

__all__ = ["find_dates", "lexicon_keys"]

# Apostrophe-like characters (dateparser's list): a "'" in the data matches any of them.
_APOSTROPHES = "'’ʼʻ՚ꞌ＇′‵ʹ"
_APOS_CLASS = f"[{_APOSTROPHES}]"
# After a phrase ending in "-" or an apostrophe the next word may follow directly.
_JOIN = rf"(?:(?<=[-{_APOSTROPHES}])\s*|\s+)"
_YEAR = r"(?:19\d\d|20\d\d|2100)"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
# What may not follow a number that ends a date: a letter, a decimal, another number.
_END = r"(?![\w%€$£]|[.,:/-]\d)"
_LEFT = r"(?<![\w.,/$€£#-])"
_LEFT_DIGIT = r"(?=\d)" + _LEFT
_NEVER = r"(?!)"
_CUE_WINDOW = 40
_DIGIT = re.compile(r"\d")
_DASHES = frozenset({"-", "–"})
_FLAG_ORDER = ("target", "since", "until")
# Digits that may belong to a date: a year-like number or a digit/digit date ("16/10/25").
# A leading character class lets the regex engine skip the other positions in C (an
# alternation or a look-behind first would not); any four-digit number is kept.
_DIGIT_ANCHOR = re.compile(r"[0-9](?:[0-9][0-9][0-9]|/[0-9])")
# Characters kept on each side of an anchor: longer than any date phrase around it.
_MARGIN = 32
_SPACE = re.compile(r"\s")
# Punctuation (or a line end) right after a year read after a weak cue.
_PUNCT_AFTER = re.compile(r"[ \t]*(?:[,;:!?)\]»”\"]|\.(?!\d)|$)", re.MULTILINE)
# A dateline stands for ``published`` when it starts this close to the text start.
_DATELINE_WINDOW = 100
_DATELINE_DATE = re.compile(r"\d{4}-\d\d(?:-\d\d)?")
_RESOLVED_FLAGS = frozenset({"relative", "year_inferred"})
# The tense of a date without a year is read in its clause, this far back at most.
_TENSE_WINDOW = 80
_CLAUSE_MARKS = frozenset(".;:!?,()\n–—")


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    date: str | None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Lexicon:
    """One language's date words, normalised, and the patterns built from them."""

    months: Mapping[str, int]
    needs_context: frozenset[str]
    ambiguous: frozenset[str]
    weekdays: Mapping[str, int]
    modifiers: Mapping[str, str]
    relative_days: Mapping[str, int]
    relative_periods: Mapping[str, tuple[str, int]]
    year_context: frozenset[str]
    year_parts: Mapping[str, int]
    decade_years: Mapping[str, int]
    period_words: Mapping[str, tuple[str, int]]
    period_abbreviations: Mapping[str, tuple[str, int]]
    ordinals: Mapping[str, int]
    day_words: Mapping[str, int]
    counted_units: Mapping[str, str]
    counted_numbers: Mapping[str, int]
    numeric_order: tuple[str, ...]
    spaced_short_year: bool
    patterns: Mapping[str, re.Pattern[str]]
    anchors: re.Pattern[str]
    anchors_folded: re.Pattern[str]
    cue: re.Pattern[str]
    year_noun_before: re.Pattern[str]
    weak_cue_before: re.Pattern[str]
    amount_after: re.Pattern[str]
    continuation: re.Pattern[str]
    tense_forward: re.Pattern[str]  # "will", "doit", "ouvrira": the next occurrence
    tense_back: re.Pattern[str]  # "was", "avait": the last occurrence
    forward_cues: frozenset[str]  # cue flags that point forward over a past word ("by")
    back_cues: frozenset[str]  # cue flags that point back ("since")
    weak_forward_cues: frozenset[str]  # forward without a tense word ("until")


def _norm(phrase: str) -> str:
    """Lower case, one apostrophe, single spaces, no trailing dot: the lookup key."""
    out = phrase.lower()
    for apostrophe in _APOSTROPHES[1:]:
        out = out.replace(apostrophe, "'")
    return " ".join(out.split()).rstrip(".")


def _phrase_re(phrase: str, *, capitalized: bool = False) -> str:
    """A regex for a data phrase: any apostrophe, any run of spaces, optional capital."""
    parts: list[str] = []
    for i, char in enumerate(phrase):
        if char in _APOSTROPHES:
            parts.append(_APOS_CLASS)
        elif char == " ":
            parts.append(r"\s+")
        elif i == 0 and capitalized and char.isalpha():
            parts.append(f"(?-i:{re.escape(char.upper())})")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def _alt(phrases: Iterable[str], *, capitalized: bool = False) -> str:
    """Alternation of phrases, longest first so that regex alternation prefers them."""
    unique = sorted(set(phrases), key=lambda p: (-len(p), p))
    if not unique:
        return _NEVER
    # A lookahead on the first character lets the engine reject most positions at once.
    first = {c for p in unique for c in _first_chars(p)}
    body = "|".join(_phrase_re(p, capitalized=capitalized) for p in unique)
    return f"(?:(?=[{re.escape(''.join(sorted(first)))}])(?:{body}))"


def _lead(*groups: Iterable[str], digits: bool = False) -> str:
    """A look-ahead on the first characters a pattern can start with: checked first, it
    rejects most positions at once (patterns that open with optional words need it)."""
    first = {c for phrases in groups for p in phrases if p for c in _first_chars(p)}
    if digits:
        first.update("0123456789")
    return f"(?=[{re.escape(''.join(sorted(first)))}])" if first else _NEVER


def _first_chars(phrase: str) -> str:
    return _APOSTROPHES if phrase[0] in _APOSTROPHES else phrase[0]


def _trie(words: Iterable[str]) -> str:
    """A regex matching exactly ``words``, as a trie: each branch starts with a literal,
    which the regex engine checks before entering it (a flat alternation tries them all)."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(c) + emit(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root) or _NEVER


def _anchor_word(phrase: str) -> str:
    """The longest word of a data phrase, lower case: finding it finds the phrase."""
    words = re.findall(r"\w+", phrase.lower())
    return max(words, key=len) if words else ""


def _month_forms(data: Mapping[str, Any], path: str) -> tuple[dict[str, int], set[str], str]:
    """Month lookup, forms that need a day or year, and the month regex."""
    months: dict[str, int] = {}
    needs_context = {_norm(str(w)) for w in data.get("ambiguous", [])}
    capitalized = bool(data.get("capitalized", False))
    regexes: list[tuple[int, str]] = []
    for number, forms in data["months"].items():
        month = int(number)
        if not 1 <= month <= 12 or not isinstance(forms, dict):
            raise LexiconError(Errors.E250.format(path=path, entry=number))
        for name in forms.get("names", []):
            months[_norm(str(name))] = month
            regexes.append((len(str(name)), _phrase_re(str(name), capitalized=capitalized)))
        for abbreviation in forms.get("abbreviations", []):
            text = str(abbreviation)
            key = _norm(text)
            months[key] = month
            needs_context.add(key)
            dot = r"\." if text.endswith(".") else r"\.?"
            body = _phrase_re(text.rstrip("."), capitalized=capitalized)
            regexes.append((len(text), body + dot))
    regexes.sort(key=lambda r: -r[0])
    return months, needs_context, f"(?:{_lead(months)}(?:{'|'.join(r for _, r in regexes)}))"


def _numeric_re(order: tuple[str, ...]) -> str:
    """Regex of an all-digit date in the language's order ("16/10/2025")."""
    width = {"day": r"\d{1,2}", "month": r"\d{1,2}", "year": r"\d{4}|\d{2}"}
    parts = [f"(?P<{name}>{width[name]})" for name in order]
    return _LEFT_DIGIT + parts[0] + r"(?P<sep>[/.-])" + parts[1] + "(?P=sep)" + parts[2] + _END


def _build(lang: str) -> _Lexicon:
    months_data = load_lang_file(lang, "months")
    data = load_lang_file(lang, "dates")
    path = f"{lang}/dates.yaml"
    try:
        months, needs_context, month_re = _month_forms(months_data, f"{lang}/months.yaml")
        order = tuple(str(p) for p in data["numeric_order"])
        if sorted(order) != ["day", "month", "year"]:
            raise LexiconError(Errors.E250.format(path=path, entry="numeric_order"))
        full_names = [
            str(n)
            for forms in months_data["months"].values()
            for n in forms.get("names", [])
            if _norm(str(n)) not in needs_context
        ]
        month_capitalized = bool(months_data.get("capitalized", False))
        weekday_capitalized = bool(data.get("weekday_capitalized", False))
        weekdays = {_norm(str(k)): int(v) for k, v in data["weekdays"].items()}
        modifiers: dict[str, str] = {}
        mod_words: dict[str, list[str]] = {"before": [], "after": []}
        for position in ("before", "after"):
            for meaning, words in data["modifiers"][position].items():
                for word in words:
                    modifiers[_norm(str(word))] = str(meaning)
                    mod_words[position].append(str(word))
        relative_days = {_norm(str(k)): int(v) for k, v in data["relative_days"].items()}
        relative_periods = {
            _norm(str(phrase)): (str(unit), int(offset))
            for unit, phrases in data["relative_periods"].items()
            for phrase, offset in phrases.items()
        }
        year_context = frozenset(_norm(str(p)) for p in data["year_context"])
        year_parts = {
            _norm(str(p)): int(part["month"])
            for part in data["year_parts"].values()
            for p in part["phrases"]
        }
        decade_years = {
            _norm(str(p)): int(part["decade_year"])
            for part in data["year_parts"].values()
            for p in part["phrases"]
        }
        decade_context = [str(p) for p in data["decade_context"]]
        week_words = [str(w) for w in data["week_words"]]
        fiscal = [str(w) for w in data["fiscal_abbreviations"]]
        weak_cues = [str(w) for w in data["weak_year_cues"]]
        weekday_day_connectors = [str(w) for w in data["weekday_day_connectors"]]
        day_not_before = [str(w) for w in data["day_not_before"]]
        ambiguous = frozenset(_norm(str(w)) for w in months_data.get("ambiguous", []))
        period_words: dict[str, tuple[str, int]] = {}
        period_abbreviations: dict[str, tuple[str, int]] = {}
        for period in data["periods"].values():
            value = (str(period["code"]), int(period["count"]))
            period_words.update({_norm(str(w)): value for w in period["words"]})
            period_abbreviations.update({str(a): value for a in period["abbreviations"]})
        ordinals = {_norm(str(k)): int(v) for k, v in data["ordinals"].items()}
        cues = {str(flag): [str(p) for p in phrases] for flag, phrases in data["cues"].items()}
        connectors = [str(c) for c in data["range_connectors"]]
        day_connectors = [c for c in connectors if c != ","]
        text_orders = {str(o) for o in data["text_orders"]}
        suffix = _alt(str(s) for s in data["day_suffixes"])
        year_nouns = [str(n) for n in data["year_nouns"]]
        not_before = [str(w) for w in data["not_before"]]
        openers = [str(w) for w in data["range_openers"]]
        month_year_connectors = [str(w) for w in months_data["month_year_connectors"]]
        day_words = {_norm(str(k)): int(v) for k, v in data["day_words"].items()}
        tense = data["tense"]
        tense_res = {
            way: _tense_re(
                [str(w) for w in tense[way]["words"]], [str(e) for e in tense[way]["endings"]]
            )
            for way in ("forward", "back")
        }
        forward_cues = frozenset(str(c) for c in tense["forward"]["cues"])
        back_cues = frozenset(str(c) for c in tense["back"]["cues"])
        weak_forward_cues = frozenset(str(c) for c in tense["forward"]["weak_cues"])
        if tense["back"]["weak_cues"]:
            raise LexiconError(Errors.E250.format(path=path, entry="tense.back.weak_cues"))
        day_month_connectors = [str(w) for w in data["day_month_connectors"]]
        counted = data["counted"]
        counted_units = {_norm(str(k)): str(v) for k, v in counted["units"].items()}
        counted_numbers = {_norm(str(k)): int(v) for k, v in counted["numbers"].items()}
        counted_words = {
            (direction, position): [str(w) for w in counted[direction][position]]
            for direction in ("past", "future")
            for position in ("before", "after")
        }
        period_connectors = [str(w) for w in data["period_connectors"]]
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise LexiconError(Errors.E251.format(lang=lang, detail=repr(e))) from e

    wd = _alt((str(k) for k in data["weekdays"]), capitalized=weekday_capitalized)
    mod_before = _alt(mod_words["before"])
    mod_after = _alt(mod_words["after"])
    day = rf"(?P<d>{_DAY}{suffix}?(?!\d)|{_alt(day_words)}(?!\w))"
    extra_day = rf"(?P<dx>{_DAY}){suffix}?(?!\d)"
    dconn = _alt(day_connectors)
    year_ref = _alt(
        [str(p) for p in data["relative_periods"]["year"]] + [str(p) for p in data["year_context"]]
    )
    relative_phrases = [str(p) for p in data["relative_days"]] + [
        str(p) for phrases in data["relative_periods"].values() for p in phrases
    ]
    abbreviations = "|".join(map(re.escape, period_abbreviations)) or _NEVER
    ynoun = _alt(year_nouns)
    year_tail = rf"(?:(?:{ynoun}){_JOIN}?)?(?P<y>{_YEAR}){_END}" rf"|(?P<yr>{year_ref})(?!\w)"
    pconn = _alt(period_connectors)
    counted_lead = _lead(
        counted_words["past", "before"],
        counted_words["future", "before"],
        counted_numbers,
        digits=True,
    )
    # What may not follow a day number read without its month: a time, an amount.
    day_end = rf"(?![\w%€$£]|[.,:/h-]\d|\s*\d|\s*(?:{_alt(day_not_before)})(?!\w))"
    patterns: dict[str, str] = {
        "numeric": _numeric_re(order),
        "iso": rf"{_LEFT_DIGIT}(?P<y>{_YEAR})(?P<sep>[-/])(?P<m>0[1-9]|1[0-2])"
        rf"(?:(?P=sep)(?P<d>0[1-9]|[12]\d|3[01]))?{_END}",
        "month_year_digits": rf"{_LEFT_DIGIT}(?P<m>0?[1-9]|1[0-2])/(?P<y>{_YEAR}){_END}",
        "month_year": rf"(?<![\w.])(?P<m>{month_re})(?!\w)(?:\s*[,/-]\s*|\s+)"
        rf"(?:(?:{_alt(month_year_connectors)})\s+)?(?P<y>{_YEAR}){_END}",
        "period_word": rf"(?<!\w)(?P<ord>{_alt(ordinals)})\s+(?P<pw>{_alt(period_words)})(?!\w)"
        rf"(?:\s+(?:(?:{_alt(period_connectors)}){_JOIN})?(?:{year_tail}))?",
        "period_abbreviation": rf"(?<!\w)(?-i:(?P<ab>{abbreviations}))"
        rf"(?P<n>[1-4])(?:\s*[-/']\s*|\s+(?:(?:{_alt(period_connectors)}){_JOIN})?)"
        rf"(?:(?:{ynoun}){_JOIN}?)?(?P<y>{_YEAR}){_END}",
        "part": rf"(?<!\w)(?P<part>{_alt(year_parts)}){_JOIN}"
        rf"(?:(?P<m>{month_re})(?!\w)(?:\s+(?P<my>{_YEAR}){_END})?|{year_tail}"
        rf"|(?P<dec>{_alt(decade_context)})(?!\w))",
        "month_year_short": rf"(?<![\w.])(?P<m>{month_re})(?!\w)"
        rf"(?:(?P<ap>\s*(?:[-/]\s*)?{_APOS_CLASS})|[-/]|(?P<sp>\s+))(?P<yy>\d\d){_END}",
        "weekday_day": rf"(?<!\w)(?P<wd>{wd}),?\s+(?:(?:{_alt(weekday_day_connectors)})\s+)?"
        rf"(?P<d>{_DAY}){suffix}?(?!\d){day_end}",
        "iso_week": rf"{_LEFT_DIGIT}(?P<y>{_YEAR})-?(?-i:W)(?P<w>0[1-9]|[1-4]\d|5[0-3]){_END}",
        "week": rf"(?<!\w)(?P<wk>{_alt(week_words)})\s+(?P<w>0?[1-9]|[1-4]\d|5[0-3])"
        rf"(?![\w%€$£]|[.,:/-]\d|\s*\d)(?:\s+(?:{pconn}{_JOIN})?(?:{year_tail}))?",
        "fiscal": rf"(?<!\w)(?-i:{_alt(fiscal)})\s?{_APOS_CLASS}?(?P<y>{_YEAR}|\d\d){_END}",
        "weekday": rf"{_lead(mod_words['before'], weekdays)}(?<!\w)"
        rf"(?:(?P<mb>{mod_before})\s+)?(?P<wd>{wd})(?!\w)"
        rf"(?:\s+(?P<ma>{mod_after})(?!\w))?",
        "month_alone": rf"{_lead(mod_words['before'], full_names)}(?<!\w)"
        rf"(?:(?P<mb>{mod_before})\s+)?"
        rf"(?P<m>{_alt(full_names, capitalized=month_capitalized)})(?!\w)"
        rf"(?:\s+(?P<ma>{mod_after})(?!\w))?",
        "relative": rf"(?<!\w)(?P<rel>{_alt(relative_phrases)})(?!\w)",
        "counted": rf"{counted_lead}(?<!\w)(?:(?P<pb>{_alt(counted_words['past', 'before'])})|"
        rf"(?P<fb>{_alt(counted_words['future', 'before'])}))?\s*"
        rf"(?<!\w)(?P<n>\d{{1,3}}|{_alt(counted_numbers)})\s+(?P<u>{_alt(counted_units)})(?!\w)"
        rf"(?:\s+(?:(?P<pa>{_alt(counted_words['past', 'after'])})|"
        rf"(?P<fa>{_alt(counted_words['future', 'after'])}))(?!\w))?",
        "year_range": rf"{_lead(openers, digits=True)}{_LEFT}"
        rf"(?:(?P<op>{_alt(openers)})\s+)?(?P<y>{_YEAR})\s*"
        rf"(?P<c>{_alt(connectors)})\s*(?P<y2>{_YEAR}){_END}",
        "year": rf"{_LEFT_DIGIT}(?P<y>{_YEAR}){_END}(?!\s*[-–]?\s*\d)",
    }
    if "day_month" in text_orders:
        patterns["day_month"] = (
            rf"{_lead(weekdays, day_words, digits=True)}{_LEFT}"
            rf"(?:(?P<wd>{wd}),?\s+)?(?:{extra_day}\s*(?:{dconn})\s*)?"
            rf"{day}(?:\s+(?:{_alt(day_month_connectors)}\s+)?|[-/])(?P<m>{month_re})(?!\w)"
            rf"(?:(?:\s*,)?\s+(?P<y>{_YEAR}){_END}|[-/](?P<yh>{_YEAR}|\d\d){_END}"
            rf"|\s+(?P<ma>{mod_after})(?!\w))?"
        )
    if "month_day" in text_orders:
        patterns["month_day"] = (
            rf"{_lead(weekdays, months)}(?<![\w.])(?:(?P<wd>{wd}),?\s+)?"
            rf"(?P<m>{month_re})(?!\w)\s*{day}(?![\w]|[.,:]\d)"
            rf"(?:\s*(?:{dconn})\s*{extra_day}(?!\w))?(?:(?:\s*,)?\s+(?P<y>{_YEAR}){_END})?"
        )
    flags = re.IGNORECASE
    # Every date expression holds a digit anchor or one of these words: the patterns
    # run only around them. Phrases are found by their longest word.
    anchor_words = {
        _anchor_word(w)
        for w in [
            *months,
            *weekdays,
            *period_words,
            *year_context,
            *counted_units,
            *relative_phrases,
            *decade_context,
            *week_words,
        ]
    } - {""}
    glued = {w.lower() for w in fiscal}
    anchors = rf"(?<!\w)(?:{_trie(anchor_words)}(?!\w)|{_trie(glued)}(?=\s?{_APOS_CLASS}?\d))"
    cue_groups = "|".join(f"(?P<{flag}>{_alt(phrases)})" for flag, phrases in cues.items())
    return _Lexicon(
        months=months,
        needs_context=frozenset(needs_context),
        ambiguous=ambiguous,
        weekdays=weekdays,
        modifiers=modifiers,
        relative_days=relative_days,
        relative_periods=relative_periods,
        year_context=year_context,
        year_parts=year_parts,
        decade_years=decade_years,
        period_words=period_words,
        period_abbreviations=period_abbreviations,
        ordinals=ordinals,
        day_words=day_words,
        counted_units=counted_units,
        counted_numbers=counted_numbers,
        numeric_order=order,
        spaced_short_year="month_day" not in text_orders,
        patterns={name: re.compile(p, flags) for name, p in patterns.items()},
        anchors=re.compile(anchors),
        anchors_folded=re.compile(anchors, flags),
        cue=re.compile(rf"(?<!\w)(?:{cue_groups}){_JOIN}\Z", flags),
        year_noun_before=re.compile(rf"(?<!\w){ynoun}{_JOIN}?\Z", flags),
        weak_cue_before=re.compile(rf"(?<!\w){_alt(weak_cues)}{_JOIN}\Z", flags),
        amount_after=re.compile(rf"\s*{_alt(not_before)}(?!\w)", flags),
        continuation=re.compile(rf"\s*(?:{_alt(connectors)})\s*", flags),
        tense_forward=re.compile(tense_res["forward"], flags),
        tense_back=re.compile(tense_res["back"], flags),
        forward_cues=forward_cues,
        back_cues=back_cues,
        weak_forward_cues=weak_forward_cues,
    )


def _tense_re(words: list[str], endings: list[str]) -> str:
    """Tense words, or any word with one of ``endings`` ("ouvrira")."""
    ending = rf"|\w+(?:{_alt(endings)})" if endings else ""
    return rf"(?<!\w)(?:{_alt(words)}{ending})(?!\w)"


@cache
def _lexicon(lang: str) -> _Lexicon:
    return _build(lang)


def lexicon_keys(lang: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Top-level keys of ``months.yaml`` and ``dates.yaml`` for ``lang`` (sorted)."""
    return (
        tuple(sorted(load_lang_file(lang, "months"))),
        tuple(sorted(load_lang_file(lang, "dates"))),
    )


# --- values ---------------------------------------------------------------------------


def _day_iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def _month_iso(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _nearest_month(month: int, published: dt.date, mode: str | None) -> str:
    """The occurrence of ``month`` nearest to ``published`` (ties: the past one).

    ``mode`` ``last``/``next`` asks for the latest one strictly before / the first one
    strictly after the publication month; ``back``/``onward`` (the tense of the
    clause, :func:`_direction`) the latest one on or before / the first one on or after.
    """
    now = _month_index(published.year, published.month)
    options = [_month_index(published.year + k, month) for k in (-1, 0, 1)]
    if mode == "last":
        return _month_iso(max(i for i in options if i < now))
    if mode == "next":
        return _month_iso(min(i for i in options if i > now))
    if mode == "back":
        return _month_iso(max(i for i in options if i <= now))
    if mode == "onward":
        return _month_iso(min(i for i in options if i >= now))
    return _month_iso(min(options, key=lambda i: (abs(i - now), i > now)))


def _nearest_day(month: int, day: int, published: dt.date, mode: str | None) -> str | None:
    """The date ``day``/``month`` nearest to ``published`` (ties: the past one);
    ``mode`` ``last``/``next``: the latest one before / the first one after it;
    ``back``/``onward``: on or before / on or after it."""
    options: list[dt.date] = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            options.append(dt.date(year, month, day))
        except ValueError:
            continue
    if mode == "last":
        options = [d for d in options if d < published]
    elif mode == "next":
        options = [d for d in options if d > published]
    elif mode == "back":
        options = [d for d in options if d <= published]
    elif mode == "onward":
        options = [d for d in options if d >= published]
    if not options:
        return None
    best = min(options, key=lambda d: (abs((d - published).days), d > published))
    return best.isoformat()


def _weekday(weekday: int, published: dt.date, mode: str | None) -> str:
    """``jeudi``: the latest such day on or before ``published``; ``last``: strictly
    before; ``next``: the first one strictly after; ``onward``: on or after."""
    if mode in {"next", "onward"}:
        ahead = (weekday - published.isoweekday()) % 7
        if mode == "next" and ahead == 0:
            ahead = 7
        return (published + dt.timedelta(days=ahead)).isoformat()
    back = (published.isoweekday() - weekday) % 7
    if mode == "last" and back == 0:
        back = 7
    return (published - dt.timedelta(days=back)).isoformat()


def _full_year(digits: str) -> int:
    """A year written with four digits, or with two ("25" -> 2025, "98" -> 1998)."""
    year = int(digits)
    if len(digits) != 2:
        return year
    return year + (2000 if year < 70 else 1900)


def _week_iso(year: int, week: int) -> str | None:
    try:
        dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        return None
    return f"{year:04d}-W{week:02d}"


def _weekday_day(weekday: int, day: int, published: dt.date) -> str | None:
    """``mercredi 15``: the day ``day`` nearest to ``published`` (ties: the past one)
    that falls on ``weekday``, within three months; else the nearest day ``day``."""
    now = _month_index(published.year, published.month)
    options: list[dt.date] = []
    for index in range(now - 3, now + 4):
        iso = _day_iso(index // 12, index % 12 + 1, day)
        if iso is not None:
            options.append(dt.date.fromisoformat(iso))
    if not options:
        return None
    fitting = [d for d in options if d.isoweekday() == weekday] or options
    best = min(fitting, key=lambda d: (abs((d - published).days), d > published))
    return best.isoformat()


def _relative_period(unit: str, offset: int, published: dt.date) -> str | None:
    if unit == "year":
        return f"{published.year + offset:04d}"
    if unit == "month":
        return _month_iso(_month_index(published.year, published.month) + offset)
    if unit == "week":
        iso = (published + dt.timedelta(weeks=offset)).isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}"
    if unit == "quarter":
        index = published.year * 4 + (published.month - 1) // 3 + offset
        return f"{index // 4:04d}-Q{index % 4 + 1}"
    if unit == "day":
        return (published + dt.timedelta(days=offset)).isoformat()
    return None


def _year_of(
    match: re.Match[str], lex: _Lexicon, published: dt.date | None
) -> tuple[int | None, tuple[str, ...]]:
    """The year of a ``year_tail`` (group ``y`` or ``yr``), or the publication year."""
    if match["y"]:
        return int(match["y"]), ()
    ref = _norm(match["yr"]) if match["yr"] else ""
    flag = "relative" if ref in lex.relative_periods else "year_inferred"
    if published is None:
        return None, (flag, "unresolved")
    unit, offset = lex.relative_periods.get(ref, ("year", 0))
    return published.year + (offset if unit == "year" else 0), (flag,)


# --- one function per pattern ---------------------------------------------------------

_Handler = Callable[[str, re.Match[str], _Lexicon, "dt.date | None"], list[_Candidate]]


def _written_day(
    text: str, match: re.Match[str], lex: _Lexicon, published: dt.date | None, day: int
) -> tuple[str | None, tuple[str, ...]] | None:
    month = lex.months[_norm(match["m"])]
    year = match["y"] or match.groupdict().get("yh")
    if year:
        iso = _day_iso(_full_year(year), month, day)
        return None if iso is None else (iso, ())
    if _day_iso(2024, month, day) is None:
        return None
    if published is None:
        return None, ("year_inferred", "unresolved")
    mode = lex.modifiers.get(_norm(match.groupdict().get("ma") or ""))
    if mode is None:
        mode = _direction(text, match.start(), lex)
    return _nearest_day(month, day, published, mode), ("year_inferred",)


def _day_value(text: str, lex: _Lexicon) -> int:
    """A day number written in digits ("16", "1er") or as a word ("premier")."""
    digits = text[:2] if text[:2].isdigit() else text[:1]
    return int(digits) if digits.isdigit() else lex.day_words[_norm(text)]


def _counted(
    text: str, match: re.Match[str], lex: _Lexicon, published: dt.date | None
) -> list[_Candidate]:
    """ "il y a deux ans", "in three months": a count of units from the publication date."""
    del text
    if match["pb"] or match["pa"]:
        sign = -1
    elif match["fb"] or match["fa"]:
        sign = 1
    else:
        return []
    if published is None:
        return [_Candidate(match.start(), match.end(), None, ("relative", "unresolved"))]
    raw = match["n"]
    count = int(raw) if raw.isdigit() else lex.counted_numbers[_norm(raw)]
    unit = lex.counted_units[_norm(match["u"])]
    offset = sign * count
    if unit == "day":
        date: str | None = (published + dt.timedelta(days=offset)).isoformat()
    elif unit == "week":
        date = (published + dt.timedelta(weeks=offset)).isoformat()
    else:
        date = _relative_period(unit, offset, published)
    return [_Candidate(match.start(), match.end(), date, ("relative",))]


def _day_month(
    text: str, match: re.Match[str], lex: _Lexicon, published: dt.date | None
) -> list[_Candidate]:
    main = _written_day(text, match, lex, published, _day_value(match["d"], lex))
    if main is None:
        return []
    if not match["dx"]:
        return [_Candidate(match.start(), match.end(), *main)]
    extra = _written_day(text, match, lex, published, int(match["dx"]))
    if extra is None or int(match["dx"]) >= _day_value(match["d"], lex):
        return [_Candidate(match.start("d"), match.end(), *main)]
    return [
        _Candidate(match.start(), match.end("dx"), *extra),
        _Candidate(match.start("d"), match.end(), *main),
    ]


def _month_day(
    text: str, match: re.Match[str], lex: _Lexicon, published: dt.date | None
) -> list[_Candidate]:
    main = _written_day(text, match, lex, published, _day_value(match["d"], lex))
    if main is None:
        return []
    if not match["dx"]:
        return [_Candidate(match.start(), match.end(), *main)]
    extra = _written_day(text, match, lex, published, int(match["dx"]))
    if extra is None or int(match["dx"]) <= _day_value(match["d"], lex):
        return [_Candidate(match.start(), match.end("d"), *main)]
    return [
        _Candidate(match.start(), match.end("d"), *main),
        _Candidate(match.start("dx"), match.end(), *extra),
    ]


def _numeric(
    text: str, match: re.Match[str], lex: _Lexicon, published: dt.date | None
) -> list[_Candidate]:
    del text, lex, published
    year = match["year"]
    if len(year) == 2 and match["sep"] != "/":
        return []
    if not 1900 <= _full_year(year) <= 2100:
        return []
    iso = _day_iso(_full_year(year), int(match["month"]), int(match["day"]))
    return [] if iso is None else [_Candidate(match.start(), match.end(), iso)]


def _iso(
    text: str, match: re.Match[str], lex: _Lexicon, published: dt.date | None
) -> list[_Candidate]:
    del text, lex, published
    if match["d"] is None:
        if match["sep"] != "-":
            return []
        return [_Candidate(match.start(), match.end(), f"{match['y']}-{match['m']}")]
    iso = _day_iso(int(match["y"]), int(match["m"]), int(match["d"]))
    return [] if iso is None else [_Candidate(match.start(), match.end(), iso)]


def _month_year_digits(
    text: str, match: re.Match[str], lex: _Lexicon, published: dt.date | None
) -> list[_Candidate]:
    del text, lex, published
    return [_Candidate(match.start(), match.end(), f"{match['y']}-{int(match['m']):02d}")]


def _month_year(
    text: str, match: re.Match[str], lex: _Lexicon, published: dt.date | None
) -> list[_Candidate]:
    del text, published
    month = lex.months[_norm(match["m"])]
    return [_Candidate(match.start(), match.end(), f"{match['y']}-{month:02d}")]


def _month_year_short(
    text: str, match: re.Match[str], lex: _Lexicon, published: dt.date | None
) -> list[_Candidate]:
    """ "oct-25", "Oct '25" (and "janv. 25" where no month-day order exists)."""
    del published
    key = _norm(match["m"])
    if match["sp"] and not (
        lex.spaced_short_year and key not in lex.ambiguous and _PUNCT_AFTER.match(text, match.end())
    ):
        return []
    date = f"{_full_year(match['yy']):04d}-{lex.months[key]:02d}"
    return [_Candidate(match.start(), match.end(), date)]


def _weekday_day_match(
    text: str, match: re.Match[str], lex: _Lexicon, published: dt.date | None
) -> list[_Candidate]:
    del text
    if published is None:
        return [_Candidate(match.start(), match.end(), None, ("relative", "unresolved"))]
    date = _weekday_day(lex.weekdays[_norm(match["wd"])], int(match["d"]), published)
    return [] if date is None else [_Candidate(match.start(), match.end(), date, ("relative",))]


def _iso_week(
    text: str, match: re.Match[str], lex: _Lexicon, published: dt.date | None
) -> list[_Candidate]:
    del text, lex, published
    date = _week_iso(int(match["y"]), int(match["w"]))
    return [] if date is None else [_Candidate(match.start(), match.end(), date)]


def _week(
    text: str, match: re.Match[str], lex: _Lexicon, published: dt.date | None
) -> list[_Candidate]:
    """ "semaine 42", "week 12 of 2025": an ISO week, of ``published``'s year by default."""
    if lex.amount_after.match(text, match.end("w")):
        return []
    if match["y"] or match["yr"]:
        year, flags = _year_of(match, lex, published)
    elif published is None:
        year, flags = None, ("year_inferred", "unresolved")
    else:
        year, flags = published.year, ("year_inferred",)
    if year is None:
        return [_Candidate(match.start(), match.end(), None, flags)]
    date = _week_iso(year, int(match["w"]))
    return [] if date is None else [_Candidate(match.start(), match.end(), date, flags)]


def _fiscal(
    text: str, match: re.Match[str], lex: _Lexicon, published: dt.date | None
) -> list[_Candidate]:
    del text, lex, published
    year = _full_year(match["y"])
    return [_Candidate(match.start(), match.end(), f"{year:04d}", ("fiscal",))]


def _period(
    match: re.Match[str],
    lex: _Lexicon,
    published: dt.date | None,
    *,
    code: str,
    count: int,
    number: int,
) -> list[_Candidate]:
    if number == -1 and match["y"]:
        number = count
    if not 1 <= number <= count:
        return []
    year, flags = _year_of(match, lex, published)
    date = None if year is None else f"{year:04d}-{code}{number}"
    return [_Candidate(match.start(), match.end(), date, flags)]


def _period_word(
    text: str, match: re.Match[str], lex: _Lexicon, published: dt.date | None
) -> list[_Candidate]:
    del text
    code, count = lex.period_words[_norm(match["pw"])]
    return _period(
        match, lex, published, code=code, count=count, number=lex.ordinals[_norm(match["ord"])]
    )


def _period_abbreviation(
    text: str, match: re.Match[str], lex: _Lexicon, published: dt.date | None
) -> list[_Candidate]:
    del text
    code, count = lex.period_abbreviations[match["ab"]]
    return _period(match, lex, published, code=code, count=count, number=int(match["n"]))


def _part(
    text: str, match: re.Match[str], lex: _Lexicon, published: dt.date | None
) -> list[_Candidate]:
    if match["m"]:
        month = lex.months[_norm(match["m"])]
        if match["my"]:
            date: str | None = f"{match['my']}-{month:02d}"
            flags: tuple[str, ...] = ()
        elif published is None:
            date, flags = None, ("year_inferred", "unresolved")
        else:
            mode = _direction(text, match.start(), lex)
            date, flags = _nearest_month(month, published, mode), ("year_inferred",)
        return [_Candidate(match.start(), match.end(), date, flags)]
    month = lex.year_parts[_norm(match["part"])]
    if match["dec"]:
        if published is None:
            return [_Candidate(match.start(), match.end(), None, ("relative", "unresolved"))]
        decade_year = published.year // 10 * 10 + lex.decade_years[_norm(match["part"])]
        date = f"{decade_year:04d}-{month:02d}"
        return [_Candidate(match.start(), match.end(), date, ("relative",))]
    year, flags = _year_of(match, lex, published)
    date = None if year is None else f"{year:04d}-{month:02d}"
    return [_Candidate(match.start(), match.end(), date, flags)]


def _modifier(match: re.Match[str], lex: _Lexicon) -> str | None:
    word = match["mb"] or match["ma"]
    return lex.modifiers[_norm(word)] if word else None


def _weekday_match(
    text: str, match: re.Match[str], lex: _Lexicon, published: dt.date | None
) -> list[_Candidate]:
    if published is None:
        return [_Candidate(match.start(), match.end(), None, ("relative", "unresolved"))]
    weekday = lex.weekdays[_norm(match["wd"])]
    date = _weekday(
        weekday, published, _modifier(match, lex) or _direction(text, match.start(), lex)
    )
    return [_Candidate(match.start(), match.end(), date, ("relative",))]


def _month_alone(
    text: str, match: re.Match[str], lex: _Lexicon, published: dt.date | None
) -> list[_Candidate]:
    mode = _modifier(match, lex)
    if mode is None and _cue(text, match.start(), lex) is None:
        return []
    if published is None:
        return [_Candidate(match.start(), match.end(), None, ("year_inferred", "unresolved"))]
    date = _nearest_month(
        lex.months[_norm(match["m"])], published, mode or _direction(text, match.start(), lex)
    )
    return [_Candidate(match.start(), match.end(), date, ("year_inferred",))]


def _relative(
    text: str, match: re.Match[str], lex: _Lexicon, published: dt.date | None
) -> list[_Candidate]:
    del text
    key = _norm(match["rel"])
    unit, offset = (
        ("day", lex.relative_days[key]) if key in lex.relative_days else (lex.relative_periods[key])
    )
    if published is None:
        return [_Candidate(match.start(), match.end(), None, ("relative", "unresolved"))]
    date = _relative_period(unit, offset, published)
    return [_Candidate(match.start(), match.end(), date, ("relative",))]


def _year_range(
    text: str, match: re.Match[str], lex: _Lexicon, published: dt.date | None
) -> list[_Candidate]:
    del published
    first, last = int(match["y"]), int(match["y2"])
    if last <= first or lex.amount_after.match(text, match.end()):
        return []
    cue = _cue(text, match.start(), lex)
    if not match["op"] and match["c"] not in _DASHES and cue is None:
        return []
    return [
        _Candidate(match.start("y"), match.end("y"), match["y"], cue or ()),
        _Candidate(match.start("y2"), match.end("y2"), match["y2"], cue or ()),
    ]


def _year(
    text: str, match: re.Match[str], lex: _Lexicon, published: dt.date | None
) -> list[_Candidate]:
    del published
    if lex.amount_after.match(text, match.end()):
        return []
    return [_Candidate(match.start(), match.end(), match["y"])]


_HANDLERS: dict[str, _Handler] = {
    "numeric": _numeric,
    "iso": _iso,
    "month_year_digits": _month_year_digits,
    "month_year": _month_year,
    "day_month": _day_month,
    "month_day": _month_day,
    "period_word": _period_word,
    "period_abbreviation": _period_abbreviation,
    "part": _part,
    "month_year_short": _month_year_short,
    "weekday_day": _weekday_day_match,
    "iso_week": _iso_week,
    "week": _week,
    "fiscal": _fiscal,
    "weekday": _weekday_match,
    "month_alone": _month_alone,
    "relative": _relative,
    "counted": _counted,
    "year_range": _year_range,
}
# Patterns that cannot match without a digit: skipped on digit-free text ("day_month"
# can: "le premier mars").
_NEEDS_DIGIT = frozenset(
    {
        "numeric",
        "iso",
        "month_year_digits",
        "month_year",
        "month_day",
        "period_abbreviation",
        "year_range",
        "month_year_short",
        "weekday_day",
        "iso_week",
        "week",
        "fiscal",
    }
)


# --- selection ------------------------------------------------------------------------


def _cue(text: str, start: int, lex: _Lexicon) -> tuple[str, ...] | None:
    """Flags of the cue word right before ``start`` (``()`` for a plain one), or None."""
    found = lex.cue.search(text, max(0, start - _CUE_WINDOW), start)
    if found is None:
        return None
    return tuple(flag for flag in _FLAG_ORDER if found.groupdict().get(flag))


def _direction(text: str, start: int, lex: _Lexicon) -> str | None:
    """Which occurrence a date without a year means, from the words of its clause before
    it and its cue, in the order of ``dates.yaml`` ``tense``: ``onward`` (the next on
    or after ``published``) after a future word ("will", "doit", "ouvrira") or a
    forward cue ("by", "d'ici"); ``back`` (the last on or before) after a past word
    ("was", "avait") or a back cue ("since"); ``onward`` after a weak forward cue
    ("until", "avant"); else None (the nearest occurrence)."""
    clause = start
    floor = max(0, start - _TENSE_WINDOW)
    while clause > floor and text[clause - 1] not in _CLAUSE_MARKS:
        clause -= 1
    cue = _cue(text, start, lex) or ()
    if lex.tense_forward.search(text, clause, start) is not None:
        return "onward"
    if lex.forward_cues.intersection(cue):
        return "onward"
    if lex.tense_back.search(text, clause, start) is not None:
        return "back"
    if lex.back_cues.intersection(cue):
        return "back"
    if lex.weak_forward_cues.intersection(cue):
        return "onward"
    return None


def _select(candidates: list[_Candidate]) -> list[_Candidate]:
    """Longest first, then leftmost; drop anything overlapping a kept candidate."""
    kept = keep_disjoint(
        candidates, span=lambda c: (c.start, c.end), rank=lambda c: (c.start - c.end, c.start)
    )
    return sorted(kept, key=lambda c: c.start)


def _with_cue_flags(text: str, candidate: _Candidate, lex: _Lexicon) -> _Candidate:
    cue = _cue(text, candidate.start, lex) or ()
    flags = tuple(dict.fromkeys((*cue, *candidate.flags)))
    if flags == candidate.flags:
        return candidate
    return _Candidate(candidate.start, candidate.end, candidate.date, flags)


def _end(span: tuple[int, int]) -> int:
    return span[1]


def _continue_lists(
    text: str, kept: list[_Candidate], pending: list[_Candidate], lex: _Lexicon
) -> list[_Candidate]:
    """Accept a bare year that follows a date with only a connector between them."""
    out = list(kept)
    # ``out`` stays sorted by start and pairwise disjoint (no date is empty), so its
    # ends rise too: the candidates ending before a year are a prefix of it
    spans = [(c.start, c.end) for c in out]
    for year in pending:
        n_before = bisect_right(spans, year.start, key=_end)
        if not n_before or overlaps_any(spans, (year.start, year.end)):
            continue
        previous = out[n_before - 1]
        if lex.continuation.fullmatch(text, previous.end, year.start):
            flags = tuple(f for f in previous.flags if f in _FLAG_ORDER)
            at = bisect_right(spans, (year.start, year.end))
            out.insert(at, _Candidate(year.start, year.end, year.date, flags))
            spans.insert(at, (year.start, year.end))
    return out


def _windows(text: str, lex: _Lexicon) -> list[tuple[int, int]]:
    """Stretches of ``text`` around its anchors, merged, each ending at a space or at
    the end of the text (so that no look-ahead is cut short by the stretch's end)."""
    lowered = text.lower()
    words = (
        lex.anchors.finditer(lowered)
        if len(lowered) == len(text)
        else lex.anchors_folded.finditer(text)
    )
    spans = sorted([m.span() for m in _DIGIT_ANCHOR.finditer(text)] + [m.span() for m in words])
    windows: list[tuple[int, int]] = []
    for start, end in spans:
        if windows and start - _MARGIN <= windows[-1][1]:
            if end + _MARGIN > windows[-1][1]:
                windows[-1] = (windows[-1][0], _to_space(text, end + _MARGIN))
            continue
        windows.append((max(0, start - _MARGIN), _to_space(text, end + _MARGIN)))
    return windows


def _to_space(text: str, position: int) -> int:
    if position >= len(text):
        return len(text)
    found = _SPACE.search(text, position)
    return len(text) if found is None else found.start()


def _candidates(
    text: str, windows: list[tuple[int, int]], lex: _Lexicon, published: dt.date | None
) -> list[_Candidate]:
    """Every date of ``text`` found in ``windows``, cue flags set, overlaps resolved."""
    candidates: list[_Candidate] = []
    pending: list[_Candidate] = []
    for start, end in windows:
        has_digit = _DIGIT.search(text, start, end) is not None
        for name, handler in _HANDLERS.items():
            pattern = lex.patterns.get(name)
            if pattern is None or (name in _NEEDS_DIGIT and not has_digit):
                continue
            for match in pattern.finditer(text, start, end):
                candidates.extend(handler(text, match, lex, published))
        if has_digit:
            for match in lex.patterns["year"].finditer(text, start, end):
                for year in _year(text, match, lex, published):
                    (candidates if _year_is_cued(text, year, lex) else pending).append(year)
    kept = [_with_cue_flags(text, c, lex) for c in _select(candidates)]
    return _continue_lists(text, kept, pending, lex)


def _year_is_cued(text: str, year: _Candidate, lex: _Lexicon) -> bool:
    """A cue or a year noun before a bare year, or a weak cue and punctuation after it."""
    left = max(0, year.start - _CUE_WINDOW)
    if _cue(text, year.start, lex) is not None:
        return True
    if lex.year_noun_before.search(text, left, year.start):
        return True
    return bool(
        lex.weak_cue_before.search(text, left, year.start) and _PUNCT_AFTER.match(text, year.end)
    )


def _dateline(candidates: list[_Candidate]) -> tuple[dt.date, bool] | None:
    """The absolute date of month or day precision opening the text, if any, and
    whether it gives the day."""
    for candidate in candidates:
        if candidate.start >= _DATELINE_WINDOW:
            return None
        date = candidate.date
        if date is None or candidate.flags or not _DATELINE_DATE.fullmatch(date):
            continue
        day_precision = len(date) == 10
        return dt.date.fromisoformat(date if day_precision else date + "-01"), day_precision
    return None


def _against_dateline(candidates: list[_Candidate], *, day_precision: bool) -> list[_Candidate]:
    """Values read against a dateline: flagged, or unresolved where it is too coarse."""
    out: list[_Candidate] = []
    for c in candidates:
        if c.date is None or not _RESOLVED_FLAGS.intersection(c.flags):
            out.append(c)
        elif not day_precision and (len(c.date) == 10 or "W" in c.date):
            out.append(_Candidate(c.start, c.end, None, (*c.flags, "unresolved")))
        else:
            out.append(_Candidate(c.start, c.end, c.date, (*c.flags, "dateline")))
    return out


def find_dates(text: str, lang: str, *, published: dt.date | None = None) -> list[Quantity]:
    """Every date expression in ``text``, sorted by start and non-overlapping.

    ``lang`` picks the data in ``pipeline/lang/<lang>/``; ``published`` resolves
    relative expressions ("jeudi", "l'an prochain"); without it a dateline opening the
    text does (flag ``dateline``), and without one they are returned with
    ``date=None`` and the flag ``unresolved``.
    """
    lex = _lexicon(lang)
    windows = _windows(text, lex)
    if not windows:
        return []
    kept = _candidates(text, windows, lex, published)
    if published is None and any("unresolved" in c.flags for c in kept):
        dateline = _dateline(kept)
        if dateline is not None:
            reference, day_precision = dateline
            kept = _against_dateline(
                _candidates(text, windows, lex, reference), day_precision=day_precision
            )
    return [
        Quantity(
            start=c.start,
            end=c.end,
            text=text[c.start : c.end],
            kind="date",
            value=None,
            date=c.date,
            flags=c.flags,
        )
        for c in kept
    ]
