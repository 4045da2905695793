"""Annotated examples: the training-set format, its reader, writer and span checks.

One JSON object a line::

    {"id": str, "text": str, "lang": str | null,
     "labels": [str],          # entity labels annotated exhaustively in this text
     "spans": [{"start": int, "end": int, "text": str, "label": str,
                "kind": str | null, "value": float | null, "unit": str | null,
                "predicate": str | null}]}

Entity spans have an upper-case label (``ORG``, ``PROJECT``, ``PER``...); figure spans
have the label ``FIGURE`` with the mention's ``kind``/``value``/``unit`` and, when known,
its ``predicate``. ``text`` of a span must equal ``text[start:end]`` of its example.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import Errors, ModelError

__all__ = [
    "FIGURE",
    "AnnotatedSpan",
    "Example",
    "SpanProblem",
    "check_example",
    "data_hash",
    "example_from_json",
    "example_to_json",
    "read_examples",
    "write_examples",
]

FIGURE = "FIGURE"


@dataclass(frozen=True, slots=True)
class AnnotatedSpan:
    start: int
    end: int
    text: str
    label: str
    kind: str | None = None
    value: float | None = None
    unit: str | None = None
    predicate: str | None = None


@dataclass(frozen=True, slots=True)
class Example:
    id: str
    text: str
    spans: tuple[AnnotatedSpan, ...] = ()
    lang: str | None = None
    labels: tuple[str, ...] = ()
    meta: tuple[tuple[str, str], ...] = field(default=())

    @property
    def entities(self) -> tuple[AnnotatedSpan, ...]:
        return tuple(s for s in self.spans if s.label != FIGURE)

    @property
    def figures(self) -> tuple[AnnotatedSpan, ...]:
        return tuple(s for s in self.spans if s.label == FIGURE)


@dataclass(frozen=True, slots=True)
class SpanProblem:
    """A span that does not fit its text, with the task it came from."""

    task_id: str
    start: int
    end: int
    label: str
    detail: str

    def __str__(self) -> str:
        return f"task {self.task_id}: [{self.start}, {self.end}) {self.label}: {self.detail}"


def _opt_float(v: Any) -> float | None:
    return None if v is None else float(v)


def _opt_str(v: Any) -> str | None:
    return None if v is None else str(v)


def span_from_json(d: dict[str, Any], text: str) -> AnnotatedSpan:
    start, end = int(d["start"]), int(d["end"])
    return AnnotatedSpan(
        start=start,
        end=end,
        text=str(d["text"]) if d.get("text") is not None else text[start:end],
        label=str(d["label"]),
        kind=_opt_str(d.get("kind")),
        value=_opt_float(d.get("value")),
        unit=_opt_str(d.get("unit")),
        predicate=_opt_str(d.get("predicate")),
    )


def span_to_json(s: AnnotatedSpan) -> dict[str, Any]:
    out: dict[str, Any] = {"start": s.start, "end": s.end, "text": s.text, "label": s.label}
    if s.label == FIGURE:
        out.update(kind=s.kind, value=s.value, unit=s.unit, predicate=s.predicate)
    return out


def example_from_json(d: dict[str, Any]) -> Example:
    """An Example from its JSON object (raises KeyError/TypeError/ValueError if malformed)."""
    text = d["text"]
    if not isinstance(text, str):
        raise TypeError("text is not a string")
    spans = tuple(span_from_json(s, text) for s in d.get("spans") or [])
    meta = d.get("meta") or {}
    return Example(
        id=str(d["id"]),
        text=text,
        spans=tuple(sorted(spans, key=lambda s: (s.start, s.end, s.label))),
        lang=_opt_str(d.get("lang")),
        labels=tuple(str(x) for x in d.get("labels") or ()),
        meta=tuple(sorted((str(k), str(v)) for k, v in meta.items())),
    )


def example_to_json(ex: Example) -> dict[str, Any]:
    out: dict[str, Any] = {"id": ex.id, "lang": ex.lang, "text": ex.text}
    if ex.labels:
        out["labels"] = list(ex.labels)
    if ex.meta:
        out["meta"] = dict(ex.meta)
    out["spans"] = [span_to_json(s) for s in ex.spans]
    return out


def check_example(ex: Example) -> list[SpanProblem]:
    """Every span of ``ex`` that is out of range, empty or not equal to its text."""
    problems: list[SpanProblem] = []
    n = len(ex.text)
    for s in ex.spans:
        detail = None
        if not 0 <= s.start < s.end <= n:
            detail = f"offsets outside the text (length {n})"
        elif ex.text[s.start : s.end] != s.text:
            detail = f"text {s.text!r} != {ex.text[s.start : s.end]!r} at these offsets"
        elif s.text != s.text.strip():
            detail = "span starts or ends with white space"
        if detail is not None:
            problems.append(SpanProblem(ex.id, s.start, s.end, s.label, detail))
    return problems


def read_examples(path: Path) -> Iterator[Example]:
    """The examples of a JSONL training set (raises ModelError E550 on a malformed line)."""
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield example_from_json(json.loads(line))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
                raise ModelError(Errors.E550.format(path=path, line=i, detail=e)) from e


def write_examples(examples: Iterable[Example], path: Path) -> int:
    """Write ``examples`` as JSONL (sorted keys stay in a fixed order); return the count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for ex in examples:
            fh.write(json.dumps(example_to_json(ex), ensure_ascii=False) + "\n")
            n += 1
    return n


def data_hash(examples: Sequence[Example]) -> str:
    """A stable SHA-256 of the examples' content (for meta.json)."""
    h = hashlib.sha256()
    for ex in examples:
        h.update(json.dumps(example_to_json(ex), ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()
