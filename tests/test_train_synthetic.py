"""Synthetic examples: slot aliases give the mapped label, slots outside ``labels`` stay
unannotated (negatives), offsets match the text, and a seed reproduces the set."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import pytest

from pipeline.train.annotations import check_example
from pipeline.train.synthetic import synthetic_examples

SHIPPED = Path(__file__).resolve().parents[1] / "models" / "data" / "synthetic_fr.yaml"

TINY = """\
lang: fr
labels: [ORG, PROJECT]
slots: {ORGV: ORG}
names:
  ORG: [Veltria]
  ORGV: [Orbis Cloud]
  PROJECT: [Vega Campus]
  PRODUCT: [H100]
templates:
  - "{TEMPLATE}"
"""


@cache
def _tiny(template: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="newsfacts-synthetic-"))
    path = folder / "synthetic.yaml"
    path.write_text(TINY.replace("{TEMPLATE}", template), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("Le partenariat d’{ORGV} avec {ORG}.", [("Orbis Cloud", "ORG"), ("Veltria", "ORG")]),
        (
            "{ORG} équipe {PROJECT} de puces {PRODUCT}.",
            [("Veltria", "ORG"), ("Vega Campus", "PROJECT")],
        ),
        ("Les puces {PRODUCT} arrivent.", []),
    ],
)
def test_slots_map_labels_and_leave_negatives(
    template: str, expected: list[tuple[str, str]]
) -> None:
    (ex,) = synthetic_examples(_tiny(template), n=1, seed=0)
    assert [(s.text, s.label) for s in ex.spans] == expected
    assert all(ex.text[s.start : s.end] == s.text for s in ex.spans)
    assert ex.labels == ("ORG", "PROJECT")


@pytest.mark.parametrize("seed", [0, 7])
def test_shipped_templates_are_valid_and_reproducible(seed: int) -> None:
    first = synthetic_examples(SHIPPED, n=40, seed=seed)
    again = synthetic_examples(SHIPPED, n=40, seed=seed)
    assert first == again
    assert [p for ex in first for p in check_example(ex)] == []
    labels = {s.label for ex in first for s in ex.spans}
    assert labels == {"ORG", "PROJECT", "PER", "LOC"}
    # products such as "H100" are filled in but never annotated
    assert not any(s.text == "H100" for ex in first for s in ex.spans)
