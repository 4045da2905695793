"""Analysing articles, in any process: language, NLP, mentions, claims, fingerprint.

:func:`analyse_batch` is pure with respect to its inputs (models are cached per
process), so the local loop, a pool of workers and the Ray engine all call it and give
the same outcomes. :func:`analyse_to_lines` serialises them where they are made, so a
driver only appends lines to the work file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import traceback
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from pipeline.checkpoint import claim_to_json
from pipeline.factories import PUBLISHED_KEY, QUANTITIES_KEY, TEXT_KEY, doc_text
from pipeline.lang import available_languages
from pipeline.normalize import fx_table, normalize, parse_day
from pipeline.types import Article, Claim, Mention, Quantity, Quarantine

__all__ = ["ArticleOutcome", "analyse_batch", "analyse_to_lines", "outcome_line"]

log = logging.getLogger("newsfacts")


@dataclass(frozen=True, slots=True)
class ArticleOutcome:
    """What analysing one article gave: a row for articles.jsonl and its products."""

    row: dict[str, Any]
    mentions: tuple[dict[str, Any], ...] = ()
    claims: tuple[Claim, ...] = ()
    fingerprint: tuple[int, ...] = ()
    text_sha1: str | None = None
    error: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)


def _reason_for_bug(e: BaseException) -> str:
    return f"internal error: {type(e).__name__}: {e}"[:300]


def _sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """(start_char, end_char) of every sentence, in order; the whole text without a parse."""
    if not doc.has_annotation("SENT_START"):
        return [(0, len(doc_text(doc)))]
    return [(sent.start_char, sent.end_char) for sent in doc.sents]


def _sentence_of(text: str, bounds: Sequence[tuple[int, int]], q: Quantity) -> tuple[str, int]:
    """The text and start offset of the sentence holding ``q`` (widened if it straddles)."""
    starts = [b[0] for b in bounds]
    first = max(bisect_right(starts, q.start) - 1, 0)
    last = max(bisect_right(starts, max(q.end - 1, q.start)) - 1, first)
    start, end = bounds[first][0], max(bounds[first][1], bounds[last][1], q.end)
    return text[start:end], start


def _mentions_of(
    doc: Doc, article: Article, quantities: Sequence[Quantity], currency: str
) -> list[Mention]:
    day = parse_day(article.published)
    table = fx_table()
    bounds = _sentence_bounds(doc)
    text = article.text  # == doc.text, which spaCy rebuilds on every access
    out: list[Mention] = []
    for q in quantities:
        sentence, sentence_start = _sentence_of(text, bounds, q)
        out.append(
            Mention(
                article_id=article.id,
                quantity=q,
                normalized=normalize(q, currency=currency, day=day, fx=table),
                sentence=sentence,
                sentence_start=sentence_start,
            )
        )
    return out


def _language_of(article: Article, forced: str) -> str | None:
    if forced != "auto":
        return forced
    if article.lang:
        return article.lang.lower()[:2]
    from pipeline.ingest import detect_language

    return detect_language(article.text)


def analyse_batch(
    articles: Sequence[Article], *, lang: str, currency: str, model: Path | None
) -> list[ArticleOutcome]:
    """Analyse articles (in order): language, NLP, mentions, claims, fingerprint.

    Pure with respect to its inputs (models are cached per process), so that any
    number of workers gives the same outcomes.
    """
    from pipeline.facts import build_claims
    from pipeline.nlp import load_pipeline, predicate_weights
    from pipeline.reconcile import article_fingerprint
    from pipeline.report.jsonl import article_row, mention_row, quarantine_row

    supported = set(available_languages())
    outcomes: list[ArticleOutcome | None] = [None] * len(articles)
    by_lang: dict[str, list[int]] = {}
    for i, article in enumerate(articles):
        code = _language_of(article, lang)
        if code is None or code not in supported:
            reason = "language not detected" if code is None else f"unsupported language: {code}"
            q = Quarantine(article.id, article.source, reason, article.published, code)
            outcomes[i] = ArticleOutcome(row=quarantine_row(q))
            continue
        by_lang.setdefault(code, []).append(i)

    for code, indices in by_lang.items():
        nlp = load_pipeline(code, model)
        weights = predicate_weights(nlp)  # nlp.meta is rebuilt on every read
        docs = []
        for i in indices:
            doc = nlp.make_doc(articles[i].text)
            doc.user_data[TEXT_KEY] = articles[i].text
            doc.user_data[PUBLISHED_KEY] = parse_day(articles[i].published)
            docs.append(doc)
        started = time.perf_counter()
        try:
            processed: list[Doc | str] = list(nlp.pipe(docs, batch_size=len(docs)))
        except Exception:  # noqa: BLE001 - fall back to one by one to isolate the culprit
            processed = []
            for doc in docs:
                try:
                    processed.append(nlp(doc))
                except Exception as e:  # noqa: BLE001 - one bad article never ends the run
                    log.error("analysing failed:\n%s", traceback.format_exc())
                    processed.append(_reason_for_bug(e))
        nlp_seconds = (time.perf_counter() - started) / max(len(docs), 1)
        for i, result in zip(indices, processed, strict=True):
            article = articles[i]
            if isinstance(result, str):
                q = Quarantine(article.id, article.source, result, article.published, code)
                outcomes[i] = ArticleOutcome(row=quarantine_row(q), error=result)
                continue
            doc = result
            try:
                t0 = time.perf_counter()
                quantities: list[Quantity] = doc.user_data.get(QUANTITIES_KEY, [])
                mentions = _mentions_of(doc, article, quantities, currency)
                t1 = time.perf_counter()
                claims = build_claims(doc, article, mentions, lang=code, predicates=weights)
                t2 = time.perf_counter()
                fingerprint = article_fingerprint(article.text)
            except Exception as e:  # noqa: BLE001 - one bad article never ends the run
                log.error("article %s failed:\n%s", article.id, traceback.format_exc())
                reason = _reason_for_bug(e)
                q = Quarantine(article.id, article.source, reason, article.published, code)
                outcomes[i] = ArticleOutcome(row=quarantine_row(q), error=reason)
                continue
            outcomes[i] = ArticleOutcome(
                row=article_row(article, lang=code, n_mentions=len(mentions), n_facts=len(claims)),
                mentions=tuple(mention_row(m) for m in mentions),
                claims=tuple(claims),
                fingerprint=tuple(fingerprint),
                text_sha1=hashlib.sha1(
                    article.text.encode("utf-8"), usedforsecurity=False
                ).hexdigest(),
                seconds={"nlp": nlp_seconds, "mentions": t1 - t0, "facts": t2 - t1},
            )
    return [o for o in outcomes if o is not None]


def outcome_line(o: ArticleOutcome) -> str:
    """The checkpoint line of one outcome (JSON, no newline): what every engine writes."""
    return json.dumps(_outcome_json(o), ensure_ascii=False, separators=(",", ":"))


def analyse_to_lines(
    articles: Sequence[Article], *, lang: str, currency: str, model: Path | None
) -> list[str]:
    """:func:`analyse_batch`, serialised where it runs: a worker sends back text, so the
    driver only appends lines (no unpickling of claims, no JSON encoding)."""
    outcomes = analyse_batch(articles, lang=lang, currency=currency, model=model)
    return [outcome_line(o) for o in outcomes]


def _outcome_json(o: ArticleOutcome) -> dict[str, Any]:
    return {
        "row": o.row,
        "mentions": list(o.mentions),
        "claims": [claim_to_json(c) for c in o.claims],
        "fingerprint": list(o.fingerprint),
        "text_sha1": o.text_sha1,
        "error": o.error,
        "seconds": o.seconds,
    }
