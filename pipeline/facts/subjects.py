"""Who a figure is about: subject candidates in a parsed article and their attachment.

Candidates come from the entities of the Doc (the gazetteer ruler fixes the model's labels
and spans), cue words before a name ("le groupe Aker"), epithets ("le géant de Redmond"),
anaphora resolved to the nearest compatible subject before them ("le projet", "the
facility"), ordinals ("le premier ... le second") and subject pronouns. A figure is
attached to the best-scoring candidate of its sentence (subject of the governing verb,
a noun it depends on, "de/of" attachment, apposition, nearness, type), else to the
salient subject of the context before it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache

from spacy.tokens import Doc, Span, Token

from pipeline.facts.names import (
    SubjectLexicon,
    canonical_name,
    gazetteer_lookup,
    subject_lexicon,
)
from pipeline.facts.text import compile_phrases, find_phrases, fold
from pipeline.types import Mention

__all__ = [
    "Attachment",
    "Candidate",
    "attach_subject",
    "coordinated",
    "descriptors",
    "doc_candidates",
    "has_distributive",
    "salience",
]

# spaCy entity labels (model conventions, not words) -> subject type and prior.
LABEL_TYPES: Mapping[str, tuple[str, float]] = {
    "ORG": ("company", 0.7),
    "PROJECT": ("project", 0.8),
    "PROGRAMME": ("programme", 0.7),
    "FAC": ("site", 0.6),
    "GPE": ("country", 0.2),
    "LOC": ("country", 0.2),
    "MISC": ("other", 0.35),
    "PRODUCT": ("other", 0.3),
}
PERSON_LABELS = frozenset({"PER", "PERSON"})
COMPATIBLE: Mapping[str, frozenset[str]] = {
    "company": frozenset({"company"}),
    "project": frozenset({"project", "site"}),
    "site": frozenset({"site", "project"}),
    "programme": frozenset({"programme", "project"}),
    "country": frozenset({"country"}),
}
NOMINAL_DEPS = frozenset({"nmod", "compound", "poss", "appos", "flat", "flat:name", "pobj", "obl"})
SOURCE_PRIOR = {"epithet": 0.95, "ordinal": 0.8, "anaphora": 0.75, "pronoun": 0.5}
GAZETTEER_PRIOR = 1.0
CUE_PRIOR = 0.85
ACCEPT_IN_SENTENCE = 1.2
_CONTEXT_CHARS = 2500
_PAREN_GAP = re.compile(r"\s*\(\s*[^()]{0,40}")
_COMMA_GAP = re.compile(r"\s*[,:]\s*")
_TIGHT_GAP = re.compile(r"\s{0,2}")
_NAME_FOLLOWS = re.compile(r"[\s«\"“'‘’]{0,3}")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible subject at ``[start, end)`` of the text, with its root token index."""

    name: str
    type: str
    start: int
    end: int
    root: int
    source: str
    prior: float
    marker: str | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """The subject chosen for a figure and how sure the choice is."""

    subject: str
    type: str
    confidence: float
    candidate: Candidate
    counterparty: str | None = None


@dataclass(frozen=True, slots=True)
class _Patterns:
    cue_before: re.Pattern[str] | None
    counterparty_before: re.Pattern[str] | None
    beneficiary_before: re.Pattern[str] | None
    epithets: tuple[tuple[str, re.Pattern[str]], ...]
    anaphora: tuple[tuple[str, re.Pattern[str]], ...]
    ordinals: tuple[tuple[str, re.Pattern[str]], ...]
    suffix_after: re.Pattern[str] | None


def _alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len)[::-1])


def _marker_before(words: Sequence[str], lex: SubjectLexicon) -> re.Pattern[str] | None:
    if not words:
        return None
    dets = _alternation([*lex.determiners, *lex.elisions])
    det_part = rf"(?:(?:{dets})\s*)?" if dets else ""
    return re.compile(rf"(?:^|[^\w'])(?:{_alternation(words)})\s*{det_part}[«\"“]?\s*$")


@cache
def _patterns(lang: str) -> _Patterns:
    lex = subject_lexicon(lang)
    cue_words = [w for w, _ in lex.cue_words]
    cue_before = (
        re.compile(rf"(?:^|[^\w'])({_alternation(cue_words)})\s*[«\"“]?\s*$") if cue_words else None
    )
    suffixes = lex.legal_suffixes
    suffix_after = re.compile(rf"^,?\s+(?:{_alternation(suffixes)})(?![\w])") if suffixes else None
    dets = lex.anaphora_determiners
    ana_phrases = [
        (kind, (det + head) if det.endswith("'") else f"{det} {head}")
        for head, kind in lex.anaphora
        for det in dets
    ]
    return _Patterns(
        cue_before=cue_before,
        counterparty_before=_marker_before(sorted(lex.counterparty_markers), lex),
        beneficiary_before=_marker_before(sorted(lex.beneficiary_markers), lex),
        epithets=compile_phrases((name, phrase) for phrase, name in lex.epithets),
        anaphora=compile_phrases(ana_phrases),
        ordinals=compile_phrases((str(i), phrase) for phrase, i in lex.ordinals),
        suffix_after=suffix_after,
    )


