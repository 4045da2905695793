"""Fact accuracy against the gold files: one in-process run per gold set, then the scorer.

The floors are the levels reached, rounded down to 0.05; a change that loses facts fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cli.main import main
from pipeline.evaluate import evaluate_facts

FLOORS = {"seeds": 0.9, "corpus": 0.85}


def _f1(inputs: Path, gold: Path, out: Path) -> float:
    assert main(["run", str(inputs), "--out", str(out), "--quiet"]) == 0
    return evaluate_facts(out, gold).overall.f1


@pytest.mark.slow
@pytest.mark.parametrize("name", ["seeds", "corpus"])
def test_fact_f1_floor(
    name: str, seeds_dir: Path, corpus_dir: Path, gold_dir: Path, tmp_path: Path
) -> None:
    inputs = seeds_dir if name == "seeds" else corpus_dir
    f1 = _f1(inputs, gold_dir / name / "facts.jsonl", tmp_path / name)
    assert f1 >= FLOORS[name], f"{name} facts F1 {f1:.3f} < {FLOORS[name]}"
