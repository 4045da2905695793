"""Examples pre-annotated from a run: figures from mentions.jsonl, subjects and
predicates from facts.jsonl, texts re-read from the run's inputs.

The run folder keeps article ids, not texts: the texts come from ``iter_articles`` on
the inputs recorded in ``run.json`` (``options.inputs``) or on ``inputs`` when given.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pipeline.errors import Errors, InputError
from pipeline.ingest import iter_articles
from pipeline.train.annotations import FIGURE, AnnotatedSpan, Example
from pipeline.train.spans import name_spans
from pipeline.types import Article

__all__ = ["SUBJECT_LABELS", "examples_from_run"]

# Subject types of facts.jsonl → entity labels of the NER.
SUBJECT_LABELS = {
    "company": "ORG",
    "organisation": "ORG",
    "project": "PROJECT",
    "programme": "PROJECT",
    "site": "PROJECT",
    "country": "LOC",
}


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _run_inputs(run_dir: Path) -> list[Path]:
    path = run_dir / "run.json"
    if not path.exists():
        raise InputError(Errors.E009.format(name="run.json", path=run_dir))
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Path(p) for p in (data.get("options") or {}).get("inputs") or []]


def _figure(row: dict[str, Any], predicate: str | None) -> AnnotatedSpan:
    value = row.get("value")
    return AnnotatedSpan(
        start=int(row["start"]),
        end=int(row["end"]),
        text=str(row["text"]),
        label=FIGURE,
        kind=str(row["kind"]),
        value=None if value is None else float(value),
        unit=row.get("unit"),
        predicate=predicate,
    )


def _evidence(fact: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from fact.get("evidence") or []
    for alt in fact.get("alternatives") or []:
        yield from alt.get("evidence") or []


def examples_from_run(run_dir: Path, *, inputs: Sequence[Path] | None = None) -> list[Example]:
    """One pre-annotated example per processed article of the run at ``run_dir``."""
    paths = list(inputs) if inputs else _run_inputs(run_dir)
    texts = {a.id: a for a in iter_articles(paths) if isinstance(a, Article)}
    predicates: dict[tuple[str, int, int], str] = {}
    subjects: dict[str, dict[str, set[str]]] = {}
    for fact in _rows(run_dir / "facts.jsonl"):
        label = SUBJECT_LABELS.get(str(fact.get("subject_type")), "ORG")
        for ev in _evidence(fact):
            aid = str(ev["article_id"])
            predicates[(aid, int(ev["start"]), int(ev["end"]))] = str(fact["predicate"])
            subjects.setdefault(aid, {}).setdefault(label, set()).add(str(fact["subject"]))
    figures: dict[str, list[AnnotatedSpan]] = {}
    for row in _rows(run_dir / "mentions.jsonl"):
        aid = str(row["article_id"])
        key = (aid, int(row["start"]), int(row["end"]))
        figures.setdefault(aid, []).append(_figure(row, predicates.get(key)))
    out: list[Example] = []
    for row in _rows(run_dir / "articles.jsonl"):
        if row.get("status") != "ok":
            continue
        aid = str(row["article_id"])
        article = texts.get(aid)
        if article is None:
            raise InputError(Errors.E552.format(path=run_dir, article_id=aid))
        figs = figures.get(aid, [])
        ents = name_spans(
            article.text, subjects.get(aid, {}), taken=[(f.start, f.end) for f in figs]
        )
        spans = sorted([*figs, *ents], key=lambda s: (s.start, s.end, s.label))
        out.append(
            Example(
                id=aid,
                text=article.text,
                spans=tuple(spans),
                lang=row.get("lang"),
                meta=(("source", str(row.get("source", ""))),),
            )
        )
    return out
