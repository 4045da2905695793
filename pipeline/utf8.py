"""Strings every output can hold: a ``str`` may carry surrogate code points (a JSON
``"\\ud800"``, a file name that is not UTF-8) that UTF-8 cannot encode. Each is replaced
by U+FFFD, one code point for one, so that offsets into a text stay exact."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["REPLACEMENT", "safe_text", "utf8"]

REPLACEMENT: Final = "\ufffd"
# The code points UTF-8 cannot encode: the surrogates, lone or not paired in a str.
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def safe_text(text: str) -> str:
    """``text`` with every surrogate code point replaced by U+FFFD (same length).

    ``text`` itself, unchanged, when it is valid (the common case: an ASCII check or
    one encode).
    """
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub(REPLACEMENT, text)
    return text


def utf8(text: str) -> bytes:
    """``text`` as UTF-8 bytes; surrogates become U+FFFD (only when a plain encode fails)."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub(REPLACEMENT, text).encode("utf-8")
