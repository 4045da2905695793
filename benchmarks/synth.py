"""Deterministic synthetic article dumps with planted facts, conflicts and distractors.

Articles are built from the phrase templates of ``synth_templates.yaml`` (French and
English). A seeded "world" gives each subject one true value per predicate; an article
states a few figures about one subject, and with probability ``conflict_rate`` a figure
disagrees with the world (same subject and predicate, another value), which plants a
conflict. Distractor sentences carry no figure, or a figure that is no subject's fact.

By default every article is about one of the twelve listed subjects, so a bigger dump
means more articles per fact. ``--subjects N`` invents names up to N subjects, so that
the facts grow with the dump as they do in real news (``--subjects 5000`` for 100,000
articles gives about 20 articles per subject).

Outputs: the dump (JSONL: ``id``, ``published``, ``lang``, ``text``) and a gold file
whose lines are tagged ``"gold": "mention"`` (SPEC's mention shape, offsets into the
text) or ``"gold": "fact"`` (subject, predicate, value, unit, articles, and a
``conflict_group`` shared by the disagreeing values of one subject and predicate)::

    python benchmarks/synth.py --n 1000 --out dump.jsonl --gold gold.jsonl --seed 0
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "Planted",
    "SynthArticle",
    "generate",
    "gold_facts",
    "gold_mentions",
    "load_templates",
    "main",
    "subject_names",
    "write_dump",
]

TEMPLATES = Path(__file__).with_name("synth_templates.yaml")
FIRST_DAY = dt.date(2024, 1, 1)
DAYS = 730
SENTENCE_SEP = " "
PARAGRAPH_SEP = "\n\n"


@dataclass(frozen=True, slots=True)
class Planted:
    """One figure written into an article; ``predicate`` is None for a distractor."""

    start: int
    end: int
    text: str
    kind: str
    value: float
    unit: str
    subject: str | None
    predicate: str | None


@dataclass(frozen=True, slots=True)
class SynthArticle:
    id: str
    lang: str
    published: str
    text: str
    planted: tuple[Planted, ...]

    def record(self) -> dict[str, Any]:
        return {"id": self.id, "published": self.published, "lang": self.lang, "text": self.text}


@cache
def load_templates(path: Path = TEMPLATES) -> Mapping[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def _kind_of(unit: str) -> str:
    if unit == "MW":
        return "power"
    if len(unit) == 3 and unit.isupper():
        return "money"
    return "count"


def _write_number(n: float, *, decimals: int, decimal: str, group: str) -> str:
    whole, _, frac = f"{n:,.{decimals}f}".partition(".")
    text = whole.replace(",", group)
    return f"{text}{decimal}{frac}" if frac else text


def _draw_n(rng: random.Random, spec: Mapping[str, Any]) -> float:
    decimals = int(spec["decimals"])
    value = rng.uniform(float(spec["low"]), float(spec["high"]))
    return round(value, decimals)


def subject_names(count: int, common: Mapping[str, Any]) -> list[str]:
    """The listed subjects, then invented names (each with its own head) up to ``count``.

    The invented names are the same for the same ``count`` and templates, whatever the
    seed of the dump, and drawing them does not touch the dump's random stream.
    """
    if count < 1:
        raise ValueError(f"a dump needs at least one subject, not {count}")
    names = list(common["subjects"])
    syllables, tails = common["names"]["syllables"], common["names"]["tails"]
    heads = {n.split()[0].casefold() for n in names}
    limit = len(syllables) ** 2 + len(syllables) ** 3
    if count - len(names) > limit - len(heads):
        raise ValueError(f"at most {limit - len(heads) + len(names)} subjects can be invented")
    rng = random.Random("newsfacts-synth-names")
    while len(names) < count:
        head = "".join(rng.choice(syllables) for _ in range(rng.choice((2, 3))))
        if head in heads:
            continue
        heads.add(head)
        names.append(f"{head.capitalize()} {rng.choice(tails)}")
    return names[:count]


def _world(
    rng: random.Random, common: Mapping[str, Any], subjects: Sequence[str]
) -> dict[tuple[str, str], float]:
    """The true number ``n`` of every (subject, predicate)."""
    preds = [p for p in common["predicates"] if p != "distractor"]
    return {(s, p): _draw_n(rng, common["predicates"][p]) for s in subjects for p in preds}


class _Writer:
    """Accumulates sentences of one article and the offsets of their figures."""

    def __init__(self) -> None:
        self.text = ""
        self.planted: list[Planted] = []

    def add(
        self,
        template: str,
        *,
        subject: str | None = None,
        value: tuple[str, float, str] | None = None,
        predicate: str | None = None,
        new_paragraph: bool = False,
    ) -> None:
        if self.text:
            self.text += PARAGRAPH_SEP if new_paragraph else SENTENCE_SEP
        sentence = template.replace("{subject}", subject or "")
        if value is None:
            self.text += sentence
            return
        shown, amount, unit = value
        head, _, tail = sentence.partition("{value}")
        start = len(self.text) + len(head)
        self.text += head + shown + tail
        self.planted.append(
            Planted(
                start, start + len(shown), shown, _kind_of(unit), amount, unit, subject, predicate
            )
        )


def _value(
    rng: random.Random, lang_data: Mapping[str, Any], predicate: str, n: float, decimals: int
) -> tuple[str, float, str]:
    fmt = rng.choice(lang_data["formats"][predicate])
    number = lang_data["number"]
    shown = str(fmt["text"]).replace(
        "{n}",
        _write_number(n, decimals=decimals, decimal=number["decimal"], group=number["group"]),
    )
    return shown, n * float(fmt["scale"]), str(fmt["unit"])


def _article(
    rng: random.Random,
    index: int,
    *,
    lang: str,
    data: Mapping[str, Any],
    subjects: Sequence[str],
    world: Mapping[tuple[str, str], float],
    conflict_rate: float,
) -> SynthArticle:
    common, lang_data = data["common"], data[lang]
    specs = common["predicates"]
    subject = rng.choice(subjects)
    predicates = rng.sample(sorted(lang_data["facts"]), k=rng.randint(2, 4))
    w = _Writer()
    for i, predicate in enumerate(predicates):
        n = world[(subject, predicate)]
        if rng.random() < conflict_rate:
            n = _draw_n(rng, specs[predicate])
        decimals = int(specs[predicate]["decimals"])
        w.add(
            rng.choice(lang_data["facts"][predicate]),
            subject=subject,
            value=_value(rng, lang_data, predicate, n, decimals),
            predicate=predicate,
            new_paragraph=i > 0,
        )
        if rng.random() < 0.5:
            w.add(rng.choice(lang_data["distractors"]))
    if rng.random() < 0.4:
        n = _draw_n(rng, specs["distractor"])
        decimals = int(specs["distractor"]["decimals"])
        w.add(
            rng.choice(lang_data["figure_distractors"]),
            value=_value(rng, lang_data, "distractor", n, decimals),
            new_paragraph=True,
        )
    w.add(rng.choice(lang_data["distractors"]), new_paragraph=True)
    published = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
    return SynthArticle(
        id=f"synth-{index:06d}",
        lang=lang,
        published=published.isoformat(),
        text=w.text,
        planted=tuple(w.planted),
    )


def generate(
    n: int,
    *,
    seed: int = 0,
    fr_share: float = 0.5,
    conflict_rate: float = 0.25,
    subjects: int = 0,
    templates: Path = TEMPLATES,
) -> Iterator[SynthArticle]:
    """``n`` articles, the same for the same arguments (streamed, never all in memory).

    ``subjects`` is how many subjects the articles are about: 0 for the listed ones,
    more to invent names (:func:`subject_names`).
    """
    data = load_templates(templates)
    rng = random.Random(seed)
    names = subject_names(subjects, data["common"]) if subjects else data["common"]["subjects"]
    world = _world(rng, data["common"], names)
    for i in range(n):
        lang = "fr" if rng.random() < fr_share else "en"
        yield _article(
            rng,
            i,
            lang=lang,
            data=data,
            subjects=names,
            world=world,
            conflict_rate=conflict_rate,
        )


def gold_mentions(article: SynthArticle) -> list[dict[str, Any]]:
    """The planted figures of one article, in SPEC's mention shape."""
    return [
        {
            "article_id": article.id,
            "start": p.start,
            "end": p.end,
            "text": p.text,
            "kind": p.kind,
            "value": p.value,
            "value_max": None,
            "unit": p.unit,
            "approx": False,
            "bound": None,
            "date": None,
        }
        for p in article.planted
    ]


