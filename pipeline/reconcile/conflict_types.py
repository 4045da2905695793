"""What kind of conflict is it? Typing comes before choosing.

Types, checked in this order (the first that holds names the conflict):

``stage``
    candidates carry two or more different stated stages (initial / current / target /
    maximum): both figures are true, of different phases. A figure whose stage is not
    stated does not make a stage conflict on its own.
``time``
    candidates are dated differently (``qualifiers.time``): a series.
``scope``
    candidates cover different stated scopes or places (France vs worldwide); an
    unstated scope does not make a scope conflict on its own.
``part_whole``
    one candidate is the sum of two others within ``PART_WHOLE_TOL`` (2 %):
    an increment stated against a total ("230 + 290 = 520").
``scale_slip``
    two candidates differ by a factor of about 1000 or 1,000,000 (± 5 %): a
    thousand/million/billion slip.
``rounding``
    every candidate is the most precise one rounded to its own significant digits
    (or within 25 % of it when hedged).
``disagreement``
    none of the above: the sources genuinely disagree.

A part-whole relation and a scale slip are also recorded as notes when a higher type
names the conflict ("230 + 290 = 520" on a ``stage`` conflict).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from pipeline.reconcile.agree import HEDGED, rounding_compatible
from pipeline.reconcile.explain import format_number
from pipeline.reconcile.model import STAGE_RANK, UNSTAGED_RANK, Candidate, ConflictType

__all__ = [
    "PART_WHOLE_TOL",
    "SCALE_FACTORS",
    "STAGE_RANK",
    "UNSTAGED_RANK",
    "Typing",
    "classify",
    "find_part_whole",
    "find_scale_slip",
]

PART_WHOLE_TOL = 0.02
SCALE_FACTORS = (1e3, 1e6)
SCALE_TOL = 0.05


@dataclass(frozen=True, slots=True)
class Typing:
    """The type of a conflict, notes for a person, and the part-whole triple if any."""

    type: ConflictType
    notes: tuple[str, ...] = ()
    part_whole: tuple[int, int, int] | None = None


def find_part_whole(values: Sequence[float]) -> tuple[int, int, int] | None:
    """Indices ``(i, j, k)`` with ``values[i] + values[j] ≈ values[k]`` (largest k first)."""
    order = sorted(range(len(values)), key=lambda i: (-values[i], i))
    for k in order:
        whole = values[k]
        if whole <= 0:
            continue
        for i, j in combinations(sorted(set(range(len(values))) - {k}), 2):
            a, b = values[i], values[j]
            if a > 0 and b > 0 and abs(a + b - whole) <= PART_WHOLE_TOL * whole:
                return i, j, k
    return None


def find_scale_slip(values: Sequence[float]) -> tuple[int, int, float] | None:
    """Indices ``(small, large, factor)`` of two values a factor ~1e3 or ~1e6 apart."""
    for i, j in combinations(range(len(values)), 2):
        a, b = abs(values[i]), abs(values[j])
        if a == 0 or b == 0:
            continue
        small, large = (i, j) if a <= b else (j, i)
        ratio = max(a, b) / min(a, b)
        for factor in SCALE_FACTORS:
            if math.isclose(ratio, factor, rel_tol=SCALE_TOL):
                return small, large, factor
    return None


def _distinct(values: Sequence[str | None], *, count_none: bool) -> bool:
    present = [v for v in values if v is not None]
    if not present:
        return False
    pool = set(values) if count_none else set(present)
    return len(pool) > 1


def _is_rounding(candidates: Sequence[Candidate]) -> bool:
    finest = max(candidates, key=lambda c: (c.specificity, c.support, -c.value))
    hedged_finest = finest.specificity[0] == HEDGED
    for c in candidates:
        if c is finest:
            continue
        if not rounding_compatible(
            c.value,
            finest.value,
            digits_a=c.specificity[1],
            digits_b=finest.specificity[1],
            hedged=hedged_finest or c.specificity[0] == HEDGED,
        ):
            return False
    return True


def classify(candidates: Sequence[Candidate]) -> Typing:
    """The type of the conflict between ``candidates`` (two or more)."""
    values = [c.value for c in candidates]
    notes: list[str] = []
    triple = find_part_whole(values)
    if triple is not None:
        i, j, k = triple
        notes.append(
            f"{format_number(values[i])} + {format_number(values[j])} = {format_number(values[k])}"
        )
    slip = find_scale_slip(values)
    if slip is not None:
        notes.append(
            f"{format_number(values[slip[1]])} is about {format_number(slip[2])} × "
            f"{format_number(values[slip[0]])}"
        )
    quals = [c.qualifiers for c in candidates]
    ctype: ConflictType
    if _distinct([q.stage for q in quals], count_none=False):
        ctype = "stage"
    elif _distinct([q.time for q in quals], count_none=False):
        ctype = "time"
    elif _distinct([q.scope or q.location for q in quals], count_none=False):
        ctype = "scope"
    elif triple is not None:
        ctype = "part_whole"
    elif slip is not None:
        ctype = "scale_slip"
    elif _is_rounding(candidates):
        ctype = "rounding"
    else:
        ctype = "disagreement"
    return Typing(type=ctype, notes=tuple(notes), part_whole=triple)
