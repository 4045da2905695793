"""Build the annotated sets of ``models/data/`` from short entity lists and gold files.

``python -m pipeline.train.build_data`` writes:

- ``corpus_ner.jsonl``: the sample corpus's articles of the listed ids with their
  entity spans (from ``corpus_entities.yaml``) and figure spans with predicates (from
  ``tests/gold/corpus/mentions.jsonl`` + ``facts.jsonl``), plus synthetic examples;
- ``seeds_ner_gold.jsonl``: held-out gold for the seeds, offsets and short strings only
  (no text): ORG/PROJECT spans and figures with predicates; texts are read at
  evaluation time from the seeds folder.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from pipeline.ingest import iter_articles
from pipeline.train.annotations import FIGURE, AnnotatedSpan, Example, write_examples
from pipeline.train.spans import name_spans
from pipeline.train.synthetic import synthetic_examples
from pipeline.types import Article

__all__ = ["build_examples", "figure_spans", "main"]

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "models" / "data"
FIGURE_KINDS = frozenset({"money", "power", "energy", "count", "area", "percent"})


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6)


def figure_spans(mentions: Path, facts: Path) -> dict[str, list[AnnotatedSpan]]:
    """Gold figures by article id, each with the predicate of the gold fact it states."""
    gold_facts = list(_rows(facts))
    out: dict[str, list[AnnotatedSpan]] = {}
    for m in _rows(mentions):
        if m["kind"] not in FIGURE_KINDS or m.get("start") is None or m.get("value") is None:
            continue
        aid = str(m["article_id"])
        predicate = next(
            (
                str(f["predicate"])
                for f in gold_facts
                if aid in f["articles"]
                and str(f["unit"]).lower() == str(m["unit"]).lower()
                and _same(float(f["value"]), float(m["value"]))
            ),
            "other",
        )
        out.setdefault(aid, []).append(
            AnnotatedSpan(
                int(m["start"]),
                int(m["end"]),
                str(m["text"]),
                FIGURE,
                kind=str(m["kind"]),
                value=float(m["value"]),
                unit=m.get("unit"),
                predicate=predicate,
            )
        )
    return out


def build_examples(
    entities: Path, texts: dict[str, str], figures: dict[str, list[AnnotatedSpan]], *, lang: str
) -> list[Example]:
    with entities.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    labels = tuple(str(x) for x in data["labels"])
    out: list[Example] = []
    for aid, names in data["articles"].items():
        text = texts[str(aid)]
        figs = figures.get(str(aid), [])
        ents = name_spans(text, names, taken=[(f.start, f.end) for f in figs])
        spans = sorted([*figs, *ents], key=lambda s: (s.start, s.end, s.label))
        out.append(Example(str(aid), text, tuple(spans), lang=lang, labels=labels))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="build models/data annotated sets")
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--synthetic", type=int, default=400, help="synthetic examples")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    gold = ROOT / "tests" / "gold"
    corpus = {
        a.id: a.text for a in iter_articles([ROOT / "corpus" / "sample"]) if isinstance(a, Article)
    }
    examples = build_examples(
        DATA / "corpus_entities.yaml",
        corpus,
        figure_spans(gold / "corpus" / "mentions.jsonl", gold / "corpus" / "facts.jsonl"),
        lang="fr",
    )
    examples += synthetic_examples(DATA / "synthetic_fr.yaml", n=args.synthetic, seed=args.seed)
    print("corpus_ner.jsonl:", write_examples(examples, DATA / "corpus_ner.jsonl"))
    seeds = {p.stem: p.read_text(encoding="utf-8") for p in sorted(args.seeds.glob("*.txt"))}
    if seeds:
        held = build_examples(
            DATA / "seeds_entities.yaml",
            seeds,
            figure_spans(gold / "seeds" / "mentions.jsonl", gold / "seeds" / "facts.jsonl"),
            lang="fr",
        )
        with (DATA / "seeds_ner_gold.jsonl").open("w", encoding="utf-8") as fh:
            for ex in held:
                row: dict[str, Any] = {"id": ex.id, "lang": ex.lang, "labels": list(ex.labels)}
                row["spans"] = [
                    {k: v for k, v in json_span(s).items() if v is not None} for s in ex.spans
                ]
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        print("seeds_ner_gold.jsonl:", len(held))
    return 0


def json_span(s: AnnotatedSpan) -> dict[str, Any]:
    from pipeline.train.annotations import span_to_json

    return span_to_json(s)


if __name__ == "__main__":
    sys.exit(main())
