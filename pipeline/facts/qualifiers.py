"""Qualifiers of a figure: stage, time, hedge, bound, counterparty and location.

The stage comes from the stage words of ``pipeline/lang/<xx>/stages.yaml`` in the figure's
clause (between the neighbouring figures of its sentence): the nearest cue before the
figure wins ("capacité initiale de 230 MW, extensible à 520 MW"); a cue after it counts
only when none precedes it ("100 000 GPU d'ici fin 2026"). The time is the nearest date
mention of the same sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import cast

from pipeline.errors import Errors, LexiconError
from pipeline.facts.text import Phrases, compile_phrases, find_phrases
from pipeline.lang import load_lang_file
from pipeline.types import Mention, Stage

__all__ = ["STAGES", "clause_bounds", "find_stage", "find_time"]

STAGES: tuple[Stage, ...] = ("initial", "target", "maximum", "current")
BEFORE_CHARS = 120
AFTER_CHARS = 60


@cache
def _stage_patterns(lang: str) -> Phrases:
    data = load_lang_file(lang, "stages")
    stages = data.get("stages")
    path = f"{lang}/stages.yaml"
    if not isinstance(stages, dict):
        raise LexiconError(Errors.E303.format(path=path, detail="no stages map"))
    bad = [s for s in stages if s not in STAGES]
    if bad:
        raise LexiconError(Errors.E303.format(path=path, detail=f"unknown stages {bad}"))
    return compile_phrases((str(s), str(w)) for s, words in stages.items() for w in words or [])


def clause_bounds(mention: Mention, others: Sequence[Mention]) -> tuple[int, int]:
    """The figure's stretch of its sentence: from the previous figure's end to the next's start.

    Dates and durations are not boundaries (they qualify figures).
    """
    lo = mention.sentence_start
    hi = mention.sentence_start + len(mention.sentence)
    for other in others:
        if other is mention or other.kind in ("date", "duration"):
            continue
        if not lo <= other.start < hi:
            continue
        if other.end <= mention.start:
            lo = max(lo, other.end)
        elif other.start >= mention.end:
            hi = min(hi, other.start)
    return lo, hi


def find_stage(
    folded: str, mention: Mention, others: Sequence[Mention], *, lang: str
) -> Stage | None:
    """The stage of ``mention`` from the stage words of its clause, or None."""
    lo, hi = clause_bounds(mention, others)
    hits = find_phrases(folded, _stage_patterns(lang), start=lo, end=hi)
    before = [h for h in hits if h.start < mention.end and mention.start - h.end <= BEFORE_CHARS]
    # A cue inside the figure ("jusqu'à 520 MW") is as near as can be.
    if before:
        best = min(before, key=lambda h: (max(mention.start - h.end, 0), -(h.end - h.start)))
        return cast(Stage, best.tag)
    after = [h for h in hits if h.start >= mention.end and h.start - mention.end <= AFTER_CHARS]
    if after:
        best = min(after, key=lambda h: (h.start - mention.end, -(h.end - h.start)))
        return cast(Stage, best.tag)
    return None


def _gap(a: Mention, b: Mention) -> int:
    """Characters between two mentions (0 when they touch or overlap)."""
    return max(b.start - a.end, a.start - b.end, 0)


def _is_day(date: str) -> bool:
    return len(date) == DAY_LEN and date[4] == "-" and date[7] == "-"


DAY_LEN = 10


def find_time(
    mention: Mention,
    others: Sequence[Mention],
    *,
    bounds: tuple[int, int] | None = None,
    days: bool = False,
) -> str | None:
    """The period the figure is for: the ISO date of the nearest date that is its own.

    A date is a figure's own when it lies in the figure's sentence (``bounds`` when the
    caller cut it narrower) and no other figure of the sentence is nearer ("30 M€ en
    2025 et 100 M€ en 2026"). Days are when something happened (a dateline, "jeudi",
    "on Tuesday"), not a period a figure covers: they count only with ``days`` (a share
    price is the price of a day).
    """
    s_lo = mention.sentence_start
    s_hi = s_lo + len(mention.sentence)
    if bounds is not None:
        s_lo, s_hi = max(s_lo, bounds[0]), min(s_hi, bounds[1])
    inside = [m for m in others if s_lo <= m.start and m.end <= s_hi]
    figures = [m for m in inside if m.kind not in ("date", "duration") and m is not mention]
    dates = [
        m
        for m in inside
        if m.kind == "date"
        and m.quantity.date
        and (days or not _is_day(m.quantity.date))
        and all(_gap(m, mention) <= _gap(m, f) for f in figures)
    ]
    if not dates:
        return None
    return min(dates, key=lambda m: _gap(m, mention)).quantity.date
