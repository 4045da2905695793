"""Terminal tables of a run, and the number formatting shared with the HTML page.

The inputs are the JSON shapes of SPEC.md read back from disk (plain dicts):
``facts.jsonl`` and ``conflicts.jsonl`` lines, and the ``run.json`` mapping. Missing
keys never fail a table; a record that is not a mapping does (``E400``).

Numbers are written for people: ``1200000000`` EUR is ``1.2 billion EUR``, ``1500`` MW
is ``1.5 GW``. Display words live in ``templates/labels.yaml``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rich.style import Style
from rich.table import Table
from rich.text import Text

from pipeline.errors import Errors, LexiconError

__all__ = [
    "MAX_CANDIDATES",
    "MAX_LISTED_ARTICLES",
    "MAX_SOURCES",
    "MAX_TITLE",
    "MAX_URL",
    "TEMPLATES",
    "Labels",
    "UnitLabel",
    "as_float",
    "candidate_rows",
    "chosen_index",
    "conflicts_table",
    "distinct_digits",
    "facts_table",
    "fold",
    "format_number",
    "format_qualifiers",
    "format_quantity",
    "labels",
    "records",
    "shown_candidates",
    "source_label",
    "sources",
    "summary_rows",
    "summary_table",
    "web_url",
]

TEMPLATES = Path(__file__).parent / "templates"

_STATUS_STYLE = {"single": "cyan", "agreed": "green", "conflict": "bold red"}
_SECTION_ORDER = (
    "count",
    "article",
    "quarantin",
    "mention",
    "fact",
    "conflict",
    "timing",
    "time",
    "model",
    "version",
    "rate",
    "command",
)
_SECONDS_HINTS = ("timing", "seconds", "duration")
# A source's title is shown up to this many characters; a longer url is never a link.
MAX_TITLE = 200
MAX_URL = 2048
# Sources named under one candidate in the terminal.
MAX_SOURCES = 3
# A url that may become a link: http or https from its very first character (a browser
# strips leading blanks and controls, and would run a ``javascript:`` behind them).
_WEB_URL = re.compile(r"https?://[^\s/?#]", re.IGNORECASE)
_NON_SPACE = re.compile(r"\S")


@dataclass(frozen=True, slots=True)
class UnitLabel:
    """How one canonical unit is shown: its label, plural and larger units."""

    label: str
    plural: str
    space: bool = True
    scale: tuple[tuple[float, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Labels:
    """The display words of the report, read from ``templates/labels.yaml``."""

    magnitudes: tuple[tuple[float, str], ...]
    units: Mapping[str, UnitLabel]
    conflict_types: Mapping[str, str]


def _pairs(raw: Any, path: Path) -> tuple[tuple[float, str], ...]:
    if not isinstance(raw, list):
        raise LexiconError(Errors.E401.format(path=path, detail="expected a list of pairs"))
    out: list[tuple[float, str]] = []
    for item in raw:
        if not (isinstance(item, list) and len(item) == 2):
            raise LexiconError(Errors.E401.format(path=path, detail=f"bad pair {item!r}"))
        out.append((float(item[0]), str(item[1])))
    return tuple(sorted(out, reverse=True))


@cache
def labels() -> Labels:
    """The report's display words (read once)."""
    path = TEMPLATES / "labels.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise LexiconError(Errors.E401.format(path=path, detail=e)) from e
    if not isinstance(data, dict):
        raise LexiconError(Errors.E401.format(path=path, detail="top level is not a mapping"))
    units: dict[str, UnitLabel] = {}
    for code, spec in (data.get("units") or {}).items():
        label = str(spec.get("label", code))
        units[str(code)] = UnitLabel(
            label=label,
            plural=str(spec.get("plural", label)),
            space=bool(spec.get("space", True)),
            scale=_pairs(spec.get("scale", []), path),
        )
    return Labels(
        magnitudes=_pairs(data.get("magnitudes", []), path),
        units=units,
        conflict_types={str(k): str(v) for k, v in (data.get("conflict_types") or {}).items()},
    )


