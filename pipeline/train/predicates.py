"""Fit the predicate classifier: multinomial logistic regression in numpy.

Features are exactly ``pipeline.facts.predicates.features`` (cue, kind, unit,
near_percent, bias) of each annotated figure, computed as ``build_claims`` does (cues of
the figure's sentence). For a figure of kind k the classes are the predicates allowed
for k plus ``other``, whose logit is the model's fixed ``min_score`` — so that
``classify`` (arg-max over allowed predicates, ``other`` below ``min_score``) is the
decision rule of the fitted model. The fitted weights replace ``weights`` in a copy of
the base ``predicate_model.yaml`` (same schema).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from spacy.tokens import Doc

from pipeline.facts.predicates import (
    MODEL_PATH,
    PredicateModel,
    classify,
    cue_hits,
    features,
    governing_cues,
    named_cues,
    predicate_model,
)
from pipeline.facts.text import fold
from pipeline.train.annotations import AnnotatedSpan, Example

__all__ = [
    "LabelledFigure",
    "accuracy",
    "figure_rows",
    "fit_weights",
    "write_predicate_model",
]

OTHER = "other"
_PERCENT_GAP = re.compile(r"[\s\w]{0,6}")


@dataclass(frozen=True, slots=True)
class LabelledFigure:
    kind: str
    feats: Mapping[str, float]
    predicate: str


def _sentence_bounds(doc: Doc, s: AnnotatedSpan) -> tuple[int, int]:
    span = doc.char_span(s.start, s.end, alignment_mode="expand")
    if span is None or not doc.has_annotation("SENT_START"):
        return 0, len(doc.text)
    return span[0].sent.start_char, max(span[0].sent.end_char, span[-1].sent.end_char)


def _near_percent(s: AnnotatedSpan, figures: Sequence[AnnotatedSpan], text: str) -> bool:
    return any(
        o.kind == "percent"
        and o.end <= s.start
        and _PERCENT_GAP.fullmatch(text[o.end : s.start]) is not None
        for o in figures
    )


def figure_rows(doc: Doc, ex: Example, *, lang: str, model: PredicateModel) -> list[LabelledFigure]:
    """Features and gold predicate of every figure of ``ex`` that has one."""
    folded = fold(doc.text)
    figures = ex.figures
    rows: list[LabelledFigure] = []
    for s in figures:
        if not s.predicate or not s.kind or s.kind not in model.allowed:
            continue
        lo, hi = _sentence_bounds(doc, s)
        cues = named_cues(doc, s.start, s.end, cue_hits(folded, lang, start=lo, end=hi), lang=lang)
        feats = features(
            kind=s.kind,
            unit=s.unit,
            start=s.start,
            end=s.end,
            cues=cues,
            near_percent=_near_percent(s, figures, doc.text),
            model=model,
            governing=governing_cues(doc, s.start, s.end, cues, lang=lang),
        )
        rows.append(LabelledFigure(s.kind, feats, s.predicate))
    return rows


def accuracy(rows: Sequence[LabelledFigure], model: PredicateModel) -> float | None:
    """Share of rows whose predicate ``classify`` gets right (None when no rows)."""
    if not rows:
        return None
    right = sum(classify(r.feats, r.kind, model=model)[0] == r.predicate for r in rows)
    return round(right / len(rows), 4)


def fit_weights(
    rows: Sequence[LabelledFigure],
    model: PredicateModel,
    *,
    l2: float = 0.3,
    steps: int = 400,
    learn_rate: float = 0.5,
) -> dict[str, dict[str, float]]:
    """Weights per predicate per feature, fitted by full-batch gradient descent.

    Deterministic (zero start, no sampling). Predicates never seen keep their base
    weights; the base weights are also the prior the L2 term pulls towards, so a small
    set corrects the hand-set model instead of replacing it.
    """
    preds = sorted({p for ps in model.allowed.values() for p in ps} | set(model.weights))
    names = sorted(
        {f for r in rows for f in r.feats} | {f for w in model.weights.values() for f in w}
    )
    if not rows:
        return {p: dict(model.weights.get(p, {})) for p in preds}
    p_ix = {p: i for i, p in enumerate(preds)}
    f_ix = {f: i for i, f in enumerate(names)}
    prior = np.zeros((len(preds), len(names)))
    for p, fw in model.weights.items():
        for f, w in fw.items():
            prior[p_ix[p], f_ix[f]] = w
    x = np.zeros((len(rows), len(names)))
    mask = np.full((len(rows), len(preds) + 1), -np.inf)
    y = np.zeros(len(rows), dtype=int)
    for i, r in enumerate(rows):
        for f, v in r.feats.items():
            x[i, f_ix[f]] = v
        for p in model.allowed.get(r.kind, ()):
            mask[i, p_ix[p]] = 0.0
        mask[i, -1] = 0.0
        y[i] = p_ix[r.predicate] if r.predicate in p_ix else len(preds)
    wm = prior.copy()
    onehot = np.zeros_like(mask)
    onehot[np.arange(len(rows)), y] = 1.0
    for _ in range(steps):
        logits = np.concatenate([x @ wm.T, np.full((len(rows), 1), model.min_score)], axis=1)
        logits = logits + mask
        logits -= logits.max(axis=1, keepdims=True)
        prob = np.exp(logits)
        prob /= prob.sum(axis=1, keepdims=True)
        grad = (prob - onehot)[:, :-1].T @ x / len(rows) + l2 * (wm - prior)
        wm -= learn_rate * grad
    return {
        p: {f: round(float(wm[i, j]), 4) for j, f in enumerate(names) if abs(wm[i, j]) >= 1e-3}
        for p, i in p_ix.items()
    }


def write_predicate_model(
    path: Path, weights: Mapping[str, Mapping[str, float]], *, base: Path = MODEL_PATH
) -> PredicateModel:
    """Write a copy of ``base`` with ``weights``; return it as loaded back."""
    with base.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    data["weights"] = {p: dict(sorted(fw.items())) for p, fw in sorted(weights.items()) if fw}
    header = (
        "# Predicate classifier fitted by `newsfacts train` (logistic regression over\n"
        "# pipeline.facts.predicates.features); same schema as the hand-set model.\n"
    )
    path.write_text(
        header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return predicate_model(path)
