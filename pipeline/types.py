"""Typed records shared by every stage of the pipeline.

Stages exchange these frozen dataclasses and nothing else; none of them depends on
spaCy, so the pure stages (extract, normalize, reconcile) can be tested and reused
without a model. JSON shapes are fixed by SPEC.md: ``to_json`` methods live next to
the writers in :mod:`pipeline.report.jsonl`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["money", "power", "energy", "count", "percent", "area", "duration", "date"]
Bound = Literal["min", "max"]
Stage = Literal["initial", "target", "maximum", "current"]
Status = Literal["single", "agreed", "conflict"]

KINDS: tuple[Kind, ...] = (
    "money",
    "power",
    "energy",
    "count",
    "percent",
    "area",
    "duration",
    "date",
)

#: The predicates of SPEC.md, in its order (the list can grow; names keep their meaning).
PREDICATES = (
    "investment",
    "equity",
    "deal_value",
    "contract_value",
    "funding",
    "revenue",
    "valuation",
    "stock_price",
    "power_capacity",
    "energy",
    "gpu_count",
    "jobs",
    "area",
    "people_trained",
    "startups_supported",
    "data_center_count",
    "other",
)


@dataclass(frozen=True, slots=True)
class Article:
    """One article as read from a dump; ``text`` is exactly the decoded text.

    ``published`` is an ISO date (``YYYY-MM-DD``) or datetime string, or ``None``.
    ``lang`` is the ISO 639-1 code given by the record, if any (detection fills it later).
    """

    id: str
    text: str
    source: str
    published: str | None = None
    lang: str | None = None
    title: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Quarantine:
    """A record that could not be processed, with a human-readable reason.

    ``title`` and ``url`` are the record's own when it was read far enough to know them.
    """

    id: str
    source: str
    reason: str
    published: str | None = None
    lang: str | None = None
    title: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Quantity:
    """A quantity or date found in a text by the extractors (before normalisation).

    Offsets are character offsets into the text the extractor was given:
    ``text[start:end] == quantity.text``. ``value`` is in the canonical unit of the kind
    (see SPEC.md); ``unit`` is an ISO 4217 code for money, ``MW`` for power, ``MWh``
    for energy, ``m2`` for area, ``%`` for percent, ``year|month|day`` for durations,
    the counted noun (``gpu``, ``job``...) for counts, and ``None`` for dates, whose
    meaning is in ``date`` (``2026-12``, ``2030``, ``2025-10-16``).
    ``flags`` records notes a person may want to see (``"fr_trillion_read_as_1e12"``).
    """

    start: int
    end: int
    text: str
    kind: Kind
    value: float | None
    value_max: float | None = None
    unit: str | None = None
    approx: bool = False
    bound: Bound | None = None
    date: str | None = None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Normalized:
    """A value converted to the run's scale (``--currency`` for money)."""

    value: float
    value_max: float | None
    unit: str
    rate_date: str | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """A :class:`Quantity` placed in its article: normalised, with its sentence."""

    article_id: str
    quantity: Quantity
    normalized: Normalized | None
    sentence: str
    sentence_start: int = 0

    @property
    def start(self) -> int:
        return self.quantity.start

    @property
    def end(self) -> int:
        return self.quantity.end

    @property
    def text(self) -> str:
        return self.quantity.text

    @property
    def kind(self) -> Kind:
        return self.quantity.kind


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a figure was read: SPEC's evidence object.

    ``title`` and ``url`` are the article's (its provenance, ``None`` when unknown): they
    are not part of what the figure says, so they never enter an id nor a comparison
    (``==``) of evidence or claims; the fact store fills them in when it reads claims back.
    """

    article_id: str
    start: int
    end: int
    text: str
    sentence: str
    value: float
    unit: str
    sentence_start: int = 0
    title: str | None = field(default=None, compare=False)
    url: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Qualifiers:
    """What qualifies a figure: its stage, time, hedge, bound and context."""

    stage: Stage | None = None
    time: str | None = None
    approx: bool = False
    bound: Bound | None = None
    counterparty: str | None = None
    location: str | None = None
    scope: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """One figure stated about one subject in one article: the input of reconciliation.

    ``published`` is the article's date (recency); ``source_key`` identifies the
    article's text family so that near-duplicate and syndicated copies count once.
    """

    subject: str
    subject_type: str
    predicate: str
    value: float
    value_max: float | None
    unit: str
    normalized: Normalized
    qualifiers: Qualifiers
    evidence: Evidence
    published: str | None = None
    source_key: str | None = None
    confidence: float = 0.5
    extra: tuple[tuple[str, str], ...] = field(default_factory=tuple)
