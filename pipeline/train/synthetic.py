"""Seeded synthetic examples from slot templates (``models/data/synthetic_<xx>.yaml``).

A slot ``{NAME}`` or ``{NAME2}`` is filled from ``names[NAME]``; its entity label is
``slots[NAME]`` when the file maps it (``ORGV: ORG`` for vowel-initial names after an
elided article), else ``NAME``. A slot whose label is not in ``labels`` (products, public
bodies, headings) is filled but left unannotated: a negative example.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import yaml

from pipeline.train.annotations import AnnotatedSpan, Example

__all__ = ["synthetic_examples"]

_SLOT = re.compile(r"\{([A-Z_]+)(\d?)\}")


def _fill(
    template: str,
    names: dict[str, list[str]],
    rng: random.Random,
    *,
    slots: dict[str, str],
    labels: tuple[str, ...],
) -> tuple[str, list[AnnotatedSpan]]:
    out: list[str] = []
    spans: list[AnnotatedSpan] = []
    used: set[str] = set()
    pos = 0
    length = 0
    for m in _SLOT.finditer(template):
        literal = template[pos : m.start()]
        out.append(literal)
        length += len(literal)
        slot = m.group(1)
        label = slots.get(slot, slot)
        choices = [n for n in names[slot] if n not in used] or names[slot]
        name = rng.choice(choices)
        used.add(name)
        if label in labels:
            spans.append(AnnotatedSpan(length, length + len(name), name, label))
        out.append(name)
        length += len(name)
        pos = m.end()
    out.append(template[pos:])
    return "".join(out), spans


def synthetic_examples(path: Path, *, n: int, seed: int) -> list[Example]:
    """``n`` examples of three filled sentences each, reproducible for a seed."""
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    names = {str(k): [str(x) for x in v] for k, v in data["names"].items()}
    templates = [str(t) for t in data["templates"]]
    labels = tuple(str(x) for x in data.get("labels") or names)
    slots = {str(k): str(v) for k, v in (data.get("slots") or {}).items()}
    rng = random.Random(seed)
    out: list[Example] = []
    for i in range(n):
        parts: list[str] = []
        spans: list[AnnotatedSpan] = []
        offset = 0
        for template in rng.sample(templates, k=min(3, len(templates))):
            text, sp = _fill(template, names, rng, slots=slots, labels=labels)
            spans += [AnnotatedSpan(s.start + offset, s.end + offset, s.text, s.label) for s in sp]
            parts.append(text)
            offset += len(text) + 1
        out.append(
            Example(
                id=f"synthetic-{i:04d}",
                text=" ".join(parts),
                spans=tuple(spans),
                lang=str(data.get("lang")) if data.get("lang") else None,
                labels=labels,
            )
        )
    return out
