"""Score a run against a split of the annotated news corpus (``corpus/news``).

The run is ``newsfacts run corpus/news/text/<split> --out RUN``; its ``mentions.jsonl``
and ``facts.jsonl`` are compared with the split's gold (``corpus/news/README.md``).
Everything is scored **per figure**: one gold fact row is one figure of one article, and
one run figure is one evidence entry of a fact line (or of one of its alternatives).

* **Mentions** — :func:`pipeline.evaluate.mentions.score_mentions`, article by article,
  quantities (every kind but ``date``) and dates apart: spans overlap, same kind, value
  (and ``value_max``) within 1 %, same unit; a date needs the same ISO string.
* **Facts (subject + predicate + value)** — a gold figure is *found* when a run figure
  of the same article overlaps its span, with the same canonical subject
  (:func:`subject_key`: case, accents, punctuation and a legal suffix ignored), the same
  predicate, a value within 1 % of the gold mention's and the same unit (for counts,
  any counted noun of the gold predicate: ``job``/``employee``/``person``). Matching is
  one-to-one. Recall = found / expected gold figures. Precision = matched run figures /
  every run figure of the split's articles: a run figure that matches no gold figure is a
  false positive whether it falls on a gold fact with another subject, predicate or
  value, on a gold mention that states no fact, on a negated gold figure, on no gold
  mention at all, or repeats a figure already matched. Run figures are counted once per
  (article, span, subject, predicate).
* **Negated gold figures** ("et non 150 MW") are not expected: they are left out of
  recall and of the two accuracies below, and a run figure on one is a false positive.
* **Subject accuracy** — over the expected gold figures that the run made a fact of (a
  run figure overlaps them): the share where one such run figure has the gold subject.
  Beside it, for diagnosis only, the share where the run's subject is the gold subject
  *or another name of it*: one of its gold aliases, or its name less a leading or
  trailing cue word of ``subjects.yaml`` ("Sucrerie" for "Campus Sucrerie"). The gap
  between the two is naming, not attribution.
* **Money predicate accuracy** — over the expected gold money figures the run made a
  fact of: the share where one such run figure has the gold predicate.
* **Candidate recall** (is the gold subject among the run's candidates for a figure)
  needs the candidate lists, which runs do not write yet: it is ``None``.

Figures are given overall, per language and per predicate, with a list of the errors
(gold against run). A split named ``blind-…`` is scored only with ``blind=True``
(E453), and its errors are never listed: looking at them closely is tuning on them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from rich.table import Table

from pipeline.errors import Errors, InputError, UsageError
from pipeline.evaluate.mentions import Counts, Scores, close, score_mentions
from pipeline.evaluate.news_gold import COUNT_UNITS, ArticleGold, iter_articles, splits
from pipeline.evaluate.runs import canonical_subject, read_jsonl
from pipeline.lang import available_languages, load_lang_file

__all__ = [
    "BLIND_PREFIX",
    "GOLD_ERRORS",
    "RUN_ERRORS",
    "FigureError",
    "GoldFigure",
    "GroupScores",
    "NewsScores",
    "Ratio",
    "RunFigure",
    "check_split",
    "figure_found",
    "gold_figures",
    "gold_mentions",
    "news_tables",
    "other_names",
    "run_figures",
    "same_unit",
    "score_news",
    "score_news_run",
    "subject_key",
]

BLIND_PREFIX = "blind-"
# Why an expected gold figure was not found, most telling first.
GOLD_ERRORS = (
    "mention_missed",  # no run mention of the same kind on the figure
    "not_attached",  # a run mention, but no fact of it
    "wrong_value",  # right subject and predicate, another value or unit
    "wrong_predicate",  # right subject
    "wrong_subject",  # right predicate
    "wrong_subject_and_predicate",
)
# Why a run figure matched no gold figure.
RUN_ERRORS = (
    "wrong_attribution",  # on a gold fact it does not state (counted in GOLD_ERRORS too)
    "duplicate",  # on a gold fact already found by another run figure
    "negated_used",  # on a negated gold figure
    "not_a_fact",  # on a gold mention that states no fact
    "not_a_mention",  # on no gold mention
)
# Run-side categories whose figure is already listed as a gold-side error.
_LISTED_WITH_GOLD = frozenset({"wrong_attribution"})


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True, slots=True)
class GoldFigure:
    """One gold fact row with its mention: the figure, who it is about, what it measures."""

    article_id: str
    lang: str
    start: int
    end: int
    text: str
    kind: str
    value: float | None
    unit: str | None
    subject: str
    predicate: str
    negated: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RunFigure:
    """One evidence entry of a run's fact line (or of one of its alternatives)."""

    article_id: str
    start: int
    end: int
    text: str
    subject: str
    predicate: str
    value: float | None
    unit: str | None
    fact_id: str = ""
    alternative: bool = False


