"""Claims of one article: each figure about a subject, with predicate and qualifiers.

Dates and durations are not claims; dates qualify the figures of their sentence. Mentions
without a normalised value are skipped (reconciliation compares normalised values).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from spacy.tokens import Doc

from pipeline.facts.names import canonical_name
from pipeline.facts.predicates import (
    classify,
    cue_hits,
    features,
    governing_cues,
    named_cues,
    predicate_model,
)
from pipeline.facts.qualifiers import find_stage, find_time
from pipeline.facts.subjects import (
    DocView,
    article_topic,
    attach_subject,
    coordinated,
    descriptors,
    doc_candidates,
    doc_view,
    has_distributive,
    plausible_name,
    salience,
    subject_role,
)
from pipeline.facts.text import PhraseHit, line_bounds
from pipeline.types import Article, Claim, Evidence, Mention, Qualifiers

__all__ = ["build_claims"]

NON_CLAIM_KINDS = frozenset({"date", "duration"})
DAY_PREDICATES = frozenset({"stock_price"})  # figures of one day: their date is their time
OTHER = "other"
PLACE_LABELS = frozenset({"GPE", "LOC"})
_PERCENT_GAP = re.compile(r"[\s\w]{0,6}")


def _location(
    view: DocView, mention: Mention, subject: str, bounds: tuple[int, int], *, lang: str
) -> str | None:
    s_lo, s_hi = bounds
    places = [
        e
        for e in view.ents
        if e.label_ in PLACE_LABELS and s_lo <= e.start_char and e.end_char <= s_hi
    ]
    names = [(abs(e.start_char - mention.start), canonical_name(e.text, lang)) for e in places]
    names = [(d, n) for d, n in names if n and n != subject and plausible_name(n)]
    return min(names)[1] if names else None


def _near_percent(mention: Mention, others: Sequence[Mention], text: str) -> bool:
    return any(
        o.kind == "percent"
        and o.end <= mention.start
        and _PERCENT_GAP.fullmatch(text[o.end : mention.start]) is not None
        for o in others
    )


_SENTENCE_END = re.compile(r"[.!?…;:»\"”\n]")
_JOIN_CHARS = 300


def sentence_start(text: str, lo: int) -> int:
    """``lo``, or the true start of its sentence when the parser split one mid-clause.

    A sentence that follows a word or a comma ("L'opération valorise | Lumine à 900
    millions") is the tail of the one before: it starts after the last sentence-final
    mark (or line break) before ``lo``.
    """
    before = text[max(0, lo - _JOIN_CHARS) : lo].rstrip(" \t")
    if not before or _SENTENCE_END.match(before[-1]):
        return lo
    ends = list(_SENTENCE_END.finditer(before))
    if not ends:
        return 0 if lo <= _JOIN_CHARS else lo  # the text's first sentence, or unsure
    cut = lo - len(text[max(0, lo - _JOIN_CHARS) : lo]) + ends[-1].end()
    while cut < lo and text[cut].isspace():
        cut += 1
    return cut


def _bounds(text: str, mention: Mention) -> tuple[int, int]:
    """The figure's sentence, cut at line breaks that end a title, item or paragraph."""
    lo = mention.sentence_start
    hi = lo + len(mention.sentence)
    return line_bounds(text, sentence_start(text, lo), hi, mention.start)


def _restatements(claims: Sequence[Claim]) -> list[Claim]:
    """``claims`` less the ``other`` ones that repeat a classified figure of the article.

    A title restates a figure of the body without its cue words ("X : l'État promet 3 à
    4 milliards"); the body's claim says what the figure is.
    """
    known = {(c.subject, c.value, c.unit) for c in claims if c.predicate != OTHER}
    return [c for c in claims if c.predicate != OTHER or (c.subject, c.value, c.unit) not in known]


def size_class(doc: Doc, mention: Mention) -> bool:
    """Whether a bounded count sorts a plural noun into a class, stating no fact.

    "les entreprises de moins de 50 salariés", "companies with fewer than 50 staff": the
    count says which companies, not how many anyone has.
    """
    if mention.kind != "count" or mention.quantity.bound is None:
        return False
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None or span.start < 2:
        return False
    prep, noun = doc[span.start - 1], doc[span.start - 2]
    return prep.pos_ == "ADP" and noun.pos_ == "NOUN" and "Plur" in noun.morph.get("Number", [])


def own_cues(
    cues: Sequence[PhraseHit], mention: Mention, others: Sequence[Mention]
) -> list[PhraseHit]:
    """``cues`` less those after the figure that sit nearer the next figure of its sentence.

    "sells a stake for €1.1bn, implying an enterprise value of €2.4bn": the value words
    introduce the second figure, not the first.
    """
    later = [
        o.start
        for o in others
        if o.kind not in NON_CLAIM_KINDS and o.kind != "percent" and o.start >= mention.end
    ]
    if not later:
        return list(cues)
    nxt = min(later)
    return [
        h
        for h in cues
        if not (mention.end <= h.start and h.end <= nxt and nxt - h.end < h.start - mention.end)
    ]


def build_claims(
    doc: Doc,
    article: Article,
    mentions: Sequence[Mention],
    *,
    lang: str,
    predicates: Path | None = None,
) -> list[Claim]:
    """One Claim per mention that states a fact about a subject (see module docstring).

    ``predicates`` is a predicate-weights file fitted by ``newsfacts train``; the
    shipped hand-set weights are used without it.
    """
    model = predicate_model(predicates) if predicates is not None else predicate_model()
    figures = [
        m
        for m in mentions
        if m.kind not in NON_CLAIM_KINDS
        and model.allowed.get(m.kind)  # a percent alone states nothing the SPEC names
        and m.normalized is not None
        and m.quantity.value is not None
    ]
    if not figures:
        return []
    view = doc_view(doc)
    text, folded = view.text, view.folded
    spans = [(m.start, m.end) for m in mentions if m.kind not in NON_CLAIM_KINDS]
    cands = doc_candidates(doc, lang=lang, view=view, figures=spans)
    weights = salience(cands)
    excluded = descriptors(cands, figures, text)
    topic = article_topic(view, cands, lang=lang)
    claims: list[Claim] = []
    for m in sorted(figures, key=lambda x: x.start):
        if size_class(doc, m):
            continue
        bounds = _bounds(text, m)
        s_lo, s_hi = bounds
        cues = own_cues(cue_hits(folded, lang, start=s_lo, end=s_hi), m, mentions)
        cues = named_cues(doc, m.start, m.end, cues, lang=lang)
        feats = features(
            kind=m.kind,
            unit=m.quantity.unit,
            start=m.start,
            end=m.end,
            cues=cues,
            near_percent=_near_percent(m, mentions, text),
            model=model,
            folded=folded,
            governing=governing_cues(doc, m.start, m.end, cues, lang=lang),
        )
        predicate, p_conf = classify(feats, m.kind, model=model)
        if predicate == OTHER and OTHER not in model.allowed.get(m.kind, ()):
            continue  # "2 400 clients", "21,000 towers": no predicate counts them
        attachment = attach_subject(
            doc,
            cands,
            m,
            type_bonus=model.subject_type_bonus.get(m.kind, {}),
            salience=weights,
            excluded=excluded,
            text=text,
            bounds=bounds,
            role=subject_role(predicate),
            topic=topic,
            lang=lang,
            figures=spans,
        )
        if attachment is None:
            continue
        subjects = [attachment]
        if has_distributive(folded, s_lo, s_hi, lang=lang):
            subjects = [
                replace(attachment, subject=c.name, type=c.type, candidate=c)
                for c in coordinated(doc, cands, attachment.candidate)
            ]
        value, normalized = m.quantity.value, m.normalized
        if value is None or normalized is None:  # filtered above; keeps mypy informed
            continue
        unit = m.quantity.unit or normalized.unit
        for attachment in subjects:
            qualifiers = Qualifiers(
                stage=find_stage(folded, m, mentions, lang=lang),
                time=find_time(m, mentions, bounds=bounds, days=predicate in DAY_PREDICATES),
                approx=m.quantity.approx,
                bound=m.quantity.bound,
                counterparty=attachment.counterparty,
                location=_location(view, m, attachment.subject, bounds, lang=lang),
            )
            evidence = Evidence(
                article_id=article.id,
                start=m.start,
                end=m.end,
                text=m.text,
                sentence=m.sentence,
                value=value,
                unit=unit,
                sentence_start=m.sentence_start,
            )
            claims.append(
                Claim(
                    subject=attachment.subject,
                    subject_type=attachment.type,
                    predicate=predicate,
                    value=value,
                    value_max=m.quantity.value_max,
                    unit=unit,
                    normalized=normalized,
                    qualifiers=qualifiers,
                    evidence=evidence,
                    published=article.published,
                    confidence=round(attachment.confidence * (0.5 + 0.5 * p_conf), 3),
                    extra=(("subject_source", attachment.candidate.source),),
                )
            )
    return _restatements(claims)
