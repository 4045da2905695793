"""Analysing articles, in any process: language, NLP, mentions, claims, fingerprint.

:func:`analyse_batch` is pure with respect to its inputs (models are cached per
process), so the local loop, a pool of workers and the Ray engine all call it and give
the same outcomes. :func:`analyse_to_lines` serialises them where they are made, so a
driver only appends lines to the work file.

A text longer than :data:`WINDOW_CHARS` is analysed in windows (:func:`windows`): cut at
paragraph breaks, else line breaks, else sentence ends, else spaces that do not touch a
figure, else any space; only a run with no space at all is cut where it must be. Each
window is its own spaCy ``Doc``, one at a time, so memory follows the window and not the
record; later windows are given the article's title line first (the facts stage reads
the article's topic there), and every offset is shifted back into the whole text. The
fingerprint is the whole text's (:func:`text_fingerprint`), computed over word chunks.
Whatever goes wrong with one article quarantines that article with a reason: no
exception leaves :func:`analyse_batch` for one record.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import traceback
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spacy.tokens import Doc

from pipeline.checkpoint import claim_to_json
from pipeline.errors import Errors
from pipeline.factories import PUBLISHED_KEY, QUANTITIES_KEY, TEXT_KEY, doc_text
from pipeline.lang import available_languages
from pipeline.normalize import fx_table, normalize, parse_day
from pipeline.types import Article, Claim, Mention, Quantity, Quarantine

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "TITLE_CHARS",
    "WINDOW_CHARS",
    "ArticleOutcome",
    "analyse_batch",
    "analyse_to_lines",
    "outcome_line",
    "window_end",
    "windows",
]

log = logging.getLogger("newsfacts")

#: Texts longer than this many characters are analysed in windows of at most this size.
#: Measured on French news (fr_core_news_md, CPU seconds per million characters, peak RSS
#: above the loaded models): windows of 25k characters cost 45 s and +88 MB, 50k 49 s and
#: +185 MB, 100k 55 s and +372 MB, 200k +720 MB (the parser is linear; the facts stage
#: grows with the window). 50k keeps every news article we know whole (the longest seed
#: has 24k characters) for about 3.7 KB of memory per character of window.
WINDOW_CHARS = 50_000
#: A first line at most this long is the article's title: later windows are given it.
TITLE_CHARS = 200
_TITLE_GAP = "\n\n"
_SHA1_CHUNK = 1 << 20


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


# --------------------------------------------------------------------------- windows

# Cut points, best first: each match ends where the next window starts (after the
# whitespace), so a window never ends inside a word.
_PARAGRAPH = re.compile(r"\n[^\S\n]*\n\s*")
_LINE = re.compile(r"\n\s*")
_SENTENCE = re.compile(r"[.!?…]+(?:[^\S\n]*[»”’)\]\"'])*\s+")
_SPACE = re.compile(r"\s+")


def _anywhere(text: str, m: re.Match[str]) -> bool:
    del text, m
    return True


def _starts_sentence(text: str, m: re.Match[str]) -> bool:
    """A sentence end is one when it does not follow an initial ("M. Dupont", "J. Smith")
    and what follows is not a lowercase word ("Inc. said")."""
    at = m.start()
    initial = at >= 1 and text[at - 1].isalpha() and (at < 2 or not text[at - 2].isalnum())
    return not initial and (m.end() >= len(text) or not text[m.end()].islower())


def _apart_from_figures(text: str, m: re.Match[str]) -> bool:
    """A space with no digit on either side: "1 200 MW", "3,5 milliards" stay whole."""
    before = text[m.start() - 1] if m.start() > 0 else ""
    after = text[m.end()] if m.end() < len(text) else ""
    return not before.isdigit() and not after.isdigit()


_Cut = tuple[re.Pattern[str], Callable[[str, re.Match[str]], bool]]
# Cuts that keep words and figures whole, best first; the last resort is any space.
_GOOD_CUTS: tuple[_Cut, ...] = (
    (_PARAGRAPH, _anywhere),
    (_LINE, _anywhere),
    (_SENTENCE, _starts_sentence),
    (_SPACE, _apart_from_figures),
)
_ANY_SPACE: _Cut = (_SPACE, _anywhere)


def _last_cut(text: str, lo: int, hi: int, cut: _Cut) -> int | None:
    """The last cut point of one kind in ``(lo, hi]``, or None."""
    pattern, accept = cut
    best = None
    for m in pattern.finditer(text, lo, hi):
        if m.end() > lo and accept(text, m):
            best = m.end()
    return best


def window_end(text: str, start: int, *, size: int) -> int:
    """Where the window of ``text`` that starts at ``start`` ends (at most ``size`` on).

    The best cut point of the window's second half wins (a paragraph break, a line
    break, a sentence end, a space with no digit beside it); without one there, the best
    of the whole window; then the last space (inside a figure, if there is no other);
    without any space at all, ``start + size`` (a run that no space breaks).
    """
    if size < 1:
        raise ValueError(Errors.E050.format(size=size))
    limit = start + size
    if limit >= len(text):
        return len(text)
    tries = [(start + size // 2, c) for c in _GOOD_CUTS] + [(start, c) for c in _GOOD_CUTS]
    for lo, cut in [*tries, (start, _ANY_SPACE)]:
        end = _last_cut(text, lo, limit, cut)
        if end is not None:
            return end
    return limit


def windows(text: str, *, size: int) -> list[tuple[int, int]]:
    """``(start, end)`` windows covering ``text`` exactly, in order, each at most ``size``
    characters long (see :func:`window_end`); ``[(0, len(text))]`` when it fits."""
    if size < 1:
        raise ValueError(Errors.E050.format(size=size))
    out: list[tuple[int, int]] = []
    start = 0
    while True:
        end = window_end(text, start, size=size)
        out.append((start, end))
        if end >= len(text):
            return out
        start = end


def _title_line(text: str) -> str:
    """The text's first line when it is short enough to be a title, else ``""``."""
    nl = text.find("\n", 0, TITLE_CHARS + 1)
    return text[:nl].rstrip() if nl > 0 else ""