@dataclass(frozen=True, slots=True)
class Ratio:
    """``right`` out of ``total``; ``value`` is ``None`` when nothing was judged."""

    right: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        return self.right / self.total if self.total else None

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.right + other.right, self.total + other.total)

    def as_dict(self) -> dict[str, object]:
        value = self.value
        return {
            "right": self.right,
            "total": self.total,
            "value": None if value is None else round(value, 4),
        }


@dataclass(frozen=True, slots=True)
class FigureError:
    """One error: the gold figure (``None`` for a spurious run figure) and the run's."""

    category: str
    article_id: str
    start: int
    end: int
    text: str
    gold: GoldFigure | None
    run: tuple[RunFigure, ...] = ()
    alias: bool = False  # the run's subject is another name of the gold subject

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "category": self.category,
            "article_id": self.article_id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "gold": None,
            "run": [
                {"subject": r.subject, "predicate": r.predicate, "value": r.value, "unit": r.unit}
                for r in self.run
            ],
        }
        if self.gold is not None:
            g = self.gold
            out["gold"] = {
                "subject": g.subject,
                "predicate": g.predicate,
                "value": g.value,
                "unit": g.unit,
                "negated": g.negated,
            }
        if self.alias:
            out["alias"] = True
        return out


@dataclass(frozen=True, slots=True)
class GroupScores:
    """The figures of a set of articles (all of a split, or one language)."""

    articles: int
    quantities: Scores
    dates: Scores
    facts: Scores
    subject_accuracy: Ratio
    money_predicate_accuracy: Ratio
    subject_accuracy_any_name: Ratio = Ratio()
    subject_by_predicate: Mapping[str, Ratio] = field(default_factory=dict)
    money_confusion: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    negated: int = 0
    errors: tuple[FigureError, ...] = ()
    # Errors by category (GOLD_ERRORS, then RUN_ERRORS); counts every error, listed or not.
    error_counts: Mapping[str, int] = field(default_factory=dict)
    candidate_recall: float | None = None  # needs the run's candidate lists: not written yet

    def summary(self) -> dict[str, object]:
        return {
            "articles": self.articles,
            "quantities": self.quantities.overall.as_dict(),
            "dates": self.dates.overall.as_dict(),
            "facts": self.facts.overall.as_dict(),
            "subject_accuracy": self.subject_accuracy.as_dict(),
            "subject_accuracy_any_name": self.subject_accuracy_any_name.as_dict(),
            "money_predicate_accuracy": self.money_predicate_accuracy.as_dict(),
            "candidate_recall": self.candidate_recall,
            "negated_gold_figures": self.negated,
        }


