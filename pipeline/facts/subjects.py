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
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import numpy as np
import yaml
from spacy.attrs import ENT_TYPE, IDX, IS_ALPHA, LOWER, POS, SPACY
from spacy.strings import get_string_id
from spacy.symbols import PROPN
from spacy.tokens import Doc, Span, Token

from pipeline.errors import Errors, LexiconError
from pipeline.factories import doc_text
from pipeline.facts.names import (
    SubjectLexicon,
    canonical_name,
    gazetteer_lookup,
    subject_lexicon,
)
from pipeline.facts.spans import SpanIndex
from pipeline.facts.text import PhraseHit, Phrases, compile_phrases, find_phrases, fold
from pipeline.types import Mention

__all__ = [
    "Attachment",
    "Candidate",
    "CandidateIndex",
    "DocView",
    "Role",
    "article_topic",
    "attach_subject",
    "coordinated",
    "descriptors",
    "doc_candidates",
    "doc_view",
    "has_distributive",
    "plausible_name",
    "salience",
    "subject_role",
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
    "company": frozenset({"company", "other"}),
    "project": frozenset({"project", "site"}),
    "site": frozenset({"site", "project"}),
    "programme": frozenset({"programme", "project"}),
    "country": frozenset({"country"}),
}
NOMINAL_DEPS = frozenset({"nmod", "compound", "poss", "appos", "flat", "flat:name", "pobj", "obl"})
# Markers of a name that is never a figure's subject: the source that reports it, the
# market a share trades on ("cotée sur Euronext Growth"), a past employer ("former X staff").
NEVER_SUBJECT_MARKERS = frozenset({"source", "market", "former"})
SOURCE_PRIOR = {"epithet": 0.95, "ordinal": 0.8, "anaphora": 0.75, "pronoun": 0.5}
GAZETTEER_PRIOR = 1.0
CUE_PRIOR = 0.85
FINAL_WORD_PRIOR = 0.8
PROPER_NOUN_PRIOR = 0.6
ANAPHORA_DECAY = 800.0
PRONOUN_DECAY = 300.0
COUNTRY_MIN_SYNTAX = 1.5
ACCEPT_IN_SENTENCE = 1.2
_CONTEXT_CHARS = 2500
_PAREN_GAP = re.compile(r"\s*\(\s*[^()]{0,40}")
_COMMA_GAP = re.compile(r"\s*[,:]\s*")
_DESCRIPTOR_GAP = 2
_TIGHT_GAP = re.compile(rf"\s{{0,{_DESCRIPTOR_GAP}}}")
_NAME_FOLLOWS = re.compile(r"[\s«\"“'‘’]{0,3}")


ROLES_PATH = Path(__file__).parent / "data" / "subject_roles.yaml"
PROJECT_TYPES = frozenset({"project", "site", "programme"})
# A programme named earlier funds or frames what follows; it is no figure's subject by
# default (a plan's name is not the fab it helps pay for).
CONTEXT_PROJECT_TYPES = frozenset({"project", "site"})
TARGET_SYNTAX = 3.5  # beats the verb's subject before the figure
BENEFICIARY_AFTER_SYNTAX = 0.8
TOPIC_BONUS = 0.6
PROJECT_CONTEXT_BONUS = 0.4
_TITLE_MAX = 200
_TITLE_SPLIT = re.compile(r"\s[:–—|]\s|\s:\s?|:\s")
_TITLE_MARKS = "#*_ \t"


@dataclass(frozen=True, slots=True)
class Role:
    """What a figure's predicate says about its subject (``subject_roles.yaml``).

    ``project``: the figure describes a project or site when one is named; ``funding``:
    money given by a funder, whose subject is the beneficiary.
    """

    project: bool = False
    funding: bool = False


@cache
def _role_lists(path: Path = ROLES_PATH) -> tuple[frozenset[str], frozenset[str]]:
    try:
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except (OSError, yaml.YAMLError) as e:
        raise LexiconError(Errors.E304.format(path=path, detail=e)) from e
    if not isinstance(data, dict):
        raise LexiconError(Errors.E304.format(path=path, detail="top level is not a mapping"))
    lists: list[frozenset[str]] = []
    for key in ("project_predicates", "funding_predicates"):
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise LexiconError(Errors.E304.format(path=path, detail=f"{key} is not a list"))
        lists.append(frozenset(value))
    return lists[0], lists[1]


def subject_role(predicate: str) -> Role:
    """The :class:`Role` of a figure stating ``predicate`` (raises LexiconError E304)."""
    project, funding = _role_lists()
    return Role(project=predicate in project, funding=predicate in funding)


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


class CandidateIndex:
    """An article's candidates, indexed for what each figure asks of them: those of its
    sentence, those of the context before it, those with given roots, the organisation
    named after a place. Answers come in the order of the candidates."""

    def __init__(self, cands: Sequence[Candidate]) -> None:
        self.cands = tuple(cands)
        self.spans = SpanIndex(self.cands, _candidate_span)
        self._by_root: dict[int, list[int]] | None = None
        self._owners: dict[str, Candidate | None] = {}

    def with_roots(self, roots: Iterable[int]) -> list[Candidate]:
        """The candidates whose root token is one of ``roots``."""
        if self._by_root is None:
            self._by_root = {}
            for i, c in enumerate(self.cands):
                self._by_root.setdefault(c.root, []).append(i)
        found = sorted(i for r in set(roots) for i in self._by_root.get(r, ()))
        return [self.cands[i] for i in found]

    def named_after(self, place: Candidate) -> Candidate:
        """:func:`_named_after` over the candidates, each place name looked up once."""
        if place.name not in self._owners:
            self._owners[place.name] = _owner_named_after(place.name, self.cands)
        owner = self._owners[place.name]
        if owner is None:
            return place
        return replace(owner, start=place.start, end=place.end, root=place.root, source="entity")


def _candidate_span(c: Candidate) -> tuple[int, int]:
    return c.start, c.end


@dataclass(frozen=True, slots=True)
class DocView:
    """What the facts stage reads from a parsed article, computed once per article.

    ``Doc.text`` and ``Doc.ents`` rebuild their value on every access (a walk over every
    token), so they are read here once and passed down.
    """

    doc: Doc
    text: str
    folded: str
    ents: tuple[Span, ...]
    #: Per token, from one array read: a word outside every entity, the same
    #: capitalised (what names the recogniser missed start with), its part of speech,
    #: and whether a space follows it.
    outside: np.ndarray
    capitalised: np.ndarray
    pos: np.ndarray
    spaced: np.ndarray
    lines: Lines


@dataclass(frozen=True, slots=True)
class Lines:
    """The lines of a text, and whether each is a headline, read once per line."""

    text: str
    breaks: list[int]  # positions of the line breaks
    headline: dict[int, bool] = field(default_factory=dict)  # by line start

    def title_case(self, pos: int) -> bool:
        """Whether the line holding ``pos`` has mostly capitalised words (a headline)."""
        i = bisect_left(self.breaks, pos)
        lo = self.breaks[i - 1] + 1 if i > 0 else 0
        if lo not in self.headline:
            hi = self.breaks[i] if i < len(self.breaks) else len(self.text)
            words = re.findall(r"[^\W\d_]+", self.text[lo:hi])
            caps = sum(1 for w in words if w[:1].isupper())
            self.headline[lo] = len(words) >= 3 and caps > 0.6 * len(words)
        return self.headline[lo]