# --------------------------------------------------------------------------- fingerprint


def _sha1(text: str) -> str:
    """SHA-1 of the text's UTF-8 bytes (lone surrogates passed through), a chunk at a time."""
    h = hashlib.sha1(usedforsecurity=False)
    for a in range(0, len(text), _SHA1_CHUNK):
        h.update(text[a : a + _SHA1_CHUNK].encode("utf-8", "surrogatepass"))
    return h.hexdigest()


# --------------------------------------------------------------------------- mentions


def _sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """(start_char, end_char) of every sentence, in order; the whole text without a parse."""
    if not doc.has_annotation("SENT_START"):
        return [(0, len(doc_text(doc)))]
    return [(sent.start_char, sent.end_char) for sent in doc.sents]


def _sentence_of(
    text: str, bounds: Sequence[tuple[int, int]], starts: Sequence[int], q: Quantity
) -> tuple[str, int]:
    """The text and start offset of the sentence holding ``q`` (widened if it straddles);
    ``starts`` are the bounds' first offsets."""
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
    starts = [b[0] for b in bounds]
    text = article.text  # == doc.text, which spaCy rebuilds on every access
    out: list[Mention] = []
    for q in quantities:
        sentence, sentence_start = _sentence_of(text, bounds, starts, q)
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


def _after_prefix(mentions: Sequence[Mention], prefix: int) -> list[Mention]:
    """The mentions of a window's own text (not of the title line given before it), their
    sentences cut at the window's start."""
    out: list[Mention] = []
    for m in mentions:
        if m.start < prefix:
            continue
        cut = prefix - m.sentence_start
        out.append(m if cut <= 0 else replace(m, sentence=m.sentence[cut:], sentence_start=prefix))
    return out


def _shift_mention(m: Mention, by: int) -> Mention:
    q = m.quantity
    return replace(
        m,
        quantity=replace(q, start=q.start + by, end=q.end + by),
        sentence_start=m.sentence_start + by,
    )


def _shift_claim(c: Claim, by: int) -> Claim:
    e = c.evidence
    evidence = replace(e, start=e.start + by, end=e.end + by, sentence_start=e.sentence_start + by)
    return replace(c, evidence=evidence)


# --------------------------------------------------------------------------- one article


def _language_of(article: Article, forced: str) -> str | None:
    if forced != "auto":
        return forced
    if article.lang:
        return article.lang.lower()[:2]
    from pipeline.ingest import detect_language

    return detect_language(article.text)