@dataclass(frozen=True, slots=True)
class NewsScores:
    """A run scored against one split: overall, per language, and the errors."""

    split: str
    blind: bool
    overall: GroupScores
    by_lang: Mapping[str, GroupScores]
    missing: tuple[str, ...] = ()  # gold articles the run did not process

    def as_dict(self, *, errors: int = 20) -> dict[str, object]:
        """A JSON-ready mapping; at most ``errors`` errors listed (none for a blind split)."""
        o = self.overall
        out: dict[str, object] = {
            "split": self.split,
            "blind": self.blind,
            **o.summary(),
            "articles_missing": list(self.missing),
            "quantities_per_kind": o.quantities.as_dict()["per_kind"],
            "dates_per_kind": o.dates.as_dict()["per_kind"],
            "facts_per_predicate": o.facts.as_dict()["per_kind"],
            "subject_accuracy_per_predicate": {
                k: r.as_dict() for k, r in sorted(o.subject_by_predicate.items())
            },
            "money_predicates": {k: dict(v) for k, v in sorted(o.money_confusion.items())},
            "by_lang": {lang: g.summary() for lang, g in sorted(self.by_lang.items())},
            "error_counts": dict(o.error_counts),
        }
        if self.blind:
            out["note"] = (
                "blind split, scored with --blind: report these figures once; "
                "its errors are not listed"
            )
        else:
            out["errors"] = [e.as_dict() for e in o.errors[: max(0, errors)]]
        return out


# --------------------------------------------------------------------------- subjects


@cache
def _legal_suffixes() -> tuple[str, ...]:
    """Every language's legal suffixes (``subjects.yaml``), folded, longest first."""
    keys = {
        canonical_subject(str(s))
        for lang in available_languages()
        for s in load_lang_file(lang, "subjects").get("legal_suffixes") or ()
    }
    return tuple(sorted((k for k in keys if k), key=len, reverse=True))


def _folded_words(data: Mapping[str, object], key: str) -> set[str]:
    value = data.get(key) or []
    lists = value.values() if isinstance(value, Mapping) else [value]
    return {canonical_subject(str(w)) for ws in lists if isinstance(ws, list) for w in ws}


@cache
def _name_words() -> tuple[frozenset[str], frozenset[str]]:
    """Every language's cue words and name heads, and its determiners and elisions
    (``subjects.yaml``), folded."""
    heads: set[str] = set()
    links: set[str] = set()
    for lang in available_languages():
        data = load_lang_file(lang, "subjects")
        heads |= _folded_words(data, "cue_words") | _folded_words(data, "name_heads")
        links |= _folded_words(data, "determiners") | _folded_words(data, "elisions")
    return frozenset(heads - {""}), frozenset(links - {""})


def other_names(figure: GoldFigure) -> frozenset[str]:
    """Keys of other names of the gold figure's subject: its aliases, and its name less a
    leading cue word and the determiner after it ("Landévrec" for "usine de Landévrec"),
    or less a trailing cue word ("Lakeview" for "Lakeview campus")."""
    key = subject_key(figure.subject)
    out = {subject_key(a) for a in figure.aliases}
    heads, links = _name_words()
    for word in heads:
        if key.startswith(word + " "):
            rest = key[len(word) + 1 :]
            first, _, tail = rest.partition(" ")
            out.add(tail if first in links and tail else rest)
        if key.endswith(" " + word):
            out.add(key[: -len(word) - 1])
    out.discard(key)
    out.discard("")
    return frozenset(out)


@lru_cache(maxsize=8192)
def subject_key(name: str) -> str:
    """A subject name folded for comparison: :func:`canonical_subject` less a legal suffix.

    ``"Altenor Data SAS"``, ``"altenor data"`` and ``"Altènor Data, S.A."`` are one key.
    """
    key = canonical_subject(name)
    for suffix in _legal_suffixes():
        if key.endswith(" " + suffix):
            return key[: -len(suffix) - 1]
    return key


# --------------------------------------------------------------------------- readers


def _number(row: Mapping[str, object], key: str) -> float | None:
    v = row.get(key)
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        return None
    return float(v)


def _int(row: Mapping[str, object], key: str) -> int | None:
    v = row.get(key)
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _str(row: Mapping[str, object], key: str) -> str:
    v = row.get(key)
    return v if isinstance(v, str) else ""


