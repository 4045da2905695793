"""Every spaCy factory newsfacts registers, in one place (STYLE 1).

``register()`` is called by :func:`pipeline.nlp.load_pipeline` before a pipeline is
assembled, never at import time. The components are thin adapters: the matching is
done by pure functions in :mod:`pipeline.extract`, which know nothing of spaCy.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from typing import Any

import numpy as np
from spacy.attrs import DEP, HEAD, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup

from pipeline.extract import find_quantities
from pipeline.types import Quantity

__all__ = [
    "PUBLISHED_KEY",
    "QUANTITIES_KEY",
    "TEXT_KEY",
    "QuantityRecognizer",
    "SentenceBounds",
    "bounded_heads",
    "doc_text",
    "register",
]

#: ``doc.user_data`` keys: the article's publication day (set before the pipeline runs),
#: the :class:`~pipeline.types.Quantity` records behind ``doc.spans``, and the doc's text.
PUBLISHED_KEY = "newsfacts.published"
QUANTITIES_KEY = "newsfacts.quantities"
TEXT_KEY = "newsfacts.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, read once: spaCy rebuilds it from every token on each access (a
    Python object per token), and the text never changes once tokenised."""
    text = doc.user_data.get(TEXT_KEY)
    if not isinstance(text, str):
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


class QuantityRecognizer:
    """Finds amounts, units and dates; writes ``doc.spans[quantities|dates]``.

    ``__call__`` chains the pure :meth:`match` and :meth:`set_annotations`; it never
    touches ``doc.ents``.
    """

    def __init__(self, name: str, *, lang: str, quantities_key: str, dates_key: str) -> None:
        self.name = name
        self.lang = lang
        self.quantities_key = quantities_key
        self.dates_key = dates_key

    def match(self, doc: Doc) -> list[Quantity]:
        published = doc.user_data.get(PUBLISHED_KEY)
        day = published if isinstance(published, dt.date) else None
        return find_quantities(doc_text(doc), self.lang, published=day)

    def set_annotations(self, doc: Doc, found: list[Quantity]) -> None:
        quantities: list[Span] = []
        dates: list[Span] = []
        for q in found:
            span = doc.char_span(q.start, q.end, label=q.kind, alignment_mode="expand")
            if span is None:
                continue
            (dates if q.kind == "date" else quantities).append(span)
        doc.spans[self.quantities_key] = SpanGroup(doc, name=self.quantities_key, spans=quantities)
        doc.spans[self.dates_key] = SpanGroup(doc, name=self.dates_key, spans=dates)
        doc.user_data[QUANTITIES_KEY] = found

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc


#: Longest sentence kept from the parser, in tokens. Every walk of the facts stage over
#: a sentence (its tree, its names, its figures) costs the sentence's length for each of
#: its figures: a table of values that the parser reads as one sentence ("5 MW, 5 MW,
#: ..." with no full stop, or "5 MW. 5 MW. ..." where it does not split) would make the
#: analysis quadratic. The longest sentence of the sample, seed and test articles has
#: 111 tokens; a sentence longer than this one is rare outside such tables.
MAX_SENTENCE_TOKENS = 200

# Marks after which a long sentence is cut (punctuation, the same in every language we
# read: no words here); a line break counts too.
_CUT_AFTER = frozenset('.!?…;:,)]»”"|-–—')
_ROOT_LABEL = "ROOT"


def _cut_points(start: int, end: int, after_mark: np.ndarray, *, max_tokens: int) -> list[int]:
    """Where to cut the sentence ``[start, end)`` into pieces of at most ``max_tokens``:
    after the last mark of each piece's second half, else at its end."""
    cuts: list[int] = []
    last = start
    while end - last > max_tokens:
        hi = last + max_tokens  # the next piece is [last, cut) with cut in [lo, hi]
        lo = last + max_tokens // 2
        marks = np.flatnonzero(after_mark[lo : hi + 1])
        cut = lo + int(marks[-1]) if len(marks) else hi
        cuts.append(cut)
        last = cut
    return cuts


def bounded_heads(
    heads: np.ndarray, sent_starts: np.ndarray, after_mark: np.ndarray, *, max_tokens: int
) -> tuple[np.ndarray, list[int]] | None:
    """A parse whose sentences have at most ``max_tokens`` tokens; None when every
    sentence of this one is that short already.

    ``heads``: each token's head (absolute index; a root is its own head);
    ``sent_starts``: the sorted indices of the first tokens of the sentences;
    ``after_mark``: per token, whether it follows a punctuation mark or a line break.
    Each longer sentence is cut into pieces (after a mark when one falls in the second
    half of a piece); in each piece the token nearest the top of the tree that hangs
    outside it becomes the piece's root, and the piece's other tokens that hang outside
    it hang on that root. Arcs inside a piece are kept. Returns the new heads and the
    tokens made roots. Pure: arrays in, arrays out.
    """
    n = len(heads)
    step = max(int(max_tokens), 2)
    bounds = [*sent_starts.tolist(), n]
    long = [(a, b) for a, b in pairwise(bounds) if b - a > step]
    if not long:
        return None
    new = heads.copy()
    roots: list[int] = []
    for a, b in long:
        depth = _depths(heads, a, b)
        edges = [a, *_cut_points(a, b, after_mark, max_tokens=step), b]
        for lo, hi in pairwise(edges):
            piece = np.arange(lo, hi)
            out = piece[(heads[lo:hi] < lo) | (heads[lo:hi] >= hi) | (heads[lo:hi] == piece)]
            top = int(out[np.argmin(depth[out - a])])
            new[out] = top
            roots.append(top)
    return new, roots