def doc_view(doc: Doc) -> DocView:
    """The text, folded text and entities of ``doc``, read once."""
    text = doc_text(doc)
    arr = doc.to_array([IS_ALPHA, ENT_TYPE, POS, SPACY, IDX])
    first_upper = np.fromiter((text[i].isupper() for i in arr[:, 4]), dtype=bool, count=len(arr))
    outside = (arr[:, 0] == 1) & (arr[:, 1] == 0)
    capitalised = outside & first_upper
    spaced = arr[:, 3] == 1
    lines = Lines(text, [m.start() for m in re.finditer("\n", text)])
    return DocView(
        doc, text, fold(text), tuple(doc.ents), outside, capitalised, arr[:, 2], spaced, lines
    )


@dataclass(frozen=True, slots=True)
class _Patterns:
    cue_before: re.Pattern[str] | None
    cue_after: re.Pattern[str] | None
    counterparty_before: re.Pattern[str] | None
    beneficiary_before: re.Pattern[str] | None
    source_before: re.Pattern[str] | None
    market_before: re.Pattern[str] | None
    epithets: Phrases
    anaphora: re.Pattern[str] | None
    ordinals: Phrases
    suffix_after: re.Pattern[str] | None


def _alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len)[::-1])


def _marker_before(words: Sequence[str], lex: SubjectLexicon) -> re.Pattern[str] | None:
    if not words:
        return None
    dets = _alternation([*lex.determiners, *lex.elisions])
    # "avec le groupe norvégien Aker", "par le fonds suisse Alpenrock Capital": after a
    # determiner, a cue noun and an adjective may stand between the marker and the name.
    det_part = rf"(?:(?:{dets})\s*(?:[\w-]+\s+){{0,2}})?" if dets else ""
    # A marker that is itself a determiner ("au fonds canadien Maplewood") needs none.
    fused = [w for w in words if w in lex.determiners]
    fused_part = rf"|(?:{_alternation(fused)})\s+(?:[\w-]+\s+){{0,2}}" if fused else ""
    return re.compile(
        rf"(?:^|[^\w'])(?:(?:{_alternation(words)})\s*{det_part}{fused_part})[«\"“]?\s*$"
    )


def _anaphora_regex(lex: SubjectLexicon) -> re.Pattern[str] | None:
    """One regex for every determiner + head noun; group ``head`` names the noun."""
    heads = [h for h, _ in lex.anaphora]
    dets = lex.anaphora_determiners
    if not heads or not dets:
        return None
    spaced = [d for d in dets if not d.endswith("'")]
    elided = [d for d in dets if d.endswith("'")]
    parts = [rf"(?:{_alternation(spaced)})\s+"] if spaced else []
    if elided:
        parts.append(rf"(?:{_alternation(elided)})\s*")
    det = "|".join(parts)
    return re.compile(rf"(?<![\w'])(?:{det})(?P<head>{_alternation(heads)})(?![\w])")


