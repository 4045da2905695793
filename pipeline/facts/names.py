"""Canonical subject names and the gazetteer of well-known subjects.

A name as written ("d’OpenAI", "le projet « Stargate Norway »", "Aker ASA") becomes the
canonical name reconciliation groups on ("OpenAI", "Stargate Norway", "Aker"): typographic
apostrophes and spaces are folded, quotes, elisions, determiners, cue words and legal
suffixes stripped, and gazetteer aliases mapped to their canonical name ("AWS" ->
"Amazon Web Services"). Distinct names sharing a word stay distinct ("Stargate",
"Stargate Norway" and "Stargate UAE" are three subjects).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import Errors, LexiconError
from pipeline.lang import load_lang_file

__all__ = [
    "GazetteerEntry",
    "canonical_name",
    "fold_apostrophes",
    "gazetteer",
    "gazetteer_lookup",
    "subject_lexicon",
    "subject_patterns",
]

GAZETTEER_PATH = Path(__file__).parent / "data" / "gazetteer.yaml"
SUBJECT_TYPES = ("company", "project", "site", "programme", "country", "other")

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})
_QUOTES_RE = re.compile(r"[«»“”„\"‹›]")
_SPACES_RE = re.compile(r"\s+")
_EDGE_PUNCT = " \t\n,;:.!?()[]{}-–—#*_"


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One well-known subject: canonical name, type, spaCy label, aliases, owner."""

    name: str
    type: str
    label: str
    aliases: tuple[str, ...] = ()
    owner: str | None = None


@dataclass(frozen=True, slots=True)
class SubjectLexicon:
    """The per-language words of ``pipeline/lang/<xx>/subjects.yaml``, lower-cased."""

    elisions: tuple[str, ...]
    determiners: frozenset[str]
    cue_words: tuple[tuple[str, str], ...]
    legal_suffixes: tuple[str, ...]
    anaphora_determiners: tuple[str, ...]
    anaphora: tuple[tuple[str, str], ...]
    pronouns: frozenset[str]
    epithets: tuple[tuple[str, str], ...]
    ordinals: tuple[tuple[str, int], ...]
    counterparty_markers: frozenset[str]
    beneficiary_markers: frozenset[str]
    distributive: frozenset[str]
    name_final_words: Mapping[str, str]
    reporting_verbs: frozenset[str] = frozenset()
    funder_verbs: frozenset[str] = frozenset()
    source_markers: frozenset[str] = frozenset()
    former_words: frozenset[str] = frozenset()
    market_markers: frozenset[str] = frozenset()
    indefinite_determiners: frozenset[str] = frozenset()


def fold_apostrophes(text: str) -> str:
    """``text`` with typographic apostrophes as ``'`` (same length, same offsets)."""
    return text.translate(_APOSTROPHES)


def _key(name: str) -> str:
    return _SPACES_RE.sub(" ", fold_apostrophes(name)).strip().casefold()