def _depths(heads: np.ndarray, a: int, b: int) -> np.ndarray:
    """Hops from each token of the sentence ``[a, b)`` up to its root (each computed once)."""
    depth = np.full(b - a, -1, dtype=np.int64)
    for i in range(a, b):
        path: list[int] = []
        j = i
        while depth[j - a] < 0 and heads[j] != j and a <= heads[j] < b and len(path) <= b - a:
            path.append(j)
            j = int(heads[j])
        depth[j - a] = max(depth[j - a], 0)  # a top (a root, or a head outside): 0
        base = depth[j - a]
        for k, t in enumerate(reversed(path), 1):
            depth[t - a] = base + k
    return depth


class SentenceBounds:
    """Cuts the parser's sentences longer than ``max_tokens`` (see
    :data:`MAX_SENTENCE_TOKENS`) with :func:`bounded_heads`; shorter ones, all of them in
    ordinary prose, are left exactly as parsed. Runs right after the parser.
    """

    def __init__(self, name: str, *, max_tokens: int) -> None:
        self.name = name
        self.max_tokens = max_tokens

    def match(self, doc: Doc) -> tuple[np.ndarray, list[int]] | None:
        if len(doc) <= self.max_tokens or not doc.has_annotation("DEP"):
            return None
        starts = np.flatnonzero(doc.to_array(SENT_START) == 1)
        if len(starts) == 0 or starts[0] != 0:
            starts = np.concatenate([[0], starts])
        if np.diff(np.append(starts, len(doc))).max() <= self.max_tokens:
            return None
        heads = np.arange(len(doc), dtype=np.int64) + doc.to_array(HEAD).astype(np.int64)
        return bounded_heads(heads, starts, _after_mark(doc), max_tokens=self.max_tokens)

    def set_annotations(self, doc: Doc, found: tuple[np.ndarray, list[int]] | None) -> None:
        if found is None:
            return
        heads, roots = found
        deps = doc.to_array(DEP)
        deps[roots] = doc.vocab.strings.add(_ROOT_LABEL)
        relative = (heads - np.arange(len(doc), dtype=np.int64)).astype(np.uint64)
        columns: Any = np.stack([relative, deps], axis=1).astype(np.uint64)  # thinc's Ints2d
        doc.from_array([HEAD, DEP], columns)

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc


def _after_mark(doc: Doc) -> np.ndarray:
    """Per token: whether it follows a punctuation mark of ``_CUT_AFTER`` or a line
    break (each distinct token text read once)."""
    orth = doc.to_array(ORTH)
    ids, inverse = np.unique(orth, return_inverse=True)
    strings = doc.vocab.strings
    marks = np.fromiter(
        (_is_mark(strings[int(i)]) for i in ids),
        dtype=bool,
        count=len(ids),
    )
    per_token = marks[inverse]
    out = np.zeros(len(doc), dtype=bool)
    out[1:] = per_token[:-1]
    return out


def _is_mark(token: str) -> bool:
    return "\n" in token or (bool(token) and all(c in _CUT_AFTER for c in token))


def _make_sentence_bounds(nlp: Language, name: str, max_tokens: int) -> SentenceBounds:
    del nlp
    return SentenceBounds(name, max_tokens=max_tokens)


def _make_quantity_recognizer(
    nlp: Language, name: str, lang: str, quantities_key: str, dates_key: str
) -> QuantityRecognizer:
    del nlp
    return QuantityRecognizer(name, lang=lang, quantities_key=quantities_key, dates_key=dates_key)


_REGISTERED: list[bool] = []


def register() -> None:
    """Register the newsfacts factories with spaCy (idempotent)."""
    if _REGISTERED:
        return
    default_config: dict[str, Any] = {
        "lang": "fr",
        "quantities_key": "quantities",
        "dates_key": "dates",
    }
    Language.factory(
        "newsfacts_quantities",
        default_config=default_config,
        assigns=["doc.spans"],
        func=_make_quantity_recognizer,
    )
    Language.factory(
        "newsfacts_sentence_bounds",
        default_config={"max_tokens": MAX_SENTENCE_TOKENS},
        assigns=["token.is_sent_start"],
        func=_make_sentence_bounds,
    )
    _REGISTERED.append(True)
