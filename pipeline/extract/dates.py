"""Dates in running text (placeholder until the date extractor lands)."""

from __future__ import annotations

import datetime as dt

from pipeline.types import Quantity


def find_dates(text: str, lang: str, *, published: dt.date | None = None) -> list[Quantity]:
    """Every date expression in ``text``; see the module docstring."""
    del text, lang, published
    return []
