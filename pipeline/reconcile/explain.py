"""One readable sentence per resolved conflict, and the number formatting it uses.

Sentences are report text (English), built from the conflict type, the candidates and
the criteria that decided the choice, e.g. "230 MW is the initial power capacity and
290 MW the target: both kept, 290 MW chosen as the latest-stage figure".
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.reconcile.model import STAGE_RANK, UNSTAGED_RANK, Candidate, ConflictType
from pipeline.types import Qualifiers

__all__ = ["LISTED", "REASONS", "explain", "format_number", "format_value", "join_words"]

_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))

REASONS = {
    "support": "more independent sources",
    "specificity": "more specific figure",
    "recency": "more recent",
    "reliability": "more reliable source",
    "evidence": "more mentions",
    "value": "equal standing, the larger value kept",
    "latest_stage": "latest stage",
    "latest_time": "latest date",
    "whole": "the total",
}


def format_number(x: float) -> str:
    """``2e9`` → ``"2 billion"``, ``100000`` → ``"100,000"``, ``0.38`` → ``"0.38"``."""
    for size, word in _SCALES:
        if abs(x) >= size:
            return f"{x / size:.6g} {word}"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:.6g}"


def format_value(
    value: float, value_max: float | None, unit: str, qualifiers: Qualifiers | None = None
) -> str:
    """A figure as a person writes it: ``"about 2 billion USD"``, ``"230–520 MW"``."""
    number = format_number(value)
    if value_max is not None and value_max != value:
        number = f"{number}–{format_number(value_max)}"
    prefix = ""
    if qualifiers is not None:
        if qualifiers.bound == "min":
            prefix = "more than "
        elif qualifiers.bound == "max":
            prefix = "up to "
        elif qualifiers.approx:
            prefix = "about "
    sep = "" if unit == "%" else " "
    return f"{prefix}{number}{sep}{unit}"


# Candidates a sentence names one by one; past this, it names the first ones and counts
# the rest (a figure restated with small variations can have hundreds).
LISTED = 6


def join_words(items: Sequence[str], *, limit: int = LISTED) -> str:
    """``["a", "b", "c"]`` → ``"a, b and c"``; more than ``limit`` items: the first
    ``limit - 1`` named and the rest counted (``"a, b, c, d, e and 7 more"``)."""
    if len(items) <= 1:
        return "".join(items)
    if len(items) > limit:
        shown = max(1, limit - 1)
        return f"{', '.join(items[:shown])} and {len(items) - shown} more"
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _label(c: Candidate) -> str:
    return format_value(c.value, c.value_max, c.unit, c.qualifiers)


def _articles(c: Candidate) -> str:
    n = len(c.sources)
    return f"{n} article" if n == 1 else f"{n} articles"


def _kept(n: int) -> str:
    return "both kept" if n == 2 else "all kept"


def _why(reasons: Sequence[str]) -> str:
    return ", ".join(REASONS.get(r, r) for r in reasons)


def explain(
    ctype: ConflictType,
    candidates: Sequence[Candidate],
    chosen: int,
    *,
    reasons: Sequence[str],
    predicate: str,
    notes: Sequence[str] = (),
) -> str:
    """The explanation sentence of a conflict of type ``ctype``."""
    pick = _label(candidates[chosen])
    labels = [_label(c) for c in candidates]
    noun = "figure" if predicate == "other" else predicate.replace("_", " ")
    tail = f" ({'; '.join(notes)})" if notes else ""
    n = len(candidates)
    if ctype == "stage":
        stages = [c.qualifiers.stage or "unstaged" for c in candidates]
        parts = [f"{labels[0]} is the {stages[0]} {noun}"]
        parts += [f"{lab} the {st}" for lab, st in zip(labels[1:], stages[1:], strict=True)]
        ranks = [STAGE_RANK.get(c.qualifiers.stage or "", UNSTAGED_RANK) for c in candidates]
        latest = ranks[chosen] == max(ranks)
        why = "the latest-stage figure" if latest else "the total"
        return f"{join_words(parts)}: {_kept(n)}, {pick} chosen as {why}{tail}"
    if ctype == "time":
        dated = [
            f"{lab} ({c.qualifiers.time or 'undated'})"
            for lab, c in zip(labels, candidates, strict=True)
        ]
        return (
            f"{join_words(dated)} are a series over time: {_kept(n)}, "
            f"{pick} chosen as the latest figure{tail}"
        )
    if ctype == "scope":
        scoped = [
            f"{lab} ({c.qualifiers.scope or c.qualifiers.location or 'no stated scope'})"
            for lab, c in zip(labels, candidates, strict=True)
        ]
        return (
            f"{join_words(scoped)} cover different scopes: {_kept(n)}, "
            f"{pick} chosen: {_why(reasons)}{tail}"
        )
    if ctype == "part_whole":
        why = "the total" if reasons and reasons[0] == "whole" else _why(reasons)
        head = f"{join_words(labels)} are parts and their total"
        return f"{head}: {_kept(n)}, {pick} chosen as {why}{tail}"
    if ctype == "scale_slip":
        return (
            f"{join_words(labels)} differ by a factor of about a thousand or more, "
            f"a likely million/billion slip; {pick} chosen: {_why(reasons)}{tail}"
        )
    if ctype == "rounding":
        return f"{join_words(labels)} agree once rounded; {pick} chosen: {_why(reasons)}{tail}"
    counted = [f"{lab} ({_articles(c)})" for lab, c in zip(labels, candidates, strict=True)]
    return f"{join_words(counted)} disagree; {pick} chosen: {_why(reasons)}{tail}"
