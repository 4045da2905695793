"""spaCy backend: a few training steps on a tiny set give a loadable model whose
prediction follows the corrected annotation; predicate weights keep their schema."""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest
import spacy

from pipeline.facts.predicates import predicate_model
from pipeline.train.annotations import FIGURE, AnnotatedSpan, Example, write_examples
from pipeline.train.predicates import LabelledFigure, fit_weights
from pipeline.train.spacy_backend import SpacyTrainOptions, train_spacy

NAME = "Vega Campus"
TEMPLATES = [
    "Le groupe Veltria construit {n} près de Bergen.",
    "Le chantier de {n} commencera en 2026.",
    "Avec {n}, Veltria vise les laboratoires européens.",
    "La banque finance {n} pour 2 milliards d'euros.",
]
PROBE = TEMPLATES[0].format(n=NAME)  # a training example: its corrected span is learnt

# A tiny set learns in a few steps with a higher rate and no parameter averaging.
TINY = (("training.optimizer.learn_rate", 0.003), ("training.optimizer.use_averages", False))


def _examples() -> list[Example]:
    out: list[Example] = []
    for i, t in enumerate(TEMPLATES * 3):
        text = t.format(n=NAME)
        spans = [AnnotatedSpan(text.index(NAME), text.index(NAME) + len(NAME), NAME, "PROJECT")]
        if "milliards" in text:
            a = text.index("2 milliards")
            spans.append(
                AnnotatedSpan(
                    a, a + 19, text[a : a + 19], FIGURE, "money", 2e9, "EUR", "investment"
                )
            )
        out.append(
            Example(f"t{i}", text, tuple(sorted(spans, key=lambda s: s.start)), "fr", ("PROJECT",))
        )
    return out


@cache
def _trained() -> tuple[Path, dict[str, object]]:
    root = tempfile.mkdtemp(prefix="newsfacts-train-")
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    data = Path(root) / "data.jsonl"
    write_examples(_examples(), data)
    out = Path(root) / "model"
    metrics = train_spacy(
        SpacyTrainOptions(data=data, out=out, max_steps=30, seed=1, overrides=TINY)
    )
    return out, metrics


@pytest.mark.parametrize("label", ["PROJECT"])
def test_trained_model_loads_and_follows_the_annotation(label: str) -> None:
    out, _ = _trained()
    nlp = spacy.load(out, exclude=["senter"])
    assert {"PER", "LOC", "ORG", "MISC", label} <= set(nlp.get_pipe("ner").labels)  # type: ignore[attr-defined]
    assert (PROBE.index(NAME), label) in {(e.start_char, e.label_) for e in nlp(PROBE).ents}
    stock = spacy.load("fr_core_news_md", exclude=["senter"])
    assert label not in {e.label_ for e in stock(PROBE).ents}


@pytest.mark.parametrize(
    "key", ["data_sha256", "base_model", "versions", "date", "trained_components"]
)
def test_meta_and_metrics_written(key: str) -> None:
    out, metrics = _trained()
    meta = json.loads((out / "meta.json").read_text())
    assert key in meta["newsfacts"]
    assert {"trained", "base"} <= set(metrics)
    assert json.loads((out / "metrics.json").read_text())["heldout_ids"]


@pytest.mark.parametrize("name", [".gitignore"])
def test_only_the_trained_component_is_not_a_copy(name: str) -> None:
    out, _ = _trained()
    ignored = (out / name).read_text().split()
    assert "/ner" not in ignored
    assert "/vocab" in ignored
    assert "/tok2vec" in ignored


@pytest.mark.parametrize("kind", ["count"])
def test_fit_moves_weights_towards_the_gold(kind: str) -> None:
    base = predicate_model()
    rows = [
        LabelledFigure(
            kind, {"bias": 1.0, f"kind:{kind}": 1.0, "unit:site": 1.0}, "data_center_count"
        )
    ] * 5
    fitted = fit_weights(rows, base, l2=0.01, steps=300)
    before = base.weights["data_center_count"].get("unit:site", 0.0)
    assert fitted["data_center_count"]["unit:site"] > before
    assert set(fitted) <= set(base.weights) | {p for ps in base.allowed.values() for p in ps}
