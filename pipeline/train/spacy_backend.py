"""``newsfacts train --backend spacy``: subject NER + predicate weights → models/NAME/."""

from __future__ import annotations

import datetime as dt
import json
import platform
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.errors import Errors, ModelError
from pipeline.facts.predicates import predicate_model
from pipeline.train.annotations import Example, check_example, data_hash, read_examples
from pipeline.train.evaluate import score_examples
from pipeline.train.modeldir import assemble, supplied_names
from pipeline.train.ner import split_examples, train_ner
from pipeline.train.predicates import accuracy, figure_rows, fit_weights, write_predicate_model

__all__ = ["SpacyTrainOptions", "load_training_set", "train_spacy"]

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "configs" / "ner_fr.cfg"


@dataclass(frozen=True, slots=True)
class SpacyTrainOptions:
    data: Path
    out: Path
    base: str = "fr_core_news_md"
    config: Path = DEFAULT_CONFIG
    seed: int = 0
    max_steps: int | None = None
    heldout: float = 0.2
    rehearse: tuple[Path, ...] = ()
    overrides: tuple[tuple[str, Any], ...] = ()  # extra config overrides (dotted keys)


def load_training_set(data: Path, *, lang: str) -> list[Example]:
    """The checked examples of ``data`` in ``lang`` (ModelError on a bad span)."""
    examples = list(read_examples(data))
    problems = [p for ex in examples for p in check_example(ex)]
    if problems:
        raise ModelError(
            Errors.E551.format(
                count=len(problems), path=data, spans="\n".join(str(p) for p in problems)
            )
        )
    chosen = [ex for ex in examples if (ex.lang or lang) == lang]
    if not chosen:
        raise ModelError(Errors.E553.format(path=data, lang=lang))
    return chosen


def _meta(
    base_meta: dict[str, Any], opts: SpacyTrainOptions, extra: dict[str, Any]
) -> dict[str, Any]:
    from spacy import about

    meta = dict(base_meta)
    meta["name"] = f"newsfacts_{opts.out.name.replace('-', '_')}"
    labels = dict(meta.get("labels") or {})
    labels["ner"] = extra["labels"]
    meta["labels"] = labels
    meta.pop("performance", None)
    meta["newsfacts"] = {
        "backend": "spacy",
        "base_model": opts.base,
        "base_version": base_meta.get("version"),
        "config": opts.config.name,
        "data": opts.data.name,
        "data_sha256": extra["data_sha256"],
        "seed": opts.seed,
        "max_steps": opts.max_steps,
        "trained_components": ["ner"],
        "copied": extra["copied"],
        "predicate_model": "predicate_model.yaml",
        "versions": {
            "newsfacts": __version__,
            "spacy": about.__version__,
            "python": platform.python_version(),
        },
        "date": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "train_seconds": extra["seconds"],
    }
    return meta


def _rehearsal_texts(paths: Sequence[Path]) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in paths]


def train_spacy(opts: SpacyTrainOptions) -> dict[str, Any]:
    """Train, write ``opts.out`` (assembled, loadable by ``spacy.load``); return metrics."""
    import spacy

    started = time.perf_counter()
    try:
        base = spacy.load(opts.base, exclude=["senter"])
    except (OSError, ValueError, ImportError) as e:
        raise ModelError(Errors.E007.format(name=opts.base, detail=e)) from e
    lang = str(base.lang)
    examples = load_training_set(opts.data, lang=lang)
    split = split_examples(examples, seed=opts.seed, heldout=opts.heldout)
    with tempfile.TemporaryDirectory() as tmp:
        trained = train_ner(
            base,
            split,
            config_path=opts.config,
            work_dir=Path(tmp),
            seed=opts.seed,
            max_steps=opts.max_steps,
            base_name=opts.base,
            rehearse=_rehearsal_texts(opts.rehearse),
            overrides=dict(opts.overrides),
        )
    opts.out.mkdir(parents=True, exist_ok=True)
    ner: Any = trained.get_pipe("ner")
    ner.to_disk(opts.out / "ner", exclude=["vocab"])
    base.config.to_disk(opts.out / "config.cfg")

    default = predicate_model()
    train_rows = [
        r for ex in split.train for r in figure_rows(base(ex.text), ex, lang=lang, model=default)
    ]
    fitted = write_predicate_model(
        opts.out / "predicate_model.yaml", fit_weights(train_rows, default)
    )
    seconds = round(time.perf_counter() - started, 1)
    extra = {
        "labels": sorted(str(x) for x in ner.labels),
        "data_sha256": data_hash(examples),
        "copied": [],
        "seconds": seconds,
    }
    meta = _meta(dict(base.meta), opts, extra)
    (opts.out / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), "utf-8")
    assemble(opts.out)
    meta["newsfacts"]["copied"] = supplied_names(opts.out)
    (opts.out / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), "utf-8")

    model = spacy.load(opts.out, exclude=["senter"])
    heldout = list(split.heldout)
    metrics = {
        "heldout_ids": [ex.id for ex in heldout],
        "trained": score_examples(model, heldout, lang=lang, predicates=fitted),
        "base": score_examples(base, heldout, lang=lang, predicates=default),
        "predicate_accuracy_train": {
            "fitted": accuracy(train_rows, fitted),
            "base": accuracy(train_rows, default),
        },
        "train_seconds": seconds,
    }
    (opts.out / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    return metrics