def _prepared(nlp: Language, text: str, published: str | None) -> Doc:
    doc = nlp.make_doc(text)
    doc.user_data[TEXT_KEY] = text
    doc.user_data[PUBLISHED_KEY] = parse_day(published)
    return doc


@dataclass(frozen=True, slots=True)
class _Setup:
    """What every article of one language is analysed with."""

    nlp: Language
    lang: str
    currency: str
    weights: Path | None


def _products(
    doc: Doc, article: Article, setup: _Setup, *, prefix: int = 0
) -> tuple[list[Mention], list[Claim], float]:
    """Mentions and claims of one parsed doc whose text is ``article.text`` (less the
    mentions of its first ``prefix`` characters), and the seconds the mentions took."""
    from pipeline.facts import build_claims

    started = time.perf_counter()
    quantities: list[Quantity] = doc.user_data.get(QUANTITIES_KEY, [])
    mentions = _mentions_of(doc, article, quantities, setup.currency)
    if prefix:
        mentions = _after_prefix(mentions, prefix)
    took = time.perf_counter() - started
    claims = build_claims(doc, article, mentions, lang=setup.lang, predicates=setup.weights)
    return mentions, claims, took


def _quarantined(
    article: Article, lang: str | None, reason: str, *, failed: bool
) -> ArticleOutcome:
    from pipeline.report.jsonl import quarantine_row

    q = Quarantine(
        article.id,
        article.source,
        reason,
        article.published,
        lang,
        title=article.title,
        url=article.url,
    )
    return ArticleOutcome(row=quarantine_row(q), error=reason if failed else None)


def _failed(article: Article, lang: str | None, e: Exception) -> ArticleOutcome:
    log.error("article %s failed:\n%s", article.id, traceback.format_exc())
    return _quarantined(article, lang, _reason_for_bug(e), failed=True)


def _analysed(
    article: Article,
    lang: str,
    mentions: Sequence[Mention],
    claims: Sequence[Claim],
    seconds: dict[str, float],
) -> ArticleOutcome:
    from pipeline.reconcile.duplicates import text_fingerprint
    from pipeline.report.jsonl import article_row, mention_row

    return ArticleOutcome(
        row=article_row(article, lang=lang, n_mentions=len(mentions), n_facts=len(claims)),
        mentions=tuple(mention_row(m) for m in mentions),
        claims=tuple(claims),
        fingerprint=text_fingerprint(article.text, at_once=WINDOW_CHARS),
        text_sha1=_sha1(article.text),
        seconds=seconds,
    )


def _analyse_windows(article: Article, setup: _Setup) -> ArticleOutcome:
    """Analyse a long text one window at a time (see the module docstring)."""
    text = article.text
    title = _title_line(text)
    mentions: list[Mention] = []
    claims: list[Claim] = []
    seconds = {"nlp": 0.0, "mentions": 0.0, "facts": 0.0}
    for start, end in windows(text, size=WINDOW_CHARS):
        prefix = title + _TITLE_GAP if start > 0 and title else ""
        part = replace(article, text=prefix + text[start:end])
        t0 = time.perf_counter()
        doc = setup.nlp(_prepared(setup.nlp, part.text, article.published))
        t1 = time.perf_counter()
        found, stated, took = _products(doc, part, setup, prefix=len(prefix))
        del doc  # one window's parse at a time
        by = start - len(prefix)
        mentions.extend(_shift_mention(m, by) for m in found)
        claims.extend(_shift_claim(c, by) for c in stated)
        seconds["nlp"] += t1 - t0
        seconds["mentions"] += took
        seconds["facts"] += time.perf_counter() - t1 - took
    return _analysed(article, setup.lang, mentions, claims, seconds)


