"""When do two figures state the same thing? Agreement within the stated precision.

Each claim stands for an interval of the values it is compatible with, in the group's
normalized unit:

- an exact figure: ± ``REL_EPS`` (0.5 %, float and conversion noise);
- a hedged figure ("environ", "about"): ± ``APPROX_TOL`` (10 %);
- a lower bound ("plus de 30"): [30, 30 × (1 + ``BOUND_TOL``)] (25 %), an upper bound
  ("jusqu'à") the mirror image;
- a range: [value, value_max] (widened like a hedged figure when it is hedged).

Claims are sorted by a total key and swept once; a claim joins the current candidate
when its interval meets the *intersection* of the candidate's intervals (no chaining of
hedges), so "environ 2 milliards" and "2,1 milliards" agree, "plus de 30" and "30"
agree, and 30 and 35 do not. Candidates that still differ but agree once rounded to the
less precise figure's significant digits (within ``ROUNDING_TOL``) are typed
``rounding`` by :mod:`pipeline.reconcile.conflict_types`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import lru_cache

from pipeline.types import Claim

__all__ = [
    "APPROX_TOL",
    "BOUND_TOL",
    "REL_EPS",
    "ROUNDING_TOL",
    "agree",
    "claim_interval",
    "claim_sort_key",
    "round_sig",
    "rounding_compatible",
    "significant_digits",
    "specificity",
    "split_candidates",
    "spread",
]

REL_EPS = 0.005
APPROX_TOL = 0.10
BOUND_TOL = 0.25
ROUNDING_TOL = 0.20
ROUNDING_APPROX_TOL = 0.25
_ABS_EPS = 1e-9

EXACT, BOUNDED, HEDGED = 3, 2, 1


def claim_interval(claim: Claim) -> tuple[float, float]:
    """The values ``claim`` is compatible with, in its normalized unit."""
    value = claim.normalized.value
    value_max = claim.normalized.value_max
    q = claim.qualifiers
    if value_max is not None and value_max != value:
        lo, hi = min(value, value_max), max(value, value_max)
        tol = APPROX_TOL if q.approx else REL_EPS
        return lo - abs(lo) * tol - _ABS_EPS, hi + abs(hi) * tol + _ABS_EPS
    width = abs(value)
    if q.bound == "min":
        return value - width * REL_EPS - _ABS_EPS, value + width * BOUND_TOL + _ABS_EPS
    if q.bound == "max":
        return value - width * BOUND_TOL - _ABS_EPS, value + width * REL_EPS + _ABS_EPS
    tol = APPROX_TOL if q.approx else REL_EPS
    return value - width * tol - _ABS_EPS, value + width * tol + _ABS_EPS


@lru_cache(maxsize=1 << 16)
def significant_digits(x: float) -> int:
    """Significant digits as written: ``2.1e9`` → 2, ``230`` → 2, ``0`` → 1."""
    if x == 0 or not math.isfinite(x):
        return 1
    mantissa = f"{abs(x):.12e}".split("e")[0].replace(".", "").rstrip("0")
    return max(1, len(mantissa))


def round_sig(x: float, digits: int) -> float:
    """``x`` rounded to ``digits`` significant digits."""
    return float(f"{x:.{max(1, digits) - 1}e}")


def specificity(claim: Claim) -> tuple[int, int]:
    """How precisely a claim states its figure: (level, significant digits).

    Level 3: an exact figure; 2: a range or a bound; 1: a hedged figure.
    """
    q = claim.qualifiers
    digits = significant_digits(claim.normalized.value)
    if q.approx:
        return HEDGED, digits
    top = claim.normalized.value_max
    if q.bound is not None or (top is not None and top != claim.normalized.value):
        return BOUNDED, digits
    return EXACT, digits


def agree(a: Claim, b: Claim) -> bool:
    """True when the two claims' intervals meet (symmetric)."""
    alo, ahi = claim_interval(a)
    blo, bhi = claim_interval(b)
    return alo <= bhi and blo <= ahi


def claim_sort_key(claim: Claim) -> tuple[object, ...]:
    """A total order on claims that does not depend on input order."""
    lo, hi = claim_interval(claim)
    q = claim.qualifiers
    e = claim.evidence
    return (
        lo,
        hi,
        claim.normalized.value,
        e.article_id,
        e.start,
        e.end,
        claim.subject,
        claim.value,
        claim.unit,
        claim.published or "",
        claim.source_key or "",
        q.stage or "",
        q.time or "",
        q.approx,
        q.bound or "",
        q.scope or "",
        q.location or "",
        q.counterparty or "",
        claim.subject_type,
        claim.confidence,
        e.text,
    )


def split_candidates(claims: Sequence[Claim]) -> list[list[Claim]]:
    """Claims of one group split into runs of agreeing claims, in ascending value."""
    ordered = sorted(claims, key=claim_sort_key)
    runs: list[list[Claim]] = []
    lo = hi = 0.0
    for claim in ordered:
        clo, chi = claim_interval(claim)
        if runs and clo <= hi and lo <= chi:
            runs[-1].append(claim)
            lo, hi = max(lo, clo), min(hi, chi)
        else:
            runs.append([claim])
            lo, hi = clo, chi
    return runs


def rounding_compatible(
    a: float, b: float, *, digits_a: int, digits_b: int, hedged: bool = False
) -> bool:
    """True when the less precise of two values is the other one rounded.

    ``2e9`` (1 digit) and ``2.1e9`` → True; ``1e9`` and ``1.4e9`` → False (28 % apart).
    With a hedged figure the allowed gap is ``ROUNDING_APPROX_TOL`` without rounding.
    """
    top = max(abs(a), abs(b))
    if top == 0:
        return True
    gap = abs(a - b) / top
    if hedged and gap <= ROUNDING_APPROX_TOL:
        return True
    if gap > ROUNDING_TOL:
        return False
    coarse, fine, digits = (a, b, digits_a) if digits_a <= digits_b else (b, a, digits_b)
    return math.isclose(round_sig(fine, digits), coarse, rel_tol=REL_EPS)


def spread(values: Iterable[float]) -> float:
    """(max − min) / max of the values (max of absolute values); 0 for none or zeros."""
    vals = list(values)
    if not vals:
        return 0.0
    top = max(abs(v) for v in vals)
    if top == 0:
        return 0.0
    return (max(vals) - min(vals)) / top