@cache
def _patterns(lang: str) -> _Patterns:
    lex = subject_lexicon(lang)
    cue_words = [w for w, _ in lex.cue_words]
    dets = _alternation([*lex.determiners, *lex.elisions])
    # "le groupe Aker", "l'opérateur Azur", "la pépite lyonnaise Calcula" (adjectives
    # between the cue and the name are checked on the parse).
    cue_before = (
        re.compile(
            rf"(?:^|[^\w])(?P<cue>{_alternation(cue_words)})(?P<gap>(?:\s+[\w-]+){{0,2}}?)"
            r"\s*[«\"“]?\s*$"
        )
        if cue_words
        else None
    )
    # Apposition after the name: "Calcula, jeune pousse ...", "Fernhill, a London-based provider".
    cue_after = (
        re.compile(
            rf"^\s*,\s*(?:(?:{dets})\s*)?(?P<gap>(?:[\w-]+\s+){{0,2}}?)"
            rf"(?P<cue>{_alternation(cue_words)})(?![\w])"
        )
        if cue_words and dets
        else None
    )
    suffixes = lex.legal_suffixes
    suffix_after = re.compile(rf"^,?\s+(?:{_alternation(suffixes)})(?![\w])") if suffixes else None
    return _Patterns(
        cue_before=cue_before,
        cue_after=cue_after,
        counterparty_before=_marker_before(sorted(lex.counterparty_markers), lex),
        beneficiary_before=_marker_before(sorted(lex.beneficiary_markers), lex),
        source_before=_marker_before(sorted(lex.source_markers), lex),
        market_before=_marker_before(sorted(lex.market_markers), lex),
        epithets=compile_phrases((name, phrase) for phrase, name in lex.epithets),
        anaphora=_anaphora_regex(lex),
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
    if pats.source_before is not None and pats.source_before.search(before):
        return "source"
    if pats.market_before is not None and pats.market_before.search(before):
        return "market"
    if pats.counterparty_before is not None and pats.counterparty_before.search(before):
        return "counterparty"
    if pats.beneficiary_before is not None and pats.beneficiary_before.search(before):
        return "beneficiary"
    return None


# Parts of speech (Universal Dependencies) allowed between a cue word and its name.
_GAP_BEFORE_POS = frozenset({"ADJ"})
_GAP_AFTER_BLOCK = frozenset({"ADP", "AUX", "PRON", "CCONJ", "SCONJ", "NUM", "VERB", "DET"})
_MODEL_NUMBER = re.compile(r"(?=\S*[^\W\d_])(?=\S*\d)\S+")
_DATELINE_LEAD = re.compile(r"(?:^|\n)[ \t]*$")
_MODIFIER_DEPS = frozenset({"compound", "amod"})
# A capitalised word right after a cue word: the cue introduces that name ("À Marseille,
# l'hébergeur Portuaire Data construira"), not an apposition to the name before it.
_NAME_AFTER_CUE = re.compile(r"[ \t]+[«\"“]?[ \t]*(?P<first>[^\W\d_])")
_NUMBER_BEFORE = re.compile(r"\d[ \t]*$")
_YEAR_BEFORE = re.compile(r"(?<!\d)(?:19|20)\d\d[ \t]*$")


def _gap_ok(
    view: DocView, start: int, end: int, *, allowed: frozenset[str], blocked: frozenset[str]
) -> bool:
    """Whether the words of ``[start, end)`` may stand between a cue word and a name."""
    if start >= end or not view.text[start:end].strip():
        return True
    span = view.doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    words = [t for t in span if not t.is_space and not t.is_punct]
    if any(t.text[:1].isupper() and t.pos_ == "PROPN" for t in words) and allowed:
        return False
    if allowed and any(t.pos_ not in allowed for t in words):
        return False
    return not any(t.pos_ in blocked for t in words)


def _attached(doc: Doc, name: tuple[int, int], cue: tuple[int, int]) -> bool:
    """Whether the cue noun is in apposition to the name, not the subject of what follows."""
    name_root = _root(doc, *name)
    cue_root = _root(doc, *cue)
    if name_root is None or cue_root is None:
        return False
    return cue_root.head.i == name_root.i or name_root.head.i == cue_root.i


def _cue_type(
    view: DocView, start: int, end: int, lex: SubjectLexicon, pats: _Patterns
) -> str | None:
    """Subject type from a cue word before the name or in an apposition after it."""
    cue_types = dict(lex.cue_words)
    folded = view.folded
    for cue, inner in lex.cue_words:  # the recogniser took the cue word in: "projet Tordal"
        if folded.startswith(cue + " ", start) and start + len(cue) + 1 < end:
            return inner
    if pats.cue_before is not None:
        lo = max(0, start - 60)
        found = pats.cue_before.search(folded, lo, start)
        if found is not None:
            gap_lo, gap_hi = found.span("gap")
            if _gap_ok(view, gap_lo, gap_hi, allowed=_GAP_BEFORE_POS, blocked=frozenset()):
                kind = cue_types.get(re.sub(r"\s+", " ", found.group("cue")))
                if kind is not None:
                    return kind
    if pats.cue_after is not None:
        found = pats.cue_after.match(folded[end : end + 60])
        if found is not None:
            gap_lo, gap_hi = found.span("gap")
            cue_lo, cue_hi = found.span("cue")
            if (
                _gap_ok(
                    view,
                    end + gap_lo,
                    end + gap_hi,
                    allowed=frozenset(),
                    blocked=_GAP_AFTER_BLOCK,
                )
                and _attached(view.doc, (start, end), (end + cue_lo, end + cue_hi))
                and not _names_next(view.text, end + cue_hi)
            ):
                return cue_types.get(re.sub(r"\s+", " ", found.group("cue")))
    return None


def _names_next(text: str, pos: int) -> bool:
    """Whether a capitalised word follows ``pos`` (a cue word introducing its own name)."""
    found = _NAME_AFTER_CUE.match(text, pos)
    return found is not None and found.group("first").isupper()


def _final_word_type(name: str, lex: SubjectLexicon) -> str | None:
    """Type from the last word of a name ("Orbis Cloud", "Nordlys AI Campus")."""
    words = name.split()
    if len(words) < 2:
        return None
    return lex.name_final_words.get(words[-1].casefold())


@dataclass(frozen=True, slots=True)
class _Name:
    start: int
    end: int
    first: int
    last: int
    label: str
    ent_id: str
    root: int


_NAME_WORD_POS = frozenset({"PROPN", "NOUN"})


def _name_word(lines: Lines, tok: Token) -> bool:
    """Whether a capitalised word right after a name continues it.

    Mid-sentence, outside a headline, a capitalised noun the recogniser left out of the
    name is its last word ("la société Garance Cybersécurité", "Halden Robotique").
    """
    return (
        tok.is_alpha
        and tok.pos_ in _NAME_WORD_POS
        and not tok.is_sent_start
        and len(tok.text) > 1
        and not tok.text.isupper()
        and not lines.title_case(tok.idx)
    )


def _merged_names(view: DocView, lex: SubjectLexicon) -> list[_Name]:
    """Subject-like entities, adjacent fragments joined, followed by name-final words.

    "Nordlys AI" + "Campus" -> "Nordlys AI Campus"; "Orbis" + "Cloud" -> "Orbis Cloud".
    """
    doc, text = view.doc, view.text
    labels = {*LABEL_TYPES, *PERSON_LABELS}
    out: list[_Name] = []
    for ent in view.ents:
        if ent.label_ not in labels:
            continue
        start, end, first, last = ent.start_char, ent.end_char, ent.start, ent.end
        prev = out[-1] if out else None
        if (
            prev is not None
            and not ent.ent_id_
            and not prev.ent_id
            and text[prev.end : start] == " "
        ):
            out.pop()
            start, first = prev.start, prev.first
        while last < len(doc) and not ent.ent_id_ and doc[last - 1].whitespace_ == " ":
            nxt = doc[last]
            if nxt.ent_type_ or not nxt.text[:1].isupper():
                break
            if nxt.text.casefold() not in lex.name_final_words and not _name_word(view.lines, nxt):
                break
            last += 1
            end = nxt.idx + len(nxt)
        root = doc[first:last].root.i
        out.append(_Name(start, end, first, last, ent.label_, ent.ent_id_, root))
    return out


def _not_a_subject(
    view: DocView,
    n: _Name,
    figures: SpanIndex[tuple[int, int]],
    cue_heads: frozenset[str] = frozenset(),
) -> bool:
    """Entities that name no subject: units and figures, model numbers, datelines, modifiers."""
    if figures.overlaps(n.start, n.end):
        return True  # "MW" in "up to 520 MW"
    surface = view.text[n.start : n.end]
    if any(_MODEL_NUMBER.fullmatch(w) for w in surface.split()):
        return True  # "GB200", "H100"
    nxt = view.text[n.end : n.end + 3].lstrip(" ")
    if nxt[:1].isdigit():
        return True  # "RTX 5090", "Llama 3"
    before = view.text[max(0, n.start - 8) : n.start]
    if n.last - n.first == 1 and _NUMBER_BEFORE.search(before) and not _YEAR_BEFORE.search(before):
        return True  # "320 Tbit/s", "40 Gbps": a unit after its number
    letters = [c for c in surface if c.isalpha()]
    shouted = len(letters) >= 5 and all(c.isupper() for c in letters)
    if shouted and _DATELINE_LEAD.search(view.text, max(0, n.start - 4), n.start):
        return True  # "LONDON —"
    root = view.doc[n.root]
    head = root.head
    return (
        root.dep_ in _MODIFIER_DEPS
        and head.i != root.i
        and head.pos_ == "NOUN"
        and not (n.start <= head.idx < n.end)
        and head.text[:1].islower()
        and not (head.lower_ in cue_heads and (head.i < n.first or not surface.isupper()))
    )  # "AI companies", "GPU makers"; not "l'hébergeur Portuaire Data", "the Solenne consortium"


def _entity_candidates(
    view: DocView, lang: str, pats: _Patterns, figures: SpanIndex[tuple[int, int]]
) -> list[Candidate]:
    lex = subject_lexicon(lang)
    doc, folded = view.doc, view.folded
    found: list[tuple[_Name, str, str, float]] = []  # name, canonical, type, prior
    cue_heads = frozenset(w.rsplit(" ", 1)[-1] for w, _ in lex.cue_words)
    for n in _merged_names(view, lex):
        entry = gazetteer_lookup(n.ent_id) if n.ent_id else None
        name = entry.name if entry else canonical_name(view.text[n.start : n.end], lang)
        entry = entry or gazetteer_lookup(name)
        if entry is None and (not name or _not_a_subject(view, n, figures, cue_heads)):
            continue
        cue = _cue_type(view, n.start, n.end, lex, pats) if entry is None else None
        suffix = pats.suffix_after is not None and bool(
            pats.suffix_after.match(view.text[n.end : n.end + 16])
        )
        final = _final_word_type(name, lex)
        if entry is not None:
            kind, prior = entry.type, GAZETTEER_PRIOR
        elif cue is not None:
            kind, prior = cue, CUE_PRIOR
        elif suffix:
            kind, prior = "company", CUE_PRIOR
        elif final is not None:
            kind, prior = final, FINAL_WORD_PRIOR
        elif n.label in PERSON_LABELS or (not name[:1].isupper() and not name[:1].isdigit()):
            kind, prior = "person", 0.0
        else:
            kind, prior = LABEL_TYPES[n.label]
        found.append((n, name, kind, prior))
    # One name, one type: the best evidence anywhere in the article ("Calcula, jeune
    # pousse ..." makes every "Calcula" a company, whatever the model's label).
    best: dict[str, tuple[float, str]] = {}
    for _, name, kind, prior in found:
        if kind != "person" and prior > best.get(name, (0.0, ""))[0]:
            best[name] = (prior, kind)
    # A full name the recogniser mislabelled ("Garance Cybersécurité" as a person) is
    # the subject its leading words name elsewhere ("the cyber firm Garance").
    for _, name, _, _ in found:
        if best.get(name, (0.0, "person"))[1] not in ("person", "country", "other"):
            continue
        for form in _short_forms(name, lex):
            prior, kind = best.get(form, (0.0, "person"))
            if kind in SHORT_FORM_TYPES and prior >= CUE_PRIOR:
                best[name] = (prior, kind)
                break
    out: list[Candidate] = []
    by_root: dict[int, Candidate] = {}
    for n, name, own_kind, own_prior in found:
        top = best.get(name)
        if top is None:
            continue  # a person, or never more than a person
        prior, kind = own_prior, own_kind
        if prior < top[0] and (kind in ("person", "country", "other") or top[0] >= CUE_PRIOR):
            prior, kind = top
        marker = _marker(folded, n.start, pats)
        root = doc[n.root]
        if marker is None and root.dep_ == "conj" and root.head.i in by_root:
            marker = by_root[root.head.i].marker
        cand = Candidate(name, kind, n.start, n.end, n.root, "entity", prior, marker)
        by_root[n.root] = cand
        out.append(cand)
    return out


def _proper_noun_candidates(
    view: DocView, lang: str, pats: _Patterns, figures: SpanIndex[tuple[int, int]]
) -> list[Candidate]:
    """Names the entity recogniser missed: runs of proper nouns outside every entity,
    repeated in the article and the subject of a verb at least once ("Fernhill raises")."""
    lex = subject_lexicon(lang)
    doc = view.doc
    runs: list[tuple[int, int]] = []
    # A run starts at a capitalised proper noun and goes on over proper nouns outside
    # every entity, whatever their case.
    propn = view.pos == PROPN
    alpha_propn = propn & view.outside
    starts = np.flatnonzero(propn & view.capitalised)
    end = 0
    for i in starts.tolist():
        if i < end:
            continue
        j = i + 1
        while j < len(doc) and alpha_propn[j]:
            j += 1
        runs.append((i, j))
        end = j
    by_name: dict[str, list[Span]] = {}
    for a, b in runs:
        span = doc[a:b]
        if figures.overlaps(span.start_char, span.end_char):
            continue
        name = canonical_name(span.text, lang)
        if name and name[:1].isupper() and not name.isupper():
            by_name.setdefault(name, []).append(span)
    out: list[Candidate] = []
    for name, spans in by_name.items():
        if len(spans) < 2 or not any(s.root.dep_.startswith("nsubj") for s in spans):
            continue
        kinds = [_cue_type(view, s.start_char, s.end_char, lex, pats) for s in spans]
        kind = next((k for k in kinds if k), None) or _final_word_type(name, lex) or "company"
        for s in spans:
            out.append(
                Candidate(
                    name,
                    kind,
                    s.start_char,
                    s.end_char,
                    s.root.i,
                    "entity",
                    PROPER_NOUN_PRIOR,
                    _marker(view.folded, s.start_char, pats),
                )
            )
    return out


def _cue_name_candidates(
    view: DocView, lang: str, pats: _Patterns, figures: SpanIndex[tuple[int, int]]
) -> list[Candidate]:
    """Capitalised words the recogniser missed right after a cue word.

    "le rachat de la société lyonnaise Garance Cybersécurité", "the cable maker Halden
    Marine": the cue says a name follows, whatever tags the parser gave its words.
    """
    lex = subject_lexicon(lang)
    doc = view.doc
    out: list[Candidate] = []
    caps, spaced = view.capitalised, view.spaced
    end = 0
    for i in np.flatnonzero(caps).tolist():
        if i < end:
            continue
        tok = doc[i]
        if tok.is_sent_start or view.lines.title_case(tok.idx):
            continue
        j = i + 1
        while j < len(doc) and spaced[j - 1] and caps[j]:
            j += 1
        span = doc[i:j]
        end = j
        lo, hi = span.start_char, span.end_char
        if figures.overlaps(lo, hi):
            continue
        name = canonical_name(span.text, lang)
        if not name or not name[:1].isupper() or name.isupper() or not plausible_name(name):
            continue
        if pats.cue_before is None or not pats.cue_before.search(view.folded, max(0, lo - 60), lo):
            continue
        kind = _cue_type(view, lo, hi, lex, pats)
        if kind is None or kind == "country":
            continue
        out.append(
            Candidate(
                name, kind, lo, hi, span.root.i, "entity", CUE_PRIOR, _marker(view.folded, lo, pats)
            )
        )
    return out


MIN_SHORT_FORM = 4
SHORT_FORM_TYPES = frozenset({"company", "project", "site", "programme"})
# A many-word name of no known type ("Nautilia Subsea") still lends its type to its
# leading word ("Nautilia"), which the recogniser may have taken for a place.
SHORT_FORM_SOURCES = SHORT_FORM_TYPES | {"other"}


def _short_forms(name: str, lex: SubjectLexicon) -> list[str]:
    """Leading words of a many-word name that may stand for it ("Redline" for "Redline Data")."""
    words = name.split()
    if len(words) < 2:
        return []
    forms = [" ".join(words[:k]) for k in range(1, len(words))]
    return [
        f
        for f in forms
        if len(f) >= MIN_SHORT_FORM
        and f[:1].isupper()
        and f.casefold() not in lex.name_final_words
        and f.casefold() not in lex.determiners
        and gazetteer_lookup(f) is None
    ]


def _capital_follows(text: str, end: int) -> bool:
    """Whether a capitalised word follows ``end`` after spaces ("Redline Data")."""
    rest = text[end : end + 20]
    word = rest.lstrip(" \t")
    return len(word) < len(rest) and word[:1].isupper()


def _with_short_forms(
    view: DocView, cands: Sequence[Candidate], lex: SubjectLexicon, pats: _Patterns
) -> list[Candidate]:
    """``cands`` plus the short forms of names written in full somewhere in the article.

    "Redline Data ... Redline expects ... the Redline campus": every "Redline" is the
    same subject as the full name, before it (a title) or after it, whatever label (or
    none) the recogniser gave it.
    Names of the gazetteer keep their own aliases; a short form that leads a longer
    capitalised name is left alone.
    """
    first: dict[str, Candidate] = {}
    for c in cands:
        if (
            c.source == "entity"
            and c.type in SHORT_FORM_SOURCES
            and gazetteer_lookup(c.name) is None
        ):
            first.setdefault(c.name, c)
    forms: dict[str, Candidate] = {}
    for name, c in first.items():
        for form in _short_forms(name, lex):
            forms.setdefault(form, c)
    if not forms:
        return list(cands)
    text = view.text
    found = _occurrences(text, forms)
    # ``kept`` only loses candidates: each occurrence looks at those overlapping it
    index = SpanIndex(cands, _candidate_span)
    alive = [True] * len(cands)
    added: list[Candidate] = []
    for form, full in forms.items():
        for start, end in found[form]:
            if _capital_follows(text, end):
                continue
            near = [i for i in index.overlapping_indices(start, end) if alive[i]]
            if any(index.spans[i] != (start, end) for i in near):
                continue  # a name of its own overlaps the short form
            root = _root(view.doc, start, end)
            if root is None:
                continue
            for i in near:  # the same span read another way: the full name's now
                alive[i] = False
            added.append(
                Candidate(
                    full.name,
                    full.type,
                    start,
                    end,
                    root.i,
                    "entity",
                    full.prior,
                    _marker(view.folded, start, pats),
                )
            )
    kept = [c for c, keep in zip(cands, alive, strict=True) if keep]
    return sorted([*kept, *added], key=lambda c: c.start)


# Where a short form may start: not after a word character, an apostrophe or a hyphen;
# and where it may end: before none of a word character or a hyphen.
_FORM_START = re.compile(r"(?<![\w'’-])(?=\S)")
_FORM_END = re.compile(r"(?![\w-])")


def _occurrences(text: str, forms: Iterable[str]) -> dict[str, list[tuple[int, int]]]:
    """Each form's occurrences in ``text`` as whole words, left to right and not
    overlapping one another (what a ``finditer`` per form gives), in one pass over the
    text: a form is tried only where a word starts with its first characters."""
    by_head: dict[str, list[str]] = {}
    found: dict[str, list[tuple[int, int]]] = {}
    for form in forms:
        by_head.setdefault(form[:MIN_SHORT_FORM], []).append(form)
        found[form] = []
    for m in _FORM_START.finditer(text):
        p = m.start()
        for form in by_head.get(text[p : p + MIN_SHORT_FORM], ()):
            end = p + len(form)
            hits = found[form]
            if (
                text.startswith(form, p)
                and _FORM_END.match(text, end) is not None
                and (not hits or p >= hits[-1][1])
            ):
                hits.append((p, end))
    return found


def _resolve_back(
    cands: Sequence[Candidate],
    pos: int,
    types: frozenset[str],
    weights: Mapping[str, float],
    *,
    decay: float,
) -> Candidate | None:
    """The candidate an anaphor at ``pos`` stands for: near, salient, of a compatible type."""
    best: tuple[float, Candidate] | None = None
    for c in cands:
        if c.end > pos or c.type not in types or pos - c.end > _CONTEXT_CHARS:
            continue
        score = math.exp(-(pos - c.end) / decay) + 0.5 * weights.get(c.name, 0.0)
        if c.marker == "counterparty":
            score -= 0.3
        if best is None or score > best[0]:
            best = (score, c)
    return best[1] if best else None


ORDINAL_TYPES = frozenset({"company", "project", "site", "programme"})


def _resolve_ordinal(
    doc: Doc, cands: Sequence[Candidate], pos: int, index: int
) -> Candidate | None:
    """What "le premier", "the second" at ``pos`` names: the ``index``-th name of the
    last sentence before it that names two (two companies when it names them)."""
    by_sent: dict[int, list[Candidate]] = {}
    for c in cands:
        if c.end <= pos and c.type in ORDINAL_TYPES:
            by_sent.setdefault(doc[c.root].sent.start, []).append(c)
    for sent_start in sorted(by_sent, reverse=True):
        pick = _ordinal_pick(by_sent[sent_start])
        if len(pick) >= 2:
            return pick[index] if index < len(pick) else None
    return None


def _ordinal_pick(members: Sequence[Candidate]) -> list[Candidate]:
    """The names of one sentence an ordinal counts: its companies when it names two,
    else all its names (each name once, in text order)."""
    names: list[Candidate] = []
    seen: set[str] = set()
    for c in sorted(members, key=lambda c: c.start):
        if c.name not in seen:
            seen.add(c.name)
            names.append(c)
    companies = [c for c in names if c.type == "company"]
    return companies if len(companies) >= 2 else names


@dataclass(frozen=True, slots=True)
class _OrdinalGroup:
    ends: list[int]  # ends of its members, ascending
    members: list[Candidate]  # in the order of the candidates
    pick: list[Candidate]  # :func:`_ordinal_pick` of all its members


class _Ordinals:
    """:func:`_resolve_ordinal` over fixed candidates, each sentence's names read once.

    Sentences whose names all end before the ordinal are looked up, not read again;
    where the sentences' names do not follow the text order (the fast path assumes it)
    every ordinal is resolved the plain way.
    """

    def __init__(self, doc: Doc, cands: Sequence[Candidate]) -> None:
        self.doc = doc
        self.cands = cands
        by_sent: dict[int, list[Candidate]] = {}
        for c in cands:
            if c.type in ORDINAL_TYPES:
                by_sent.setdefault(doc[c.root].sent.start, []).append(c)
        self.groups = [
            _OrdinalGroup(sorted(c.end for c in ms), ms, _ordinal_pick(ms))
            for _, ms in sorted(by_sent.items())
        ]
        self.first_ends = [g.ends[0] for g in self.groups]
        self.last_ends = [g.ends[-1] for g in self.groups]
        self.in_order = self.first_ends == sorted(self.first_ends) and self.last_ends == sorted(
            self.last_ends
        )
        # the last sentence, up to each one, that names two
        self.last_naming: list[int] = []
        for g, group in enumerate(self.groups):
            before = self.last_naming[-1] if self.last_naming else -1
            self.last_naming.append(g if len(group.pick) >= 2 else before)

    def resolve(self, pos: int, index: int) -> Candidate | None:
        if not self.in_order:
            return _resolve_ordinal(self.doc, self.cands, pos, index)
        started = bisect_right(self.first_ends, pos)  # sentences with a name ending by pos
        whole = bisect_right(self.last_ends, pos)  # ... with every name ending by pos
        for g in range(started - 1, whole - 1, -1):  # a sentence read in part
            pick = _ordinal_pick([c for c in self.groups[g].members if c.end <= pos])
            if len(pick) >= 2:
                return pick[index] if index < len(pick) else None
        g = self.last_naming[whole - 1] if whole > 0 else -1
        if g < 0:
            return None
        pick = self.groups[g].pick
        return pick[index] if index < len(pick) else None


_ORDINAL_BLOCK = frozenset({"NOUN", "PROPN", "ADJ", "NUM", "ADP"})
_CUE_GAP_POS = frozenset({"ADJ", "ADP", "NOUN", "DET"})


def _next_token(doc: Doc, pos: int) -> Token | None:
    """The first token at or after character ``pos`` that is not a space."""
    span = doc.char_span(pos, len(doc_text(doc)), alignment_mode="expand")
    if span is None:
        return None
    return next((tok for tok in span if not tok.is_space), None)


def _qualifies_a_noun(doc: Doc, end: int) -> bool:
    """Whether the ordinal ending at ``end`` is followed by a noun, adjective or preposition.

    "le premier a signé" points back at a name; "la première tranche" and "the first of
    the new halls" do not.
    """
    nxt = _next_token(doc, end)
    return nxt is not None and nxt.pos_ in _ORDINAL_BLOCK


def _adjectives_then_name(doc: Doc, end: int, cands: SpanIndex[Candidate]) -> bool:
    """Whether only adjectives stand between ``end`` and the start of a candidate name."""
    starts = sorted(c.start for c in cands.starting(end + 1, end + 40))
    if not starts:
        return False
    span = doc.char_span(end, starts[0], alignment_mode="expand")
    if span is None:
        return False
    words = [tok for tok in span if not tok.is_space and tok.idx < starts[0]]
    # "le groupe allemand de logiciels industriels Stellwerk": a cue word's complement
    # may stand between it and the name; a verb or a comma ends the phrase.
    return (
        bool(words)
        and any(tok.pos_ == "ADJ" for tok in words)
        and all(tok.pos_ in _CUE_GAP_POS for tok in words)
    )


def _anaphora_hits(folded: str, pats: _Patterns, lex: SubjectLexicon) -> list[PhraseHit]:
    if pats.anaphora is None:
        return []
    kinds = dict(lex.anaphora)
    return [
        PhraseHit(kinds[re.sub(r"\s+", " ", m.group("head"))], m.start(), m.end())
        for m in pats.anaphora.finditer(folded)
        if re.sub(r"\s+", " ", m.group("head")) in kinds
    ]


def _past_origin(doc: Doc, cand: Candidate, lex: SubjectLexicon, limit: int = 3) -> bool:
    """Whether ``cand`` names where people came from ("trois anciens chercheurs de X",
    "three former X researchers"): a noun above it, within a noun phrase, is modified
    by a word of ``former_words``."""
    if not lex.former_words:
        return False
    tok = doc[cand.root]
    for _ in range(limit):
        if tok.dep_ not in NOMINAL_DEPS or tok.head.i == tok.i:
            return False
        tok = tok.head
        if tok.pos_ in ("VERB", "AUX"):
            return False
        if tok.pos_ == "NOUN" and any(
            ch.dep_ in _MODIFIER_DEPS and ch.lower_.strip("-") in lex.former_words
            for ch in tok.children
        ):
            return True
    return False


def plausible_name(name: str) -> bool:
    """Whether ``name`` can name a subject: not one letter ("G"), not digits alone ("2030")."""
    kept = [c for c in name if c.isalnum()]
    return len(kept) > 1 and not all(c.isdigit() for c in kept)


def doc_candidates(
    doc: Doc,
    *,
    lang: str,
    view: DocView | None = None,
    figures: Sequence[tuple[int, int]] = (),
) -> tuple[Candidate, ...]:
    """Every subject candidate of ``doc``, in text order (anaphora already resolved).

    ``figures`` are the ``(start, end)`` of the article's figures: no name inside one.
    """
    v = view or doc_view(doc)
    pats = _patterns(lang)
    lex = subject_lexicon(lang)
    folded = v.folded
    figure_index = SpanIndex(figures, _same_span)
    base = _entity_candidates(v, lang, pats, figure_index)
    taken = SpanIndex(base, _candidate_span)
    base += [
        c
        for c in _proper_noun_candidates(v, lang, pats, figure_index)
        if not taken.overlaps(c.start, c.end)
    ]
    taken = SpanIndex(base, _candidate_span)
    base += [
        c
        for c in _cue_name_candidates(v, lang, pats, figure_index)
        if not taken.overlaps(c.start, c.end)
    ]
    base.sort(key=lambda c: c.start)
    base = [c for c in _with_short_forms(v, base, lex, pats) if plausible_name(c.name)]
    base = [
        replace(c, marker="former") if c.marker is None and _past_origin(doc, c, lex) else c
        for c in base
    ]
    taken = SpanIndex(base, _candidate_span)
    for hit in find_phrases(folded, pats.epithets):
        root = _root(doc, hit.start, hit.end)
        entry = gazetteer_lookup(hit.tag)
        if root is None or taken.overlaps(hit.start, hit.end):
            continue
        kind = entry.type if entry else "company"
        epithet = Candidate(
            hit.tag,
            kind,
            hit.start,
            hit.end,
            root.i,
            "epithet",
            SOURCE_PRIOR["epithet"],
            _marker(folded, hit.start, pats),
        )
        base.append(epithet)
        taken.add(epithet, (hit.start, hit.end))
    base.sort(key=lambda c: c.start)
    weights = salience(base)
    named = SpanIndex(base, _candidate_span)
    # ``[*base, *resolved]`` as resolved candidates are added: what anaphora resolve to
    pool = SpanIndex(base, _candidate_span)
    resolved: list[Candidate] = []

    def resolve(c: Candidate) -> None:
        resolved.append(c)
        pool.add(c, (c.start, c.end))

    def before(pos: int) -> list[Candidate]:  # what _resolve_back may choose at pos
        return pool.ending(pos - _CONTEXT_CHARS, pos)

    for hit in _anaphora_hits(folded, pats, lex):
        after = _NAME_FOLLOWS.match(folded, hit.end)
        follows = after.end() if after else hit.end
        if named.overlaps(hit.start, hit.end) or named.starting(follows, follows):
            continue
        if named.overlaps(follows, follows + 1):
            continue
        if _adjectives_then_name(doc, hit.end, named):
            continue  # "le groupe norvégien Havstrøm Energi": a cue word, not an anaphor
        root = _root(doc, hit.start, hit.end)
        target = _resolve_back(
            before(hit.start),
            hit.start,
            COMPATIBLE.get(hit.tag, frozenset({hit.tag})),
            weights,
            decay=ANAPHORA_DECAY,
        )
        if root is None or target is None:
            continue
        resolve(
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
    ordinals: _Ordinals | None = None
    for hit in find_phrases(folded, pats.ordinals):
        root = _root(doc, hit.start, hit.end)
        if root is None or _qualifies_a_noun(doc, hit.end):
            continue  # "la première tranche", "the first of the halls": no company named
        ordinals = ordinals or _Ordinals(doc, base)
        target = ordinals.resolve(hit.start, int(hit.tag))
        if target is None or any(
            i >= len(base) for i in pool.overlapping_indices(hit.start, hit.end)
        ):
            continue  # a resolved mention is there already
        resolve(
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
    for tok in _tokens_among(doc, lex.pronouns):
        if not tok.dep_.startswith("nsubj"):
            continue
        if "Plur" in tok.morph.get("Number", []):
            continue
        target = _resolve_back(before(tok.idx), tok.idx, subject_like, weights, decay=PRONOUN_DECAY)
        if target is not None:
            resolve(
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


def _same_span(span: tuple[int, int]) -> tuple[int, int]:
    return span


def _tokens_among(doc: Doc, words: frozenset[str]) -> list[Token]:
    """The tokens whose lowercase form is one of ``words``, in order: one array read
    instead of a Python object per token."""
    if not words or not len(doc):
        return []
    wanted = np.fromiter((get_string_id(w) for w in words), dtype=np.uint64)
    lowers = doc.to_array(LOWER)
    return [doc[int(i)] for i in np.flatnonzero(np.isin(lowers, wanted))]


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


@dataclass(frozen=True, slots=True)
class _Above:
    """The tree above a figure's root, read once per figure (every candidate asks)."""

    hops: Mapping[int, int]  # ancestor token index -> hops up from the figure's root
    nominal: frozenset[int]  # the root and the nouns above it, up to its verb
    verb: Token | None  # the nearest verb (or auxiliary) at or above the root


def _above(mroot: Token) -> _Above:
    ancestors = list(mroot.ancestors)
    nominal = {mroot.i}
    for anc in ancestors:
        if anc.pos_ in ("VERB", "AUX") or len(nominal) > 3:
            break
        nominal.add(anc.i)
    verb = next((a for a in (mroot, *ancestors) if a.pos_ in ("VERB", "AUX")), None)
    return _Above({a.i: h for h, a in enumerate(ancestors, 1)}, frozenset(nominal), verb)


def _syntax_score(
    doc: Doc,
    cand: Candidate,
    mroot: Token,
    subjects: Mapping[int, int],
    above: _Above | None = None,
) -> float:
    croot = doc[cand.root]
    score = 0.0
    for subj, hops in subjects.items():
        depth = _depth_below(croot, subj)
        if depth is not None:
            score = max(score, 2.0 * 0.6**depth * 0.9 ** (hops - 1))
    tree = above or _above(mroot)
    if cand.root in tree.hops:
        score = max(score, 1.5 * 0.7 ** (tree.hops[cand.root] - 1))
    head = croot.head
    if (
        croot.dep_ in NOMINAL_DEPS
        and head.i != croot.i
        and head.pos_ in ("NOUN", "PROPN")
        and head.i in tree.nominal
    ):
        score = max(score, 1.2)
    return score


def _counterparty(
    cands: Sequence[Candidate],
    chosen: Candidate,
    lo: int,
    hi: int,
    mention: Mention,
    *,
    funders: Sequence[Candidate] = (),
) -> str | None:
    """The other party named in the figure's sentence: a funder, else a marked name."""
    for c in funders:
        if c.name != chosen.name and c.source in ("entity", "epithet"):
            return c.name
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
        if any(
            e in ends and _TIGHT_GAP.fullmatch(text[e : c.start])
            for e in range(c.start - _DESCRIPTOR_GAP, c.start + 1)
        )
    )


def article_topic(view: DocView, cands: Sequence[Candidate], *, lang: str) -> str | None:
    """The subject an article is about: the name heading its title line, or None.

    A title is the first line of a text that has more ("Nordlys AI Campus : ...",
    "# Cloud : ..."). The name before a title colon wins when the article names it
    ("X : ..."), else the first candidate of the title. Places are never topics
    ("Marseille : Azur Datacentres lance ..." is about Azur Datacentres).
    """
    text = view.text
    nl = text.find("\n")
    if nl < 0 or nl > _TITLE_MAX:
        return None
    names = {c.name for c in cands if c.type != "country"}
    parts = _TITLE_SPLIT.split(text[:nl], maxsplit=1)
    if len(parts) == 2:
        lead = canonical_name(parts[0].strip(_TITLE_MARKS), lang)
        if lead in names:
            return lead
    in_title = [c for c in cands if c.end <= nl and c.type != "country"]
    return in_title[0].name if in_title else None


def _subject_verbs(token: Token) -> dict[int, Token]:
    """Token index -> verb, for the subjects of the verbs above ``token`` (nearest first)."""
    out: dict[int, Token] = {}
    for hops, anc in enumerate((token, *token.ancestors)):
        if hops >= 6:
            break
        for child in anc.children:
            if not child.dep_.startswith("nsubj"):
                continue
            subj = child
            if "Rel" in child.morph.get("PronType", []) and anc.head.i != anc.i:
                subj = anc.head
            out.setdefault(subj.i, anc)
    return out


def _under_verb(
    doc: Doc, cand: Candidate, mroot: Token, limit: int = 5, above: _Above | None = None
) -> bool:
    """Whether ``cand`` hangs under the verb governing the figure, not through its subject.

    "X will spend $2bn on the first phase of the Y campus": Y is what the money goes to.
    """
    verb = (above or _above(mroot)).verb
    if verb is None:
        return False
    tok = doc[cand.root]
    for _ in range(limit):
        if tok.dep_.startswith("nsubj") or tok.i == tok.head.i:
            return False
        tok = tok.head
        if tok.i == verb.i:
            return True
        if tok.pos_ in ("VERB", "AUX"):
            return False  # inside a clause of its own ("aides accordées au titre du plan X")
    return False


def _figure_between(mention: Mention, cand: Candidate, figures: Sequence[tuple[int, int]]) -> bool:
    """Whether another figure stands between ``mention`` and a name after it."""
    return any(mention.end <= lo and hi <= cand.start for lo, hi in figures)


def _describes_figure(doc: Doc, cand: Candidate, mroot: Token, limit: int = 5) -> bool:
    """Whether the figure sits in the description of ``cand``.

    "« Compétences IA », un programme destiné à former 400 000 personnes": the
    programme's own apposition or relative clause states the figure.
    """
    for depth, anc in enumerate(mroot.ancestors, 1):
        if depth > limit:
            return False
        if anc.i == cand.root:
            return True
    return False


def _in_reach(cands: Sequence[Candidate], lo: int, hi: int, excluded: frozenset[int]) -> bool:
    """Whether an organisation or project is named in ``[lo, hi)`` or just before it."""
    return any(
        c.type != "country"
        and c.start not in excluded
        and c.end <= hi
        and (c.start >= lo or lo - c.end <= _CONTEXT_CHARS)
        for c in cands
    )


@dataclass(frozen=True, slots=True)
class _Roles:
    """Parties of the figure's sentence read from its verbs."""

    sources: frozenset[int]  # subjects of reporting verbs
    funders: frozenset[int]  # subjects of funder verbs
    subjects: frozenset[int]  # direct subjects of the other verbs


def _verb_in(verb: Token, stems: frozenset[str]) -> bool:
    """Whether the verb's form or lemma starts with one of ``stems``."""
    forms = {verb.lower_, verb.lemma_.casefold()}
    return any(f.startswith(s) for f in forms if f for s in stems)


def _sentence_roles(mroot: Token, lex: SubjectLexicon | None) -> _Roles:
    sources: set[int] = set()
    funders: set[int] = set()
    plain: set[int] = set()
    for subj, verb in _subject_verbs(mroot).items():
        if lex is not None and _verb_in(verb, lex.reporting_verbs):
            sources.add(subj)
        elif lex is not None and _verb_in(verb, lex.funder_verbs):
            funders.add(subj)
        else:
            plain.add(subj)
    return _Roles(frozenset(sources), frozenset(funders), frozenset(plain))


def _is_party(doc: Doc, cand: Candidate, parties: frozenset[int]) -> bool:
    """Whether ``cand`` is (or heads a phrase that is) one of the ``parties`` tokens."""
    tok = doc[cand.root]
    # A proper noun hanging on the party's noun is its name, however the parser tied it
    # ("Le consortium Méridienne" with the name as an adjective).
    return tok.i in parties or (
        tok.head.i in parties and (tok.dep_ in NOMINAL_DEPS or tok.pos_ == "PROPN")
    )


def _relative_antecedent(doc: Doc, mroot: Token) -> int | None:
    """The antecedent of the relative clause the figure stands in, or None.

    "l'hébergeur Nimbéo, qui a lui-même levé 600 millions": the clause's verb is the
    nearest above the figure and its subject a relative pronoun; the antecedent is the
    noun the clause hangs on, else the name right before the pronoun.
    """
    verb = next((a for a in (mroot, *mroot.ancestors) if a.pos_ in ("VERB", "AUX")), None)
    if verb is None:
        return None
    rel = next(
        (
            ch
            for ch in verb.children
            if ch.dep_.startswith("nsubj") and "Rel" in ch.morph.get("PronType", [])
        ),
        None,
    )
    if rel is None:
        return None
    if verb.head.i != verb.i and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head.i
    prev = rel.i - 1
    while prev >= 0 and doc[prev].is_punct:
        prev -= 1
    return prev if prev >= 0 and doc[prev].pos_ in ("NOUN", "PROPN") else None


def _unnamed_party(mroot: Token, lex: SubjectLexicon | None, limit: int = 4) -> bool:
    """Whether the figure describes a party the sentence leaves unnamed.

    "a paid CHF 1bn for a Dutch competitor with 900 employees", "rejoint un groupe de
    21 000 salariés": the figure hangs, within a noun phrase, on a company noun with an
    indefinite determiner, not on any name.
    """
    if lex is None or not lex.indefinite_determiners:
        return False
    heads = _company_heads(lex)
    for depth, anc in enumerate(mroot.ancestors, 1):
        if depth > limit or anc.pos_ in ("VERB", "AUX", "PROPN"):
            return False
        if anc.pos_ == "NOUN" and anc.lower_ in heads:
            return _indefinite(anc, lex)
    return False


def _company_heads(lex: SubjectLexicon) -> frozenset[str]:
    return frozenset(w.rsplit(" ", 1)[-1] for w, kind in lex.cue_words if kind == "company")


def _indefinite(noun: Token, lex: SubjectLexicon) -> bool:
    """Whether ``noun`` has an indefinite determiner ("un groupe", "a rival")."""
    return any(ch.dep_ == "det" and ch.lower_ in lex.indefinite_determiners for ch in noun.children)


def attach_subject(
    doc: Doc,
    cands: Sequence[Candidate],
    mention: Mention,
    *,
    type_bonus: Mapping[str, float],
    salience: Mapping[str, float],
    excluded: frozenset[int] = frozenset(),
    text: str | None = None,
    bounds: tuple[int, int] | None = None,
    role: Role = Role(),
    topic: str | None = None,
    lang: str | None = None,
    figures: Sequence[tuple[int, int]] = (),
    index: CandidateIndex | None = None,
) -> Attachment | None:
    """The subject of ``mention`` among ``cands`` (see the module docstring), or None.

    ``text`` is ``doc.text`` when the caller has it; ``bounds`` the figure's sentence
    when it is narrower than the mention's (a title run into the next line). ``role``
    says what the figure's predicate describes, ``topic`` is the article's subject
    (:func:`article_topic`), ``lang`` the language of the reporting and funder verbs,
    ``figures`` the ``(start, end)`` of the article's figures: a project named after
    another figure ("2,6 Md€, dont 700 M€ d'aides au titre du plan X") is that one's. A
    count whose sentence has no subject but quotes a source ("selon l'Observatoire X")
    is the source's statistic about a population: no subject from the context then,
    unless it is the source. (A price a source gives, "according to Bloomberg", is still
    the context's deal.) ``figures`` may be only those starting in the sentence: no other
    is looked at. ``index``: ``cands`` indexed (:class:`CandidateIndex`), which a caller
    attaching many figures builds once.
    """
    s_lo = mention.sentence_start
    s_hi = s_lo + len(mention.sentence)
    if bounds is not None:
        s_lo, s_hi = bounds
    mroot = _root(doc, mention.start, mention.end)
    if mroot is None:
        return None
    subjects = _governing_subjects(mroot)
    above = _above(mroot)
    roles = _sentence_roles(mroot, subject_lexicon(lang) if lang else None)
    lex = subject_lexicon(lang) if lang else None
    # An unnamed party that gives money is the funder; the figure stays the beneficiary's.
    if not role.funding and _unnamed_party(mroot, lex):
        return None
    antecedent = _relative_antecedent(doc, mroot)
    if (
        not role.funding
        and antecedent is not None
        and lex is not None
        and doc[antecedent].lower_ in _company_heads(lex)
        and _indefinite(doc[antecedent], lex)
    ):
        return None  # "un groupe de 21 000 salariés qui a réalisé 4,1 milliards"
    text = doc_text(doc) if text is None else text
    idx = index if index is not None else CandidateIndex(cands)
    # the candidates of the sentence, and those ending in reach before it
    in_sentence = idx.spans.within(s_lo, s_hi)
    reach = _in_reach(idx.spans.ending(s_lo - _CONTEXT_CHARS, s_hi), s_lo, s_hi, excluded)
    funders: list[Candidate] = []
    has_funder = role.funding and any(_is_party(doc, c, roles.funders) for c in in_sentence)
    scored: list[tuple[float, Candidate]] = []
    for cand in in_sentence:
        if cand.start < mention.end and mention.start < cand.end:
            continue
        if cand.start in excluded:
            continue  # "100 000 GPU Nvidia": the maker of the counted thing
        if cand.marker in NEVER_SUBJECT_MARKERS:
            continue  # "selon l'Observatoire ...": who reports the figure, not what it is about
        if role.funding and _is_party(doc, cand, roles.funders):
            funders.append(cand)  # "Enova a accordé une subvention de ...": the other party
            continue
        c = cand
        syn = _syntax_score(doc, c, mroot, subjects, above)
        if (
            role.project
            and c.type in PROJECT_TYPES
            and c.marker != "counterparty"
            and (_under_verb(doc, c, mroot, above=above) or _describes_figure(doc, c, mroot))
            and not _figure_between(mention, c, figures)
        ):
            syn = max(syn, TARGET_SYNTAX)
        if c.end <= mention.start:
            gap = text[c.end : mention.start]
            pos = math.exp(-(mention.start - c.end) / 150)
            if _PAREN_GAP.fullmatch(gap) or _COMMA_GAP.fullmatch(gap):
                syn = max(syn, 2.0)
        elif syn > 0:
            pos = -0.3
        elif c.marker == "beneficiary":
            syn, pos = BENEFICIARY_AFTER_SYNTAX, -0.3  # "... 1,200 acres for Redline Data"
        else:
            continue
        adj = {"counterparty": -1.5, "beneficiary": 0.6}.get(c.marker or "", 0.0)
        if has_funder and c.marker == "counterparty":
            adj = 0.0  # "X a attribué à Y un contrat", "X granted Y ...": Y receives it
        if antecedent is not None and antecedent in (c.root, doc[c.root].head.i):
            # "... auprès de l'hébergeur Nimbéo, qui a levé 600 millions": the clause's
            # own subject, whatever role the name plays in the main clause.
            syn, adj = max(syn, 2.0), max(adj, 0.0)
        before = c.end <= mention.start
        if c.type == "country" and not _place_allowed(
            doc, c, roles, syn=syn, reach=reach, before=before
        ):
            continue  # a place is where, not who
        score = c.prior + syn + pos + adj + type_bonus.get(c.type, 0.0)
        scored.append((score, c))
    scored.sort(key=lambda sc: -sc[0])
    if scored and scored[0][0] >= ACCEPT_IN_SENTENCE:
        best_score, best = scored[0]
        if best.type == "country" and role.project:
            best = idx.named_after(best)
        second = next((s for s, c in scored[1:] if c.name != best.name), 0.0)
        confidence = 0.45 + 0.12 * min(best_score, 3.0) + 0.1 * min(best_score - second, 1.0)
        return Attachment(
            best.name,
            best.type,
            round(min(confidence, 0.95), 3),
            best,
            _counterparty(in_sentence, best, s_lo, s_hi, mention, funders=funders),
        )
    context: list[tuple[float, Candidate]] = []
    for c in idx.spans.ending(s_lo - _CONTEXT_CHARS, s_lo):
        if c.end > s_lo or s_lo - c.end > _CONTEXT_CHARS or c.type == "country":
            continue
        if c.start in excluded or c.marker in NEVER_SUBJECT_MARKERS:
            continue
        adj = -0.8 if c.marker == "counterparty" else 0.0
        if c.name == topic:
            adj += TOPIC_BONUS
        if (role.project or (role.funding and roles.funders)) and c.type in CONTEXT_PROJECT_TYPES:
            adj += PROJECT_CONTEXT_BONUS  # a grant goes to the project, not its builders
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
    sources = {
        c.name for c in idx.spans.starting(s_lo, s_hi) if c.marker == "source" and c.start < s_hi
    }
    if mention.kind == "count" and sources and best.name not in sources:
        return None  # "1.2 million workers ..., according to Orkam": the source's statistic
    confidence = 0.25 + 0.1 * min(max(best_score, 0.0), 2.0)
    return Attachment(
        best.name,
        best.type,
        round(confidence, 3),
        best,
        _counterparty(in_sentence, best, s_lo, s_hi, mention, funders=funders),
    )


def _named_after(place: Candidate, cands: Sequence[Candidate]) -> Candidate:
    """The one programme or organisation of the article named after ``place``, or ``place``.

    "Le Grand Est veut former 30 000 personnes" in an article about the "Académie IA
    Grand Est": the region speaks through its programme, which trains the people.
    """
    owner = _owner_named_after(place.name, cands)
    if owner is None:
        return place
    return replace(owner, start=place.start, end=place.end, root=place.root, source="entity")


def _owner_named_after(place: str, cands: Sequence[Candidate]) -> Candidate | None:
    """The last candidate of the one organisation name ending with ``place``, if one."""
    tail = re.compile(rf"\s{re.escape(place)}$")
    owners = {
        c.name: c
        for c in cands
        if c.type != "country" and c.source == "entity" and tail.search(c.name)
    }
    return next(iter(owners.values())) if len(owners) == 1 else None


def _place_allowed(
    doc: Doc, cand: Candidate, roles: _Roles, *, syn: float, reach: bool, before: bool
) -> bool:
    """Whether a place may be the figure's subject.

    Only as the subject of the figure's verb ("la ville compte une vingtaine de centres"),
    never as the source of a reported figure ("Bercy évoque 5 000 emplois"), and beside
    the verb only when no organisation or project is in reach ("Abilene, Texas").
    """
    if _is_party(doc, cand, roles.sources):
        return False
    root = doc[cand.root]
    if before and root.i in roles.subjects and root.dep_ == "nsubj":
        return True  # an active subject; a passive one receives ("le pays sera doté de")
    return syn >= COUNTRY_MIN_SYNTAX and not reach


def coordinated(
    doc: Doc,
    cands: Sequence[Candidate],
    chosen: Candidate,
    *,
    index: CandidateIndex | None = None,
) -> list[Candidate]:
    """``chosen`` and the candidates coordinated with it ("Nscale et Aker"), in text order.

    ``index``: ``cands`` indexed (:class:`CandidateIndex`), when the caller has it.
    """
    root = doc[chosen.root]
    head = root.head if root.dep_ == "conj" else root
    group = {head.i, *(t.i for t in head.conjuncts)}
    members = (index or CandidateIndex(cands)).with_roots(group)
    out: dict[str, Candidate] = {}
    for c in sorted(members, key=lambda c: c.start):
        if c.source in ("entity", "epithet"):
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