def _root(doc: Doc, start: int, end: int) -> Token | None:
    span: Span | None = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    return span.root


def _marker(folded: str, start: int, pats: _Patterns) -> str | None:
    before = folded[max(0, start - 40) : start]
    if pats.counterparty_before is not None and pats.counterparty_before.search(before):
        return "counterparty"
    if pats.beneficiary_before is not None and pats.beneficiary_before.search(before):
        return "beneficiary"
    return None


def _entity_candidates(doc: Doc, folded: str, lang: str, pats: _Patterns) -> list[Candidate]:
    lex = subject_lexicon(lang)
    cue_types = dict(lex.cue_words)
    out: list[Candidate] = []
    by_root: dict[int, Candidate] = {}
    for ent in doc.ents:
        label = ent.label_
        if label not in LABEL_TYPES and label not in PERSON_LABELS:
            continue
        entry = gazetteer_lookup(ent.ent_id_) if ent.ent_id_ else None
        name = entry.name if entry else canonical_name(ent.text, lang)
        entry = entry or gazetteer_lookup(name)
        cue = None
        if pats.cue_before is not None:
            found = pats.cue_before.search(folded[max(0, ent.start_char - 40) : ent.start_char])
            cue = cue_types.get(re.sub(r"\s+", " ", found.group(1))) if found else None
        suffix = pats.suffix_after is not None and bool(
            pats.suffix_after.match(doc.text[ent.end_char : ent.end_char + 16])
        )
        if entry is not None:
            kind, prior = entry.type, GAZETTEER_PRIOR
        elif cue is not None:
            kind, prior = cue, CUE_PRIOR
        elif suffix:
            kind, prior = "company", CUE_PRIOR
        elif label in PERSON_LABELS or (not name[:1].isupper() and not name[:1].isdigit()):
            continue
        else:
            kind, prior = LABEL_TYPES[label]
        marker = _marker(folded, ent.start_char, pats)
        if marker is None and ent.root.dep_ == "conj" and ent.root.head.i in by_root:
            marker = by_root[ent.root.head.i].marker
        cand = Candidate(
            name, kind, ent.start_char, ent.end_char, ent.root.i, "entity", prior, marker
        )
        by_root[ent.root.i] = cand
        out.append(cand)
    return out


def _overlaps(start: int, end: int, cands: Sequence[Candidate]) -> bool:
    return any(c.start < end and start < c.end for c in cands)


def _nearest_before(
    cands: Sequence[Candidate], pos: int, types: frozenset[str]
) -> Candidate | None:
    best: Candidate | None = None
    for c in cands:
        if c.end <= pos and c.type in types and (best is None or c.end > best.end):
            best = c
    return best


def _resolve_ordinal(
    doc: Doc, cands: Sequence[Candidate], pos: int, index: int
) -> Candidate | None:
    by_sent: dict[int, list[Candidate]] = {}
    for c in cands:
        if c.end <= pos and c.type in ("company", "project", "site", "programme"):
            by_sent.setdefault(doc[c.root].sent.start, []).append(c)
    for sent_start in sorted(by_sent, reverse=True):
        names: list[Candidate] = []
        for c in sorted(by_sent[sent_start], key=lambda c: c.start):
            if all(n.name != c.name for n in names):
                names.append(c)
        companies = [c for c in names if c.type == "company"]
        pick = companies if len(companies) >= 2 else names
        if len(pick) >= 2:
            return pick[index] if index < len(pick) else None
    return None