def _str_list(data: dict[str, Any], key: str, *, path: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise LexiconError(Errors.E002.format(path=path, detail=f"{key} is not a list"))
    return tuple(str(v) for v in value)


@cache
def gazetteer() -> tuple[GazetteerEntry, ...]:
    """Every entry of ``pipeline/facts/data/gazetteer.yaml``; raises LexiconError (E300)."""
    try:
        with GAZETTEER_PATH.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except (OSError, yaml.YAMLError) as e:
        raise LexiconError(Errors.E300.format(path=GAZETTEER_PATH, detail=e)) from e
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise LexiconError(Errors.E300.format(path=GAZETTEER_PATH, detail="no entries list"))
    labels = data.get("labels", {})
    entries: list[GazetteerEntry] = []
    for raw in data["entries"]:
        kind = str(raw.get("type", ""))
        if kind not in SUBJECT_TYPES or kind not in labels:
            raise LexiconError(
                Errors.E300.format(path=GAZETTEER_PATH, detail=f"bad type {kind!r} in {raw}")
            )
        owner = raw.get("owner")
        entries.append(
            GazetteerEntry(
                name=str(raw["name"]),
                type=kind,
                label=str(labels[kind]),
                aliases=tuple(str(a) for a in raw.get("aliases", ())),
                owner=None if owner is None else str(owner),
            )
        )
    return tuple(entries)


@cache
def _gazetteer_index() -> dict[str, GazetteerEntry]:
    index: dict[str, GazetteerEntry] = {}
    for entry in gazetteer():
        for surface in (entry.name, *entry.aliases):
            index.setdefault(_key(surface), entry)
    return index


def gazetteer_lookup(name: str) -> GazetteerEntry | None:
    """The gazetteer entry whose name or alias is ``name`` (case-insensitive), or None."""
    return _gazetteer_index().get(_key(name))


@cache
def subject_lexicon(lang: str) -> SubjectLexicon:
    """The parsed ``subjects.yaml`` of ``lang`` (raises LexiconError)."""
    data = load_lang_file(lang, "subjects")
    path = f"{lang}/subjects.yaml"
    cues = data.get("cue_words", {})
    anaphora = data.get("anaphora", {})
    if not isinstance(cues, dict) or not isinstance(anaphora, dict):
        raise LexiconError(Errors.E002.format(path=path, detail="cue_words/anaphora not maps"))
    for kind in (*cues, *anaphora):
        if kind not in SUBJECT_TYPES:
            raise LexiconError(Errors.E301.format(path=path, kind=kind))
    cue_pairs = sorted(
        ((_key(w), str(k)) for k, words in cues.items() for w in words),
        key=lambda p: -len(p[0]),
    )
    ana_pairs = sorted(
        ((_key(w), str(k)) for k, words in anaphora.items() for w in words),
        key=lambda p: -len(p[0]),
    )
    finals = data.get("name_final_words", {}) or {}
    if not isinstance(finals, dict):
        raise LexiconError(Errors.E002.format(path=path, detail="name_final_words is not a map"))
    for kind in finals:
        if kind not in SUBJECT_TYPES:
            raise LexiconError(Errors.E301.format(path=path, kind=kind))
    epithets = data.get("epithets", {}) or {}
    ordinals = data.get("ordinals", {}) or {}
    return SubjectLexicon(
        elisions=tuple(_key(e) for e in _str_list(data, "elisions", path=path)),
        determiners=frozenset(_key(d) for d in _str_list(data, "determiners", path=path)),
        cue_words=tuple(cue_pairs),
        legal_suffixes=tuple(
            sorted((_key(s) for s in _str_list(data, "legal_suffixes", path=path)), key=len)[::-1]
        ),
        anaphora_determiners=tuple(
            _key(d) for d in _str_list(data, "anaphora_determiners", path=path)
        ),
        anaphora=tuple(ana_pairs),
        pronouns=frozenset(_key(p) for p in _str_list(data, "pronouns", path=path)),
        epithets=tuple(sorted(((_key(k), str(v)) for k, v in epithets.items()), key=len)),
        ordinals=tuple((_key(k), int(v)) for k, v in ordinals.items()),
        counterparty_markers=frozenset(
            _key(m) for m in _str_list(data, "counterparty_markers", path=path)
        ),
        beneficiary_markers=frozenset(
            _key(m) for m in _str_list(data, "beneficiary_markers", path=path)
        ),
        distributive=frozenset(_key(m) for m in _str_list(data, "distributive", path=path)),
        name_final_words={_key(w): str(k) for k, words in finals.items() for w in words or []},
        reporting_verbs=frozenset(_key(v) for v in _str_list(data, "reporting_verbs", path=path)),
        funder_verbs=frozenset(_key(v) for v in _str_list(data, "funder_verbs", path=path)),
        source_markers=frozenset(_key(m) for m in _str_list(data, "source_markers", path=path)),
        former_words=frozenset(_key(w) for w in _str_list(data, "former_words", path=path)),
        market_markers=frozenset(_key(m) for m in _str_list(data, "market_markers", path=path)),
        indefinite_determiners=frozenset(
            _key(d) for d in _str_list(data, "indefinite_determiners", path=path)
        ),
    )


def subject_patterns(lang: str) -> list[dict[str, Any]]:
    """spaCy EntityRuler patterns for every gazetteer name and alias.

    Each pattern is ``{"label": ORG|PROJECT|FAC|PROGRAMME, "pattern": surface, "id":
    canonical name}``, so ``ent.ent_id_`` carries the canonical name. The cue-word
    aliases of the language ("projet Stargate") are not patterns: names only. Add the
    ruler after ``ner`` with ``overwrite_ents=True``: the gazetteer then replaces the
    model's wrong labels (OpenAI as MISC, Aker as PER) and its cut spans ("Stargate"
    alone for "Stargate Norway"), while the model keeps every entity the gazetteer does
    not know; a ruler before ``ner`` works too (ner keeps preset entities).
    """
    subject_lexicon(lang)  # validates the language's data
    patterns: list[dict[str, Any]] = []
    seen: set[str] = set()
    for entry in gazetteer():
        for surface in (entry.name, *entry.aliases):
            if surface in seen:
                continue
            seen.add(surface)
            patterns.append({"label": entry.label, "pattern": surface, "id": entry.name})
    return patterns


def _strip_prefix_words(name: str, lex: SubjectLexicon) -> str:
    """Drop one leading elision, determiner or cue word; ``name`` when none applies."""
    low = name.casefold()
    for elision in lex.elisions:
        if low.startswith(elision) and len(name) > len(elision):
            return name[len(elision) :]
    first, _, rest = name.partition(" ")
    if rest and first.casefold() in lex.determiners:
        return rest
    for cue, _kind in lex.cue_words:
        rest = name[len(cue) + 1 :].lstrip(" '")
        if low.startswith(cue + " ") and rest[:1].isupper():
            return rest
    return name


@cache
def _weekdays(lang: str) -> frozenset[str]:
    """Weekday names of ``lang`` as written in running text (dates.yaml)."""
    data = load_lang_file(lang, "dates")
    days = [str(d) for d in data.get("weekdays") or {}]
    return frozenset(d.capitalize() if data.get("weekday_capitalized") else d for d in days)


def _strip_weekday(name: str, lang: str) -> str:
    """``name`` less a weekday the parser ran into it ("la société Orka lundi")."""
    head, _, last = name.rpartition(" ")
    return head if head and last in _weekdays(lang) else name


def _strip_suffix(name: str, lex: SubjectLexicon) -> str:
    low = name.casefold()
    for suffix in lex.legal_suffixes:
        if low.endswith((" " + suffix, ", " + suffix)):
            return name[: len(name) - len(suffix)].rstrip(" ,")
    for cue, _kind in lex.cue_words:
        head = name[: len(name) - len(cue)].rstrip()
        tail = name[len(name) - len(cue) :]
        # "the Stargate UAE project" -> "Stargate UAE"; a capitalised last word is part of
        # the name ("Nordlys AI Campus").
        if low.endswith(" " + cue) and head.rsplit(" ", 1)[-1][:1].isupper() and tail.islower():
            return head
    return name


@lru_cache(maxsize=4096)
def canonical_name(name: str, lang: str) -> str:
    """The canonical form of a subject name as written in ``lang``.

    ``d’OpenAI`` -> ``OpenAI``, ``l’Union européenne`` -> ``Union européenne``,
    ``projet Stargate Norway`` -> ``Stargate Norway``, ``AWS`` -> ``Amazon Web Services``.
    A name the rules would empty is returned folded but otherwise unchanged.
    """
    lex = subject_lexicon(lang)
    text = _SPACES_RE.sub(" ", _QUOTES_RE.sub(" ", fold_apostrophes(name))).strip(_EDGE_PUNCT)
    for _ in range(8):
        entry = gazetteer_lookup(text)
        if entry is not None:
            return entry.name
        stripped = _strip_suffix(_strip_prefix_words(text, lex), lex).strip(_EDGE_PUNCT)
        stripped = _strip_weekday(stripped, lang)
        if not stripped or stripped == text:
            break
        text = stripped
    return text
