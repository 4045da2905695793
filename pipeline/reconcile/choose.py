"""Choosing the canonical value of a conflict, and the confidence of a fact.

The rule (documented for the README):

1. **Type first.** The conflict type decides what "best" means before anything else:
   ``part_whole`` and a part-whole relation inside ``stage`` → the total; ``stage`` →
   the latest stage (initial < current/unstaged < target < maximum); ``time`` → the
   latest date; ``rounding`` → the most precise figure.
2. **Then support**: the number of independent sources stating the value — articles
   after near-duplicate collapse (a syndicated copy counts once); when a
   ``source_reliability`` table is given, the sum of the sources' reliabilities
   (unknown sources count ``DEFAULT_RELIABILITY`` = 0.5).
3. **Then specificity**: an exact figure beats a range or bound, which beats a hedged
   one; then more significant digits.
4. **Then recency**: the latest ``published`` date among the value's articles.
5. **Then reliability** (best source), **then the number of mentions**, then the
   larger value, so that the choice is always deterministic.

The criterion that separated the chosen candidate from the runner-up is the resolution
rule (``"disagreement/support"``); the explanation also names the later criteria where
the chosen value wins.

Confidence in [0, 1]: ``1 − ∏(1 − c_s)`` over the chosen value's independent sources,
``c_s`` the best claim confidence of source ``s``; for a ``disagreement`` or
``scale_slip`` it is multiplied by the chosen value's share of the total support
(explained types — stage, time, scope, part_whole, rounding — are not penalised).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.reconcile.conflict_types import STAGE_RANK, UNSTAGED_RANK, Typing
from pipeline.reconcile.model import Candidate, ConflictType

__all__ = ["DEFAULT_RELIABILITY", "GENERAL_CRITERIA", "Choice", "choose", "confidence"]

DEFAULT_RELIABILITY = 0.5
GENERAL_CRITERIA = ("support", "specificity", "recency", "reliability", "evidence", "value")
_PENALISED: frozenset[ConflictType] = frozenset({"disagreement", "scale_slip"})
_TIE_BREAKS = frozenset({"evidence", "value"})


@dataclass(frozen=True, slots=True)
class Choice:
    """The chosen candidate, the deciding criterion and every criterion it wins on."""

    index: int
    criterion: str
    reasons: tuple[str, ...]


def _typed_criteria(ctype: ConflictType, typing: Typing) -> tuple[str, ...]:
    whole = ("whole",) if typing.part_whole is not None else ()
    if ctype == "stage":
        return (*whole, "latest_stage")
    if ctype == "time":
        return ("latest_time",)
    if ctype == "part_whole":
        return whole
    if ctype == "rounding":
        return ("specificity",)
    return ()


def _measure(c: Candidate, index: int, criterion: str, typing: Typing) -> Any:
    # Any: each criterion has its own comparable type (bool, int, str, tuple, float).
    if criterion == "whole":
        return typing.part_whole is not None and typing.part_whole[2] == index
    if criterion == "latest_stage":
        stage = c.qualifiers.stage
        return UNSTAGED_RANK if stage is None else STAGE_RANK.get(stage, UNSTAGED_RANK)
    if criterion == "latest_time":
        return c.qualifiers.time or ""
    if criterion == "support":
        return round(c.support, 9)
    if criterion == "specificity":
        return c.specificity
    if criterion == "recency":
        return c.published or ""
    if criterion == "reliability":
        return c.reliability
    if criterion == "evidence":
        return len(c.claims)
    return c.value


def choose(candidates: Sequence[Candidate], typing: Typing) -> Choice:
    """The candidate the rule of this module picks among two or more."""
    criteria = _typed_criteria(typing.type, typing)
    criteria += tuple(c for c in GENERAL_CRITERIA if c not in criteria)
    keys = [
        tuple(_measure(c, i, name, typing) for name in criteria) for i, c in enumerate(candidates)
    ]
    order = sorted(range(len(candidates)), key=lambda i: keys[i], reverse=True)
    best, runner = order[0], order[1]
    wins = [name for name, a, b in zip(criteria, keys[best], keys[runner], strict=True) if a > b]
    decisive = next(
        (name for name, a, b in zip(criteria, keys[best], keys[runner], strict=True) if a != b),
        "value",
    )
    reasons = [decisive, *(w for w in wins if w != decisive and w not in _TIE_BREAKS)]
    return Choice(index=best, criterion=decisive, reasons=tuple(reasons[:3]))


def confidence(candidates: Sequence[Candidate], chosen: int, ctype: ConflictType | None) -> float:
    """Confidence of the fact whose value is ``candidates[chosen]`` (see module doc)."""
    pick = candidates[chosen]
    best: dict[str, float] = {}
    for claim, source in zip(pick.claims, pick.claim_sources, strict=True):
        best[source] = max(best.get(source, 0.0), min(1.0, max(0.0, claim.confidence)))
    doubt = 1.0
    for conf in best.values():
        doubt *= 1.0 - conf
    value = 1.0 - doubt
    if ctype in _PENALISED:
        total = sum(c.support for c in candidates)
        value *= pick.support / total if total > 0 else 0.0
    return round(min(1.0, max(0.0, value)), 4)
