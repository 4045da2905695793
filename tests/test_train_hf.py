"""Transformers backend: a tiny random BERT and tokenizer, train → save → load → predict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.train.annotations import AnnotatedSpan, Example, write_examples

SENTENCES = [
    (
        "Veltria construit Boreal One près de Bergen .",
        [("Veltria", "ORG"), ("Boreal One", "PROJECT")],
    ),
    (
        "Le projet Boreal One est financé par Veltria .",
        [("Boreal One", "PROJECT"), ("Veltria", "ORG")],
    ),
]

WORDS = sorted({w for text, _ in SENTENCES for w in text.split()})


def _example(i: int, text: str, ents: list[tuple[str, str]]) -> Example:
    spans = [AnnotatedSpan(text.index(n), text.index(n) + len(n), n, lab) for n, lab in ents]
    return Example(f"ex{i}", text, tuple(sorted(spans, key=lambda s: s.start)), lang="fr")


def _tiny_base(root: Path) -> Path:
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import BertConfig, BertForTokenClassification, PreTrainedTokenizerFast

    vocab = {w: i for i, w in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", *sorted(set(WORDS))])}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=tok,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
    )
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    base = root / "base"
    BertForTokenClassification(config).save_pretrained(base)
    fast.save_pretrained(base)
    return base


@pytest.mark.parametrize("steps", [60])
def test_tiny_transformers_round_trip(tmp_path: Path, steps: int) -> None:
    from pipeline.train.hf import HfTrainOptions, hf_predict, train_transformers

    data = tmp_path / "data.jsonl"
    write_examples([_example(i, t, e) for i, (t, e) in enumerate(SENTENCES * 4)], data)
    out = tmp_path / "model"
    metrics = train_transformers(
        HfTrainOptions(
            data=data,
            out=out,
            base_model=_tiny_base(tmp_path),
            max_steps=steps,
            learn_rate=5e-3,
            heldout=0.25,
        )
    )
    assert (out / "config.json").exists()
    assert json.loads((out / "meta.json").read_text())["newsfacts"]["backend"] == "transformers"
    assert "ORG" in metrics["trained"]["entities"]
    text = SENTENCES[0][0]
    spans = hf_predict(out, [text])[0]
    assert (text.index("Veltria"), text.index("Veltria") + 7, "ORG") in spans
