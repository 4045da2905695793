"""Label Studio tasks to and from :class:`~pipeline.train.annotations.Example`.

A task is ``{"data": {...}, "predictions": [{"model_version", "result": [...]}]}``;
after correction Label Studio exports the same task with ``annotations``. Each span
is a region: results sharing one ``id``, each ``{"from_name", "to_name": "text",
"type": "labels", "value": {"start", "end", "text", "labels": [...]}}``:

- ``from_name: "entity"`` — an entity span (``ORG``, ``PROJECT``...);
- ``from_name: "figure"`` — a figure span, labelled with its kind (``money``...);
- ``from_name: "predicate"`` — the figure's predicate (same region id).

Values and units of figures ride in ``data["figures"]`` (by region id) so that a round
trip is lossless; a figure whose span was moved keeps its kind and loses its value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipeline.train.annotations import FIGURE, AnnotatedSpan, Example

__all__ = ["FROM_ENTITY", "label_config", "task_from_example", "tasks_to_examples"]

FROM_ENTITY = "entity"
FROM_FIGURE = "figure"
FROM_PREDICATE = "predicate"
TO_NAME = "text"
MODEL_VERSION = "newsfacts"


def _region(rid: str, s: AnnotatedSpan, from_name: str, label: str) -> dict[str, Any]:
    return {
        "id": rid,
        "from_name": from_name,
        "to_name": TO_NAME,
        "type": "labels",
        "value": {"start": s.start, "end": s.end, "text": s.text, "labels": [label]},
    }


def task_from_example(ex: Example) -> dict[str, Any]:
    """One Label Studio task with the example's spans as predictions."""
    result: list[dict[str, Any]] = []
    figures: dict[str, dict[str, Any]] = {}
    for i, s in enumerate(ex.spans):
        rid = f"r{i}"
        if s.label == FIGURE:
            result.append(_region(rid, s, FROM_FIGURE, s.kind or "other"))
            if s.predicate:
                result.append(_region(rid, s, FROM_PREDICATE, s.predicate))
            figures[rid] = {"start": s.start, "end": s.end, "value": s.value, "unit": s.unit}
        else:
            result.append(_region(rid, s, FROM_ENTITY, s.label))
    data: dict[str, Any] = {"text": ex.text, "newsfacts_id": ex.id, "lang": ex.lang}
    data["labels"] = list(ex.labels)
    data["meta"] = dict(ex.meta)
    data["figures"] = figures
    return {"data": data, "predictions": [{"model_version": MODEL_VERSION, "result": result}]}


def _results(task: dict[str, Any]) -> list[dict[str, Any]]:
    """The corrected results (latest non-cancelled annotation), else the predictions."""
    for key in ("annotations", "completions", "predictions"):
        entries = [a for a in task.get(key) or [] if not a.get("was_cancelled")]
        if entries:
            return list(entries[-1].get("result") or [])
    return []


def _example_from_task(task: dict[str, Any], index: int) -> Example:
    data = task["data"]
    text = str(data["text"])
    figures = data.get("figures") or {}
    regions: dict[str, dict[str, Any]] = {}
    for k, r in enumerate(_results(task)):
        if r.get("type") != "labels":
            continue
        v = r["value"]
        rid = str(r.get("id") or f"k{k}")
        reg = regions.setdefault(rid, {"start": int(v["start"]), "end": int(v["end"])})
        reg["text"] = str(v.get("text", text[int(v["start"]) : int(v["end"])]))
        labels = v.get("labels") or []
        reg[str(r["from_name"])] = str(labels[0]) if labels else None
    spans: list[AnnotatedSpan] = []
    for rid, reg in regions.items():
        if reg.get(FROM_FIGURE) is None and reg.get(FROM_ENTITY) is None:
            continue
        if reg.get(FROM_ENTITY) is not None:
            spans.append(AnnotatedSpan(reg["start"], reg["end"], reg["text"], reg[FROM_ENTITY]))
            continue
        known = figures.get(rid) or {}
        same = known.get("start") == reg["start"] and known.get("end") == reg["end"]
        value = known.get("value") if same else None
        spans.append(
            AnnotatedSpan(
                reg["start"],
                reg["end"],
                reg["text"],
                FIGURE,
                kind=reg[FROM_FIGURE],
                value=None if value is None else float(value),
                unit=known.get("unit") if same else None,
                predicate=reg.get(FROM_PREDICATE),
            )
        )
    meta = data.get("meta") or {}
    return Example(
        id=str(data.get("newsfacts_id") or task.get("id") or f"task-{index}"),
        text=text,
        spans=tuple(sorted(spans, key=lambda s: (s.start, s.end, s.label))),
        lang=data.get("lang"),
        labels=tuple(str(x) for x in data.get("labels") or ()),
        meta=tuple(sorted((str(k), str(v)) for k, v in meta.items())),
    )


def tasks_to_examples(tasks: Sequence[dict[str, Any]]) -> list[Example]:
    """Examples from exported (corrected) tasks (raises KeyError/ValueError if malformed)."""
    return [_example_from_task(t, i) for i, t in enumerate(tasks)]


def label_config(
    entity_labels: Sequence[str], kinds: Sequence[str], predicates: Sequence[str]
) -> str:
    """The Label Studio labelling interface (XML) matching the tasks' ``from_name``s."""

    def block(name: str, values: Sequence[str]) -> str:
        inner = "".join(f'<Label value="{v}"/>' for v in values)
        return f'  <Labels name="{name}" toName="{TO_NAME}">{inner}</Labels>\n'

    return (
        "<View>\n"
        + block(FROM_ENTITY, entity_labels)
        + block(FROM_FIGURE, kinds)
        + block(FROM_PREDICATE, predicates)
        + f'  <Text name="{TO_NAME}" value="$text"/>\n</View>\n'
    )
