"""Which predicate a figure states: a linear model over context features.

``features`` turns a figure and the cue words around it into named feature values;
``classify`` scores every predicate the figure's kind allows with the weights of
``pipeline/facts/data/predicate_model.yaml`` and returns the best one, or ``other`` when
nothing scores enough. Cue words are per language (``pipeline/lang/<xx>/predicates.yaml``);
the weights are one model for every language, so a fitted model can replace the file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from spacy.tokens import Doc, Token

from pipeline.errors import Errors, LexiconError
from pipeline.facts.text import PhraseHit, Phrases, compile_phrases, find_phrases
from pipeline.lang import load_lang_file
from pipeline.types import PREDICATES

__all__ = [
    "PREDICATES",
    "PredicateModel",
    "classify",
    "cue_hits",
    "features",
    "governing_cues",
    "named_cues",
    "predicate_model",
    "score_predicates",
]

MODEL_PATH = Path(__file__).parent / "data" / "predicate_model.yaml"


@dataclass(frozen=True, slots=True)
class PredicateModel:
    """Weights and settings of the predicate classifier."""

    decay_chars: float
    after_factor: float
    window_chars: int
    min_score: float
    allowed: Mapping[str, tuple[str, ...]]
    weights: Mapping[str, Mapping[str, float]]
    subject_type_bonus: Mapping[str, Mapping[str, float]]


def _malformed(detail: str) -> LexiconError:
    return LexiconError(Errors.E302.format(path=MODEL_PATH, detail=detail))


@cache
def predicate_model(path: Path = MODEL_PATH) -> PredicateModel:
    """The predicate model stored at ``path`` (raises LexiconError E302)."""
    try:
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except (OSError, yaml.YAMLError) as e:
        raise _malformed(str(e)) from e
    if not isinstance(data, dict):
        raise _malformed("top level is not a mapping")
    try:
        weights = {
            str(p): {str(f): float(w) for f, w in fw.items()} for p, fw in data["weights"].items()
        }
        allowed = {str(k): tuple(str(p) for p in ps) for k, ps in data["allowed"].items()}
        bonus = {
            str(k): {str(t): float(v) for t, v in tv.items()}
            for k, tv in (data.get("subject_type_bonus") or {}).items()
        }
        model = PredicateModel(
            decay_chars=float(data["decay_chars"]),
            after_factor=float(data["after_factor"]),
            window_chars=int(data["window_chars"]),
            min_score=float(data["min_score"]),
            allowed=allowed,
            weights=weights,
            subject_type_bonus=bonus,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise _malformed(f"{type(e).__name__}: {e}") from e
    named = [*weights, *(p for ps in allowed.values() for p in ps)]
    unknown = [p for p in named if p not in PREDICATES]
    if unknown:
        raise _malformed(f"unknown predicates {sorted(set(unknown))}")
    return model


@cache
def _cue_patterns(lang: str) -> Phrases:
    data = load_lang_file(lang, "predicates")
    cues = data.get("cues")
    if not isinstance(cues, dict):
        raise LexiconError(Errors.E302.format(path=f"{lang}/predicates.yaml", detail="no cues map"))
    bad = [p for p in cues if p not in PREDICATES]
    if bad:
        raise LexiconError(
            Errors.E302.format(path=f"{lang}/predicates.yaml", detail=f"unknown predicates {bad}")
        )
    stems = compile_phrases(
        ((p, str(w)) for p, v in cues.items() for w in (v or {}).get("stems", []) or []),
        prefix=True,
    )
    words = compile_phrases(
        ((p, str(w)) for p, v in cues.items() for w in (v or {}).get("words", []) or []),
    )
    return stems + words


def _longest(hits: Sequence[PhraseHit]) -> list[PhraseHit]:
    """``hits`` less those inside a longer hit of another predicate.

    "investors" is a funding word, though it starts with the investment stem "invest".
    """
    return [
        h
        for h in hits
        if not any(
            o.tag != h.tag
            and o.start <= h.start
            and h.end <= o.end
            and (o.end - o.start) > (h.end - h.start)
            for o in hits
        )
    ]


def cue_hits(folded: str, lang: str, *, start: int = 0, end: int = -1) -> list[PhraseHit]:
    """Predicate cue words of ``lang`` in ``folded[start:end]`` (tag = predicate).

    Where cues of two predicates overlap, the longer one is kept.
    """
    return _longest(find_phrases(folded, _cue_patterns(lang), start=start, end=end))


# Between a figure and a cue that names it ("20 milliards d'euros d'investissements",
# "$5bn of capex"): at most a short word or an elision, no punctuation.
_ADJACENT_GAP = re.compile(r"[\s']{0,2}(?:[^\W\d_]{1,2}'?)?[\s']{0,2}")
ADJACENT_CHARS = 5


# Dependency labels that make a figure an argument of a verb: its object, the object of a
# preposition (English ClearNLP scheme) or a noun marked by a preposition (UD).
_OBJECT_DEPS = frozenset({"dobj", "obj"})
_PREP_OBJECT_DEPS = frozenset({"pobj"})
_CASE_DEPS = frozenset({"case"})
_VERB_POS = frozenset({"VERB"})


@cache
def _price_prepositions(lang: str) -> frozenset[str]:
    data = load_lang_file(lang, "predicates")
    return frozenset(str(w).lower() for w in data.get("price_prepositions") or [])


def _governing_verb(doc: Doc, start: int, end: int, lang: str) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    tok = span.root
    prices = _price_prepositions(lang)
    if tok.dep_ in _PREP_OBJECT_DEPS:
        tok = tok.head  # "for €1.1bn": the preposition, then what it hangs on
        priced = tok.lower_ in prices
    else:
        priced = any(c.dep_ in _CASE_DEPS and c.lower_ in prices for c in tok.children)
    if priced and tok.head.pos_ not in _VERB_POS and tok.head.dep_ in _OBJECT_DEPS:
        tok = tok.head  # "vend une participation ... pour 600 millions": the price of the sale
    elif not priced and tok.dep_ not in _OBJECT_DEPS:
        return None
    verb = tok.head
    return verb if verb.i != tok.i and verb.pos_ in _VERB_POS else None


# Links from a figure to the noun it measures: a modifier of the noun ("a €4bn capex
# plan", UD and ClearNLP labels) or, through a preposition, its complement ("revenue of
# €7bn", "un plan d'investissement de 4 milliards"). The noun's own modifiers name it too
# ("capital expenditure", "d'investissement").
_NOUN_LINK_DEPS = frozenset({"nmod", "compound", "amod", "nummod", "quantmod", "appos"})
_NOUN_MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "flat", "flat:name"})
_NOUN_POS = frozenset({"NOUN", "PROPN"})


def _measured_noun(doc: Doc, start: int, end: int, lang: str) -> tuple[Token, Token] | None:
    """The noun the figure at ``[start, end)`` measures, and the figure's root."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    root = span.root
    tok = root
    prices = _price_prepositions(lang)
    if tok.dep_ in _PREP_OBJECT_DEPS:
        tok = tok.head
        if tok.lower_ in prices:
            return None  # a price is the verb's, not the noun's ("a stake for €1bn")
    elif tok.dep_ not in _NOUN_LINK_DEPS or any(
        c.dep_ in _CASE_DEPS and c.lower_ in prices for c in tok.children
    ):
        return None
    noun = tok.head
    if noun.i == tok.i or noun.pos_ not in _NOUN_POS or span.start <= noun.i < span.end:
        return None
    return noun, root