def doc_candidates(doc: Doc, *, lang: str) -> tuple[Candidate, ...]:
    """Every subject candidate of ``doc``, in text order (anaphora already resolved)."""
    pats = _patterns(lang)
    lex = subject_lexicon(lang)
    folded = fold(doc.text)
    base = _entity_candidates(doc, folded, lang, pats)
    for hit in find_phrases(folded, pats.epithets):
        root = _root(doc, hit.start, hit.end)
        entry = gazetteer_lookup(hit.tag)
        if root is None or _overlaps(hit.start, hit.end, base):
            continue
        kind = entry.type if entry else "company"
        base.append(
            Candidate(
                hit.tag,
                kind,
                hit.start,
                hit.end,
                root.i,
                "epithet",
                SOURCE_PRIOR["epithet"],
                _marker(folded, hit.start, pats),
            )
        )
    base.sort(key=lambda c: c.start)
    resolved: list[Candidate] = []
    for hit in find_phrases(folded, pats.anaphora):
        after = _NAME_FOLLOWS.match(folded, hit.end)
        follows = after.end() if after else hit.end
        if _overlaps(hit.start, hit.end, base) or any(c.start == follows for c in base):
            continue
        if any(c.start <= follows < c.end for c in base):
            continue
        root = _root(doc, hit.start, hit.end)
        target = _nearest_before(
            [*base, *resolved], hit.start, COMPATIBLE.get(hit.tag, frozenset({hit.tag}))
        )
        if root is None or target is None:
            continue
        resolved.append(
            replace(
                target,
                start=hit.start,
                end=hit.end,
                root=root.i,
                source="anaphora",
                prior=SOURCE_PRIOR["anaphora"],
                marker=_marker(folded, hit.start, pats),
            )
        )
    for hit in find_phrases(folded, pats.ordinals):
        root = _root(doc, hit.start, hit.end)
        target = _resolve_ordinal(doc, base, hit.start, int(hit.tag))
        if root is None or target is None or _overlaps(hit.start, hit.end, resolved):
            continue
        resolved.append(
            replace(
                target,
                start=hit.start,
                end=hit.end,
                root=root.i,
                source="ordinal",
                prior=SOURCE_PRIOR["ordinal"],
                marker=None,
            )
        )
    subject_like = frozenset({"company", "project", "site"})
    for tok in doc:
        if tok.lower_ not in lex.pronouns or not tok.dep_.startswith("nsubj"):
            continue
        if "Plur" in tok.morph.get("Number", []):
            continue
        target = _nearest_before([*base, *resolved], tok.idx, subject_like)
        if target is not None:
            resolved.append(
                replace(
                    target,
                    start=tok.idx,
                    end=tok.idx + len(tok),
                    root=tok.i,
                    source="pronoun",
                    prior=SOURCE_PRIOR["pronoun"],
                    marker=None,
                )
            )
    return tuple(sorted([*base, *resolved], key=lambda c: (c.start, c.end)))


def _governing_subjects(token: Token) -> dict[int, int]:
    """Token index -> hops for the subjects of the verbs above ``token``."""
    out: dict[int, int] = {}
    hops = 0
    for anc in (token, *token.ancestors):
        hops += 1
        for child in anc.children:
            if not child.dep_.startswith("nsubj"):
                continue
            subj = child
            if "Rel" in child.morph.get("PronType", []) and anc.head.i != anc.i:
                subj = anc.head
            out.setdefault(subj.i, hops)
        if hops >= 6:
            break
    return out


def _depth_below(token: Token, top: int, limit: int = 3) -> int | None:
    if token.i == top:
        return 0
    for depth, anc in enumerate(token.ancestors, 1):
        if depth > limit:
            return None
        if anc.i == top:
            return depth
    return None


def _syntax_score(doc: Doc, cand: Candidate, mroot: Token, subjects: Mapping[int, int]) -> float:
    croot = doc[cand.root]
    score = 0.0
    for subj, hops in subjects.items():
        depth = _depth_below(croot, subj)
        if depth is not None:
            score = max(score, 2.0 * 0.6**depth * 0.9 ** (hops - 1))
    ancestors = {a.i: h for h, a in enumerate(mroot.ancestors, 1)}
    if cand.root in ancestors:
        score = max(score, 1.5 * 0.7 ** (ancestors[cand.root] - 1))
    nominal = {mroot.i}
    for anc in mroot.ancestors:
        if anc.pos_ in ("VERB", "AUX") or len(nominal) > 3:
            break
        nominal.add(anc.i)
    head = croot.head
    if (
        croot.dep_ in NOMINAL_DEPS
        and head.i != croot.i
        and head.pos_ in ("NOUN", "PROPN")
        and head.i in nominal
    ):
        score = max(score, 1.2)
    return score


def _counterparty(cands: Sequence[Candidate], chosen: Candidate, mention: Mention) -> str | None:
    lo = mention.sentence_start
    hi = lo + len(mention.sentence)
    for c in sorted(cands, key=lambda c: abs(c.start - mention.start)):
        if (
            lo <= c.start
            and c.end <= hi
            and c.marker == "counterparty"
            and c.name != chosen.name
            and c.source in ("entity", "epithet")
            and c.type in ("company", "project", "programme")
        ):
            return c.name
    return None


