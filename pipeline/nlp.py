"""Assemble one spaCy pipeline per language from ``pipeline/lang/<xx>/nlp.yaml``.

The model comes from a Python package pinned in ``pyproject.toml`` (or a trained
model directory given with ``--model``); nothing is downloaded. Components the facts
stage does not read are excluded; the subject entity ruler and the quantity
recognizer are added on top.
"""

from __future__ import annotations

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

__all__ = ["NlpConfig", "load_pipeline", "nlp_config"]


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
    name: str | Path = model if model is not None else cfg.model
    started = time.perf_counter()
    try:
        nlp = spacy.load(name, exclude=list(cfg.exclude))
    except (OSError, ValueError, ImportError) as e:
        raise ModelError(Errors.E007.format(name=str(name), detail=e)) from e
    if "ner" in nlp.pipe_names and "newsfacts_subjects" not in nlp.pipe_names:
        ruler = nlp.add_pipe(
            "entity_ruler",
            name="newsfacts_subjects",
            after="ner",
            config={"overwrite_ents": True, "phrase_matcher_attr": "LOWER"},
        )
        ruler.add_patterns(_subject_patterns(lang))  # type: ignore[attr-defined]
    if "newsfacts_quantities" not in nlp.pipe_names:
        nlp.add_pipe("newsfacts_quantities", config={"lang": lang})
    nlp.meta["newsfacts_load_seconds"] = round(time.perf_counter() - started, 3)
    return nlp