def _overlapping(cues: Sequence[PhraseHit], tokens: Sequence[Token]) -> list[PhraseHit]:
    spans = [(t.idx, t.idx + len(t.text)) for t in tokens]
    return [h for h in cues if any(h.start < hi and lo < h.end for lo, hi in spans)]


def named_cues(
    doc: Doc, start: int, end: int, cues: Sequence[PhraseHit], *, lang: str
) -> list[PhraseHit]:
    """``cues`` less those on a verb above the noun that names the figure at ``[start, end)``.

    "help fund a €4.2bn three-year capital expenditure plan": the figure measures a plan
    of capital expenditure (an investment); the funding verb says what is done with it.
    Cues stay as they are when the noun carries none.
    """
    found = _measured_noun(doc, start, end, lang)
    if found is None:
        return list(cues)
    noun, root = found
    figure = {t.i for t in root.subtree}
    words = [noun]
    for child in noun.children:
        if child.dep_ in _NOUN_MODIFIER_DEPS and child.i not in figure:
            words.append(child)
            words.extend(c for c in child.children if c.dep_ in _NOUN_MODIFIER_DEPS)
    own = {h.tag for h in _overlapping(cues, words)}
    verb = noun.head
    if not own or noun.dep_ not in _OBJECT_DEPS or verb.pos_ not in _VERB_POS:
        return list(cues)
    shadowed = {h for h in _overlapping(cues, [verb]) if h.tag not in own}
    return [h for h in cues if h not in shadowed]


