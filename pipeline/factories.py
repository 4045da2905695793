"""Every spaCy factory newsfacts registers, in one place (STYLE 1).

``register()`` is called by :func:`pipeline.nlp.load_pipeline` before a pipeline is
assembled, never at import time. The components are thin adapters: the matching is
done by pure functions in :mod:`pipeline.extract`, which know nothing of spaCy.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup

from pipeline.extract import find_quantities
from pipeline.types import Quantity

__all__ = [
    "PUBLISHED_KEY",
    "QUANTITIES_KEY",
    "TEXT_KEY",
    "QuantityRecognizer",
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
    _REGISTERED.append(True)