def gold_facts(articles: Sequence[SynthArticle]) -> list[dict[str, Any]]:
    """One line per (subject, predicate, value), with the articles stating it."""
    support: dict[tuple[str, str, float, str], list[str]] = {}
    for a in articles:
        for p in a.planted:
            if p.subject is None or p.predicate is None:
                continue
            support.setdefault((p.subject, p.predicate, p.value, p.unit), []).append(a.id)
    values: dict[tuple[str, str], set[tuple[float, str]]] = {}
    for s, pred, v, u in support:
        values.setdefault((s, pred), set()).add((v, u))
    rows = []
    for (s, pred, v, u), ids in sorted(support.items()):
        row: dict[str, Any] = {
            "subject": s,
            "predicate": pred,
            "value": v,
            "value_max": None,
            "unit": u,
            "stage": None,
            "articles": sorted(set(ids)),
        }
        if len(values[(s, pred)]) > 1:
            row["conflict_group"] = f"{s}|{pred}"
        rows.append(row)
    return rows


def _line(obj: Mapping[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_dump(
    n: int,
    out: Path,
    *,
    gold: Path | None = None,
    seed: int = 0,
    fr_share: float = 0.5,
    conflict_rate: float = 0.25,
    subjects: int = 0,
) -> int:
    """Write the dump (and the gold file); return the number of words written."""
    words = 0
    kept: list[SynthArticle] = []
    articles = generate(
        n, seed=seed, fr_share=fr_share, conflict_rate=conflict_rate, subjects=subjects
    )
    with out.open("w", encoding="utf-8") as fh:
        for a in articles:
            fh.write(_line(a.record()))
            words += len(a.text.split())
            if gold is not None:
                kept.append(SynthArticle(a.id, a.lang, a.published, "", a.planted))
    if gold is not None:
        with gold.open("w", encoding="utf-8") as fh:
            for a in kept:
                for m in gold_mentions(a):
                    fh.write(_line({"gold": "mention"} | m))
            for f in gold_facts(kept):
                fh.write(_line({"gold": "fact"} | f))
    return words


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, required=True, help="number of articles")
    parser.add_argument("--out", type=Path, required=True, help="dump file (JSONL)")
    parser.add_argument("--gold", type=Path, default=None, help="gold file (JSONL)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fr-share", type=float, default=0.5, help="share of French articles")
    parser.add_argument("--conflict-rate", type=float, default=0.25)
    parser.add_argument(
        "--subjects",
        type=int,
        default=0,
        help="how many subjects the articles are about (default: the 12 listed; "
        "more are invented, so that facts grow with the dump)",
    )
    args = parser.parse_args(argv)
    if args.subjects < 0:
        parser.error("--subjects must be 0 (the listed subjects) or more")
    words = write_dump(
        args.n,
        args.out,
        gold=args.gold,
        seed=args.seed,
        fr_share=args.fr_share,
        conflict_rate=args.conflict_rate,
        subjects=args.subjects,
    )
    print(f"{args.n} articles, {words} words -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