def _lang(article: ArticleGold) -> str:
    lang = article.gold.get("lang")
    return lang if isinstance(lang, str) else article.article_id.partition("/")[0]


def gold_figures(articles: Iterable[ArticleGold]) -> list[GoldFigure]:
    """Every gold fact row of ``articles``, joined to its mention, in article order."""
    out: list[GoldFigure] = []
    for article in articles:
        g = article.gold
        mentions = {(m.get("start"), m.get("end")): m for m in g.get("mentions", [])}
        aliases = {
            str(s.get("name")): tuple(str(a) for a in s.get("aliases") or ())
            for s in g.get("subjects", [])
        }
        for f in g.get("facts", []):
            start, end = _int(f, "start"), _int(f, "end")
            if start is None or end is None:
                continue
            m: Mapping[str, object] = mentions.get((start, end), {})
            subject = _str(f, "subject")
            out.append(
                GoldFigure(
                    article_id=article.article_id,
                    lang=_lang(article),
                    start=start,
                    end=end,
                    text=_str(m, "text"),
                    kind=_str(m, "kind"),
                    value=_number(m, "value"),
                    unit=_str(m, "unit") or None,
                    subject=subject,
                    predicate=_str(f, "predicate"),
                    negated=f.get("negated") is True,
                    aliases=aliases.get(subject, ()),
                )
            )
    return out


def gold_mentions(articles: Iterable[ArticleGold]) -> list[dict[str, object]]:
    """Every gold mention of ``articles`` as a ``mentions.jsonl`` row (with ``article_id``)."""
    return [{"article_id": a.article_id, **m} for a in articles for m in a.gold.get("mentions", [])]


def _candidates(fact: Mapping[str, object]) -> Iterator[tuple[bool, Mapping[str, object]]]:
    """``(is_alternative, candidate)``: the fact's chosen figure, then its alternatives."""
    yield False, fact
    alternatives = fact.get("alternatives")
    if isinstance(alternatives, list):
        for alt in alternatives:
            if isinstance(alt, Mapping):
                yield True, alt


def run_figures(facts: Iterable[Mapping[str, object]]) -> list[RunFigure]:
    """Every evidence figure of ``facts.jsonl`` lines, once per (article, span, subject,
    predicate); the value and unit are the evidence's, else its candidate's, else the fact's.
    """
    out: list[RunFigure] = []
    seen: set[tuple[str, int, int, str, str]] = set()
    for fact in facts:
        subject, predicate = _str(fact, "subject"), _str(fact, "predicate")
        for alternative, cand in _candidates(fact):
            evidence = cand.get("evidence")
            if not isinstance(evidence, list):
                continue
            for ev in evidence:
                if not isinstance(ev, Mapping):
                    continue
                article_id, start, end = _str(ev, "article_id"), _int(ev, "start"), _int(ev, "end")
                if not article_id or start is None or end is None:
                    continue
                key = (article_id, start, end, subject_key(subject), predicate)
                if key in seen:
                    continue
                seen.add(key)
                value = _number(ev, "value")
                if value is None:
                    value = _number(cand, "value")
                unit = ev.get("unit") or cand.get("unit") or fact.get("unit")
                out.append(
                    RunFigure(
                        article_id=article_id,
                        start=start,
                        end=end,
                        text=_str(ev, "text"),
                        subject=subject,
                        predicate=predicate,
                        value=value,
                        unit=unit if isinstance(unit, str) else None,
                        fact_id=_str(fact, "fact_id"),
                        alternative=alternative,
                    )
                )
    return out


# --------------------------------------------------------------------------- matching


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def same_unit(gold: GoldFigure, run: RunFigure) -> bool:
    """Equal units, or, for a count, two counted nouns of the gold predicate."""
    if gold.unit == run.unit:
        return True
    counted = COUNT_UNITS.get(gold.predicate, frozenset())
    return gold.kind == "count" and gold.unit in counted and run.unit in counted


