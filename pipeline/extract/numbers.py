"""Numbers as written in French and English news: digits, words, scales.

* Digits: decimal comma or point; thousands grouped by a space, U+00A0, U+202F, a
  point, a comma or an apostrophe; a leading sign (``-``, ``−``, ``+``). A single
  ``,`` or ``.`` followed by exactly three digits is ambiguous ("1,500"): the
  language's ``decimal_separator`` decides (1.5 in French, 1500 in English).
* Words: cardinals added and multiplied ("deux cent mille", "vingt et un",
  "one hundred and twenty"), approximate nouns ("une cinquantaine" = 50),
  collectives ("a dozen" = 12), fractions ("trois quarts" = 0.75).
* Scales after the number: words ("milliards", "billion") and abbreviations
  ("Md", "bn", "M").

Every word comes from the language data (:mod:`pipeline.extract.lexicon`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pipeline.extract.lexicon import Lexicon, Scale, fold, get_lexicon, symbol_key

__all__ = [
    "CoreNumber",
    "extend_approximate",
    "parse_core",
    "parse_digits",
    "parse_number",
    "parse_words",
    "read_scales",
]

_SEPARATORS = re.compile(r"[^\d]")
_SPACE_SEPARATORS = frozenset(" \u00a0\u202f'’")
_SIGNS = {"-": -1, "−": -1, "+": 1}


@dataclass(frozen=True, slots=True)
class CoreNumber:
    """A number read at the start of a match: its value, where it ends, how it reads."""

    value: Decimal
    end: int
    approx: bool = False
    fraction: bool = False
    words: bool = False


def parse_digits(s: str, *, decimal: str) -> Decimal | None:
    """The value of a digit string ("1 300", "1.234.567,89", "-0,38"), or ``None``.

    ``decimal`` is the language's preferred decimal separator, used only when a
    single ``,``/``.`` followed by three digits is ambiguous.
    """
    s = s.strip()
    sign = 1
    if s[:1] in _SIGNS:
        sign = _SIGNS[s[0]]
        s = s[1:]
    if not s or not s[0].isdigit() or not s[-1].isdigit():
        return None
    seps = _SEPARATORS.findall(s)
    groups = _SEPARATORS.split(s)
    if not seps:
        body = s
    else:
        body_or_none = _digits_body(groups, seps, decimal=decimal)
        if body_or_none is None:
            return None
        body = body_or_none
    try:
        return sign * Decimal(body)
    except InvalidOperation:
        return None


def _digits_body(groups: list[str], seps: list[str], *, decimal: str) -> str | None:
    kinds = list(dict.fromkeys(seps))
    last = seps[-1]
    # the last separator is a decimal mark when it differs from the others, is a
    # point or a comma, and appears once
    decimal_last = False
    if len(kinds) > 1:
        decimal_last = last in ",." and seps.count(last) == 1
        if not decimal_last:
            return None
    elif len(seps) == 1 and last in ",.":
        after = groups[-1]
        decimal_last = len(after) != 3 or last == decimal or groups[0] == "0"
    int_groups = groups[:-1] if decimal_last else groups
    int_seps = seps[:-1] if decimal_last else seps
    if len(int_groups) > 1:
        if len(set(int_seps)) != 1:
            return None
        if not 1 <= len(int_groups[0]) <= 3 or any(len(g) != 3 for g in int_groups[1:]):
            return None
    integer = "".join(int_groups)
    return f"{integer}.{groups[-1]}" if decimal_last else integer


def parse_words(s: str, lex: Lexicon) -> tuple[Decimal, int] | None:
    """The value of spelled-out cardinals at the start of ``s`` and where they end.

    Stops at the first word that cannot continue the number ("trois et quatre"
    reads 3 and ends after "trois"). ``None`` when no number word starts ``s``.
    """
    total = Decimal(0)
    current = Decimal(0)
    last: Decimal | None = None
    end = 0
    cursor = 0
    seen = False
    for tok in lex.word_token.finditer(s):
        if s[cursor : tok.start()].strip(" \u00a0\u202f-‐‑–") != "":
            break
        cursor = tok.end()
        key = fold(tok.group())
        if key in lex.joiners and key not in lex.words:
            if not seen:
                break
            continue
        if key in lex.multipliers:
            m = lex.multipliers[key]
            if m >= 1000:
                total += (current or Decimal(1)) * m
                current = Decimal(0)
                last = None
            else:
                current = (current or Decimal(1)) * m
                last = m
        elif key in lex.words or key in lex.articles:
            v = lex.words.get(key, Decimal(1))
            if last is not None and v >= last:
                break
            current += v
            last = v
        else:
            break
        seen = True
        end = tok.end()
    if not seen:
        return None
    return total + current, end


def parse_core(m: re.Match[str], lex: Lexicon) -> CoreNumber | None:
    """The number a match of ``lex.core`` (or ``lex.core_plain``) stands for."""
    if m.group("dig") is not None:
        value = parse_digits(m.group("dig"), decimal=lex.decimal)
        return None if value is None else CoreNumber(value, m.end("dig"))
    if m.group("frac") is not None:
        det = fold(m.group("fdet"))
        det_value = lex.words.get(det, Decimal(1))
        frac = lex.fractions.get(fold(m.group("fnum")))
        if frac is None:
            return None
        return CoreNumber(det_value * frac, m.end("frac"), fraction=True, words=True)
    if m.group("apx") is not None:
        value = lex.approximate.get(fold(m.group("apx").split()[-1]))
        return None if value is None else CoreNumber(value, m.end("apx"), approx=True, words=True)
    if m.group("col") is not None:
        value = lex.collectives.get(fold(m.group("col").split()[-1]))
        return None if value is None else CoreNumber(value, m.end("col"), words=True)
    if m.group("art") is not None:
        return CoreNumber(Decimal(1), m.end("art"), words=True)
    text = m.group("ws")
    parsed = parse_words(text, lex)
    if parsed is None:
        return None
    value, length = parsed
    return CoreNumber(value, m.start("ws") + length, words=True)


def extend_approximate(text: str, core: CoreNumber, lex: Lexicon) -> CoreNumber:
    """Chain approximate nouns and scales: "dizaines de milliers", "hundreds of millions".

    Only after an approximate noun; each link is a connector ("de", "of") followed by
    another approximate noun or a scale word, and multiplies the value.
    """
    if not core.approx:
        return core
    value, end = core.value, core.end
    for _ in range(3):
        conn = lex.connector.match(text, end)
        if conn is None:
            break
        nxt = lex.core.match(text, conn.end())
        if nxt is not None and nxt.group("apx") is not None:
            factor = lex.approximate.get(fold(nxt.group("apx").split()[-1]))
            if factor is None:
                break
            value, end = value * factor, nxt.end("apx")
            continue
        scales, scale_end = read_scales(text, conn.end(), lex, abbreviations=False)
        if not scales:
            break
        value, _ = apply_scales(value, scales)
        end = scale_end
    if end == core.end:
        return core
    return CoreNumber(value, end, approx=True, words=True)


def read_scales(
    text: str, pos: int, lex: Lexicon, *, abbreviations: bool = True
) -> tuple[list[Scale], int]:
    """Scale words after ``pos`` ("cent millions", "billion"), or one abbreviation ("Md").

    Returns the scales in order and where they end (``pos`` when there is none).
    """
    scales: list[Scale] = []
    for _ in range(3):
        m = lex.scale_word.match(text, pos)
        if m is None:
            break
        scale = lex.scale_words.get(fold(m.group("scale")))
        if scale is None:
            break
        scales.append(scale)
        pos = m.end()
    if not scales and abbreviations:
        m = lex.scale_abbreviation.match(text, pos)
        if m is not None:
            scale = lex.scale_abbreviations.get(symbol_key(m.group("scale")))
            if scale is not None:
                scales.append(scale)
                pos = m.end()
    return scales, pos


def apply_scales(value: Decimal, scales: list[Scale]) -> tuple[Decimal, tuple[str, ...]]:
    """``value`` times its scales, with the documented reading rules and their flags."""
    flags: list[str] = []
    for scale in scales:
        factor = scale.value
        if (
            scale.implausible_above is not None
            and scale.fallback is not None
            and abs(value * factor) > scale.implausible_above
        ):
            factor = scale.fallback
        if scale.flag is not None:
            flags.append(scale.flag)
        value *= factor
    return value, tuple(flags)


def parse_number(s: str, lang: str) -> float | None:
    """The value of a whole string that is one number, or ``None``.

    >>> parse_number("1 300 millions", "fr")
    1300000000.0
    >>> parse_number("a dozen", "en")
    12.0
    """
    lex = get_lexicon(lang)
    s = s.strip()
    if not s:
        return None
    m = lex.core_plain.match(s)
    if m is None:
        return None
    core = parse_core(m, lex)
    if core is None:
        return None
    scales, end = read_scales(s, core.end, lex)
    if s[end:].strip():
        return None
    value, _ = apply_scales(core.value, scales)
    return float(value)