def governing_cues(
    doc: Doc, start: int, end: int, cues: Sequence[PhraseHit], *, lang: str
) -> frozenset[str]:
    """Predicates of the cues on the verb that takes the figure at ``[start, end)``.

    The figure is the verb's object ("raised €50m") or its price ("is selling a 49% stake
    ... for €1.1bn", with a preposition of ``price_prepositions`` in the language's
    predicates file): the selling makes it a deal, though the stake word sits nearer. A
    figure that modifies a noun ("a €4bn capex plan") or that a verb reaches ("raise
    capex to $30bn") has no governing verb here.
    """
    verb = _governing_verb(doc, start, end, lang)
    if verb is None:
        return frozenset()
    lo, hi = verb.idx, verb.idx + len(verb.text)
    return frozenset(h.tag for h in cues if h.start < hi and lo < h.end)


def features(
    *,
    kind: str,
    unit: str | None,
    start: int,
    end: int,
    cues: Sequence[PhraseHit],
    near_percent: bool = False,
    model: PredicateModel | None = None,
    folded: str | None = None,
    governing: frozenset[str] = frozenset(),
) -> dict[str, float]:
    """Feature values of a figure at ``[start, end)`` given the cue hits around it.

    With the ``folded`` text, a cue right after the figure that names it ("20 milliards
    d'euros d'investissements") weighs as much as one before it. ``governing`` holds the
    predicates of the cues on the verb that takes the figure (:func:`governing_cues`).
    """
    m = model or predicate_model()
    feats: dict[str, float] = {"bias": 1.0, f"kind:{kind}": 1.0}
    if unit:
        feats[f"unit:{unit.lower()}"] = 1.0
    if near_percent:
        feats["near_percent"] = 1.0
    for tag in governing:
        feats[f"cue_verb:{tag}"] = 1.0
    for hit in cues:
        if hit.start >= start and hit.end <= end:
            continue  # the figure's own words ("1 million de personnes") say its unit, not more
        if hit.end <= start:
            distance, factor = start - hit.end, 1.0
        elif hit.start >= end:
            distance, factor = hit.start - end, m.after_factor
            if folded is not None and _names_figure(folded, end, hit.start):
                factor = 1.0
        else:
            distance, factor = 0, 1.0
        if distance > m.window_chars:
            continue
        if hit.end <= start:
            feats[f"cue_sentence:{hit.tag}"] = 1.0  # named before the figure, at any distance
        value = factor * math.exp(-distance / m.decay_chars)
        name = f"cue:{hit.tag}"
        feats[name] = max(feats.get(name, 0.0), value)
    return feats


def _names_figure(folded: str, end: int, cue_start: int) -> bool:
    gap = folded[end:cue_start]
    return len(gap) <= ADJACENT_CHARS and _ADJACENT_GAP.fullmatch(gap) is not None


def score_predicates(
    feats: Mapping[str, float], kind: str, *, model: PredicateModel | None = None
) -> dict[str, float]:
    """Score of every predicate allowed for ``kind`` (none for kinds without predicates)."""
    m = model or predicate_model()
    return {
        p: sum(w * feats.get(f, 0.0) for f, w in m.weights.get(p, {}).items())
        for p in m.allowed.get(kind, ())
    }


def classify(
    feats: Mapping[str, float], kind: str, *, model: PredicateModel | None = None
) -> tuple[str, float]:
    """The predicate and a confidence in [0, 1]; ``("other", 0.3)`` when unsure."""
    m = model or predicate_model()
    scores = sorted(score_predicates(feats, kind, model=m).items(), key=lambda kv: -kv[1])
    if not scores or scores[0][1] < m.min_score:
        return "other", 0.3
    best, top = scores[0]
    second = scores[1][1] if len(scores) > 1 else 0.0
    confidence = top / (top + max(second, 0.0) + 0.25)
    return best, round(min(max(confidence, 0.0), 1.0), 3)