def descriptors(
    cands: Sequence[Candidate], mentions: Sequence[Mention], text: str
) -> frozenset[int]:
    """Starts of candidates right after a figure ("100 000 GPU Nvidia"): makers, not subjects."""
    ends = {m.end for m in mentions if m.kind not in ("date", "duration")}
    return frozenset(
        c.start
        for c in cands
        if any(0 <= c.start - e <= 2 and _TIGHT_GAP.fullmatch(text[e : c.start]) for e in ends)
    )


def attach_subject(
    doc: Doc,
    cands: Sequence[Candidate],
    mention: Mention,
    *,
    type_bonus: Mapping[str, float],
    salience: Mapping[str, float],
    excluded: frozenset[int] = frozenset(),
) -> Attachment | None:
    """The subject of ``mention`` among ``cands`` (see the module docstring), or None."""
    s_lo = mention.sentence_start
    s_hi = s_lo + len(mention.sentence)
    mroot = _root(doc, mention.start, mention.end)
    if mroot is None:
        return None
    subjects = _governing_subjects(mroot)
    text = doc.text
    scored: list[tuple[float, Candidate]] = []
    for c in cands:
        outside = not (s_lo <= c.start and c.end <= s_hi)
        if outside or (c.start < mention.end and mention.start < c.end):
            continue
        if c.start in excluded:
            continue  # "100 000 GPU Nvidia": the maker of the counted thing
        syn = _syntax_score(doc, c, mroot, subjects)
        if c.end <= mention.start:
            gap = text[c.end : mention.start]
            pos = math.exp(-(mention.start - c.end) / 150)
            if _PAREN_GAP.fullmatch(gap) or _COMMA_GAP.fullmatch(gap):
                syn = max(syn, 2.0)
        elif syn > 0:
            pos = -0.3
        else:
            continue
        adj = {"counterparty": -1.5, "beneficiary": 0.6}.get(c.marker or "", 0.0)
        if c.type == "country" and syn < 1.5:
            continue
        score = c.prior + syn + pos + adj + type_bonus.get(c.type, 0.0)
        scored.append((score, c))
    scored.sort(key=lambda sc: -sc[0])
    if scored and scored[0][0] >= ACCEPT_IN_SENTENCE:
        best_score, best = scored[0]
        second = next((s for s, c in scored[1:] if c.name != best.name), 0.0)
        confidence = 0.45 + 0.12 * min(best_score, 3.0) + 0.1 * min(best_score - second, 1.0)
        return Attachment(
            best.name,
            best.type,
            round(min(confidence, 0.95), 3),
            best,
            _counterparty(cands, best, mention),
        )
    context: list[tuple[float, Candidate]] = []
    for c in cands:
        if c.end > s_lo or s_lo - c.end > _CONTEXT_CHARS or c.type == "country":
            continue
        if c.start in excluded:
            continue
        adj = -0.8 if c.marker == "counterparty" else 0.0
        score = (
            math.exp(-(s_lo - c.end) / 400)
            + 0.6 * salience.get(c.name, 0.0)
            + type_bonus.get(c.type, 0.0)
            + 0.3 * c.prior
            + adj
        )
        context.append((score, c))
    pool = sorted([*context, *((s - 0.6, c) for s, c in scored)], key=lambda sc: -sc[0])
    if not pool:
        return None
    best_score, best = pool[0]
    confidence = 0.25 + 0.1 * min(max(best_score, 0.0), 2.0)
    return Attachment(
        best.name, best.type, round(confidence, 3), best, _counterparty(cands, best, mention)
    )


def coordinated(doc: Doc, cands: Sequence[Candidate], chosen: Candidate) -> list[Candidate]:
    """``chosen`` and the candidates coordinated with it ("Nscale et Aker"), in text order."""
    root = doc[chosen.root]
    head = root.head if root.dep_ == "conj" else root
    group = {head.i, *(t.i for t in head.conjuncts)}
    out: dict[str, Candidate] = {}
    for c in sorted(cands, key=lambda c: c.start):
        if c.root in group and c.source in ("entity", "epithet"):
            out.setdefault(c.name, c)
    return list(out.values()) or [chosen]


def has_distributive(folded: str, start: int, end: int, *, lang: str) -> bool:
    """True when a distributive word ("chacun", "each") occurs in ``folded[start:end]``."""
    words = subject_lexicon(lang).distributive
    return any(w in words for w in re.findall(r"[\w-]+", folded[start:end]))


def salience(cands: Sequence[Candidate]) -> dict[str, float]:
    """Name -> share of the most frequent candidate name (1.0 for the article's topic)."""
    counts = Counter(c.name for c in cands if c.type != "country")
    if not counts:
        return {}
    top = max(counts.values())
    return {name: n / top for name, n in counts.items()}
