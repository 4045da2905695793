"""Bytes to text: BOMs, UTF-8, legacy single-byte code pages, binary content.

The rule is cheap and deterministic: a byte-order mark wins; then valid UTF-8; then a
declared charset (HTTP header) when it decodes cleanly; then cp1252 (a superset of the
printable latin-1 range used by French and English legacy dumps); then the guess of
charset-normalizer. Text is returned exactly as decoded (CRLF kept, no normalisation)
apart from the stripped BOM, so that offsets into it are stable.

A Python string can hold lone surrogates (``"\\ud800"`` escaped in JSON, a file name
that is not UTF-8) that no UTF-8 output can hold: :func:`pipeline.utf8.safe_text` replaces each one
by U+FFFD, one code point for one, so that offsets into a text stay exact.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from charset_normalizer import from_bytes

from pipeline.errors import Errors

__all__ = ["Decoded", "decode_bytes", "decode_line", "is_binary"]

# (BOM, codec) pairs; UTF-32 first because its LE mark starts with the UTF-16 LE mark.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# ASCII control bytes that never occur in text (tab, LF, VT, FF, CR and ESC excluded).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27)) + b"\x7f"
_MAX_CONTROL_RATIO = 0.05
_SNIFF_BYTES = 65536
_LEGACY = "cp1252"
_MAX_CHAOS = 0.3


@dataclass(frozen=True, slots=True)
class Decoded:
    """The decoded text, or ``None`` with the quarantine reason."""

    text: str | None
    encoding: str | None = None
    reason: str | None = None


def is_binary(data: bytes) -> bool:
    """True for NUL bytes or a high ratio of control bytes (judged on the first 64 KiB)."""
    sample = data[:_SNIFF_BYTES]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    n_control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return n_control / len(sample) > _MAX_CONTROL_RATIO


def _bom(data: bytes) -> tuple[bytes, str] | None:
    for mark, codec in _BOMS:
        if data.startswith(mark):
            return mark, codec
    return None


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _guess(data: bytes) -> Decoded | None:
    best = from_bytes(data[:_SNIFF_BYTES]).best()
    if best is None or best.chaos > _MAX_CHAOS:
        return None
    text = _try(data, best.encoding)
    return None if text is None else Decoded(text, best.encoding)


def decode_bytes(data: bytes, *, declared: str | None = None) -> Decoded:
    """Decode a whole file (or record body); see the module docstring for the order."""
    bom = _bom(data)
    if bom is not None:
        mark, codec = bom
        text = _try(data[len(mark) :], codec)
        if text is None:
            return Decoded(None, codec, Errors.E102)
        return Decoded(text, codec)
    if is_binary(data):
        return Decoded(None, None, Errors.E101)
    for candidate in ("utf-8", declared, _LEGACY):
        decoded = None if candidate is None else _try(data, candidate)
        if decoded is not None:
            return Decoded(decoded, candidate)
    guessed = _guess(data)
    return guessed if guessed is not None else Decoded(None, None, Errors.E102)


def decode_line(data: bytes) -> str:
    """One line of a line-delimited dump: UTF-8 (BOM stripped), else cp1252, else latin-1.

    Never fails: a line that is not text is left for the JSON parser to reject.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for codec in ("utf-8", _LEGACY):
        text = _try(data, codec)
        if text is not None:
            return text
    return data.decode("latin-1")
