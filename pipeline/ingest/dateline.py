"""Publication dates from the dateline that opens an article.

Two families of datelines are read in the first few hundred characters of a text:

* a publication cue followed by a date, anywhere in the head: ``Publié le 16/10/2025``,
  ``Published on Thursday, October 3, 2025``, ``Mis à jour le 3 oct. 2025``;
* a date at the start of a line, after an optional place, and followed by a
  separator or the end of the line: ``Paris, le 3 octobre 2025 —``,
  ``SAN FRANCISCO, Oct. 3, 2025 (Reuters) -``, ``2025-10-03``.

A date that opens a sentence (``Le 3 octobre 2025, OpenAI a...``) is not a dateline.
The words (months, weekdays, cues, ordinal suffixes, the day/month order of numeric
dates) come from ``pipeline/lang/<xx>/dateline.yaml``, read for every language folder
that has the file. When languages disagree on an all-numeric date (``03/10/2025``) the
record's language decides; without one the date is left unknown.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from pipeline.errors import Errors, LexiconError
from pipeline.lang import LANG_DIR, available_languages, load_lang_file

__all__ = ["DATELINE_FILE", "dateline_languages", "find_published"]

DATELINE_FILE = "dateline"
_HEAD_CHARS = 400
_MIN_YEAR = 1900
_MAX_YEAR = 2100
_ORDERS = ("dmy", "mdy")
_LIST_KEYS = ("weekdays", "ordinal_suffixes", "date_prefixes", "cues")


@dataclass(frozen=True, slots=True)
class _Rules:
    """The compiled dateline patterns of one language."""

    lang: str
    cue: re.Pattern[str]
    line: re.Pattern[str]
    months: Mapping[str, int]
    day_first: bool


def _alternation(words: Sequence[str]) -> str:
    """A regex alternation of ``words``, longest first, each escaped, spaces flexible."""
    ordered = sorted({w.casefold() for w in words}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


def _words(data: Mapping[str, Any], key: str, path: str) -> list[str]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
        raise LexiconError(Errors.E002.format(path=path, detail=f"{key!r} is not a word list"))
    return list(value)


def _months(data: Mapping[str, Any], path: str) -> dict[str, int]:
    table = data.get("months")
    if not isinstance(table, dict) or sorted(table) != list(range(1, 13)):
        raise LexiconError(Errors.E002.format(path=path, detail="'months' needs keys 1 to 12"))
    months: dict[str, int] = {}
    for number, words in table.items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise LexiconError(Errors.E002.format(path=path, detail=f"month {number} words"))
        months.update({w.casefold(): number for w in words})
    return months


def _date_pattern(months: Sequence[str], weekdays: Sequence[str], ordinals: Sequence[str]) -> str:
    month = rf"(?:{_alternation(months)})(?![^\W\d_])\.?"
    ordinal = rf"(?:{_alternation(ordinals)})?(?![^\W\d_])"
    weekday = rf"(?:(?:{_alternation(weekdays)})(?![^\W\d_])\.?,?\s+)?"
    day_month_year = rf"(?P<d1>[0-3]?\d){ordinal}\.?\s+(?P<m1>{month}),?\s+(?P<y1>\d{{4}})(?!\d)"
    month_day_year = rf"(?P<m2>{month})\s+(?P<d2>[0-3]?\d){ordinal},?\s+(?P<y2>\d{{4}})(?!\d)"
    numeric = r"(?P<a3>[0-3]?\d)(?P<s3>[/.-])(?P<b3>[0-3]?\d)(?P=s3)(?P<y3>\d{4})(?!\d)"
    iso = r"(?P<y4>\d{4})(?P<s4>[/.-])(?P<m4>[01]?\d)(?P=s4)(?P<d4>[0-3]?\d)(?!\d)"
    return rf"(?<![\w/.-]){weekday}(?:{day_month_year}|{month_day_year}|{numeric}|{iso})"


# After a line-start date: an optional time ("à 14h30", "10:15 am"), then a separator.
_TIME = r"(?:,?\s*(?:[^\W\d_]{1,3}\s+)?[0-2]?\d\s*[:h]\s*[0-5]\d(?:\s*[ap]\.?m\.?)?)?"
_LINE_END = rf"{_TIME}[^\S\n]*(?:$|[—–|(:•·/-]|T\d)"
# A place before a line-start date: "Paris, ", "SAN FRANCISCO (Reuters) — ".
_PLACE = r"(?:[^\W\d_][^\n,—–|:(\d]{0,40}?(?:\s*\([^)\n]{0,30}\))?\s*(?:,|—|–|-{1,2}|\|)\s*)?"


@cache
def _rules(lang: str) -> _Rules:
    path = str(LANG_DIR / lang / f"{DATELINE_FILE}.yaml")
    data = load_lang_file(lang, DATELINE_FILE)
    months = _months(data, path)
    weekdays, ordinals, prefixes, cues = (_words(data, key, path) for key in _LIST_KEYS)
    order = data.get("numeric_order")
    if order not in _ORDERS:
        raise LexiconError(Errors.E002.format(path=path, detail="numeric_order: dmy or mdy"))
    date = _date_pattern(list(months), weekdays, ordinals)
    prefix = rf"(?:(?:{_alternation(prefixes)})\s+)?"
    cue = re.compile(
        rf"(?<![^\W\d_])(?:{_alternation(cues)})(?![^\W\d_])\s*:?\s*{prefix}{date}", re.IGNORECASE
    )
    line = re.compile(
        rf"^[^\w\n]{{0,5}}{_PLACE}{prefix}{date}(?={_LINE_END})", re.IGNORECASE | re.MULTILINE
    )
    return _Rules(lang, cue, line, months, day_first=order == "dmy")


@cache
def dateline_languages() -> tuple[str, ...]:
    """Languages whose folder has a dateline file, sorted (looked up once)."""
    return tuple(
        lang
        for lang in available_languages()
        if (LANG_DIR / lang / f"{DATELINE_FILE}.yaml").is_file()
    )


def _make_date(year: str, month: int | None, day: str) -> dt.date | None:
    y, d = int(year), int(day)
    if month is None or not _MIN_YEAR <= y <= _MAX_YEAR:
        return None
    try:
        return dt.date(y, month, d)
    except ValueError:
        return None


def _to_date(m: re.Match[str], rules: _Rules) -> dt.date | None:
    if m["y1"]:
        return _make_date(m["y1"], rules.months.get(m["m1"].rstrip(".").casefold()), m["d1"])
    if m["y2"]:
        return _make_date(m["y2"], rules.months.get(m["m2"].rstrip(".").casefold()), m["d2"])
    if m["y3"]:
        first, second = (m["a3"], m["b3"]) if rules.day_first else (m["b3"], m["a3"])
        return _make_date(m["y3"], int(second), first)
    return _make_date(m["y4"], int(m["m4"]), m["d4"])


def _first_date(head: str, rules: _Rules) -> tuple[int, dt.date] | None:
    found: list[tuple[int, dt.date]] = []
    for pattern in (rules.cue, rules.line):
        for m in pattern.finditer(head):
            day = _to_date(m, rules)
            if day is not None:
                found.append((m.start(), day))
                break
    return min(found) if found else None


def find_published(text: str, *, lang: str | None = None) -> str | None:
    """The ISO date (``YYYY-MM-DD``) of the dateline opening ``text``, or ``None``.

    ``lang`` (the record's language, when known) settles numeric dates read differently
    by different languages (``03/10/2025``).
    """
    head = text[:_HEAD_CHARS]
    hits: dict[str, tuple[int, dt.date]] = {}
    for code in dateline_languages():
        hit = _first_date(head, _rules(code))
        if hit is not None:
            hits[code] = hit
    if not hits:
        return None
    first = min(pos for pos, _ in hits.values())
    dates = {code: day for code, (pos, day) in hits.items() if pos == first}
    if len(set(dates.values())) == 1:
        return next(iter(dates.values())).isoformat()
    if lang is not None and lang in dates:
        return dates[lang].isoformat()
    return None
