"""Typed records of reconciliation: candidates, facts, conflicts and their resolution.

Everything is a frozen dataclass; the JSON shapes of SPEC.md are produced by
:mod:`pipeline.reconcile.serialize`. Values of a :class:`Candidate` are in the group's
dimension (the *normalized* unit shared by every claim of the group, ``USD`` for money
at the run's currency); values of a :class:`Fact` and of an :class:`Alternative` are
those of their representative claim, in the unit it was stated in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pipeline.types import Claim, Evidence, Normalized, Qualifiers, Status

ConflictType = Literal[
    "stage", "time", "scope", "part_whole", "scale_slip", "rounding", "disagreement"
]

CONFLICT_TYPES: tuple[ConflictType, ...] = (
    "stage",
    "time",
    "scope",
    "part_whole",
    "scale_slip",
    "rounding",
    "disagreement",
)

# Order of stages: the latest stage wins a ``stage`` conflict; unstaged counts as current.
STAGE_RANK: dict[str, int] = {"initial": 0, "current": 1, "target": 2, "maximum": 3}
UNSTAGED_RANK = 1

__all__ = [
    "CONFLICT_TYPES",
    "STAGE_RANK",
    "UNSTAGED_RANK",
    "Alternative",
    "Candidate",
    "Conflict",
    "ConflictType",
    "Fact",
    "Reconciled",
    "Resolution",
]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One value of a group and every claim that states it (claims that agree).

    ``support`` is the number of independent sources (near-duplicate copies count
    once), or the sum of their reliabilities when a reliability table is given;
    ``claim_sources`` is the independent source of each claim, in order.
    ``specificity`` orders how precisely the value is stated: ``(level, digits)`` with
    level 3 for an exact figure, 2 for a range or a bound, 1 for a hedged one.
    """

    value: float
    value_max: float | None
    unit: str
    representative: Claim
    claims: tuple[Claim, ...]
    claim_sources: tuple[str, ...]
    qualifiers: Qualifiers
    support: float
    sources: tuple[str, ...]
    articles: tuple[str, ...]
    specificity: tuple[int, int]
    published: str | None
    reliability: float

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        return tuple(c.evidence for c in self.claims)


@dataclass(frozen=True, slots=True)
class Alternative:
    """A value of a conflicting fact that was not chosen (SPEC ``alternatives``)."""

    value: float
    value_max: float | None
    unit: str
    qualifiers: Qualifiers
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class Resolution:
    """The chosen value, the rule that chose it (``type/criterion``) and why, in words."""

    value: float
    rule: str
    explanation: str


@dataclass(frozen=True, slots=True)
class Fact:
    """One canonical fact: a group (subject, predicate, dimension) resolved to a value.

    ``claims`` keeps the input claims so that a fact can be reconciled again; it is
    not serialised.
    """

    fact_id: str
    subject: str
    subject_type: str
    predicate: str
    value: float
    value_max: float | None
    unit: str
    normalized: Normalized
    qualifiers: Qualifiers
    status: Status
    confidence: float
    evidence: tuple[Evidence, ...]
    alternatives: tuple[Alternative, ...]
    claims: tuple[Claim, ...]
    conflict_type: ConflictType | None = None


@dataclass(frozen=True, slots=True)
class Conflict:
    """The conflict report of a fact whose claims disagree (SPEC ``conflicts.jsonl``)."""

    conflict_id: str
    fact_id: str
    subject: str
    predicate: str
    unit: str
    type: ConflictType
    candidates: tuple[Candidate, ...]
    resolution: Resolution
    spread: float
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reconciled:
    """The canonical fact set and its conflicts, both sorted by ``fact_id``."""

    facts: list[Fact]
    conflicts: list[Conflict]
