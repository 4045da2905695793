"""Mention scorer: predicted mentions against gold mentions, overall and per kind.

A predicted mention matches a gold one when both are in the same article, their spans
overlap (or, for gold read from HTML whose offsets are ``null``, one text contains the
other), the kinds are equal, the values agree within a relative tolerance (dates compare
their ``date`` strings) and the units are equal. Matching is one-to-one and greedy: each
gold mention takes the unmatched prediction that overlaps it most.

Mentions are plain mappings with SPEC's ``mentions.jsonl`` keys, so runs, gold files and
hand-built lists are scored the same way; nothing here reads files.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "Counts",
    "Scores",
    "close",
    "mentions_match",
    "score_mentions",
    "span_overlap",
]

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Counts:
    """True positives, false positives and false negatives, with the derived ratios."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        found = self.tp + self.fp
        return self.tp / found if found else 0.0

    @property
    def recall(self) -> float:
        expected = self.tp + self.fn
        return self.tp / expected if expected else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def as_dict(self) -> dict[str, float]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass(frozen=True, slots=True)
class Scores:
    """Overall counts and counts per kind (or per predicate, for facts)."""

    overall: Counts
    per_kind: Mapping[str, Counts] = field(default_factory=dict)

    @property
    def tp(self) -> int:
        return self.overall.tp

    @property
    def fp(self) -> int:
        return self.overall.fp

    @property
    def fn(self) -> int:
        return self.overall.fn

    @property
    def precision(self) -> float:
        return self.overall.precision

    @property
    def recall(self) -> float:
        return self.overall.recall

    @property
    def f1(self) -> float:
        return self.overall.f1

    def kind(self, name: str) -> Counts:
        """The counts of one kind; zero counts for a kind never seen."""
        return self.per_kind.get(name, Counts())

    def as_dict(self) -> dict[str, object]:
        return {
            "overall": self.overall.as_dict(),
            "per_kind": {k: c.as_dict() for k, c in sorted(self.per_kind.items())},
        }


def close(predicted: float | None, gold: float | None, *, tolerance: float) -> bool:
    """Whether two optional values agree within ``tolerance`` relative to ``gold``.

    Two ``None`` agree; ``None`` and a number do not. A gold zero needs an exact zero.
    """
    if predicted is None or gold is None:
        return predicted is None and gold is None
    return abs(predicted - gold) <= tolerance * abs(gold)


def _number(m: Mapping[str, object], key: str) -> float | None:
    v = m.get(key)
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v)


def _offset(m: Mapping[str, object], key: str) -> int | None:
    v = m.get(key)
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _folded(text: object) -> str:
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _SPACES.sub(" ", text).strip()


def span_overlap(predicted: Mapping[str, object], gold: Mapping[str, object]) -> int:
    """How much two mentions of one article overlap: characters, or 1 for containment.

    Gold with ``null`` offsets (read from HTML) matches by text containment, either
    way round, case- and space-insensitive; 0 means no overlap.
    """
    if predicted.get("article_id") != gold.get("article_id"):
        return 0
    g_start, g_end = _offset(gold, "start"), _offset(gold, "end")
    p_start, p_end = _offset(predicted, "start"), _offset(predicted, "end")
    if g_start is None or g_end is None or p_start is None or p_end is None:
        p_text, g_text = _folded(predicted.get("text")), _folded(gold.get("text"))
        if p_text and g_text and (p_text in g_text or g_text in p_text):
            return 1
        return 0
    return max(0, min(p_end, g_end) - max(p_start, g_start))


def mentions_match(
    predicted: Mapping[str, object],
    gold: Mapping[str, object],
    *,
    value_tolerance: float = 0.01,
) -> bool:
    """Whether ``predicted`` matches ``gold``: overlap, kind, value(s) and unit agree."""
    if predicted.get("kind") != gold.get("kind") or span_overlap(predicted, gold) <= 0:
        return False
    if gold.get("kind") == "date":
        return predicted.get("date") == gold.get("date")
    return (
        close(_number(predicted, "value"), _number(gold, "value"), tolerance=value_tolerance)
        and close(
            _number(predicted, "value_max"),
            _number(gold, "value_max"),
            tolerance=value_tolerance,
        )
        and predicted.get("unit") == gold.get("unit")
    )


def _kind(m: Mapping[str, object]) -> str:
    k = m.get("kind")
    return k if isinstance(k, str) else "unknown"


def score_mentions(
    predicted: Sequence[Mapping[str, object]],
    gold: Sequence[Mapping[str, object]],
    *,
    value_tolerance: float = 0.01,
) -> Scores:
    """Score predicted mentions against gold ones (see the module docstring for rules)."""
    used: set[int] = set()
    per_kind: dict[str, Counts] = {}

    def add(kind: str, counts: Counts) -> None:
        per_kind[kind] = per_kind.get(kind, Counts()) + counts

    for g in gold:
        best, best_overlap = -1, 0
        for i, p in enumerate(predicted):
            if i in used or not mentions_match(p, g, value_tolerance=value_tolerance):
                continue
            overlap = span_overlap(p, g)
            if overlap > best_overlap:
                best, best_overlap = i, overlap
        if best >= 0:
            used.add(best)
            add(_kind(g), Counts(tp=1))
        else:
            add(_kind(g), Counts(fn=1))
    for i, p in enumerate(predicted):
        if i not in used:
            add(_kind(p), Counts(fp=1))
    overall = sum(per_kind.values(), Counts())
    return Scores(overall=overall, per_kind=per_kind)
