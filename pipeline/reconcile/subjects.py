"""Subject alias clustering: which surface names denote the same entity.

Two names are merged only when they are the same name written differently:

1. the same *key* once case, accents, apostrophes, spacing and punctuation are folded
   and leading determiners / generic heads ("projet", "the company") and possessive
   endings are removed — these words are data, per language, in
   ``pipeline/lang/<xx>/subjects.yaml`` (``determiners``, ``elisions``, ``name_heads``,
   ``name_suffixes``); ``aliases.yaml`` holds names only;
2. names listed together in the alias table (``AWS`` ↔ ``Amazon Web Services``);
3. a near-identical spelling (a typo): the scorer says ≥ ``cutoff`` on the whole names,
   both have the same number of words and the same digits, and every word that
   differs is at least 4 characters long and itself scores ≥ ``token_cutoff``.

A name that extends another by a distinguishing word is a different subject:
``Stargate``, ``Stargate Norway`` and ``Stargate UAE`` stay three subjects. Fuzzy
comparison is blocked by (word count, digits, first 3 letters), so a typo in the first
three letters is not merged. The canonical name of a cluster is the alias table's
canonical name when one is known, else the most frequent cleaned surface form (ties:
one with capitals, then alphabetical).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz

from pipeline.errors import Errors, LexiconError, ReconciliationError
from pipeline.lang import available_languages, load_lang_file

__all__ = [
    "ALIASES_PATH",
    "AliasTable",
    "Scorer",
    "clean_name",
    "cluster_subjects",
    "fold",
    "load_aliases",
    "subject_key",
]

ALIASES_PATH = Path(__file__).with_name("aliases.yaml")

Scorer = Callable[..., float]

_APOSTROPHES = re.compile("[\u2019\u2018\u02bc`\u00b4]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_LEADING_WORD = re.compile(r"(\S+)\s+(?=\S)")
_LEADING_ELISION = re.compile(r"([^\s']+')(?=\S)")
_EDGE_PUNCT = " \t\n\"'«»“”‹›,.;:()[]{}"
_DIGITS = re.compile(r"\d+")

MIN_FUZZY_TOKEN = 4
BLOCK_PREFIX = 3


@dataclass(frozen=True, slots=True)
class AliasTable:
    """Alias keys → canonical names, and the words that are never part of a name."""

    canonical: Mapping[str, str]
    leading: frozenset[str]
    suffixes: tuple[str, ...]


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Case-, accent- and apostrophe-folded text (apostrophes become ``'``); cached."""
    decomposed = unicodedata.normalize("NFKD", _APOSTROPHES.sub("'", text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _tokens(text: str) -> list[str]:
    return [t for t in _NON_ALNUM.split(fold(text).replace("'", "")) if t]


@lru_cache(maxsize=1 << 16)
def subject_key(name: str) -> str:
    """The compact folded key of a name: ``"Open AI"`` and ``"openai"`` → ``"openai"``."""
    return "".join(_tokens(name))


def _str_list(value: Any, *, path: Path | str, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ReconciliationError(
            Errors.E353.format(path=path, detail=f"{where} is not a list of strings")
        )
    return list(value)


# Keys of ``pipeline/lang/<xx>/subjects.yaml`` read here: words that may open a subject
# phrase without being part of the name, and endings that are not part of it.
LEADING_KEYS = ("determiners", "elisions", "name_heads")
SUFFIX_KEYS = ("name_suffixes",)


def _language_words(lang: str) -> tuple[list[str], list[str]]:
    """The leading words and endings of ``lang``'s subjects.yaml (raises E353)."""
    path = f"pipeline/lang/{lang}/subjects.yaml"
    try:
        data = load_lang_file(lang, "subjects")
    except LexiconError as e:
        raise ReconciliationError(Errors.E353.format(path=path, detail=e)) from e
    leading = [w for k in LEADING_KEYS for w in _str_list(data.get(k), path=path, where=k)]
    suffixes = [w for k in SUFFIX_KEYS for w in _str_list(data.get(k), path=path, where=k)]
    return leading, suffixes


@cache
def load_aliases(path: Path = ALIASES_PATH) -> AliasTable:
    """Read the alias table and every language's subject words (cached).

    Raises :class:`ReconciliationError` (E353) when a file is malformed.
    """
    try:
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except (OSError, yaml.YAMLError) as e:
        raise ReconciliationError(Errors.E353.format(path=path, detail=e)) from e
    if not isinstance(data, dict) or not isinstance(data.get("aliases"), dict):
        raise ReconciliationError(Errors.E353.format(path=path, detail="no 'aliases' mapping"))
    canonical: dict[str, str] = {}
    for name, others in data["aliases"].items():
        for surface in [str(name), *_str_list(others, path=path, where=str(name))]:
            canonical.setdefault(subject_key(surface), str(name))
    leading: set[str] = set()
    suffixes: set[str] = set()
    for lang in available_languages():
        lead, suff = _language_words(lang)
        leading.update(fold(w) for w in lead)
        suffixes.update(fold(s) for s in suff)
    return AliasTable(
        canonical=canonical,
        leading=frozenset(leading),
        suffixes=tuple(sorted(suffixes, key=lambda s: (-len(s), s))),
    )


def clean_name(name: str, *, aliases: AliasTable | None = None) -> str:
    """The name without leading determiners/generic heads and possessive endings.

    ``"projet Stargate Norway"`` → ``"Stargate Norway"``, ``"d’OpenAI"`` → ``"OpenAI"``.
    Never returns an empty string for a non-blank name.
    """
    table = aliases or load_aliases()
    text = name.strip(_EDGE_PUNCT)
    while True:
        unified = _APOSTROPHES.sub("'", text)
        m = _LEADING_ELISION.match(unified) or _LEADING_WORD.match(unified)
        if m is None or fold(m.group(1)) not in table.leading:
            break
        text = text[m.end() :].lstrip()
    folded = fold(text)
    for suffix in table.suffixes:
        if folded.endswith(suffix) and len(folded) > len(suffix):
            text = text[: len(text) - len(suffix)]
            break
    text = text.strip(_EDGE_PUNCT)
    return text or name.strip()


def _alias_of(name: str, cleaned: str, table: AliasTable) -> str | None:
    for surface in (name, cleaned):
        canonical = table.canonical.get(subject_key(surface))
        if canonical is not None:
            return canonical
    return None


def _typo_pair(a: str, b: str, *, scorer: Scorer, cutoff: float, token_cutoff: float) -> bool:
    if scorer(a, b, processor=None, score_cutoff=cutoff) < cutoff:
        return False
    ta, tb = Counter(a.split()), Counter(b.split())
    rest_a, rest_b = sorted((ta - tb).elements()), sorted((tb - ta).elements())
    if len(rest_a) != len(rest_b):
        return False
    for x, y in zip(rest_a, rest_b, strict=True):
        if min(len(x), len(y)) < MIN_FUZZY_TOKEN:
            return False
        if scorer(x, y, processor=None, score_cutoff=token_cutoff) < token_cutoff:
            return False
    return True


def _find(parent: dict[str, str], x: str) -> str:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _fuzzy_union(
    spaced: Mapping[str, str], *, scorer: Scorer, cutoff: float, token_cutoff: float
) -> dict[str, str]:
    """Union-find over compact keys; ``spaced`` maps compact key → spaced key."""
    parent = {k: k for k in spaced}
    blocks: dict[tuple[int, tuple[str, ...], str], list[str]] = defaultdict(list)
    for key in sorted(spaced):
        words = spaced[key].split()
        blocks[(len(words), tuple(_DIGITS.findall(key)), key[:BLOCK_PREFIX])].append(key)
    for members in blocks.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if _find(parent, a) == _find(parent, b):
                    continue
                if _typo_pair(
                    spaced[a], spaced[b], scorer=scorer, cutoff=cutoff, token_cutoff=token_cutoff
                ):
                    ra, rb = _find(parent, a), _find(parent, b)
                    parent[max(ra, rb)] = min(ra, rb)
    return {k: _find(parent, k) for k in spaced}


def cluster_subjects(
    names: Iterable[str],
    *,
    scorer: Scorer = fuzz.token_sort_ratio,
    aliases: AliasTable | None = None,
    cutoff: float = 90.0,
    token_cutoff: float = 80.0,
) -> dict[str, str]:
    """Surface name → canonical name for every distinct name given.

    Repeated names weigh in the choice of the canonical surface form. The result does
    not depend on the order of ``names``.
    """
    table = aliases or load_aliases()
    all_counts = Counter(names)
    counts = Counter({n: k for n, k in all_counts.items() if n.strip()})
    cleaned: dict[str, str] = {}
    alias: dict[str, str | None] = {}
    spaced: dict[str, str] = {}
    key_of: dict[str, str] = {}
    for name in counts:
        cleaned[name] = clean_name(name, aliases=table)
        alias[name] = _alias_of(name, cleaned[name], table)
        shown = alias[name] or cleaned[name]
        key = subject_key(shown) or shown.casefold()
        key_of[name] = key
        spaced.setdefault(key, " ".join(_tokens(shown)) or key)
    root = _fuzzy_union(spaced, scorer=scorer, cutoff=cutoff, token_cutoff=token_cutoff)
    members: dict[str, list[str]] = defaultdict(list)
    for name in counts:
        members[root[key_of[name]]].append(name)
    result: dict[str, str] = {}
    for group in members.values():
        canon = sorted({a for n in group if (a := alias[n]) is not None})
        if canon:
            chosen = canon[0]
        else:
            votes: Counter[str] = Counter()
            for n in group:
                votes[cleaned[n]] += counts[n]
            chosen = min(votes, key=lambda s: (-votes[s], s.islower(), s))
        for n in group:
            result[n] = chosen
    result.update({n: n.strip() for n in all_counts if not n.strip()})
    return result
