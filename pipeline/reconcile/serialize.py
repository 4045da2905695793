"""Facts and conflicts as the JSON objects of SPEC.md (``facts.jsonl``, ``conflicts.jsonl``).

Keys are exactly SPEC's. Extra keys, which SPEC allows: ``qualifiers`` carries
``counterparty``, ``location`` and ``scope`` when they are known; a conflict carries
``type`` (its conflict type) and ``notes`` (e.g. ``"230 + 290 = 520"``); every evidence
object carries its article's ``title`` and ``url`` (``null`` when unknown), so that a
reader can get back to the source.
Conflict candidates are in the conflict's ``unit`` (the group's normalized unit); a
fact and its alternatives are in the unit their figure was stated in.
"""

from __future__ import annotations

from typing import Any

from pipeline.reconcile.model import Alternative, Candidate, Conflict, Fact
from pipeline.types import Evidence, Normalized, Qualifiers

__all__ = [
    "conflict_to_json",
    "evidence_to_json",
    "fact_to_json",
    "normalized_to_json",
    "qualifiers_to_json",
]

_EXTRA_QUALIFIERS = ("counterparty", "location", "scope")


def _opt(x: float | None) -> float | None:
    return None if x is None else float(x)


def qualifiers_to_json(q: Qualifiers) -> dict[str, Any]:
    """``{"stage", "time", "approx", "bound"}`` plus the known extra qualifiers."""
    out: dict[str, Any] = {"stage": q.stage, "time": q.time, "approx": q.approx, "bound": q.bound}
    for name in _EXTRA_QUALIFIERS:
        value = getattr(q, name)
        if value is not None:
            out[name] = value
    return out


def evidence_to_json(e: Evidence) -> dict[str, Any]:
    """SPEC's evidence object, with the source's ``title`` and ``url``."""
    return {
        "article_id": e.article_id,
        "start": e.start,
        "end": e.end,
        "text": e.text,
        "sentence": e.sentence,
        "value": float(e.value),
        "unit": e.unit,
        "title": e.title,
        "url": e.url,
    }


def normalized_to_json(n: Normalized) -> dict[str, Any]:
    """``{"value", "value_max", "unit"}``."""
    return {"value": float(n.value), "value_max": _opt(n.value_max), "unit": n.unit}


def _alternative_to_json(a: Alternative) -> dict[str, Any]:
    return {
        "value": float(a.value),
        "value_max": _opt(a.value_max),
        "unit": a.unit,
        "qualifiers": qualifiers_to_json(a.qualifiers),
        "evidence": [evidence_to_json(e) for e in a.evidence],
    }


def fact_to_json(f: Fact) -> dict[str, Any]:
    """One line of ``facts.jsonl``."""
    return {
        "fact_id": f.fact_id,
        "subject": f.subject,
        "subject_type": f.subject_type,
        "predicate": f.predicate,
        "value": float(f.value),
        "value_max": _opt(f.value_max),
        "unit": f.unit,
        "normalized": normalized_to_json(f.normalized),
        "qualifiers": qualifiers_to_json(f.qualifiers),
        "status": f.status,
        "confidence": float(f.confidence),
        "evidence": [evidence_to_json(e) for e in f.evidence],
        "alternatives": [_alternative_to_json(a) for a in f.alternatives],
    }


def _candidate_to_json(c: Candidate) -> dict[str, Any]:
    return {
        "value": float(c.value),
        "value_max": _opt(c.value_max),
        "qualifiers": qualifiers_to_json(c.qualifiers),
        "support": float(c.support),
        "articles": list(c.articles),
        "evidence": [evidence_to_json(e) for e in c.evidence],
    }


def conflict_to_json(c: Conflict) -> dict[str, Any]:
    """One line of ``conflicts.jsonl``."""
    return {
        "conflict_id": c.conflict_id,
        "fact_id": c.fact_id,
        "subject": c.subject,
        "predicate": c.predicate,
        "unit": c.unit,
        "candidates": [_candidate_to_json(k) for k in c.candidates],
        "resolution": {
            "value": float(c.resolution.value),
            "rule": c.resolution.rule,
            "explanation": c.resolution.explanation,
        },
        "spread": float(c.spread),
        "type": c.type,
        "notes": list(c.notes),
    }
