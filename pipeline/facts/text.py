"""Offset-preserving text folding and phrase matching for the facts stage.

Lexicon entries (cue words, stage words, anaphora) are matched on a folded copy of the
text: lower-cased and with typographic apostrophes as ``'``, character for character, so
match offsets are offsets into the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["PhraseHit", "compile_phrases", "find_phrases", "fold", "line_bounds"]

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


def compile_phrases(
    tagged: Iterable[tuple[str, str]], *, prefix: bool = False
) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """One compiled regex per tag: an alternation of its phrases, longest first.

    ``prefix=True`` matches a phrase as the start of a word ("invest" in "investira").
    """
    by_tag: dict[str, list[str]] = {}
    for tag, phrase in tagged:
        if phrase.strip():
            by_tag.setdefault(tag, []).append(phrase)
    out: list[tuple[str, re.Pattern[str]]] = []
    for tag, phrases in by_tag.items():
        alts = sorted({_phrase_regex(p, prefix=prefix) for p in phrases}, key=len, reverse=True)
        body = "|".join(f"(?:{a})" for a in alts)
        out.append((tag, re.compile(_first_chars(phrases) + f"(?:{body})")))
    return tuple(out)


def _first_chars(phrases: Iterable[str]) -> str:
    """A guard every phrase's own pattern implies: no word character before, and one of
    the phrases' first characters next; it rejects most positions before the alternation
    is tried."""
    firsts = sorted({fold(p).lstrip()[:1] for p in phrases} - {""})
    return r"(?<![\w])(?=[" + "".join(re.escape(c) for c in firsts) + "])"


def find_phrases(
    folded: str, patterns: tuple[tuple[str, re.Pattern[str]], ...], *, start: int = 0, end: int = -1
) -> list[PhraseHit]:
    """Every match of ``patterns`` in ``folded[start:end]``, sorted by position."""
    stop = len(folded) if end < 0 else end
    hits = [
        PhraseHit(tag, m.start(), m.end())
        for tag, rx in patterns
        for m in rx.finditer(folded, start, stop)
    ]
    return sorted(hits, key=lambda h: (h.start, -h.end))
