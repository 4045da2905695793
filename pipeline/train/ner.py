"""Train the subject NER with spaCy from a config file, keeping the base labels.

Gold entity spans come from the annotations; base-model predictions fill in, as
pseudo-gold, every label a text was not annotated for (rehearsal: the stock PER, LOC,
ORG, MISC behaviour is trained on together with the new labels, so it is not
forgotten). Unlabelled texts can be added as pure rehearsal documents.
"""

from __future__ import annotations

import io
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

from pipeline.errors import Errors, ModelError
from pipeline.train.annotations import Example

__all__ = ["NerSplit", "gold_doc", "split_examples", "train_ner"]


@dataclass(frozen=True, slots=True)
class NerSplit:
    train: tuple[Example, ...]
    heldout: tuple[Example, ...]


def split_examples(examples: Sequence[Example], *, seed: int, heldout: float) -> NerSplit:
    """A seeded split; at least one held-out example when there are two or more."""
    order = sorted(examples, key=lambda e: e.id)
    random.Random(seed).shuffle(order)
    n = round(len(order) * heldout)
    if len(order) >= 2:
        n = max(n, 1)
    return NerSplit(train=tuple(order[n:]), heldout=tuple(order[:n]))


def _spans(doc: Doc, ex: Example) -> list[Span]:
    out: list[Span] = []
    for s in ex.entities:
        span = doc.char_span(s.start, s.end, label=s.label, alignment_mode="expand")
        if span is not None:
            out.append(span)
    return out


def gold_doc(base: Language, ex: Example) -> Doc:
    """The example's entities plus base predictions for the labels it does not cover."""
    doc = base.make_doc(ex.text)
    gold = _spans(doc, ex)
    covered = set(ex.labels) or {s.label_ for s in gold}
    taken = [(s.start, s.end) for s in gold]
    predicted = base(ex.text)
    for e in predicted.ents:
        if e.label_ in covered or any(e.start < b and a < e.end for a, b in taken):
            continue
        gold.append(Span(doc, e.start, e.end, label=e.label_))
        taken.append((e.start, e.end))
    doc.set_ents(sorted(_dedupe(gold), key=lambda s: s.start), default="outside")
    return doc


def _dedupe(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for s in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if all(s.end <= o.start or o.end <= s.start for o in out):
            out.append(s)
    return out


def _rehearsal_doc(base: Language, text: str) -> Doc:
    predicted = base(text)
    doc = base.make_doc(text)
    doc.set_ents([Span(doc, e.start, e.end, label=e.label_) for e in predicted.ents])
    return doc


def _write(docs: Sequence[Doc], path: Path) -> Path:
    DocBin(docs=docs, store_user_data=False).to_disk(path)
    return path


def train_ner(
    base: Language,
    split: NerSplit,
    *,
    config_path: Path,
    work_dir: Path,
    seed: int,
    max_steps: int | None,
    base_name: str,
    rehearse: Sequence[str] = (),
    overrides: Mapping[str, Any] | None = None,
) -> Language:
    """Train the ``ner`` of ``config_path`` on ``split``; return the trained pipeline."""
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train
    from spacy.util import load_config

    train_docs = [gold_doc(base, ex) for ex in split.train]
    train_docs += [_rehearsal_doc(base, t) for t in rehearse]
    dev_docs = [gold_doc(base, ex) for ex in split.heldout] or train_docs[:1]
    settings: dict[str, Any] = {
        "paths.train": str(_write(train_docs, work_dir / "train.spacy")),
        "paths.dev": str(_write(dev_docs, work_dir / "dev.spacy")),
        "paths.vectors": base_name,
        "components.ner.source": base_name,
        "system.seed": seed,
    }
    if max_steps is not None:
        settings["training.max_steps"] = max_steps
        settings["training.eval_frequency"] = max(max_steps, 1)
    settings.update(overrides or {})
    try:
        config = load_config(config_path, overrides=settings, interpolate=False)
        nlp = init_nlp(config, use_gpu=-1)
    except (OSError, ValueError, KeyError) as e:
        raise ModelError(Errors.E554.format(path=config_path, detail=e)) from e
    trained, _ = train(nlp, None, use_gpu=-1, stdout=io.StringIO(), stderr=io.StringIO())
    return trained
