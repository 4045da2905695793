"""Assemble one spaCy pipeline per language from ``pipeline/lang/<xx>/nlp.yaml``.

The model comes from a Python package pinned in ``pyproject.toml`` (or a trained
model directory given with ``--model``); nothing is downloaded. Components the facts
stage does not read are excluded; the subject entity ruler and the quantity
recognizer are added on top.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from pipeline.errors import Errors, ModelError
from pipeline.factories import register
from pipeline.lang import load_lang_file

__all__ = [
    "PREDICATE_MODEL_META",
    "NlpConfig",
    "load_pipeline",
    "model_language",
    "nlp_config",
    "predicate_weights",
]

#: A trained model directory may carry fitted predicate weights in this file; its path
#: is kept in ``nlp.meta[PREDICATE_MODEL_META]`` for the facts stage.
PREDICATE_WEIGHTS = "predicate_model.yaml"
PREDICATE_MODEL_META = "newsfacts_predicate_model"


@dataclass(frozen=True, slots=True)
class NlpConfig:
    model: str
    model_version: str
    exclude: tuple[str, ...]


def nlp_config(lang: str) -> NlpConfig:
    data = load_lang_file(lang, "nlp")
    return NlpConfig(
        model=str(data["model"]),
        model_version=str(data.get("model_version", "")),
        exclude=tuple(str(x) for x in data.get("exclude", ())),
    )


def model_language(model: Path) -> str | None:
    """The language a trained model directory is for (its ``meta.json``), if readable."""
    try:
        meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    lang = meta.get("lang")
    return lang if isinstance(lang, str) else None


def predicate_weights(nlp: Language) -> Path | None:
    """The trained predicate weights that came with ``nlp``'s model, if any."""
    path = nlp.meta.get(PREDICATE_MODEL_META)
    return Path(path) if isinstance(path, str) else None


def _subject_patterns(lang: str) -> list[dict[str, Any]]:
    from pipeline.facts import subject_patterns

    return subject_patterns(lang)


@cache
def load_pipeline(lang: str, model: Path | None = None) -> Language:
    """The full newsfacts pipeline for ``lang`` (cached per process).

    ``model`` replaces the language's stock model by a trained one (``newsfacts train``).
    """
    register()
    cfg = nlp_config(lang)
    if model is not None and model_language(model) != lang:
        model = None
    if model is not None:
        from pipeline.train.modeldir import assemble

        assemble(model)
    name: str | Path = model if model is not None else cfg.model
    started = time.perf_counter()
    try:
        nlp = spacy.load(name, exclude=list(cfg.exclude))
    except (OSError, ValueError, ImportError) as e:
        raise ModelError(Errors.E007.format(name=str(name), detail=e)) from e
    weights = None if model is None else model / PREDICATE_WEIGHTS
    if weights is not None and weights.is_file():
        nlp.meta[PREDICATE_MODEL_META] = str(weights)
    if "ner" in nlp.pipe_names and "newsfacts_subjects" not in nlp.pipe_names:
        ruler = nlp.add_pipe(
            "entity_ruler",
            name="newsfacts_subjects",
            after="ner",
            config={"overwrite_ents": True, "phrase_matcher_attr": "LOWER"},
        )
        ruler.add_patterns(_subject_patterns(lang))  # type: ignore[attr-defined]
    if "parser" in nlp.pipe_names and "newsfacts_sentence_bounds" not in nlp.pipe_names:
        nlp.add_pipe("newsfacts_sentence_bounds", after="parser")
    if "newsfacts_quantities" not in nlp.pipe_names:
        nlp.add_pipe("newsfacts_quantities", config={"lang": lang})
    nlp.meta["newsfacts_load_seconds"] = round(time.perf_counter() - started, 3)
    return nlp
