"""Score a model (trained or stock) on an annotated set: entity P/R/F1 per label,
predicate accuracy.

Lines without ``text`` (gold kept as offsets only) take their text from
``texts_dir/<id>.txt``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from spacy.language import Language

from pipeline.errors import Errors, ModelError
from pipeline.facts.predicates import PredicateModel, predicate_model
from pipeline.train.annotations import Example, example_from_json
from pipeline.train.predicates import accuracy, figure_rows

__all__ = ["entity_scores", "evaluate_model", "load_gold", "model_predicates"]


def load_gold(data: Path, *, texts_dir: Path | None = None) -> list[Example]:
    """Annotated examples of ``data``; missing texts are read from ``texts_dir``."""
    out: list[Example] = []
    with data.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                if "text" not in d:
                    if texts_dir is None:
                        raise KeyError("no text and no texts folder")
                    d["text"] = (texts_dir / f"{d['id']}.txt").read_text(encoding="utf-8")
                out.append(example_from_json(d))
            except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
                raise ModelError(Errors.E550.format(path=data, line=i, detail=e)) from e
    return out


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "support": n_gold}


def entity_scores(
    gold: Iterable[tuple[str, int, int, str]],
    predicted: Iterable[tuple[str, int, int, str]],
    labels: Sequence[str],
) -> dict[str, dict[str, float | int]]:
    """Exact-span P/R/F1 per label over (doc id, start, end, label) tuples."""
    g, p = set(gold), set(predicted)
    return {
        label: _prf(
            len({x for x in g & p if x[3] == label}),
            len({x for x in p if x[3] == label}),
            len({x for x in g if x[3] == label}),
        )
        for label in labels
    }


def model_predicates(model: Path | None) -> PredicateModel:
    """The predicate model shipped in ``model`` (its predicate_model.yaml) or the default."""
    if model is not None and (model / "predicate_model.yaml").exists():
        return predicate_model(model / "predicate_model.yaml")
    return predicate_model()


def score_examples(
    nlp: Language, examples: Sequence[Example], *, lang: str, predicates: PredicateModel
) -> dict[str, Any]:
    """Entity scores (labels annotated in the gold) and predicate accuracy."""
    labels = sorted(
        {s.label for ex in examples for s in ex.entities}
        | {lab for ex in examples for lab in ex.labels}
    )
    gold: list[tuple[str, int, int, str]] = []
    pred: list[tuple[str, int, int, str]] = []
    rows = []
    for ex, doc in zip(examples, nlp.pipe(ex.text for ex in examples), strict=True):
        gold += [(ex.id, s.start, s.end, s.label) for s in ex.entities]
        pred += [(ex.id, e.start_char, e.end_char, e.label_) for e in doc.ents]
        rows += figure_rows(doc, ex, lang=lang, model=predicates)
    return {
        "entities": entity_scores(gold, pred, labels),
        "predicate_accuracy": accuracy(rows, predicates),
        "figures": len(rows),
        "examples": len(examples),
    }


def evaluate_model(
    model: Path | None, data: Path, *, texts_dir: Path | None = None, lang: str | None = None
) -> dict[str, Any]:
    """Score ``model`` (a trained model directory, or None for the stock model of the
    data's language) on the annotated set ``data``."""
    from pipeline.nlp import nlp_config
    from pipeline.train.modeldir import assemble

    examples = load_gold(data, texts_dir=texts_dir)
    code = lang or next((ex.lang for ex in examples if ex.lang), None) or "fr"
    examples = [ex for ex in examples if (ex.lang or code) == code]
    import spacy

    name: str | Path = nlp_config(code).model if model is None else model
    if model is not None:
        assemble(model)
    try:
        nlp = spacy.load(name, exclude=["senter"])
    except (OSError, ValueError, ImportError) as e:
        raise ModelError(Errors.E007.format(name=str(name), detail=e)) from e
    scores = score_examples(nlp, examples, lang=code, predicates=model_predicates(model))
    return {"model": str(name), "data": str(data), "lang": code, **scores}
