"""Claims of one article: each figure about a subject, with predicate and qualifiers.

Dates and durations are not claims; dates qualify the figures of their sentence. Mentions
without a normalised value are skipped (reconciliation compares normalised values).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from spacy.tokens import Doc, Span

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
from pipeline.facts.spans import SpanIndex
from pipeline.facts.subjects import (
    CandidateIndex,
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
_PERCENT_GAP_MAX = 6
_PERCENT_GAP = re.compile(rf"[\s\w]{{0,{_PERCENT_GAP_MAX}}}")


def _location(
    ents: Sequence[Span], mention: Mention, subject: str, bounds: tuple[int, int], *, lang: str
) -> str | None:
    """The place named in the figure's sentence nearest the figure (``ents``: the
    article's entities, or those of the sentence)."""
    s_lo, s_hi = bounds
    places = [
        e for e in ents if e.label_ in PLACE_LABELS and s_lo <= e.start_char and e.end_char <= s_hi
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


def _mention_span(m: Mention) -> tuple[int, int]:
    return m.start, m.end


def _same(span: tuple[int, int]) -> tuple[int, int]:
    return span


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
    later = [o.start for o in others if _bounds_a_cue(o) and o.start >= mention.end]
    return _cues_before(cues, mention, min(later, default=None))


def _bounds_a_cue(m: Mention) -> bool:
    """Whether cue words may belong to ``m`` rather than to a figure before it."""
    return m.kind not in NON_CLAIM_KINDS and m.kind != "percent"


def _cues_before(cues: Sequence[PhraseHit], mention: Mention, nxt: int | None) -> list[PhraseHit]:
    """:func:`own_cues` given the start of the next figure (None: there is none)."""
    if nxt is None:
        return list(cues)
    return [
        h
        for h in cues
        if not (mention.end <= h.start and h.end <= nxt and nxt - h.end < h.start - mention.end)
    ]


@dataclass(slots=True)
class _Article:
    """What the figures of one article look up, indexed once (see :mod:`.spans`), and
    what their sentences share, computed once per sentence."""

    text: str
    folded: str
    lang: str
    mentions: SpanIndex[Mention]
    percents: SpanIndex[Mention]
    next_starts: list[int]  # starts of the figures that cue words may belong to, sorted
    ents: SpanIndex[Span]
    cues: dict[tuple[int, int], list[PhraseHit]] = field(default_factory=dict)
    distributive: dict[tuple[int, int], bool] = field(default_factory=dict)

    def near_percent(self, mention: Mention) -> bool:
        """:func:`_near_percent` over the percents ending at most six characters before
        ``mention`` (the longest gap ``_PERCENT_GAP`` allows)."""
        before = self.percents.ending(mention.start - _PERCENT_GAP_MAX, mention.start)
        return _near_percent(mention, before, self.text)

    def own_cues(self, cues: Sequence[PhraseHit], mention: Mention) -> list[PhraseHit]:
        i = bisect_left(self.next_starts, mention.end)
        return _cues_before(
            cues, mention, self.next_starts[i] if i < len(self.next_starts) else None
        )

    def sentence_cues(self, lo: int, hi: int) -> list[PhraseHit]:
        key = (lo, hi)
        if key not in self.cues:
            self.cues[key] = cue_hits(self.folded, self.lang, start=lo, end=hi)
        return self.cues[key]

    def has_distributive(self, lo: int, hi: int) -> bool:
        key = (lo, hi)
        if key not in self.distributive:
            self.distributive[key] = has_distributive(self.folded, lo, hi, lang=self.lang)
        return self.distributive[key]

    def sentence_mentions(self, mention: Mention) -> list[Mention]:
        """The mentions starting in ``mention``'s sentence: all that :func:`find_stage`
        and :func:`find_time` look at."""
        lo = mention.sentence_start
        return self.mentions.starting(lo, lo + len(mention.sentence))


def _article(view: DocView, mentions: Sequence[Mention], *, lang: str) -> _Article:
    return _Article(
        text=view.text,
        folded=view.folded,
        lang=lang,
        mentions=SpanIndex(mentions, _mention_span),
        percents=SpanIndex([m for m in mentions if m.kind == "percent"], _mention_span),
        next_starts=sorted(m.start for m in mentions if _bounds_a_cue(m)),
        ents=SpanIndex(view.ents, _ent_span),
    )


def _ent_span(e: Span) -> tuple[int, int]:
    return e.start_char, e.end_char


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
    index = CandidateIndex(cands)
    weights = salience(cands)
    excluded = descriptors(cands, figures, text)
    topic = article_topic(view, cands, lang=lang)
    art = _article(view, mentions, lang=lang)
    figure_spans = SpanIndex(spans, _same)
    claims: list[Claim] = []
    for m in sorted(figures, key=lambda x: x.start):
        if size_class(doc, m):
            continue
        bounds = _bounds(text, m)
        s_lo, s_hi = bounds
        cues = art.own_cues(art.sentence_cues(s_lo, s_hi), m)
        cues = named_cues(doc, m.start, m.end, cues, lang=lang)
        feats = features(
            kind=m.kind,
            unit=m.quantity.unit,
            start=m.start,
            end=m.end,
            cues=cues,
            near_percent=art.near_percent(m),
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
            figures=figure_spans.starting(s_lo, s_hi),
            index=index,
        )
        if attachment is None:
            continue
        subjects = [attachment]
        if art.has_distributive(s_lo, s_hi):
            subjects = [
                replace(attachment, subject=c.name, type=c.type, candidate=c)
                for c in coordinated(doc, cands, attachment.candidate, index=index)
            ]
        value, normalized = m.quantity.value, m.normalized
        if value is None or normalized is None:  # filtered above; keeps mypy informed
            continue
        unit = m.quantity.unit or normalized.unit
        near = art.sentence_mentions(m)
        places = art.ents.within(s_lo, s_hi)
        for attachment in subjects:
            qualifiers = Qualifiers(
                stage=find_stage(folded, m, near, lang=lang),
                time=find_time(m, near, bounds=bounds, days=predicate in DAY_PREDICATES),
                approx=m.quantity.approx,
                bound=m.quantity.bound,
                counterparty=attachment.counterparty,
                location=_location(places, m, attachment.subject, bounds, lang=lang),
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
