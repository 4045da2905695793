"""``newsfacts train --backend transformers``: token classification with the HF Trainer.

The base model is a directory on disk (``--base-model``, e.g. a CamemBERT folder with
a fast tokenizer); nothing is downloaded (``local_files_only``). Entity spans become
BIO tags through the tokenizer's offsets; long texts are cut into windows. A GPU is
used when present. Writes the model, tokenizer, ``meta.json`` and ``metrics.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.errors import Errors, ModelError
from pipeline.train.annotations import Example, data_hash
from pipeline.train.evaluate import entity_scores
from pipeline.train.ner import split_examples

__all__ = ["HfTrainOptions", "bio_labels", "hf_predict", "train_transformers"]

OUTSIDE = "O"


@dataclass(frozen=True, slots=True)
class HfTrainOptions:
    data: Path
    out: Path
    base_model: Path
    seed: int = 0
    max_steps: int | None = None
    heldout: float = 0.2
    max_length: int = 256
    batch_size: int = 8
    learn_rate: float = 5e-5
    lang: str | None = None


def _import() -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError as e:
        raise ModelError(Errors.E556.format(detail=e)) from e
    return torch, transformers


def bio_labels(entity_labels: Sequence[str]) -> list[str]:
    return [OUTSIDE, *(f"{p}-{lab}" for lab in sorted(entity_labels) for p in ("B", "I"))]


def _token_tags(
    offsets: Sequence[tuple[int, int]], ex: Example, label2id: dict[str, int]
) -> list[int]:
    tags: list[int] = []
    for a, b in offsets:
        if a == b:
            tags.append(-100)
            continue
        tag = OUTSIDE
        for s in ex.entities:
            if s.start <= a and b <= s.end:
                tag = f"{'B' if a == s.start or not tags or tags[-1] == -100 else 'I'}-{s.label}"
                if tag not in label2id:
                    tag = OUTSIDE
                break
        tags.append(label2id[tag])
    return tags


def _encode(
    tokenizer: Any, examples: Sequence[Example], label2id: dict[str, int], max_length: int
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for ex in examples:
        enc = tokenizer(
            ex.text,
            truncation=True,
            max_length=max_length,
            return_overflowing_tokens=True,
            return_offsets_mapping=True,
        )
        for ids, offsets in zip(enc["input_ids"], enc["offset_mapping"], strict=True):
            pairs = [(int(a), int(b)) for a, b in offsets]
            rows.append({"input_ids": ids, "labels": _token_tags(pairs, ex, label2id)})
    return rows


def _spans_from_tags(
    offsets: Sequence[tuple[int, int]], tags: Sequence[str]
) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    for (a, b), tag in zip(offsets, tags, strict=True):
        if a == b or tag == OUTSIDE:
            continue
        prefix, _, label = tag.partition("-")
        if prefix == "I" and spans and spans[-1][2] == label:
            spans[-1] = (spans[-1][0], b, label)
        else:
            spans.append((a, b, label))
    return spans


def hf_predict(
    model_dir: Path, texts: Sequence[str], *, max_length: int = 256
) -> list[list[tuple[int, int, str]]]:
    """Entity spans ``(start, end, label)`` per text from a saved token classifier."""
    torch, transformers = _import()
    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    model = transformers.AutoModelForTokenClassification.from_pretrained(
        model_dir, local_files_only=True
    )
    model.eval()
    id2label = {int(k): str(v) for k, v in model.config.id2label.items()}
    out: list[list[tuple[int, int, str]]] = []
    for text in texts:
        enc = tokenizer(
            text,
            truncation=True,
            max_length=max_length,
            return_overflowing_tokens=True,
            return_offsets_mapping=True,
            return_tensors="pt",
            padding=True,
        )
        offsets = enc.pop("offset_mapping").tolist()
        enc.pop("overflow_to_sample_mapping", None)
        with torch.no_grad():
            logits = model(**{k: v.to(model.device) for k, v in enc.items()}).logits
        spans: list[tuple[int, int, str]] = []
        for row, offs in zip(logits.argmax(-1).tolist(), offsets, strict=True):
            pairs = [(int(a), int(b)) for a, b in offs]
            spans += _spans_from_tags(pairs, [id2label[i] for i in row])
        out.append(sorted(set(spans)))
    return out


def _scores(
    model_dir: Path, examples: Sequence[Example], labels: Sequence[str], max_length: int
) -> dict[str, Any]:
    predicted = hf_predict(model_dir, [ex.text for ex in examples], max_length=max_length)
    gold = [(ex.id, s.start, s.end, s.label) for ex in examples for s in ex.entities]
    pred = [
        (ex.id, a, b, lab)
        for ex, spans in zip(examples, predicted, strict=True)
        for a, b, lab in spans
    ]
    return {"entities": entity_scores(gold, pred, labels), "examples": len(examples)}


def train_transformers(opts: HfTrainOptions) -> dict[str, Any]:
    """Fine-tune ``opts.base_model`` on the entity spans of ``opts.data``; return metrics."""
    from pipeline.train.spacy_backend import load_training_set

    torch, transformers = _import()
    if not (opts.base_model / "config.json").exists():
        raise ModelError(Errors.E557.format(path=opts.base_model, detail="no config.json"))
    started = time.perf_counter()
    examples = load_training_set(opts.data, lang=opts.lang or "fr")
    labels = sorted({s.label for ex in examples for s in ex.entities})
    tags = bio_labels(labels)
    label2id = {t: i for i, t in enumerate(tags)}
    split = split_examples(examples, seed=opts.seed, heldout=opts.heldout)
    transformers.set_seed(opts.seed)
    tokenizer = transformers.AutoTokenizer.from_pretrained(opts.base_model, local_files_only=True)
    model = transformers.AutoModelForTokenClassification.from_pretrained(
        opts.base_model,
        num_labels=len(tags),
        id2label=dict(enumerate(tags)),
        label2id=label2id,
        ignore_mismatched_sizes=True,
        local_files_only=True,
    )
    train_rows = _encode(tokenizer, split.train, label2id, opts.max_length)
    with tempfile.TemporaryDirectory() as tmp:
        base_dir = Path(tmp) / "base"
        model.save_pretrained(base_dir)
        tokenizer.save_pretrained(base_dir)
        args = transformers.TrainingArguments(
            output_dir=str(Path(tmp) / "trainer"),
            max_steps=opts.max_steps or 200,
            per_device_train_batch_size=opts.batch_size,
            learning_rate=opts.learn_rate,
            seed=opts.seed,
            data_seed=opts.seed,
            report_to=[],
            save_strategy="no",
            logging_strategy="no",
            disable_tqdm=True,
            use_cpu=not torch.cuda.is_available(),
        )
        trainer = transformers.Trainer(
            model=model,
            args=args,
            train_dataset=train_rows,
            data_collator=transformers.DataCollatorForTokenClassification(tokenizer),
        )
        trainer.train()
        opts.out.mkdir(parents=True, exist_ok=True)
        trainer.save_model(str(opts.out))
        tokenizer.save_pretrained(opts.out)
        seconds = round(time.perf_counter() - started, 1)
        heldout = list(split.heldout)
        metrics = {
            "heldout_ids": [ex.id for ex in heldout],
            "trained": _scores(opts.out, heldout, labels, opts.max_length),
            "base": _scores(base_dir, heldout, labels, opts.max_length),
            "train_seconds": seconds,
        }
    meta = {
        "newsfacts": {
            "backend": "transformers",
            "base_model": str(opts.base_model),
            "data": opts.data.name,
            "data_sha256": data_hash(examples),
            "seed": opts.seed,
            "max_steps": opts.max_steps,
            "labels": tags,
            "versions": {
                "newsfacts": __version__,
                "torch": torch.__version__,
                "transformers": transformers.__version__,
            },
            "device": "cuda" if torch.cuda.is_available() else "cpu",
            "date": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "train_seconds": seconds,
        }
    }
    (opts.out / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    (opts.out / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    return metrics
