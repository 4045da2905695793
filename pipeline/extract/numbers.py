"""Numbers as written in French and English news: digits, words, scales.

* Digits: decimal comma or point; thousands grouped by a space, U+00A0, U+202F, a
  point, a comma or an apostrophe; a leading sign (``-``, ``−``, ``+``). A single
  ``,`` or ``.`` followed by exactly three digits is ambiguous ("1,500"): the
  language's ``decimal_separator`` decides (1.5 in French, 1500 in English).
* Words: cardinals added and multiplied ("deux cent mille", "vingt et un",
  "one hundred and twenty"), approximate nouns ("une cinquantaine" = 50),
  collectives ("2 dz" = 24), fractions ("trois quarts" = 0.75). An approximate
  noun after a number multiplies it ("deux douzaines" = 24, "two dozen"); one with
  neither an article nor a number before it ("des milliers", "dozens",
  "plusieurs centaines") is read but marked ``vague``: running text does not
  report it (no figure is stated), a whole string still has its value.
* Scales after the number: words ("milliards", "billion") and abbreviations
  ("Md", "bn", "M").

Every word comes from the language data (:mod:`pipeline.extract.lexicon`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from pipeline.extract.lexicon import Lexicon, Scale, fold, get_lexicon, symbol_key

__all__ = [
    "CoreNumber",
    "extend_approximate",
    "extend_collective",
    "parse_core",
    "parse_digits",
    "parse_number",
    "parse_spelled",
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
    vague: bool = False  # an approximate noun with no article or number: "des milliers"


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
        western = 1 <= len(int_groups[0]) <= 3 and all(len(g) == 3 for g in int_groups[1:])
        if not western and not _indian_grouping(int_groups, int_seps[0]):
            return None
    integer = "".join(int_groups)
    return f"{integer}.{groups[-1]}" if decimal_last else integer


def _indian_grouping(groups: list[str], sep: str) -> bool:
    """Lakh grouping with commas: "12,34,567" (pairs of digits, then three)."""
    return (
        sep == ","
        and len(groups) > 2
        and 1 <= len(groups[0]) <= 2
        and all(len(g) == 2 for g in groups[1:-1])
        and len(groups[-1]) == 3
    )


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
    if m.group("fsc") is not None:  # "half a million", "three quarters billion"
        det = m.group("fsdet")
        det_value = lex.words.get(fold(det), Decimal(1)) if det else Decimal(1)
        frac = lex.fractions.get(fold(m.group("fsnum")))
        if frac is None:
            return None
        return CoreNumber(det_value * frac, m.end(), words=True)
    if m.group("frac") is not None:
        det = fold(m.group("fdet"))
        det_value = lex.words.get(det, Decimal(1))
        frac = lex.fractions.get(fold(m.group("fnum")))
        if frac is None:
            return None
        return CoreNumber(det_value * frac, m.end("frac"), fraction=True, words=True)
    if m.group("apx") is not None:
        value = lex.approximate.get(fold(m.group("apx").split()[-1]))
        if value is None:
            return None
        vague = m.group("apxart") is None
        return CoreNumber(value, m.end("apx"), approx=True, words=True, vague=vague)
    if m.group("bfrac") is not None:  # "Half of": a share with no determiner
        frac = lex.fractions.get(fold(m.group("bfrac")))
        if frac is None:
            return None
        return CoreNumber(frac, m.end("bfrac"), fraction=True, words=True)
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
    return replace(core, value=value, end=end)


def extend_collective(text: str, core: CoreNumber, lex: Lexicon) -> CoreNumber:
    """A number times the approximate or collective noun after it: "deux douzaines"
    = 24 (approximate), "two dozen", "3 dz" = 36 (exact).

    Only after a plain number (not a fraction, an approximate noun or an article).
    """
    if core.approx or core.fraction or core.value <= 0:
        return core
    m = lex.collective_after.match(text, core.end)
    if m is None:
        return core
    key = fold(m.group("col"))
    factor = lex.approximate.get(key)
    approx = factor is not None
    if factor is None:
        factor = lex.collectives.get(key)
    if factor is None:
        return core
    return replace(core, value=core.value * factor, end=m.end(), approx=approx, words=True)


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


_RESTATED = re.compile(r"^(?P<a>[^()]+?)[\s\u00a0]*\((?P<b>[^()]+)\)$")
_LEADING_SIGN = re.compile(r"^[-−+][\s\u00a0]*")
_GAP = frozenset(" \u00a0\u202f\t-‐‑–")


@dataclass(slots=True)
class _Acc:
    """Running state of a spelled number: finished groups, the current group, its tail."""

    total: Decimal = Decimal(0)
    current: Decimal = Decimal(0)
    tail: Decimal = Decimal(0)  # added since the last multiplier ("two" in "300 and two")
    last: Decimal | None = None  # the last added value: a larger one cannot follow
    scale: Decimal | None = None  # the last scale (>= 1000) applied
    seen: bool = False  # a token that may start a number was read (an article counts)
    numeric: bool = False  # a token with a value was read (an article alone has none)
    after_fraction: bool = False
    after_digits: bool = False

    @property
    def value(self) -> Decimal:
        return self.total + self.current


def _tokens(s: str, lex: Lexicon) -> list[re.Match[str]] | None:
    """The number tokens covering all of ``s`` (spaces and hyphens between), or ``None``."""
    out: list[re.Match[str]] = []
    pos = 0
    while pos < len(s):
        if s[pos] in _GAP:
            pos += 1
            continue
        m = lex.number_token.match(s, pos)
        if m is None or m.end() == pos:
            return None
        out.append(m)
        pos = m.end()
    return out


def _add(acc: _Acc, v: Decimal) -> bool:
    if acc.last is not None and v >= acc.last:
        return False
    acc.current += v
    acc.tail += v
    acc.last = v
    acc.seen = acc.numeric = True
    acc.after_fraction = False
    return True


def _multiply(acc: _Acc, m: Decimal, scale: Scale | None = None) -> None:
    if m < 1000:
        acc.current = (acc.current or Decimal(1)) * m
    else:
        if scale is not None:
            m = apply_scales(acc.current or Decimal(1), [scale])[0] / (acc.current or Decimal(1))
        if acc.scale is not None and m >= acc.scale:  # "a hundred thousand million"
            acc.total = (acc.total + (acc.current or Decimal(1))) * m
        else:
            acc.total += (acc.current or Decimal(1)) * m
            acc.scale = m
        acc.current = Decimal(0)
    acc.tail = Decimal(0)
    acc.last = m if m < 1000 else None
    acc.seen = acc.numeric = True
    acc.after_fraction = False


def _step(acc: _Acc, tok: re.Match[str], lex: Lexicon) -> bool:
    """Add one token to ``acc``; ``False`` when it cannot continue the number."""
    after_digits, acc.after_digits = acc.after_digits, False
    if tok.group("dig") is not None:
        raw = tok.group("dig")
        if after_digits or (raw[0] in ",." and acc.seen):  # "12 345 6", "1,2,3"
            return False
        value = parse_digits("0" + raw if raw[0] in ",." else raw, decimal=lex.decimal)
        acc.after_digits = True
        return value is not None and _add(acc, value)
    if tok.group("abbr") is not None:
        scale = lex.scale_abbreviations.get(symbol_key(tok.group("abbr")))
        if scale is None or not acc.seen:
            return False
        _multiply(acc, scale.value, scale)
        return True
    key = fold(tok.group("word"))
    if key in lex.multipliers:
        _multiply(acc, lex.multipliers[key])
    elif key in lex.scale_words:
        scale = lex.scale_words[key]
        _multiply(acc, scale.value, scale)
    elif key in lex.words:
        return _add(acc, lex.words[key])
    elif key in lex.fractions:
        acc.current = (acc.current or Decimal(1)) * lex.fractions[key]
        acc.tail, acc.last, acc.after_fraction = Decimal(0), None, True
        acc.seen = acc.numeric = True
    elif key in lex.collectives or key in lex.approximate:
        factor = lex.collectives.get(key) or lex.approximate[key]
        if acc.tail:  # "three hundred and two dozens": only the two dozens
            acc.current += acc.tail * (factor - 1)
        else:
            acc.current = (acc.current or Decimal(1)) * factor
        acc.tail, acc.last, acc.after_fraction = Decimal(0), None, False
        acc.seen = acc.numeric = True
    elif key in lex.articles:  # "a hundred", "half a dozen"
        if acc.seen and not acc.after_fraction:
            return False
        acc.seen = True
    elif key in lex.joiners:
        return acc.seen
    else:
        return False
    return True


def _decimals(tokens: list[re.Match[str]], lex: Lexicon) -> str | None:
    """The digits after a decimal point word: digit words one by one, else one number."""
    words = [t.group("word") for t in tokens]
    if any(w is None for w in words):
        digits = [t.group("dig") for t in tokens]
        return digits[0] if len(tokens) == 1 and digits[0] and digits[0].isdigit() else None
    values = [lex.words.get(fold(w)) for w in words if w is not None]
    if all(v is not None and v < 10 for v in values):
        return "".join(str(int(v)) for v in values if v is not None)
    acc = _Acc()
    if not all(_step(acc, t, lex) for t in tokens) or acc.value != int(acc.value):
        return None
    return str(int(acc.value))


def parse_spelled(s: str, lex: Lexicon) -> Decimal | None:
    """The value of a whole string of number tokens, words and digits mixed.

    "one million two hundred thousand", "4 thousand 3 hundred and 21", "trente 3",
    "two hundred point zero three", "three hundred and two dozens", "half a dozen",
    "three crore twelve lakh"; ``None`` unless every token takes part.
    """
    tokens = _tokens(s, lex)
    if not tokens:
        return None
    point = next(
        (
            i
            for i, t in enumerate(tokens)
            if t.group("word") is not None and fold(t.group("word")) in lex.decimal_points
        ),
        None,
    )
    if point is None:
        acc = _Acc()
        if all(_step(acc, t, lex) for t in tokens) and acc.numeric:
            return acc.value
        return _spoken_groups(tokens, lex)
    head = _Acc()
    if not all(_step(head, t, lex) for t in tokens[:point]):
        return None
    rest = tokens[point + 1 :]
    n_scales = 0
    while n_scales < len(rest) and _is_scale(rest[-1 - n_scales], lex):
        n_scales += 1
    frac_tokens = rest[: len(rest) - n_scales]
    digits = _decimals(frac_tokens, lex) if frac_tokens else None
    if digits is None:
        return None
    acc = _Acc(current=head.value + Decimal(f"0.{digits}"), seen=True)
    for t in rest[len(rest) - n_scales :]:
        if not _step(acc, t, lex):
            return None
    return acc.value


def _is_scale(tok: re.Match[str], lex: Lexicon) -> bool:
    if tok.group("abbr") is not None:
        return True
    word = tok.group("word")
    return word is not None and fold(word) in lex.scale_words


def _spoken_groups(tokens: list[re.Match[str]], lex: Lexicon) -> Decimal | None:
    """Numbers said in two groups of words: "one twenty two" = 122, "nineteen eighty" = 1980."""
    if any(t.group("word") is None for t in tokens):
        return None
    for cut in range(1, len(tokens)):
        head, tail = _Acc(), _Acc()
        if not all(_step(head, t, lex) for t in tokens[:cut]) or not head.numeric:
            continue
        if not all(_step(tail, t, lex) for t in tokens[cut:]) or not tail.numeric:
            continue
        if 0 < head.value < 100 and 10 <= tail.value < 100 and tail.value == int(tail.value):
            return head.value * 100 + tail.value
    return None


def parse_number(s: str, lang: str) -> float | None:
    """The value of a whole string that is one number, or ``None``.

    Besides what running text reads (digits, words, scales), a whole string may carry
    a sign word ("minus five"), a decimal point word ("two point five"), words and
    digits mixed ("4 thousand 3 hundred"), a restatement in brackets
    ("forty-five (45)") and a trailing connector ("a dozen of").

    >>> parse_number("1 300 millions", "fr")
    1300000000.0
    >>> parse_number("a dozen", "en")
    12.0
    >>> parse_number("minus three million two hundred thousand", "en")
    -3200000.0
    """
    lex = get_lexicon(lang)
    s = " ".join(s.split())
    if not s:
        return None
    restated = _RESTATED.match(s)
    if restated is not None:
        a, b = parse_number(restated.group("a"), lang), parse_number(restated.group("b"), lang)
        return a if a is not None and a == b else None
    sign = 1
    lead = _LEADING_SIGN.match(s)
    first = s.split(" ", 1)
    if lead is not None and len(s) > lead.end():
        sign = -1 if s[0] in "-−" else 1
        s = s[lead.end() :]
    elif len(first) == 2 and fold(first[0]) in lex.negatives:
        sign = -1
        s = first[1]
    value = _parse_unsigned(s, lex)
    return None if value is None else sign * value


def _parse_unsigned(s: str, lex: Lexicon) -> float | None:
    m = lex.core_plain.match(s)
    if m is not None:
        core = parse_core(m, lex)
        if core is not None:
            scales, end = read_scales(s, core.end, lex)
            if not s[end:].strip():
                return float(apply_scales(core.value, scales)[0])
    trailing = lex.trailing_connector.search(s)
    if trailing is not None:
        s = s[: trailing.start()]
    key = fold(s)
    if key in lex.articles and key in lex.words:  # "un" alone is the number one
        return float(lex.words[key])
    value = parse_spelled(s, lex)
    return None if value is None else float(value)
