"""Quantity mentions: money, power, energy, count, percent, area, duration.

One extractor for every language, fed by the language data (STYLE 3, anti-pattern 5).
Its decisions, documented once:

* A mention is a number (digits or words, with its scales) plus what makes it a
  quantity: a currency before or after it, a unit after it, or a counted noun after
  it. A bare number ("en 2025", "Llama 3.1", "RTX 5090", "page 12") is not a mention.
* The span covers the hedge or bound words before it ("environ", "plus de",
  "jusqu'à", "about", "up to") and after it ("environ", "-plus", "or more"), a range
  opener ("entre", "de", "between", "from"), and a currency symbol written before
  the number. It does not cover the words that introduce a period before a duration
  ("sur cinq ans", "over five years": the span is "cinq ans"/"five years"; there
  "over" is not a bound).
* Scale abbreviations ("M", "Md", "bn", "k") count only for money and counts; "5 m"
  alone is a length and is skipped.
* Percentage points ("+2 points de pourcentage") are kind ``percent`` with the flag
  ``percentage_points`` (a difference of rates, not a share); basis points are
  converted to percentage points.
* A fraction that states a share ("un quart des", "two thirds of") is a ``percent``
  (25, 66.67) with the flag ``fraction``; so is a bare fraction of the data before
  its follower ("Half of the investment"), except after the words that make it a
  part of a period or a thing ("the second half of 2024", "the other half of") or
  before a year ("half of 2024").
* Counts: a number (spelled or in digits) before a noun of the open list of
  countable things in ``counts.yaml`` ("treize AI Factories", "48 pages", "600
  ouvriers"); never before any other noun ("3 fois", "2 years" are no counts). The
  noun may follow after up to two modifiers from the data, capitalised brand words or
  hyphenated words ("100,000 Nvidia GPUs", "350 permanent jobs", "2,000 well-paid
  jobs"), then as many lower-case words off the list as the data's
  ``open_modifiers.max`` allows (English one: "2,400 law firms", "14 million mobile
  customers"; French none, its adjectives follow the noun), never a function word or
  a word with a verb or plural ending ("page 3 shows users"); or be glued by a hyphen
  as a compound adjective ("a 300-page report").
  A four-digit year before such words (or closing a period: "2025-2030 projects"), a
  number right after a model name ("RTX 5090 GPU", "iPhone 15 users"), a number in a
  ranking phrase ("top 10 companies", "the five largest banks", "les trois premiers
  opérateurs", "parmi les dix jeunes pousses … les mieux valorisées": a rank scope
  before and a superlative later in the clause), and a noun followed by words that
  make it another thing ("cartes bancaires", "GPU hours", "pages vues") are no counts.
  Countries are counted ("12 pays").
* A hedge after the figure ("au plus", "or more") is one only where it ends its
  phrase: not before a number or a word that makes it another phrase ("350 ouvriers
  au plus fort des travaux" ends at the noun; "200 emplois et plus de 300").
* Vague quantities state no figure and are no mentions: an approximate noun with
  neither an article nor a number before it ("des milliers de puces", "plusieurs
  dizaines", "thousands of jobs", "hundreds of millions of dollars"). With one it is
  a figure ("une centaine", "une petite centaine", "a dozen", "deux douzaines" = 24).
* Money also reads: hundredths after an amount ("20 dollars and 43 cents", "$20 and
  43c", and a bare "15 dollars 50" only when the clause ends there); a letter
  qualifier before or after "$" in any case ("C$", "hk $", "$ HK", never after an
  apostrophe or a point: "Apple's $5"); a scale letter glued to an ISO code ("30
  MUSD"); a scale word after a code ("75 USD million"); an article before a currency
  ("a dollar"); a currency name right before digits that are not a year ("ringgit
  42", never "Euro 2024"). Ambiguous words ("pounds", "livres") stay unread.
* An amount whose currency is implied ("un budget de 38 millions", "dont 150
  millions apportés par la BEI", "a further 40 million") is money with the flag
  ``currency_inferred``: a number with a scale of the data (``currencies.yaml``
  ``implied.scales``: "millions", "bn", never "mille" or "m"), no currency, unit or
  counted noun after it, no connector ("150 millions d'utilisateurs") and, where a
  noun may follow a number directly (English), no word other than a function word
  ("40 million subscribers"); in a money context: the nearest mention before it in
  its sentence is money, or a money word of the data comes after that mention (or
  after the sentence start), or after the amount in its clause ("a further 15
  million in funding"). Its currency is that of the nearest money mention
  before it in the sentence, else the article's one currency; with neither it is no
  mention. The span is the number, its scales and its hedges ("moins de 300
  millions").
* A sign word right before a number ("minus five percent") negates it, unless a hedge
  ends there ("au moins 40").
* Ages ("âgé de 35 ans", "aged 30", "a 45-year-old", "54 years old", "Marie
  Dupont, 54 ans, a déclaré", a name and a comma before years that end the sentence:
  "son cofondateur, Yanis Belkacem, 34 ans.") and "il y a cinq ans" are not
  durations.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from pipeline.extract.lexicon import (
    Lexicon,
    Scale,
    currency_of_symbol,
    fold,
    get_lexicon,
    symbol_key,
)
from pipeline.extract.numbers import (
    CoreNumber,
    apply_scales,
    extend_approximate,
    extend_collective,
    parse_core,
    read_scales,
)
from pipeline.normalize.units import to_canonical
from pipeline.types import Kind, Quantity

__all__ = ["extract_quantities"]

_LOOKBACK = 48
_SIGNS = frozenset("-−+")
_APPOSITION_BEFORE = re.compile(r"[,(][ \u00a0]*$")
_APPOSITION_AFTER = re.compile(r"[ \u00a0]*[,)]")
_YEAR = re.compile(r"(?:19|20)\d\d")
_DIGIT_NEXT = re.compile(r"[ \u00a0]*\d")
_CLAUSE_END = re.compile(r"[ \u00a0]*(?:[.;!?)]|$)")
_MODEL_BEFORE = re.compile(r"(?<!\w)(?:[A-Z]{2,}\w*|[A-Z]+\d+\w*|[a-z]+[A-Z]\w*)[ \u00a0]$")
# a bare fraction whose follower is followed by a year is a part of that year
_YEAR_AFTER_FOLLOWER = re.compile(r"[ \u00a0]+\w+[ \u00a0]+(?:19|20)\d\d(?!\d)")
_YEAR_SPAN = 30  # "2025-2030 projects": two years this close are a period, not a count
_YEAR_DASH_BEFORE = re.compile(r"(?<!\d)(?:19|20)\d\d[ \u00a0]*[-–—/][ \u00a0]*$")
# a rank's superlative comes later in its clause ("parmi les dix … les mieux valorisées")
_CLAUSE_STOP = re.compile(r"[.;:!?,()\n]")
_RANK_WINDOW = 100
# a capitalised name and a comma before a number of years: an age ("Yanis Belkacem, 34
# ans."), when the clause or the apposition ends right after it
_NAME_COMMA_BEFORE = re.compile(r"(?<![\w'’])[^\W\d_][^\W\d_'’-]*,[ \u00a0]*$")
_APPOSITION_END = re.compile(r"[ \u00a0]*(?:[.;!?]|$)")
# an implied currency is read within its sentence
_SENTENCE_BREAK = re.compile(r"[.;!?]+[\s\u00a0\u202f]|\n")
_SENTENCE_LOOKBACK = 400
_IMPLIED_AFTER = 40
_NEXT_WORD = re.compile(r"[ \u00a0\u202f]+(?P<word>[^\W\d_][\w'’-]*)")
_SCALE_PARTS = re.compile(r"[\s\u00a0\u202f\-‐‑–]+")


@dataclass(frozen=True, slots=True)
class _Number:
    core: CoreNumber
    scales: tuple[Scale, ...]
    end: int
    digits: str | None

    @property
    def has_abbreviation(self) -> bool:
        return any(s.abbreviation for s in self.scales)


@dataclass(frozen=True, slots=True)
class _Unit:
    kind: str
    unit: str
    end: int
    flags: tuple[str, ...] = ()
    brand_between: bool = False
    factor: Decimal = Decimal(1)  # "MUSD", "USD million": the amount's scale


def _number(text: str, m: re.Match[str], lex: Lexicon) -> _Number | None:
    core = parse_core(m, lex)
    if core is None:
        return None
    core = extend_approximate(text, extend_collective(text, core, lex), lex)
    scales, end = read_scales(text, core.end, lex)
    return _Number(core, tuple(scales), end, m.group("dig"))


def _without_scales(n: _Number) -> _Number:
    return _Number(n.core, (), n.core.end, n.digits)


def _symbol_unit(
    text: str, end: int, found: tuple[str, Decimal], lex: Lexicon, *, scaled: bool
) -> _Unit:
    """A currency symbol or code, with a scale word after it ("75 USD million")."""
    iso, factor = found
    if not scaled and factor == 1:
        scales, scale_end = read_scales(text, end, lex, abbreviations=False)
        if scales:
            return _Unit("money", iso, scale_end, factor=apply_scales(Decimal(1), scales)[0])
    return _Unit("money", iso, end, factor=factor)


def _unit(
    text: str,
    pos: int,
    lex: Lexicon,
    *,
    connector: bool,
    money_only: bool = False,
    scaled: bool = False,
) -> _Unit | None:
    """The currency, unit or counted noun right after ``pos``, if any."""
    nxt = text[pos : pos + 2].lstrip(" \u00a0\u202f")
    if not nxt or nxt[0].isdigit():  # no unit starts with a digit
        return None
    m = lex.money_after.match(text, pos)
    if m is not None and (connector or m.group("conn") is None):
        sym, name, sub = m.group("sym"), m.group("name"), m.group("sub")
        if sub is not None:
            iso = lex.currency_subunits.get(fold(sub))
            if iso is not None:
                return _Unit("money", iso, m.end(), ("subunit",))
        elif sym is not None:
            found = currency_of_symbol(lex, sym)
            if found is not None:
                return _symbol_unit(text, m.end(), found, lex, scaled=scaled)
        else:
            iso = lex.currency_names.get(fold(name))
            if iso is not None:
                return _Unit("money", iso, m.end())
    if money_only:
        return None
    m = lex.unit_after.match(text, pos)
    if m is not None and (connector or m.group("conn") is None):
        usym, uword = m.group("usym"), m.group("uword")
        entry = lex.unit_symbols.get(symbol_key(usym)) if usym else lex.units.get(fold(uword))
        if entry is not None:
            kind, unit = entry
            if kind == "percentage_points":
                return _Unit("percent", unit, m.end(), ("percentage_points",))
            return _Unit(kind, unit, m.end())
    m = lex.count_after.match(text, pos)
    if m is not None and (connector or m.group("conn") is None):
        if m.group("open") is not None and fold(m.group("open")) in lex.open_modifier_stop:
            return None  # "rated 4 out of 5 by users": a function word, no modifier
        noun = lex.count_nouns.get(fold(m.group("noun")))
        excluded = lex.count_excluded_after.get(noun) if noun is not None else None
        if excluded is not None and excluded.match(text, m.end()) is not None:
            return None  # "cartes bancaires", "GPU hours": another thing
        if noun is not None:
            return _Unit("count", noun, m.end(), brand_between=bool(m.group("mods")))
    return None


def _unit_for(
    text: str, n: _Number, lex: Lexicon, *, money_before: bool = False
) -> tuple[_Number, _Unit | None]:
    connector = bool(n.scales) or n.core.approx
    u = _unit(text, n.end, lex, connector=connector, money_only=money_before, scaled=bool(n.scales))
    if money_before:
        return n, u
    if n.has_abbreviation and (u is None or u.kind not in {"money", "count"}):
        bare = _without_scales(n)
        return bare, _unit(text, bare.end, lex, connector=False)
    return n, u


def _hedge_before(
    text: str, start: int, floor: int, lex: Lexicon, *, kind: str
) -> tuple[int, str | None]:
    m = lex.hedge_before.search(text, start, floor, lookback=_LOOKBACK)
    if m is None:
        return start, None
    key = fold(m.group("hedge")) or m.group("hedge")
    if kind == "duration" and key in lex.period:
        return start, None
    return m.start(), lex.hedges.get(key)


def _hedge_after(text: str, pos: int, lex: Lexicon) -> tuple[int, str | None]:
    m = lex.hedge_after.match(text, pos)
    if m is None:
        return pos, None
    raw = m.group("hedge").strip()
    return m.end(), lex.hedges_after.get(fold(raw) or raw)


def _value(n: _Number, scales: tuple[Scale, ...]) -> tuple[Decimal, tuple[str, ...]]:
    return apply_scales(n.core.value, list(scales))


def _is_rank(text: str, start: int, n: _Number, u: _Unit, lex: Lexicon) -> bool:
    """A number in a ranking phrase: "top 10", "the five largest", "les trois
    premiers", "parmi les dix … les mieux valorisées" (a superlative later in the
    clause)."""
    if lex.rank_marker_before.search(text, start, 0, lookback=_LOOKBACK):
        return True
    if lex.rank_after.match(text, n.end) is not None:
        return True
    if not lex.rank_scope_before.search(text, start, 0, lookback=_LOOKBACK):
        return False
    stop = _CLAUSE_STOP.search(text, u.end, u.end + _RANK_WINDOW)
    window_end = stop.start() if stop is not None else min(len(text), u.end + _RANK_WINDOW)
    return lex.superlative.search(text, u.end, window_end) is not None


def _is_excluded_count(text: str, start: int, n: _Number, u: _Unit, lex: Lexicon) -> bool:
    if _is_rank(text, start, n, u, lex):
        return True
    if n.digits is not None and _YEAR.fullmatch(n.digits):
        if u.brand_between or _YEAR_DASH_BEFORE.search(text, max(0, start - 8), start):
            return True
        if lex.year_marker_before.search(text, start, 0, lookback=_LOOKBACK):
            return True
    return _MODEL_BEFORE.search(text, max(0, start - 16), start) is not None


def _is_year_range(n1: _Number, n2: _Number) -> bool:
    if n1.digits is None or n2.digits is None:
        return False
    if not (_YEAR.fullmatch(n1.digits) and _YEAR.fullmatch(n2.digits)):
        return False
    return 0 < int(n2.digits) - int(n1.digits) <= _YEAR_SPAN


def _is_excluded_duration(
    text: str, start: int, end: int, floor: int, lex: Lexicon, *, unit: str
) -> bool:
    if lex.duration_excluded_before.search(text, start, floor, lookback=_LOOKBACK):
        return True
    if lex.duration_excluded_after.match(text, end) is not None:
        return True
    # a number of years set off by commas or brackets is an age in apposition
    # ("Marie Dupont, 54 ans, a déclaré"; "(38 years)"), and so is one after a name and
    # a comma that ends the sentence ("son cofondateur, Yanis Belkacem, 34 ans.")
    if unit != "year":
        return False
    if _APPOSITION_BEFORE.search(text, max(0, start - 3), start) is None:
        return False
    if _APPOSITION_AFTER.match(text, end) is not None:
        return True
    name = _NAME_COMMA_BEFORE.search(text, max(0, start - 40), start)
    return (
        name is not None
        and text[name.start()].isupper()
        and _APPOSITION_END.match(text, end) is not None
    )


def _canonical(kind: str, value: Decimal, unit: str) -> tuple[Decimal, str]:
    if kind in {"money", "count"}:
        return value, unit
    c = to_canonical(value, unit)
    return c.value, c.unit


def _read(
    text: str, m: re.Match[str], floor: int, lex: Lexicon, *, implied: str | None = None
) -> Quantity | None:
    """The mention of the number ``m``; ``implied``: the currency of a bare amount."""
    n1 = _number(text, m, lex)
    if n1 is None or n1.core.vague:
        return None
    start = m.start()
    pc = lex.prefix_currency.search(text, max(floor, start - 8), start)
    prefix = currency_of_symbol(lex, pc.group("sym")) if pc else None
    if prefix is None and m.group("dig") is not None and not _YEAR.fullmatch(m.group("dig")):
        pn = lex.prefix_name.search(text, start, floor, lookback=_LOOKBACK)
        iso = lex.currency_names.get(fold(pn.group("name"))) if pn is not None else None
        unit_after = _unit(text, m.end(), lex, connector=False)
        if pn is not None and iso is not None and unit_after is None:
            pc, prefix = pn, (iso, Decimal(1))
    prefix_iso = prefix[0] if prefix is not None else None
    lead = pc.start() if pc is not None and prefix_iso is not None else start
    flags: list[str] = []

    if n1.core.fraction:
        if n1.end != n1.core.end:
            return None
        if m.group("bfrac") is not None and (
            lex.bare_fraction_excluded_before.search(text, start, 0, lookback=_LOOKBACK)
            or _YEAR_AFTER_FOLLOWER.match(text, n1.end)
        ):
            return None  # "the first half of 2025", "half of 2025": no share
        hstart, hedge = _hedge_before(text, lead, floor, lex, kind="percent")
        value = n1.core.value * 100
        return _quantity(
            text,
            start=hstart,
            end=n1.end,
            kind="percent",
            value=value,
            value_max=None,
            unit="%",
            hedge=hedge,
            flags=("fraction",),
            approx=False,
        )

    scaled = n1
    n1, u1 = _unit_for(text, n1, lex, money_before=prefix_iso is not None)
    if implied is not None and prefix_iso is None and u1 is None:
        n1 = scaled  # "40bn": the scale stays, the currency is implied
        prefix = (implied, Decimal(1))
    elif prefix_iso is None and n1.has_abbreviation and u1 is None:
        return None
    if prefix_iso is not None and u1 is not None and u1.kind != "money":
        u1 = None
    if prefix_iso is not None and u1 is not None and _DIGIT_NEXT.match(text, u1.end):
        u1 = None  # "$ 20 $ 37": the second sign opens the next amount
    unit1 = u1
    if prefix is not None and u1 is None:
        inferred = ("currency_inferred",) if prefix_iso is None else ()
        unit1 = _Unit("money", prefix[0], n1.end, inferred, factor=prefix[1])

    # a range: "de 230 à 520 MW", "entre 3 et 4 trillions de dollars", "$3bn-$4bn"
    op = lex.opener_before.search(text, lead, floor, lookback=16)
    joiner = lex.openers.get(fold(op.group("op"))) if op is not None else None
    after1 = u1.end if u1 is not None else n1.end
    n2: _Number | None = None
    u2: _Unit | None = None
    for pattern in (joiner, lex.joiner):
        if pattern is None:
            continue
        jm = pattern.match(text, after1)
        if jm is None:
            continue
        m2 = lex.core.match(text, jm.end())
        if m2 is None or m2.group("frac") is not None:
            continue
        cand = _number(text, m2, lex)
        if cand is None:
            continue
        money_before = jm.group("sym") is not None or (unit1 is not None and unit1.kind == "money")
        cand, cu = _unit_for(text, cand, lex, money_before=money_before)
        if jm.group("sym") is not None and cu is None:
            found2 = currency_of_symbol(lex, jm.group("sym"))
            cu = _Unit("money", found2[0], cand.end, factor=found2[1]) if found2 else None
        if cu is None and unit1 is not None and unit1.kind == "money" and u1 is None:
            cu = unit1
        if cu is None or cand.core.fraction:
            continue
        if unit1 is not None and (cu.kind, cu.unit) != (unit1.kind, unit1.unit):
            continue
        n2, u2 = cand, cu
        if pattern is joiner and op is not None:
            lead = min(lead, op.start())
        break

    unit = u2 if u2 is not None else unit1
    if unit is None:
        return None
    kind = unit.kind
    end = max(unit.end, n2.end if n2 is not None else n1.end)
    if u1 is None and u2 is None and n2 is not None:
        end = n2.end

    scales1 = n1.scales or (n2.scales if n2 is not None else ())
    value, f1 = _value(n1, scales1)
    value_max: Decimal | None = None
    if n2 is not None:
        value_max, f2 = _value(n2, n2.scales)
        f1 = f1 + tuple(f for f in f2 if f not in f1)
    flags.extend(f1)
    flags.extend(unit.flags)
    if "subunit" in unit.flags:  # "34 cents": hundredths of the currency
        value /= 100
        value_max = None if value_max is None else value_max / 100
    value *= unit1.factor if unit1 is not None else unit.factor
    value_max = None if value_max is None else value_max * unit.factor
    if kind == "money" and n2 is None and not scales1 and value == int(value):
        cents = _cents(text, end, lex)
        if cents is not None and "subunit" not in unit.flags:
            value += cents[0] / 100
            end = cents[1]

    if kind == "count" and _is_excluded_count(text, start, n1, unit, lex):
        return None
    if kind == "count" and n2 is not None and _is_year_range(n1, n2):
        return None
    if kind == "duration" and _is_excluded_duration(text, lead, end, floor, lex, unit=unit.unit):
        return None

    # "minus five percent"; a hedge ending there wins ("au moins 40")
    neg = lex.negative_before.search(text, lead, floor, lookback=16)
    if neg is not None and _hedge_before(text, lead, floor, lex, kind=kind)[1] is not None:
        neg = None
    if neg is not None and value > 0:
        value, lead = -value, neg.start()
        value_max = None if value_max is None else -value_max
    hstart, hedge = _hedge_before(text, lead, floor, lex, kind=kind)
    end, hedge_after = _hedge_after(text, end, lex)
    if hedge_after is not None and (hedge is None or hedge == "approx"):
        hedge = hedge_after if hedge is None else hedge
    approx = n1.core.approx or (n2 is not None and n2.core.approx)
    return _quantity(
        text,
        start=hstart,
        end=end,
        kind=kind,
        value=value,
        value_max=value_max,
        unit=unit.unit,
        hedge=hedge,
        flags=tuple(flags),
        approx=approx,
    )


def _cents(text: str, pos: int, lex: Lexicon) -> tuple[Decimal, int] | None:
    """Hundredths written after an amount: "and 43 cents", "43c", or a bare "50" that
    ends the clause ("15 dollars 50."), with where they end."""
    m = lex.cents_after.match(text, pos)
    if m is None:
        return None
    c = lex.core.match(text, m.end())
    if c is None or (c.group("dig") is None and c.group("ws") is None):
        return None
    core = parse_core(c, lex)
    if core is None or not 0 <= core.value < 100 or core.value != int(core.value):
        return None
    sub = lex.subunit_after.match(text, core.end)
    if sub is not None:
        return core.value, sub.end()
    if _CLAUSE_END.match(text, core.end) is not None:
        return core.value, core.end
    return None


def _quantity(
    text: str,
    *,
    start: int,
    end: int,
    kind: str,
    value: Decimal,
    value_max: Decimal | None,
    unit: str,
    hedge: str | None,
    flags: tuple[str, ...],
    approx: bool,
) -> Quantity:
    value, canonical = _canonical(kind, value, unit)
    if value_max is not None:
        value_max, _ = _canonical(kind, value_max, unit)
    k = cast(Kind, kind)
    return Quantity(
        start=start,
        end=end,
        text=text[start:end],
        kind=k,
        value=float(value),
        value_max=None if value_max is None else float(value_max),
        unit=canonical,
        approx=approx or hedge == "approx",
        bound="min" if hedge == "min" else "max" if hedge == "max" else None,
        flags=flags,
    )


def extract_quantities(text: str, lang: str) -> list[Quantity]:
    """Every money/power/energy/count/percent/area/duration mention, sorted, no overlaps."""
    lex = get_lexicon(lang)
    out: list[Quantity] = []
    floor = 0  # mentions never overlap: nothing before the end of the last one
    skip = 0  # a number already read (and rejected) is not read again from inside
    lowered = text.lower()
    if len(lowered) == len(text):
        tokens = lex.scanner.finditer(lowered)
    else:
        tokens = lex.scanner_any_case.finditer(text)
    bare: list[tuple[re.Match[str], int]] = []  # amounts that may have an implied currency
    for tok in tokens:
        pos = tok.start()
        if pos < skip:
            continue
        m = _core_at(text, pos, floor, lex)
        if m is None:
            continue
        skip = m.end()
        q = _read(text, m, floor, lex)
        if q is not None:
            out.append(q)
            floor = skip = max(q.end, skip)
        elif _is_bare_amount(text, m, lex):
            bare.append((m, floor))
    return _with_implied_currency(text, out, bare, lex) if bare else out


def _is_bare_amount(text: str, m: re.Match[str], lex: Lexicon) -> bool:
    """A number with a scale of ``implied.scales`` and nothing after it that it counts."""
    n = _number(text, m, lex)
    if n is None or n.core.vague or n.core.fraction or not n.scales:
        return False
    last = _SCALE_PARTS.split(text[n.core.end : n.end].strip())[-1]
    if last not in lex.implied_scales and fold(last) not in lex.implied_scales:
        return False
    if _unit(text, n.end, lex, connector=True) is not None:
        return False
    if lex.connector.match(text, n.end) is not None:
        return False  # "150 millions d'utilisateurs", "40 million of its shares"
    if lex.implied_noun_after:
        word = _NEXT_WORD.match(text, n.end)
        if word is not None and fold(word.group("word")) not in lex.open_modifier_stop:
            return False  # "40 million subscribers"
    return True


def _sentence_start(text: str, pos: int) -> int:
    start = max(0, pos - _SENTENCE_LOOKBACK)
    for br in _SENTENCE_BREAK.finditer(text, start, pos):
        start = br.end()
    return start


def _clause_end(text: str, pos: int, following: int | None) -> int:
    """Where the words after an amount stop counting as its context ("15 million in
    funding"): a clause mark, the next mention (starting at ``following``), or
    ``_IMPLIED_AFTER`` characters on."""
    end = min(len(text), pos + _IMPLIED_AFTER)
    stop = _CLAUSE_STOP.search(text, pos, end)
    if following is not None:
        end = min(end, following)
    return min(end, stop.start()) if stop is not None else end


def _with_implied_currency(
    text: str, out: list[Quantity], bare: list[tuple[re.Match[str], int]], lex: Lexicon
) -> list[Quantity]:
    """``out`` with the bare amounts of a money context read as money (see the module
    docstring): the currency of the money mention before them in their sentence, else
    the article's one currency."""
    stated = {q.unit for q in out if q.kind == "money"}
    article_iso = next(iter(stated)) if len(stated) == 1 else None
    # ``found`` stays sorted by start (a new mention after those starting where it
    # does); ``starts`` in step with it, so each amount looks only at its neighbours
    found = list(out)
    starts = [q.start for q in found]
    longest = max((q.end - q.start for q in found), default=0)
    for m, floor in bare:
        start = m.start()
        sentence = _sentence_start(text, start)
        first, last = bisect_left(starts, sentence), bisect_right(starts, start)
        before = [q for q in found[first:last] if q.end <= start]
        nearest = max(before, key=lambda q: q.end, default=None)
        if nearest is not None and nearest.kind == "money":
            iso: str | None = nearest.unit
        else:
            words_from = nearest.end if nearest is not None else sentence
            nxt = bisect_left(starts, m.end())
            after = _clause_end(text, m.end(), starts[nxt] if nxt < len(starts) else None)
            word_before = lex.implied_context.search(text, words_from, start)
            if word_before is None and lex.implied_context.search(text, m.end(), after) is None:
                continue
            money = [q for q in before if q.kind == "money"]
            iso = max(money, key=lambda q: q.end).unit if money else article_iso
        if iso is None:
            continue
        q = _read(text, m, floor, lex, implied=iso)
        if q is None or q.kind != "money":
            continue
        # a mention overlapping ``q`` starts before its end, and after its start less
        # the longest mention's length
        near = found[bisect_left(starts, q.start - longest) : bisect_left(starts, q.end)]
        if any(q.start < o.end and o.start < q.end for o in near):
            continue
        at = bisect_right(starts, q.start)
        found.insert(at, q)
        starts.insert(at, q.start)
        longest = max(longest, q.end - q.start)
    return found


def _core_at(text: str, pos: int, floor: int, lex: Lexicon) -> re.Match[str] | None:
    """The number starting at a scanned token (a sign before digits included)."""
    if pos > floor and text[pos - 1] in _SIGNS:
        m = lex.core.match(text, pos - 1)
        if m is not None:
            return m
    return lex.core.match(text, pos)