def records(items: Sequence[Any], *, name: str) -> list[Mapping[str, Any]]:
    """``items`` checked to be mappings (JSON objects); raises ``ValueError`` (E400)."""
    out: list[Mapping[str, Any]] = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise ValueError(Errors.E400.format(name=name, index=i, got=type(item).__name__))
        out.append(item)
    return out


def fold(text: str) -> str:
    """``text`` without case or accents, for forgiving matches (``Équinor`` → ``equinor``)."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(bare.split())


def as_float(value: Any) -> float | None:
    """``value`` as a finite float, or None (strings, booleans and NaN are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _plain(number: float, digits: int) -> str:
    if number == int(number) and abs(number) < 1e15:
        return f"{int(number):,}"
    text = f"{number:,.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def format_number(number: float, *, digits: int = 3) -> str:
    """``number`` for people: ``1.2 billion``, ``250,000``, ``0.38``."""
    for threshold, word in labels().magnitudes:
        if abs(number) >= threshold:
            return f"{_plain(number / threshold, digits)} {word}"
    return _plain(number, digits)


def _unit_scale(unit: str | None, top: float) -> tuple[float, str, bool]:
    """(divisor, label, space before label) for ``unit`` given the largest value shown."""
    if not unit:
        return 1.0, "", False
    spec = labels().units.get(unit)
    if spec is None:
        return 1.0, unit.replace("_", " "), True
    for threshold, label in spec.scale:
        if top >= threshold:
            return threshold, label, spec.space
    return 1.0, spec.plural if top != 1 else spec.label, spec.space


def format_quantity(
    value: Any,
    *,
    value_max: Any = None,
    unit: str | None = None,
    approx: bool = False,
    bound: str | None = None,
    digits: int = 3,
) -> str:
    """A value (or range) with its unit: ``1.2 billion EUR``, ``230–520 MW``, ``≥ 3 GW``."""
    low = as_float(value)
    if low is None:
        return "—"
    high = as_float(value_max)
    top = max(abs(low), abs(high) if high is not None else 0.0)
    divisor, label, space = _unit_scale(unit, top)
    scaled = top / divisor
    magnitude, word = 1.0, ""
    for threshold, name in labels().magnitudes:
        if scaled >= threshold:
            magnitude, word = threshold, name
            break
    numbers = [_plain(low / divisor / magnitude, digits)]
    if high is not None and high != low:
        numbers.append(_plain(high / divisor / magnitude, digits))
    text = "–".join(numbers) + (f" {word}" if word else "")
    if label:
        text += (" " if space else "") + label
    prefix = {"min": "≥ ", "max": "≤ "}.get(bound or "", "")
    return prefix + ("≈ " if approx else "") + text


def distinct_digits(values: Sequence[float], *, unit: str | None = None) -> int:
    """The fewest decimals (3 or more) that show distinct ``values`` distinctly."""
    wanted = len(set(values))
    for digits in range(3, 10):
        shown = {format_quantity(v, unit=unit, digits=digits) for v in values}
        if len(shown) >= wanted:
            return digits
    return 10


def format_qualifiers(qualifiers: Any) -> list[str]:
    """The qualifiers worth showing, as short ``key: value`` strings.

    ``approx`` and ``bound`` are left out: the value shows them (``≈``, ``≥``, ``≤``).
    """
    if not isinstance(qualifiers, Mapping):
        return []
    out: list[str] = []
    for key, value in qualifiers.items():
        if value is None or value is False or value == "" or key in {"approx", "bound"}:
            continue
        out.append(str(key) if value is True else f"{key}: {value}")
    return out


def chosen_index(conflict: Mapping[str, Any]) -> int | None:
    """Index of the candidate whose value is the resolution's, or None."""
    resolution = conflict.get("resolution")
    chosen = as_float(resolution.get("value")) if isinstance(resolution, Mapping) else None
    if chosen is None:
        return None
    for i, candidate in enumerate(candidate_rows(conflict)):
        value = as_float(candidate.get("value"))
        if value is not None and math.isclose(value, chosen, rel_tol=1e-9, abs_tol=1e-12):
            return i
    return None


# Candidates of one conflict shown (page and terminal): the chosen one and the best
# supported others; conflicts.jsonl keeps them all.
MAX_CANDIDATES = 10
# Article ids listed for one candidate.
MAX_LISTED_ARTICLES = 12


def shown_candidates(conflict: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The candidates a page shows of ``conflict``, in their order: all of them up to
    ``MAX_CANDIDATES``; past that, the chosen one and the others with the most support
    (ties: the earlier one).

    A figure restated with many small variations can gather thousands of candidates;
    the page keeps the ones that weigh, and conflicts.jsonl keeps them all.
    """
    candidates = candidate_rows(conflict)
    if len(candidates) <= MAX_CANDIDATES:
        return candidates
    chosen = chosen_index(conflict)
    ranked = sorted(
        range(len(candidates)),
        key=lambda i: (i != chosen, -(as_float(candidates[i].get("support")) or 0.0), i),
    )
    return [candidates[i] for i in sorted(ranked[:MAX_CANDIDATES])]


def candidate_rows(conflict: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The candidates of a conflict row that are mappings (all of them, in order)."""
    raw = conflict.get("candidates")
    if not isinstance(raw, list):
        return []
    return [c for c in raw if isinstance(c, Mapping)]


def _quantity(record: Mapping[str, Any], *, unit: str | None, digits: int = 3) -> str:
    qualifiers = record.get("qualifiers")
    q = qualifiers if isinstance(qualifiers, Mapping) else {}
    return format_quantity(
        record.get("value"),
        value_max=record.get("value_max"),
        unit=unit,
        approx=bool(q.get("approx")),
        bound=q.get("bound") if isinstance(q.get("bound"), str) else None,
        digits=digits,
    )


def _articles_of(evidence: Any) -> list[str]:
    if not isinstance(evidence, list):
        return []
    seen: dict[str, None] = {}
    for item in evidence:
        if isinstance(item, Mapping) and item.get("article_id") is not None:
            seen[str(item["article_id"])] = None
    return list(seen)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def web_url(url: Any) -> str | None:
    """``url`` when it may be a link (``http``/``https``, at most ``MAX_URL`` long), else None."""
    if isinstance(url, str) and len(url) <= MAX_URL and _WEB_URL.match(url):
        return url
    return None


def source_label(title: Any, url: Any) -> str:
    """What names a source: its title, else its url, on one line and at most
    ``MAX_TITLE`` characters; ``""`` when neither is known. Only the head of a long
    value is read."""
    for value in (title, url):
        if not isinstance(value, str):
            continue
        start = _NON_SPACE.search(value)
        if start is None:
            continue
        head = value[start.start() : start.start() + 4 * MAX_TITLE]
        text = " ".join(head.split())
        more = _NON_SPACE.search(value, start.start() + len(head)) is not None
        if len(text) <= MAX_TITLE and not more:
            return text
        return text[: MAX_TITLE - 1].rstrip() + "…"
    return ""


def sources(evidence: Any) -> list[tuple[str, str | None]]:
    """The distinct sources an evidence list cites, in order: ``(label, link)``, the link
    an ``http(s)`` url or None; evidence with neither title nor url names none."""
    if not isinstance(evidence, list):
        return []
    seen: dict[tuple[str, str | None], None] = {}
    for item in evidence:
        if isinstance(item, Mapping):
            label = source_label(item.get("title"), item.get("url"))
            if label:
                seen[(label, web_url(item.get("url")))] = None
    return list(seen)


def _sources_text(evidence: Any) -> Text:
    """The sources of a candidate for the terminal: titles, each a link where the
    terminal shows links, the first ``MAX_SOURCES`` and how many more."""
    found = sources(evidence)
    out = Text()
    for i, (label, link) in enumerate(found[:MAX_SOURCES]):
        out.append("; " if i else "sources: ", style="dim")
        out.append(label, style=Style(italic=True, link=link))
    if len(found) > MAX_SOURCES:
        out.append(f"; … {len(found) - MAX_SOURCES:,} more", style="dim")
    return out


def conflicts_table(conflicts: Sequence[Mapping[str, Any]]) -> Table:
    """The conflict report of a run, one row per conflict (``newsfacts conflicts DIR``)."""
    rows = records(conflicts, name="conflicts")
    table = Table(title=f"Conflicts ({len(rows)})", show_lines=True, expand=False)
    for header in ("Subject", "Predicate", "Type", "Candidates", "Chosen", "Spread"):
        table.add_column(header, overflow="fold")
    for conflict in rows:
        unit = _text(conflict.get("unit")) or None
        everyone = candidate_rows(conflict)
        candidates = shown_candidates(conflict)
        values = [v for c in candidates if (v := as_float(c.get("value"))) is not None]
        digits = distinct_digits(values, unit=unit)
        chosen = chosen_index({**conflict, "candidates": candidates})
        cells = Text()
        for i, candidate in enumerate(candidates):
            if i:
                cells.append("\n")
            style = "bold green" if i == chosen else ""
            cells.append(_quantity(candidate, unit=unit, digits=digits), style=style)
            details = format_qualifiers(candidate.get("qualifiers"))
            support = as_float(candidate.get("support"))
            if support is not None:
                details.append(f"support {_plain(support, 2)}")
            articles = candidate.get("articles")
            ids = [str(a) for a in articles] if isinstance(articles, list) else []
            if ids:
                listed = ", ".join(ids[:MAX_LISTED_ARTICLES])
                more = len(ids) - MAX_LISTED_ARTICLES
                details.append(f"{listed}, … {more:,} more" if more > 0 else listed)
            if details:
                cells.append(f"  ({'; '.join(details)})", style="dim")
            named = _sources_text(candidate.get("evidence"))
            if named:
                cells.append("\n  ")
                cells.append_text(named)
        hidden = len(everyone) - len(candidates)
        if hidden > 0:
            cells.append(f"\n… and {hidden:,} more with less support (--json for all)", style="dim")
        resolution = conflict.get("resolution")
        res = resolution if isinstance(resolution, Mapping) else {}
        decision = Text(
            format_quantity(res.get("value"), unit=unit, digits=digits), style="bold green"
        )
        if res.get("rule"):
            decision.append(f"  [{res['rule']}]", style="magenta")
        if res.get("explanation"):
            decision.append(f"\n{res['explanation']}", style="dim")
        spread = as_float(conflict.get("spread"))
        table.add_row(
            _text(conflict.get("subject")),
            _text(conflict.get("predicate")),
            _text(conflict.get("type")),
            cells,
            decision,
            f"{spread:.0%}" if spread is not None else "",
        )
    if not rows:
        table.caption = "No conflicts: no two sources disagree."
    return table


def facts_table(facts: Sequence[Mapping[str, Any]], *, subject: str | None = None) -> Table:
    """Canonical facts, sorted by subject (``newsfacts facts DIR --subject S``).

    ``subject`` keeps the facts whose subject contains it, ignoring case and accents.
    """
    rows = records(facts, name="facts")
    if subject:
        wanted = fold(subject.strip())
        rows = [f for f in rows if wanted in fold(_text(f.get("subject")))]
    rows.sort(key=lambda f: (fold(_text(f.get("subject"))), _text(f.get("predicate"))))
    title = f"Facts ({len(rows)})" + (f" — subject ~ {subject!r}" if subject else "")
    table = Table(title=title, expand=False)
    for header in ("Subject", "Predicate", "Value", "Qualifiers", "Status", "Conf.", "Evid."):
        table.add_column(header, overflow="fold")
    previous = None
    for fact in rows:
        name = _text(fact.get("subject"))
        status = _text(fact.get("status"))
        confidence = as_float(fact.get("confidence"))
        evidence = fact.get("evidence")
        n_evidence = len(evidence) if isinstance(evidence, list) else 0
        n_articles = len(_articles_of(evidence))
        qualifiers = format_qualifiers(fact.get("qualifiers"))
        table.add_row(
            Text(name, style="bold") if name != previous else Text(""),
            _text(fact.get("predicate")),
            _quantity(fact, unit=_text(fact.get("unit")) or None),
            ", ".join(qualifiers),
            Text(status, style=_STATUS_STYLE.get(status, "")),
            f"{confidence:.2f}" if confidence is not None else "",
            f"{n_evidence} ({n_articles} art.)" if n_evidence else "0",
        )
        previous = name
    if not rows:
        table.caption = f"No fact about a subject matching {subject!r}." if subject else "No facts."
    return table


def _label(key: str) -> str:
    return key.replace("_", " ").strip()


def _scalar(value: Any, *, seconds: bool) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    number = as_float(value)
    if number is not None:
        return f"{number:,.2f} s" if seconds else _plain(number, 3)
    if isinstance(value, list):
        return " ".join(_scalar(v, seconds=seconds) for v in value)
    return str(value)


def _flatten(value: Any, *, prefix: str, seconds: bool) -> Iterator[tuple[str, str]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            label = f"{prefix} › {_label(str(key))}" if prefix else _label(str(key))
            hint = seconds or any(h in str(key).lower() for h in _SECONDS_HINTS)
            hint = hint or str(key).endswith("_s")
            yield from _flatten(item, prefix=label, seconds=hint)
    elif isinstance(value, list) and any(isinstance(v, Mapping | list) for v in value):
        for i, item in enumerate(value):
            yield from _flatten(item, prefix=f"{prefix} #{i + 1}", seconds=seconds)
    else:
        yield prefix, _scalar(value, seconds=seconds)


def _section_rank(key: str) -> int:
    low = key.lower()
    for rank, hint in enumerate(_SECTION_ORDER):
        if hint in low:
            return rank
    return len(_SECTION_ORDER)


def summary_rows(run: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """``run.json`` as (section, item, value) rows, the familiar sections first.

    Works on any shape: nested mappings become ``a › b`` items, durations (keys
    mentioning timings or seconds) are shown in seconds.
    """
    keys = sorted(run, key=lambda k: _section_rank(str(k)))
    out: list[tuple[str, str, str]] = []
    for key in keys:
        value = run[key]
        seconds = any(h in str(key).lower() for h in _SECONDS_HINTS) or str(key).endswith("_s")
        if isinstance(value, Mapping):
            section = _label(str(key))
            out.extend(
                (section, item, shown)
                for item, shown in _flatten(value, prefix="", seconds=seconds)
            )
        else:
            out.extend(
                ("run", item, shown)
                for item, shown in _flatten(value, prefix=_label(str(key)), seconds=seconds)
            )
    return out


def summary_table(run: Mapping[str, Any]) -> Table:
    """End-of-run summary: articles, quarantine reasons, mentions, facts, conflicts, timings."""
    if not isinstance(run, Mapping):
        raise ValueError(Errors.E400.format(name="run", index=0, got=type(run).__name__))
    table = Table(title="Run summary", expand=False)
    table.add_column("Section", style="bold")
    table.add_column("Item")
    table.add_column("Value", justify="right")
    previous = None
    for section, item, value in summary_rows(run):
        table.add_row(section if section != previous else "", item, value)
        previous = section
    if not run:
        table.caption = "Empty run summary."
    return table
