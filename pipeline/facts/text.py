"""Offset-preserving text folding and phrase matching for the facts stage.

Lexicon entries (cue words, stage words, anaphora) are matched on a folded copy of the
text: lower-cased and with typographic apostrophes as ``'``, character for character, so
match offsets are offsets into the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["PhraseHit", "Phrases", "compile_phrases", "find_phrases", "fold", "line_bounds"]

_APOS = {"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"}
_APOS_TABLE = str.maketrans(_APOS)
_NEWLINE = re.compile(r"\n")


@dataclass(frozen=True, slots=True)
class PhraseHit:
    """A lexicon phrase found at ``[start, end)``; ``tag`` says which list it came from."""

    tag: str
    start: int
    end: int


def _fold_char(c: str) -> str:
    c = _APOS.get(c, c)
    low = c.lower()
    return low if len(low) == 1 else c


def fold(text: str) -> str:
    """``text`` lower-cased with ASCII apostrophes; same length, same offsets."""
    quick = text.translate(_APOS_TABLE).lower()
    if len(quick) == len(text):
        return quick
    return "".join(_fold_char(c) for c in text)


def _wraps(text: str, newline: int) -> bool:
    """Whether the line break at ``newline`` wraps a sentence ("des\ncentres")."""
    before = text[max(0, newline - 8) : newline].rstrip(" \t")[-1:]
    after = text[newline + 1 : newline + 9].lstrip(" \t")[:1]
    return (before.isalpha() or before == ",") and after.isalpha() and after.islower()


def line_bounds(text: str, start: int, end: int, pos: int) -> tuple[int, int]:
    """The part of ``text[start:end]`` around ``pos`` between line breaks that end a sentence.

    Titles, list items and paragraphs are lines of their own even where the sentence
    splitter runs them into the next line.
    """
    lo, hi = start, end
    for m in _NEWLINE.finditer(text, start, end):
        if _wraps(text, m.start()):
            continue
        if m.start() < pos:
            lo = m.end()
        else:
            hi = m.start()
            break
    return lo, hi


def _phrase_regex(phrase: str, *, prefix: bool) -> str:
    words = [re.escape(w) for w in fold(phrase).split()]
    body = r"\s+".join(words)
    tail = r"[\w-]*" if prefix else r"(?![\w])"
    head = r"(?<![\w])" if body[:1].isalnum() or body[:2] == "\\-" else r"(?<![\w'])"
    return head + body + (tail if not body.endswith("'") else "")


def compile_phrases(tagged: Iterable[tuple[str, str]], *, prefix: bool = False) -> Phrases:
    """One compiled regex per tag: an alternation of its phrases, longest first.

    ``prefix=True`` matches a phrase as the start of a word ("invest" in "investira").
    """
    by_tag: dict[str, list[str]] = {}
    for tag, phrase in tagged:
        if phrase.strip():
            by_tag.setdefault(tag, []).append(phrase)
    patterns: list[tuple[str, re.Pattern[str]]] = []
    keys: list[frozenset[str]] = []
    for tag, phrases in by_tag.items():
        alts = sorted({_phrase_regex(p, prefix=prefix) for p in phrases}, key=len, reverse=True)
        body = "|".join(f"(?:{a})" for a in alts)
        patterns.append((tag, re.compile(_first_chars(phrases) + f"(?:{body})")))
        keys.append(frozenset(fold(p).split()[0][:KEY_CHARS] for p in phrases))
    return Phrases(tuple(patterns), tuple(keys))


def _first_chars(phrases: Iterable[str]) -> str:
    """A guard every phrase's own pattern implies: no word character before, and one of
    the phrases' first characters next; it rejects most positions before the alternation
    is tried."""
    firsts = sorted({fold(p).lstrip()[:1] for p in phrases} - {""})
    return r"(?<![\w])(?=[" + "".join(re.escape(c) for c in firsts) + "])"


# A phrase is looked up by the first characters of its first word (fewer when the word
# is shorter): every match of it starts with them, literally.
KEY_CHARS = 3


@dataclass(frozen=True, slots=True)
class Phrases:
    """Compiled lexicon phrases: ``patterns`` are ``(tag, regex)`` pairs, and ``keys[i]``
    the first characters every phrase of ``patterns[i]`` starts with.

    ``find_phrases`` only tries, at each word start, the patterns whose keys the text
    there begins with, instead of scanning the text once per pattern.
    """

    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    keys: tuple[frozenset[str], ...]
    # Derived: candidate start positions, and key -> indices of the patterns to try
    # (a full-length key's entry also holds the patterns of its shorter prefixes).
    starts: re.Pattern[str] = field(init=False, repr=False, compare=False)
    by_key: dict[str, tuple[int, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.keys) != len(self.patterns):
            raise ValueError("one key set per pattern")
        index: dict[str, set[int]] = {}
        for i, keys in enumerate(self.keys):
            for key in keys:
                index.setdefault(key, set()).add(i)
        by_key = {
            key: tuple(sorted({i for n in range(1, len(key) + 1) for i in index.get(key[:n], ())}))
            for key in index
        }
        firsts = sorted({key[0] for key in index})
        starts = r"(?<![\w])[" + "".join(re.escape(c) for c in firsts) + "]" if firsts else "(?!)"
        object.__setattr__(self, "starts", re.compile(starts))
        object.__setattr__(self, "by_key", by_key)

    def __add__(self, other: Phrases) -> Phrases:
        return Phrases(self.patterns + other.patterns, self.keys + other.keys)


def find_phrases(
    folded: str, phrases: Phrases, *, start: int = 0, end: int = -1
) -> list[PhraseHit]:
    """Every match of each of ``phrases``' patterns in ``folded[start:end]``, sorted by
    position (longest first, then pattern order).

    The same hits as running each pattern's ``finditer`` over the span: a pattern is
    tried at a position only where one of its phrases could start, and not inside its
    own previous match.
    """
    stop = len(folded) if end < 0 else end
    by_key = phrases.by_key
    patterns = phrases.patterns
    free = [start] * len(patterns)  # where each pattern's next match may start
    found: list[tuple[int, int, int]] = []
    for m in phrases.starts.finditer(folded, start, stop):
        p = m.start()
        for n in range(KEY_CHARS, 0, -1):
            tries = by_key.get(folded[p : p + n])
            if tries is not None:
                break
        else:
            continue
        for i in tries:
            if p < free[i]:
                continue
            hit = patterns[i][1].match(folded, p, stop)
            if hit is not None:
                free[i] = hit.end()
                found.append((p, -hit.end(), i))
    found.sort()
    return [PhraseHit(patterns[i][0], s, -e) for s, e, i in found]
