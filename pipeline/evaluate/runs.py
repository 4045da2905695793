"""Score a finished run directory against gold files (mentions and facts).

Gold mentions are JSONL with SPEC's mention keys (``article_id, start, end, text, kind,
value, value_max, unit, date``); gold facts are JSONL objects with at least ``subject``,
``predicate`` and ``value`` (``unit`` is checked when given).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from pipeline.errors import Errors, InputError
from pipeline.evaluate.mentions import Counts, Scores, close, score_mentions

__all__ = [
    "canonical_subject",
    "evaluate_facts",
    "evaluate_run",
    "fact_found",
    "read_jsonl",
    "score_facts",
]


def read_jsonl(path: Path) -> list[dict[str, object]]:
    """Every JSON object of a JSONL file (blank lines skipped).

    Raises :class:`InputError` when the file is missing or a line is not a JSON object.
    """
    if not path.is_file():
        raise InputError(Errors.E004.format(path=path))
    return list(_objects(path))


def _objects(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError(Errors.E450.format(line=n, path=path, detail=e)) from e
            if not isinstance(obj, dict):
                raise InputError(Errors.E450.format(line=n, path=path, detail=type(obj).__name__))
            yield obj


def _run_file(run_dir: Path, name: str) -> Path:
    path = run_dir / name
    if not path.is_file():
        raise InputError(Errors.E009.format(name=name, path=run_dir))
    return path


def evaluate_run(run_dir: Path, gold_mentions: Path, *, value_tolerance: float = 0.01) -> Scores:
    """Score a run's ``mentions.jsonl`` against a gold mentions JSONL file."""
    predicted = read_jsonl(_run_file(run_dir, "mentions.jsonl"))
    return score_mentions(predicted, read_jsonl(gold_mentions), value_tolerance=value_tolerance)


def canonical_subject(name: object) -> str:
    """A subject name folded for comparison: case, accents, quotes and spaces ignored."""
    if not isinstance(name, str):
        return ""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = "".join(c if c.isalnum() else " " for c in kept)
    return " ".join(cleaned.split())


def _float(m: Mapping[str, object], key: str) -> float | None:
    v = m.get(key)
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v)


def _candidates(fact: Mapping[str, object]) -> Iterator[Mapping[str, object]]:
    """The fact's chosen figure and each of its alternatives."""
    yield fact
    alternatives = fact.get("alternatives")
    if isinstance(alternatives, list):
        for alt in alternatives:
            if isinstance(alt, Mapping):
                yield {"unit": fact.get("unit"), **alt}


def fact_found(
    gold: Mapping[str, object],
    fact: Mapping[str, object],
    *,
    value_tolerance: float = 0.01,
) -> bool:
    """Whether ``fact`` (a facts.jsonl line) states the gold fact.

    Subjects compare canonically, predicates exactly; the gold value must be within
    ``value_tolerance`` of the fact's value or of one alternative's value, with the same
    unit when the gold fact gives one.
    """
    if canonical_subject(gold.get("subject")) != canonical_subject(fact.get("subject")):
        return False
    if gold.get("predicate") != fact.get("predicate"):
        return False
    g_value, g_unit = _float(gold, "value"), gold.get("unit")
    for cand in _candidates(fact):
        if g_unit is not None and cand.get("unit") != g_unit:
            continue
        if close(_float(cand, "value"), g_value, tolerance=value_tolerance):
            return True
    return False


def score_facts(
    predicted: Sequence[Mapping[str, object]],
    gold: Sequence[Mapping[str, object]],
    *,
    value_tolerance: float = 0.01,
) -> Scores:
    """Precision, recall and F1 of facts, overall and per predicate.

    A gold fact is a true positive when some fact line states it (one line may state
    several gold facts: a conflict keeps the others as alternatives) and a false
    negative otherwise. A fact line is a false positive when its subject is one the gold
    file annotates but it states none of the gold facts; lines about subjects the gold
    file does not mention are not judged.
    """
    per_kind: dict[str, Counts] = {}

    def add(predicate: object, counts: Counts) -> None:
        key = predicate if isinstance(predicate, str) else "unknown"
        per_kind[key] = per_kind.get(key, Counts()) + counts

    for g in gold:
        hit = any(fact_found(g, f, value_tolerance=value_tolerance) for f in predicted)
        add(g.get("predicate"), Counts(tp=1) if hit else Counts(fn=1))
    judged = {canonical_subject(g.get("subject")) for g in gold}
    for f in predicted:
        if canonical_subject(f.get("subject")) not in judged:
            continue
        if not any(fact_found(g, f, value_tolerance=value_tolerance) for g in gold):
            add(f.get("predicate"), Counts(fp=1))
    return Scores(overall=sum(per_kind.values(), Counts()), per_kind=per_kind)


def evaluate_facts(run_dir: Path, gold_facts: Path, *, value_tolerance: float = 0.01) -> Scores:
    """Score a run's ``facts.jsonl`` against a gold facts JSONL file (see :func:`score_facts`)."""
    predicted = read_jsonl(_run_file(run_dir, "facts.jsonl"))
    return score_facts(predicted, read_jsonl(gold_facts), value_tolerance=value_tolerance)