def figure_found(gold: GoldFigure, run: RunFigure, *, value_tolerance: float = 0.01) -> bool:
    """Whether ``run`` states ``gold``: same article, overlapping spans, same canonical
    subject and predicate, value within ``value_tolerance`` and the same unit."""
    return (
        gold.article_id == run.article_id
        and _overlap(gold.start, gold.end, run.start, run.end) > 0
        and gold.predicate == run.predicate
        and subject_key(gold.subject) == subject_key(run.subject)
        and close(run.value, gold.value, tolerance=value_tolerance)
        and same_unit(gold, run)
    )


def _by_article(rows: Iterable[RunFigure | GoldFigure]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        out.setdefault(r.article_id, []).append(i)
    return out


def _on(g: GoldFigure, run: Sequence[RunFigure], index: Mapping[str, list[int]]) -> list[int]:
    """The run figures overlapping ``g``, the most overlapping first."""
    hits = [
        i
        for i in index.get(g.article_id, ())
        if _overlap(g.start, g.end, run[i].start, run[i].end) > 0
    ]
    return sorted(hits, key=lambda i: -_overlap(g.start, g.end, run[i].start, run[i].end))


def _match(
    gold: Sequence[GoldFigure],
    run: Sequence[RunFigure],
    index: Mapping[str, list[int]],
    *,
    value_tolerance: float,
) -> dict[int, int]:
    """Expected gold figure -> the run figure that states it (one-to-one, greedy in gold
    order; a chosen figure is preferred to an alternative, then the larger overlap)."""
    used: set[int] = set()
    out: dict[int, int] = {}
    for gi, g in enumerate(gold):
        if g.negated:
            continue
        hits = [
            i
            for i in _on(g, run, index)
            if i not in used and figure_found(g, run[i], value_tolerance=value_tolerance)
        ]
        if hits:
            best = min(hits, key=lambda i: run[i].alternative)
            used.add(best)
            out[gi] = best
    return out


def _gold_error(
    g: GoldFigure,
    hits: Sequence[RunFigure],
    mention_found: bool,
) -> FigureError:
    right_subject = [r for r in hits if subject_key(r.subject) == subject_key(g.subject)]
    if not hits:
        category = "not_attached" if mention_found else "mention_missed"
    elif any(r.predicate == g.predicate for r in right_subject):
        category = "wrong_value"
    elif right_subject:
        category = "wrong_predicate"
    elif any(r.predicate == g.predicate for r in hits):
        category = "wrong_subject"
    else:
        category = "wrong_subject_and_predicate"
    names = other_names(g)
    alias = not right_subject and any(subject_key(r.subject) in names for r in hits)
    return FigureError(category, g.article_id, g.start, g.end, g.text, g, tuple(hits), alias)


def _mention_found(g: GoldFigure, mentions: Mapping[str, Sequence[Mapping[str, object]]]) -> bool:
    for m in mentions.get(g.article_id, ()):
        start, end = _int(m, "start"), _int(m, "end")
        if start is None or end is None or m.get("kind") != g.kind:
            continue
        if _overlap(g.start, g.end, start, end) > 0:
            return True
    return False


def _run_error(
    r: RunFigure,
    gold: Sequence[GoldFigure],
    gold_index: Mapping[str, Sequence[int]],
    gold_spans: Mapping[str, Sequence[tuple[int, int]]],
    found: Collection[int],
) -> str:
    """The RUN_ERRORS category of a run figure that matched no gold figure."""
    on_gold = [
        gi
        for gi in gold_index.get(r.article_id, ())
        if _overlap(gold[gi].start, gold[gi].end, r.start, r.end) > 0
    ]
    expected = [gi for gi in on_gold if not gold[gi].negated]
    if expected:
        return "duplicate" if all(gi in found for gi in expected) else "wrong_attribution"
    if on_gold:
        return "negated_used"
    spans = gold_spans.get(r.article_id, ())
    if any(_overlap(s, e, r.start, r.end) > 0 for s, e in spans):
        return "not_a_fact"
    return "not_a_mention"


# --------------------------------------------------------------------------- scoring


def _article_scores(
    gold: Sequence[Mapping[str, object]],
    predicted: Sequence[Mapping[str, object]],
    *,
    value_tolerance: float,
) -> Scores:
    """:func:`score_mentions` article by article (same result, no cross-article pairs)."""
    by_article: dict[str, tuple[list[Mapping[str, object]], list[Mapping[str, object]]]] = {}
    for m in gold:
        by_article.setdefault(_str(m, "article_id"), ([], []))[0].append(m)
    for m in predicted:
        by_article.setdefault(_str(m, "article_id"), ([], []))[1].append(m)
    per_kind: dict[str, Counts] = {}
    for g_rows, p_rows in by_article.values():
        scores = score_mentions(p_rows, g_rows, value_tolerance=value_tolerance)
        for kind, counts in scores.per_kind.items():
            per_kind[kind] = per_kind.get(kind, Counts()) + counts
    return Scores(overall=sum(per_kind.values(), Counts()), per_kind=per_kind)


def _group(
    articles: Sequence[ArticleGold],
    run_mentions: Sequence[Mapping[str, object]],
    run: Sequence[RunFigure],
    *,
    value_tolerance: float,
) -> GroupScores:
    ids = {a.article_id for a in articles}
    gold = gold_figures(articles)
    g_mentions = gold_mentions(articles)
    p_mentions = [m for m in run_mentions if m.get("article_id") in ids]
    run = [r for r in run if r.article_id in ids]

    def is_date(m: Mapping[str, object]) -> bool:
        return m.get("kind") == "date"

    quantities = _article_scores(
        [m for m in g_mentions if not is_date(m)],
        [m for m in p_mentions if not is_date(m)],
        value_tolerance=value_tolerance,
    )
    dates = _article_scores(
        [m for m in g_mentions if is_date(m)],
        [m for m in p_mentions if is_date(m)],
        value_tolerance=value_tolerance,
    )

    index = _by_article(run)
    matched = _match(gold, run, index, value_tolerance=value_tolerance)
    used = set(matched.values())
    mentions_by_article: dict[str, list[Mapping[str, object]]] = {}
    for m in p_mentions:
        mentions_by_article.setdefault(_str(m, "article_id"), []).append(m)
    gold_spans: dict[str, list[tuple[int, int]]] = {}
    for m in g_mentions:
        start, end = _int(m, "start"), _int(m, "end")
        if start is not None and end is not None:
            gold_spans.setdefault(_str(m, "article_id"), []).append((start, end))

    per_predicate: dict[str, Counts] = {}
    subject_by_predicate: dict[str, Ratio] = {}
    money_confusion: dict[str, Counter[str]] = {}
    subject_ok, any_name_ok, money_ok = Ratio(), Ratio(), Ratio()
    errors: list[FigureError] = []

    def add(predicate: str, counts: Counts) -> None:
        key = predicate or "unknown"
        per_predicate[key] = per_predicate.get(key, Counts()) + counts

    for gi, g in enumerate(gold):
        if g.negated:
            continue
        hits = [run[i] for i in _on(g, run, index)]
        if gi in matched:
            add(g.predicate, Counts(tp=1))
        else:
            add(g.predicate, Counts(fn=1))
            errors.append(_gold_error(g, hits, _mention_found(g, mentions_by_article)))
        if not hits:
            continue
        right = any(subject_key(r.subject) == subject_key(g.subject) for r in hits)
        subject_ok += Ratio(int(right), 1)
        names = {subject_key(g.subject), *other_names(g)}
        any_name_ok += Ratio(int(any(subject_key(r.subject) in names for r in hits)), 1)
        before = subject_by_predicate.get(g.predicate, Ratio())
        subject_by_predicate[g.predicate] = before + Ratio(int(right), 1)
        if g.kind == "money":
            named = g.predicate if any(r.predicate == g.predicate for r in hits) else None
            money_ok += Ratio(int(named is not None), 1)
            money_confusion.setdefault(g.predicate, Counter())[named or hits[0].predicate] += 1

    found, gold_index = set(matched), _by_article(gold)
    counts = Counter(e.category for e in errors)
    for i, r in enumerate(run):
        if i in used:
            continue
        add(r.predicate, Counts(fp=1))
        category = _run_error(r, gold, gold_index, gold_spans, found)
        counts[category] += 1
        if category not in _LISTED_WITH_GOLD:
            errors.append(FigureError(category, r.article_id, r.start, r.end, r.text, None, (r,)))

    errors.sort(key=lambda e: (e.article_id, e.start, e.end, e.category))
    return GroupScores(
        articles=len(articles),
        quantities=quantities,
        dates=dates,
        facts=Scores(overall=sum(per_predicate.values(), Counts()), per_kind=per_predicate),
        subject_accuracy=subject_ok,
        money_predicate_accuracy=money_ok,
        subject_accuracy_any_name=any_name_ok,
        subject_by_predicate=subject_by_predicate,
        money_confusion={k: dict(v) for k, v in money_confusion.items()},
        negated=sum(1 for g in gold if g.negated),
        errors=tuple(errors),
        error_counts={c: counts[c] for c in (*GOLD_ERRORS, *RUN_ERRORS) if counts[c]},
    )


def check_split(split: str, *, blind: bool) -> None:
    """Refuse a blind split unless ``blind`` says it is meant (E453)."""
    if split.startswith(BLIND_PREFIX) and not blind:
        raise UsageError(Errors.E453.format(split=split))


def score_news(
    articles: Sequence[ArticleGold],
    run_mentions: Sequence[Mapping[str, object]],
    run_facts: Sequence[Mapping[str, object]],
    *,
    split: str,
    blind: bool = False,
    run_articles: Collection[str] | None = None,
    value_tolerance: float = 0.01,
) -> NewsScores:
    """Score a run's mention and fact lines against the gold ``articles`` of ``split``.

    ``run_articles`` are the ids the run processed (``articles.jsonl``, status ``ok``);
    gold articles outside them are listed as missing, and their figures still count as
    not found. The rules are in the module docstring.
    """
    check_split(split, blind=blind)
    figures = run_figures(run_facts)
    langs = sorted({_lang(a) for a in articles})
    by_lang = {
        lang: _group(
            [a for a in articles if _lang(a) == lang],
            run_mentions,
            figures,
            value_tolerance=value_tolerance,
        )
        for lang in langs
    }
    overall = _group(articles, run_mentions, figures, value_tolerance=value_tolerance)
    missing = (
        ()
        if run_articles is None
        else tuple(a.article_id for a in articles if a.article_id not in run_articles)
    )
    return NewsScores(split=split, blind=blind, overall=overall, by_lang=by_lang, missing=missing)


def _run_rows(run_dir: Path, name: str) -> list[dict[str, object]]:
    path = run_dir / name
    if not path.is_file():
        raise InputError(Errors.E009.format(name=name, path=run_dir))
    return read_jsonl(path)


def score_news_run(
    run_dir: Path,
    root: Path,
    split: str,
    *,
    blind: bool = False,
    value_tolerance: float = 0.01,
) -> NewsScores:
    """Score the run in ``run_dir`` against split ``split`` of the corpus at ``root``.

    A blind split needs ``blind=True`` (E453, checked before anything is read); an
    unknown split is E454, a run that holds none of the split's articles E455.
    """
    check_split(split, blind=blind)
    known = splits(root)
    if split not in known:
        raise InputError(Errors.E454.format(split=split, root=root, known=", ".join(known)))
    facts = _run_rows(run_dir, "facts.jsonl")
    mentions = _run_rows(run_dir, "mentions.jsonl")
    processed = {
        _str(row, "article_id")
        for row in _run_rows(run_dir, "articles.jsonl")
        if row.get("status") == "ok"
    }
    articles = list(iter_articles(root, split))
    if not processed & {a.article_id for a in articles}:
        raise InputError(
            Errors.E455.format(
                path=run_dir, count=len(articles), split=split, texts=root / "text" / split
            )
        )
    return score_news(
        articles,
        mentions,
        facts,
        split=split,
        blind=blind,
        run_articles=processed,
        value_tolerance=value_tolerance,
    )


# --------------------------------------------------------------------------- tables


def _value(value: float | None, unit: str | None) -> str:
    return "?" if value is None else f"{value:g} {unit or ''}".rstrip()


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def _ratio(r: Ratio) -> str:
    return f"{_pct(r.value)} ({r.right}/{r.total})"


def _prf(c: Counts) -> tuple[str, str, str]:
    return f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}"