def _analyse_docs(
    articles: Sequence[Article], indices: Sequence[int], setup: _Setup
) -> dict[int, ArticleOutcome]:
    """Analyse short texts together (one ``nlp.pipe``); one by one if the batch fails."""
    outcomes: dict[int, ArticleOutcome] = {}
    docs: list[tuple[int, Doc]] = []
    for i in indices:
        try:
            docs.append((i, _prepared(setup.nlp, articles[i].text, articles[i].published)))
        except Exception as e:  # noqa: BLE001 - one bad article never ends the run
            outcomes[i] = _failed(articles[i], setup.lang, e)
    started = time.perf_counter()
    try:
        processed: list[Doc | Exception] = list(
            setup.nlp.pipe([d for _, d in docs], batch_size=max(len(docs), 1))
        )
    except Exception:  # noqa: BLE001 - fall back to one by one to isolate the culprit
        processed = []
        for _, doc in docs:
            try:
                processed.append(setup.nlp(doc))
            except Exception as e:  # noqa: BLE001 - one bad article never ends the run
                log.error("analysing failed:\n%s", traceback.format_exc())
                processed.append(e)
    nlp_seconds = (time.perf_counter() - started) / max(len(docs), 1)
    for (i, _), result in zip(docs, processed, strict=True):
        article = articles[i]
        if isinstance(result, Exception):
            outcomes[i] = _quarantined(article, setup.lang, _reason_for_bug(result), failed=True)
            continue
        try:
            t0 = time.perf_counter()
            mentions, claims, took = _products(result, article, setup)
            facts = time.perf_counter() - t0 - took
            seconds = {"nlp": nlp_seconds, "mentions": took, "facts": facts}
            outcomes[i] = _analysed(article, setup.lang, mentions, claims, seconds)
        except Exception as e:  # noqa: BLE001 - one bad article never ends the run
            outcomes[i] = _failed(article, setup.lang, e)
    return outcomes


def analyse_batch(
    articles: Sequence[Article], *, lang: str, currency: str, model: Path | None
) -> list[ArticleOutcome]:
    """Analyse articles (in order): language, NLP, mentions, claims, fingerprint.

    Pure with respect to its inputs (models are cached per process), so that any
    number of workers gives the same outcomes. A text longer than :data:`WINDOW_CHARS`
    is analysed in windows. One outcome per article, always: an article whose analysis
    fails is quarantined with the reason (only a model that cannot load raises).
    """
    from pipeline.nlp import load_pipeline, predicate_weights

    supported = set(available_languages())
    outcomes: dict[int, ArticleOutcome] = {}
    by_lang: dict[str, list[int]] = {}
    for i, article in enumerate(articles):
        try:
            code = _language_of(article, lang)
        except Exception as e:  # noqa: BLE001 - one bad article never ends the run
            outcomes[i] = _failed(article, None, e)
            continue
        if code is None or code not in supported:
            reason = "language not detected" if code is None else f"unsupported language: {code}"
            outcomes[i] = _quarantined(article, code, reason, failed=False)
            continue
        by_lang.setdefault(code, []).append(i)

    for code, indices in by_lang.items():
        nlp = load_pipeline(code, model)
        setup = _Setup(nlp, code, currency, predicate_weights(nlp))  # nlp.meta: rebuilt on read
        short = [i for i in indices if len(articles[i].text) <= WINDOW_CHARS]
        outcomes.update(_analyse_docs(articles, short, setup))
        for i in indices:
            if len(articles[i].text) > WINDOW_CHARS:
                try:
                    outcomes[i] = _analyse_windows(articles[i], setup)
                except Exception as e:  # noqa: BLE001 - one bad article never ends the run
                    outcomes[i] = _failed(articles[i], code, e)
    return [outcomes[i] for i in range(len(articles))]


def outcome_line(o: ArticleOutcome) -> str:
    """The checkpoint line of one outcome (JSON, no newline): what every engine writes."""
    return json.dumps(outcome_to_json(o), ensure_ascii=False, separators=(",", ":"))


def analyse_to_lines(
    articles: Sequence[Article], *, lang: str, currency: str, model: Path | None
) -> list[str]:
    """:func:`analyse_batch`, serialised where it runs: a worker sends back text, so the
    driver only appends lines (no unpickling of claims, no JSON encoding)."""
    outcomes = analyse_batch(articles, lang=lang, currency=currency, model=model)
    return [outcome_line(o) for o in outcomes]


def outcome_to_json(o: ArticleOutcome) -> dict[str, Any]:
    """One outcome as the work file's JSON object (what every engine writes)."""
    return {
        "row": o.row,
        "mentions": list(o.mentions),
        "claims": [claim_to_json(c) for c in o.claims],
        "fingerprint": list(o.fingerprint),
        "text_sha1": o.text_sha1,
        "error": o.error,
        "seconds": o.seconds,
    }
