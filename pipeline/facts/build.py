"""Claims of one article: each figure about a subject, with predicate and qualifiers.

Dates and durations are not claims; dates qualify the figures of their sentence. Mentions
without a normalised value are skipped (reconciliation compares normalised values).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from spacy.tokens import Doc

from pipeline.facts.names import canonical_name
from pipeline.facts.predicates import classify, cue_hits, features, predicate_model
from pipeline.facts.qualifiers import find_stage, find_time
from pipeline.facts.subjects import (
    attach_subject,
    coordinated,
    descriptors,
    doc_candidates,
    has_distributive,
    salience,
)
from pipeline.facts.text import fold
from pipeline.types import Article, Claim, Evidence, Mention, Qualifiers

__all__ = ["build_claims"]

NON_CLAIM_KINDS = frozenset({"date", "duration"})
PLACE_LABELS = frozenset({"GPE", "LOC"})
_PERCENT_GAP = re.compile(r"[\s\w]{0,6}")


def _location(doc: Doc, mention: Mention, subject: str, *, lang: str) -> str | None:
    s_lo = mention.sentence_start
    s_hi = s_lo + len(mention.sentence)
    places = [
        e
        for e in doc.ents
        if e.label_ in PLACE_LABELS and s_lo <= e.start_char and e.end_char <= s_hi
    ]
    names = [(abs(e.start_char - mention.start), canonical_name(e.text, lang)) for e in places]
    names = [(d, n) for d, n in names if n and n != subject]
    return min(names)[1] if names else None


def _near_percent(mention: Mention, others: Sequence[Mention], text: str) -> bool:
    return any(
        o.kind == "percent"
        and o.end <= mention.start
        and _PERCENT_GAP.fullmatch(text[o.end : mention.start]) is not None
        for o in others
    )


def build_claims(
    doc: Doc, article: Article, mentions: Sequence[Mention], *, lang: str
) -> list[Claim]:
    """One Claim per mention that states a fact about a subject (see module docstring)."""
    figures = [
        m
        for m in mentions
        if m.kind not in NON_CLAIM_KINDS
        and m.normalized is not None
        and m.quantity.value is not None
    ]
    if not figures:
        return []
    model = predicate_model()
    folded = fold(doc.text)
    cands = doc_candidates(doc, lang=lang)
    weights = salience(cands)
    excluded = descriptors(cands, figures, doc.text)
    claims: list[Claim] = []
    for m in sorted(figures, key=lambda x: x.start):
        s_lo = m.sentence_start
        s_hi = s_lo + len(m.sentence)
        attachment = attach_subject(
            doc,
            cands,
            m,
            type_bonus=model.subject_type_bonus.get(m.kind, {}),
            salience=weights,
            excluded=excluded,
        )
        if attachment is None:
            continue
        subjects = [attachment]
        if has_distributive(folded, s_lo, s_hi, lang=lang):
            subjects = [
                replace(attachment, subject=c.name, type=c.type, candidate=c)
                for c in coordinated(doc, cands, attachment.candidate)
            ]
        feats = features(
            kind=m.kind,
            unit=m.quantity.unit,
            start=m.start,
            end=m.end,
            cues=cue_hits(folded, lang, start=s_lo, end=s_hi),
            near_percent=_near_percent(m, mentions, doc.text),
            model=model,
        )
        predicate, p_conf = classify(feats, m.kind, model=model)
        value, normalized = m.quantity.value, m.normalized
        if value is None or normalized is None:  # filtered above; keeps mypy informed
            continue
        unit = m.quantity.unit or normalized.unit
        for attachment in subjects:
            qualifiers = Qualifiers(
                stage=find_stage(folded, m, mentions, lang=lang),
                time=find_time(m, mentions),
                approx=m.quantity.approx,
                bound=m.quantity.bound,
                counterparty=attachment.counterparty,
                location=_location(doc, m, attachment.subject, lang=lang),
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
    return claims