def news_tables(scores: NewsScores, *, errors: int = 20) -> list[Table]:
    """Rich tables of ``scores``: summary by language, facts by predicate, the errors."""
    o = scores.overall
    title = f"split {scores.split}: {o.articles} articles"
    if scores.missing:
        title += f", {len(scores.missing)} not in the run"
    if scores.blind:
        title += " — BLIND split, scored with --blind: report once, never tune on it"
    summary = Table(title=title)
    for col in ("set", "articles", "quantities P/R/F1", "dates P/R/F1", "facts P/R/F1"):
        summary.add_column(col, justify="left" if col == "set" else "right")
    summary.add_column("subject acc.", justify="right")
    summary.add_column("money predicate acc.", justify="right")
    summary.add_column("candidate recall", justify="right")
    rows = [("all", o), *sorted(scores.by_lang.items())]
    for name, g in rows:
        summary.add_row(
            name,
            str(g.articles),
            " / ".join(_prf(g.quantities.overall)),
            " / ".join(_prf(g.dates.overall)),
            " / ".join(_prf(g.facts.overall)),
            f"{_ratio(g.subject_accuracy)}; any name {_pct(g.subject_accuracy_any_name.value)}",
            _ratio(g.money_predicate_accuracy),
            "—  (runs write no candidates yet)" if g.candidate_recall is None else "",
        )

    predicates = Table(title="facts by predicate (gold predicate; false positives by run's)")
    for col in ("predicate", "tp", "fp", "fn", "P", "R", "F1", "subject acc."):
        predicates.add_column(col, justify="left" if col == "predicate" else "right")
    for name, c in sorted(o.facts.per_kind.items()):
        predicates.add_row(
            name,
            str(c.tp),
            str(c.fp),
            str(c.fn),
            *_prf(c),
            _ratio(o.subject_by_predicate.get(name, Ratio())),
        )

    causes = Table(title="where the facts are lost (gold figures) and the false ones come from")
    causes.add_column("category")
    causes.add_column("count", justify="right")
    for name, n in o.error_counts.items():
        causes.add_row(name, str(n))
    tables = [summary, predicates, causes]
    if scores.blind or errors <= 0:
        return tables

    listed = Table(title=f"errors (first {min(errors, len(o.errors))} of {len(o.errors)})")
    for col in ("category", "article", "figure", "gold", "run"):
        listed.add_column(col)
    for e in o.errors[:errors]:
        gold = "" if e.gold is None else f"{e.gold.subject} · {e.gold.predicate}"
        if e.gold is not None and e.category == "wrong_value":
            gold += f" · {_value(e.gold.value, e.gold.unit)}"
        run = "; ".join(f"{r.subject} · {r.predicate} · {_value(r.value, r.unit)}" for r in e.run)
        listed.add_row(
            e.category + (" (alias)" if e.alias else ""), e.article_id, e.text, gold, run
        )
    tables.append(listed)
    return tables
