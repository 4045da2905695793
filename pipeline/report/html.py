"""The self-contained HTML report of a run (``report.html``).

One page, no network: the stylesheet, the charts (SVG) and a few lines of filtering
script are inline, and no ``src`` points outside the page. Conflicts come first, each
with its resolution, a chart of the candidate values and the highlighted sentences of
every source; then the facts grouped by subject; then the run summary. Each quote
cites its source: the article id, its title as a link to its url (only an ``http(s)``
url becomes a link, opened apart from the page: ``rel="noopener noreferrer"``), its
date and language.

Every string that comes from an article or a record (text, sentences, subjects, ids,
reasons, titles, urls) goes through :func:`html.escape`. The page is a stream of parts
(:func:`html_parts`), written to disk as it is made (:func:`write_html`, as UTF-8: a
lone surrogate becomes U+FFFD) or joined once (:func:`render_html`), so 10 000 facts
render in linear time.

A page stays readable whatever the size of the dump: it shows at most
``MAX_CONFLICTS`` conflicts and ``MAX_FACTS`` facts — those cited by the most articles —
and says how many the JSONL files hold; the counts in its header are the run's totals.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from pipeline.report.jsonl import utf8
from pipeline.report.spool import articles_of
from pipeline.report.tables import (
    MAX_CANDIDATES,
    MAX_LISTED_ARTICLES,
    TEMPLATES,
    as_float,
    candidate_rows,
    chosen_index,
    distinct_digits,
    fold,
    format_number,
    format_qualifiers,
    format_quantity,
    labels,
    records,
    shown_candidates,
    source_label,
    summary_rows,
    web_url,
)

__all__ = [
    "CITED",
    "MAX_CANDIDATES",
    "MAX_CONFLICTS",
    "MAX_FACTS",
    "MAX_QUARANTINED",
    "ReportData",
    "Totals",
    "best",
    "chart",
    "citation",
    "for_page",
    "highlight",
    "html_parts",
    "locate",
    "render_html",
    "report_data",
    "shown_candidates",
    "source_link",
    "write_html",
]

MAX_CONFLICTS = 1000
MAX_FACTS = 5000
MAX_QUARANTINED = 1000
# The fields of an article a quote cites, after the article id.
CITED = ("published", "lang")
_MAX_EVIDENCE_PER_FACT = 3
_MAX_EVIDENCE_PER_CANDIDATE = 5
_CHART_WIDTH = 560
_CHART_ROW = 24
_CHART_PAD = 16


@dataclass(frozen=True, slots=True)
class Totals:
    """The run's counts, shown in the header whatever the page holds."""

    articles: int = 0
    processed: int = 0
    quarantined: int = 0
    facts: int = 0
    conflicts: int = 0
    subjects: int = 0
    statuses: Mapping[str, int] = field(default_factory=dict)
    reasons: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ReportData:
    """What one page shows: a bounded selection of rows, and the run's totals.

    ``articles`` maps the ids cited by the shown rows to what each quote shows of its
    articles.jsonl row (:func:`citation`: date and language); ``quarantined`` are the
    quarantined rows listed (at most ``MAX_QUARANTINED``).
    """

    facts: Sequence[Mapping[str, Any]]
    conflicts: Sequence[Mapping[str, Any]]
    articles: Mapping[str, Mapping[str, Any]]
    quarantined: Sequence[Mapping[str, Any]]
    run: Mapping[str, Any]
    totals: Totals


def for_page(row: Mapping[str, Any]) -> dict[str, Any]:
    """A fact or conflict row cut to what the page shows, with the totals it cites.

    A fact stated in thousands of articles carries thousands of evidence sentences;
    the page quotes a few of each and counts the rest (``evidence_total``,
    ``articles_total``), and drops a fact's alternatives, so a row in memory stays
    small whatever the dump.
    """
    out = dict(row)
    if "evidence" in row:
        evidence = _evidence_list(row.get("evidence"))
        out["evidence"] = evidence[:_MAX_EVIDENCE_PER_FACT]
        out["evidence_total"] = len(evidence)
    # The page shows a conflict's values in the conflicts section, never a fact's
    # alternatives: thousands of them would only hold their article ids in memory.
    out.pop("alternatives", None)
    if isinstance(row.get("candidates"), list):
        shown = shown_candidates(row)
        out["candidates"] = [_candidate_for_page(c) for c in shown]
        out["candidates_total"] = len(candidate_rows(row))
    return out


def _candidate_for_page(candidate: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(candidate)
    evidence = _evidence_list(candidate.get("evidence"))
    out["evidence"] = evidence[:_MAX_EVIDENCE_PER_CANDIDATE]
    out["evidence_total"] = len(evidence)
    ids = candidate.get("articles")
    if isinstance(ids, list):
        out["articles"] = ids[:MAX_LISTED_ARTICLES]
        out["articles_total"] = len(ids)
    return out


def best(rows: Sequence[Mapping[str, Any]], limit: int) -> list[Mapping[str, Any]]:
    """The ``limit`` rows cited by the most articles (ties: smaller fact id), in input order."""
    if len(rows) <= limit:
        return list(rows)
    ranked = sorted(
        range(len(rows)),
        key=lambda i: (-len(articles_of(rows[i])), _str(rows[i].get("fact_id"))),
    )
    return [rows[i] for i in sorted(ranked[:limit])]


def report_data(
    *,
    facts: Sequence[Mapping[str, Any]],
    conflicts: Sequence[Mapping[str, Any]],
    articles: Sequence[Mapping[str, Any]],
    run: Mapping[str, Any],
) -> ReportData:
    """The page's data from the complete rows of a run (SPEC.md shapes).

    Raises ``ValueError`` (E400) when a record is not a mapping.
    """
    fact_rows = records(facts, name="facts")
    conflict_rows = records(conflicts, name="conflicts")
    article_rows = records(articles, name="articles")
    run_map = records([run], name="run")[0]
    quarantined = [a for a in article_rows if _str(a.get("status")) == "quarantined"]
    totals = Totals(
        articles=len(article_rows),
        processed=sum(1 for a in article_rows if _str(a.get("status")) == "ok"),
        quarantined=len(quarantined),
        facts=len(fact_rows),
        conflicts=len(conflict_rows),
        subjects=len({_str(f.get("subject")) for f in fact_rows}),
        statuses=dict(Counter(_str(f.get("status")) for f in fact_rows)),
        reasons=dict(Counter(_str(a.get("reason")) or "(no reason)" for a in quarantined)),
    )
    return ReportData(
        facts=[for_page(r) for r in best(fact_rows, MAX_FACTS)],
        conflicts=[for_page(r) for r in best(conflict_rows, MAX_CONFLICTS)],
        articles={_str(a.get("article_id")): citation(a) for a in article_rows},
        quarantined=quarantined[:MAX_QUARANTINED],
        run=run_map,
        totals=totals,
    )


@cache
def _asset(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def _e(value: Any) -> str:
    """``value`` as escaped HTML text (None is empty)."""
    return "" if value is None else escape(str(value), quote=True)


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def locate(evidence: Mapping[str, Any]) -> tuple[int, int] | None:
    """Where the evidence ``text`` lies in its ``sentence``, as (start, end), or None.

    Uses ``sentence_start`` (the sentence's offset in the article) when it is given and
    consistent, else the first occurrence of ``text`` in the sentence.
    """
    sentence = _str(evidence.get("sentence"))
    text = _str(evidence.get("text"))
    start, end = _int(evidence.get("start")), _int(evidence.get("end"))
    offset = _int(evidence.get("sentence_start"))
    if offset is not None and start is not None and end is not None:
        local = start - offset
        stop = local + (end - start)
        if 0 <= local < stop <= len(sentence) and (not text or sentence[local:stop] == text):
            return local, stop
    if not text:
        return None
    found = sentence.find(text)
    return (found, found + len(text)) if found >= 0 else None


def highlight(evidence: Mapping[str, Any]) -> str:
    """The evidence sentence as escaped HTML with the figure inside ``<mark>``."""
    sentence = _str(evidence.get("sentence"))
    text = _str(evidence.get("text"))
    span = locate(evidence)
    if span is None:
        if not sentence:
            return f"<mark>{_e(text)}</mark>"
        missing = f' <span class="muted">[<mark>{_e(text)}</mark>]</span>' if text else ""
        return _e(sentence) + missing
    a, b = span
    return f"{_e(sentence[:a])}<mark>{_e(sentence[a:b])}</mark>{_e(sentence[b:])}"


def _evidence_list(evidence: Any) -> list[Mapping[str, Any]]:
    if not isinstance(evidence, list):
        return []
    seen: set[tuple[str, str, Any]] = set()
    out: list[Mapping[str, Any]] = []
    for item in evidence:
        if not isinstance(item, Mapping):
            continue
        key = (_str(item.get("article_id")), _str(item.get("sentence")), item.get("start"))
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def citation(article: Mapping[str, Any]) -> dict[str, Any]:
    """What a quote shows of its article (``CITED``): all a page keeps of an article."""
    return {k: article[k] for k in CITED if article.get(k)}


def source_link(title: Any, url: Any) -> str:
    """A source as HTML: its title (else its url) as a link to its url, or as plain
    text when the url is not ``http(s)`` (:func:`web_url`); ``""`` when neither is known.

    Both are escaped; a link opens apart from the page (``rel="noopener noreferrer"``).
    """
    shown = source_label(title, url)
    if not shown:
        return ""
    href = web_url(url)
    if href is None:
        return _e(shown)
    return f'<a href="{_e(href)}" rel="noopener noreferrer" target="_blank">{_e(shown)}</a>'


def _cite(evidence: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> str:
    article_id = _str(evidence.get("article_id"))
    article = articles.get(article_id, {})
    bits = [f"<code>{_e(article_id)}</code>"]
    link = source_link(evidence.get("title"), evidence.get("url"))
    if link:
        bits.append(link)
    bits.extend(_e(v) for v in citation(article).values())
    return " · ".join(bits)


def _quote(evidence: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> str:
    return f"<blockquote>{highlight(evidence)}<cite>{_cite(evidence, articles)}</cite></blockquote>"


def _quantity(record: Mapping[str, Any], *, unit: str | None, digits: int = 3) -> str:
    qualifiers = record.get("qualifiers")
    q = qualifiers if isinstance(qualifiers, Mapping) else {}
    bound = q.get("bound")
    return format_quantity(
        record.get("value"),
        value_max=record.get("value_max"),
        unit=unit,
        approx=bool(q.get("approx")),
        bound=bound if isinstance(bound, str) else None,
        digits=digits,
    )


def _chips(qualifiers: Any) -> str:
    return "".join(f'<span class="chip">{_e(q)}</span>' for q in format_qualifiers(qualifiers))


def chart(conflict: Mapping[str, Any], *, digits: int = 3) -> str:
    """An inline SVG dot plot: one row per candidate on a shared value axis."""
    unit = _str(conflict.get("unit")) or None
    rows: list[tuple[float, float | None]] = []
    for candidate in candidate_rows(conflict):
        low = as_float(candidate.get("value"))
        if low is not None:
            rows.append((low, as_float(candidate.get("value_max"))))
    if not rows:
        return ""
    chosen = chosen_index(conflict)
    values = [v for low, high in rows for v in (low, high) if v is not None]
    lo, hi = min(0.0, *values), max(0.0, *values)
    if math.isclose(lo, hi):
        hi = lo + 1.0
    width = _CHART_WIDTH - 2 * _CHART_PAD
    axis_y = _CHART_PAD + len(rows) * _CHART_ROW
    height = axis_y + 30

    def x(value: float) -> float:
        return round(_CHART_PAD + (value - lo) / (hi - lo) * width, 1)

    subject = _e(conflict.get("subject"))
    parts = [
        f'<svg class="chart" viewBox="0 0 {_CHART_WIDTH} {height}" role="img" '
        f'aria-label="Candidate values for {subject}">',
        f"<title>Candidate values for {subject}</title>",
    ]
    for i, (low, high) in enumerate(rows):
        y = _CHART_PAD + i * _CHART_ROW + _CHART_ROW // 2
        cx = x(low)
        if high is not None and high != low:
            parts.append(f'<line class="range" x1="{cx}" y1="{y}" x2="{x(high)}" y2="{y}"/>')
        cls = "dot chosen" if i == chosen else "dot"
        parts.append(f'<circle class="{cls}" cx="{cx}" cy="{y}" r="{7 if i == chosen else 5}"/>')
        if i == chosen:
            parts.append(f'<circle class="ring" cx="{cx}" cy="{y}" r="11"/>')
        label = format_quantity(low, value_max=high, unit=unit, digits=digits)
        label += " ✓ chosen" if i == chosen else ""
        right = max(cx, x(high) if high is not None else cx)
        if right < _CHART_PAD + width * 0.6:
            tx, anchor = right + 14, "start"
        else:
            tx, anchor = cx - 14, "end"
        parts.append(f'<text x="{tx}" y="{y + 4}" text-anchor="{anchor}">{_e(label)}</text>')
    end = _CHART_PAD + width
    parts.append(f'<line class="axis" x1="{_CHART_PAD}" y1="{axis_y}" x2="{end}" y2="{axis_y}"/>')
    for value, anchor in ((lo, "start"), (hi, "end")):
        tick = x(value)
        parts.append(
            f'<line class="axis" x1="{tick}" y1="{axis_y}" x2="{tick}" y2="{axis_y + 5}"/>'
        )
        text = _e(format_quantity(value, unit=unit))
        parts.append(f'<text x="{tick}" y="{axis_y + 20}" text-anchor="{anchor}">{text}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _conflict(
    index: int, conflict: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]
) -> Iterator[str]:
    unit = _str(conflict.get("unit")) or None
    candidates = candidate_rows(conflict)
    values = [v for c in candidates if (v := as_float(c.get("value"))) is not None]
    digits = distinct_digits(values, unit=unit)
    chosen = chosen_index(conflict)
    kind = _str(conflict.get("type"))
    yield f'<article class="conflict" id="conflict-{index}"><header>'
    yield f"<h3>{_e(conflict.get('subject'))}</h3>"
    yield f'<span class="chip">{_e(conflict.get("predicate"))}</span>'
    if kind:
        hint = labels().conflict_types.get(kind, "")
        yield f'<span class="badge type" title="{_e(hint)}">{_e(kind)}</span>'
    spread = as_float(conflict.get("spread"))
    if spread is not None:
        yield f'<span class="muted">spread {spread:.0%}</span>'
    yield "</header>"
    if kind and labels().conflict_types.get(kind):
        yield f'<p class="muted">{_e(labels().conflict_types[kind].capitalize())}.</p>'
    resolution = conflict.get("resolution")
    res = resolution if isinstance(resolution, Mapping) else {}
    yield '<div class="resolution">Chosen: <span class="value">'
    yield _e(format_quantity(res.get("value"), unit=unit, digits=digits))
    yield "</span>"
    if res.get("rule"):
        yield f' <span class="rule">rule: {_e(res.get("rule"))}</span>'
    if res.get("explanation"):
        yield f"<br>{_e(res.get('explanation'))}"
    yield "</div>"
    yield chart(conflict, digits=digits)
    yield '<div class="candidates">'
    for i, candidate in enumerate(candidates):
        yield f'<section class="candidate{" chosen" if i == chosen else ""}">'
        yield f'<div class="value">{_e(_quantity(candidate, unit=unit, digits=digits))}'
        if i == chosen:
            yield ' <span class="badge chosen-badge">chosen</span>'
        yield "</div>"
        yield f"<div>{_chips(candidate.get('qualifiers'))}</div>"
        support = as_float(candidate.get("support"))
        ids = candidate.get("articles")
        yield '<div class="muted">'
        if support is not None:
            yield f"support {_e(format_number(support))}"
        if isinstance(ids, list) and ids:
            n_ids = _int(candidate.get("articles_total")) or len(ids)
            yield " · " if support is not None else ""
            yield f"{n_ids:,} article{'s' if n_ids != 1 else ''}: "
            yield ", ".join(f"<code>{_e(a)}</code>" for a in ids[:MAX_LISTED_ARTICLES])
            if n_ids > min(len(ids), MAX_LISTED_ARTICLES):
                yield ", …"
        yield "</div>"
        quotes = _evidence_list(candidate.get("evidence"))
        for evidence in quotes[:_MAX_EVIDENCE_PER_CANDIDATE]:
            yield _quote(evidence, articles)
        more = (_int(candidate.get("evidence_total")) or len(quotes)) - min(
            len(quotes), _MAX_EVIDENCE_PER_CANDIDATE
        )
        if more > 0:
            plural = "s" if more != 1 else ""
            yield f'<p class="muted">and {more:,} more source sentence{plural}</p>'
        yield "</section>"
    yield "</div>"
    hidden = (_int(conflict.get("candidates_total")) or len(candidates)) - len(candidates)
    if hidden > 0:
        plural = "s" if hidden != 1 else ""
        yield (
            f'<p class="muted">and {hidden:,} more candidate{plural} with less support; '
            "every one is in <code>conflicts.jsonl</code></p>"
        )
    fact_id = conflict.get("fact_id")
    if fact_id is not None:
        yield f'<p class="muted">fact <code>{_e(fact_id)}</code>'
        if conflict.get("conflict_id") is not None:
            yield f" · conflict <code>{_e(conflict.get('conflict_id'))}</code>"
        yield "</p>"
    yield "</article>"


def _shown(shown: int, total: int, what: str, where: str) -> str:
    return (
        f'<p class="muted">Showing the {shown:,} {what} cited by the most articles, of '
        f"{total:,}; every one is in <code>{where}</code>.</p>"
    )


def _conflicts(
    conflicts: Sequence[Mapping[str, Any]],
    articles: Mapping[str, Mapping[str, Any]],
    total: int,
) -> Iterator[str]:
    yield f'<section id="conflicts"><h2>Conflicts ({total:,})</h2>'
    if len(conflicts) < total:
        yield _shown(len(conflicts), total, "conflicts", "conflicts.jsonl")
    if not conflicts:
        yield (
            '<p class="empty">No conflicts: every figure was either stated once or '
            "agreed across its sources.</p>"
        )
    else:
        yield (
            '<p class="lede">Figures that disagree across sources, with the value kept and '
            "why. Highlighted: the figure in each source sentence.</p>"
        )
    for i, conflict in enumerate(conflicts):
        yield from _conflict(i, conflict, articles)
    yield "</section>"


def _confidence(value: Any) -> str:
    number = as_float(value)
    if number is None:
        return ""
    width = round(max(0.0, min(1.0, number)) * 100)
    return f'{number:.2f}<span class="conf"><span style="width:{width}%"></span></span>'


def _fact_row(
    fact: Mapping[str, Any],
    anchors: Mapping[str, str],
    articles: Mapping[str, Mapping[str, Any]],
) -> Iterator[str]:
    status = _str(fact.get("status"))
    unit = _str(fact.get("unit")) or None
    yield f'<tr class="fact" data-status="{_e(status)}">'
    yield f"<td>{_e(fact.get('predicate'))}</td>"
    yield f'<td class="num">{_e(_quantity(fact, unit=unit))}'
    normalized = fact.get("normalized")
    if isinstance(normalized, Mapping) and normalized.get("unit") not in {None, unit}:
        shown = format_quantity(
            normalized.get("value"),
            value_max=normalized.get("value_max"),
            unit=_str(normalized.get("unit")),
        )
        yield f'<br><span class="muted">≈ {_e(shown)}</span>'
    yield f"</td><td>{_chips(fact.get('qualifiers'))}</td>"
    anchor = anchors.get(_str(fact.get("fact_id")))
    badge = f'<span class="badge s-{_e(status)}">{_e(status)}</span>'
    if anchor is not None:
        badge = f'<a href="#{anchor}">{badge}</a>'
    yield f"<td>{badge}</td>"
    yield f'<td class="num">{_confidence(fact.get("confidence"))}</td>'
    evidence = _evidence_list(fact.get("evidence"))
    total = _int(fact.get("evidence_total")) or len(evidence)
    yield f'<td class="num">{total:,}'
    if evidence:
        yield "<details><summary>sources</summary>"
        for item in evidence[:_MAX_EVIDENCE_PER_FACT]:
            yield _quote(item, articles)
        if total > _MAX_EVIDENCE_PER_FACT:
            yield f'<p class="muted">and {total - _MAX_EVIDENCE_PER_FACT:,} more</p>'
        yield "</details>"
    yield "</td></tr>"


def _facts(
    facts: Sequence[Mapping[str, Any]],
    anchors: Mapping[str, str],
    articles: Mapping[str, Mapping[str, Any]],
    totals: Totals,
) -> Iterator[str]:
    summary = ", ".join(f"{n} {status}" for status, n in sorted(totals.statuses.items()))
    yield f'<section id="facts"><h2>Facts ({totals.facts:,})</h2>'
    if not facts:
        yield '<p class="empty">No facts were extracted from these articles.</p></section>'
        return
    if len(facts) < totals.facts:
        yield _shown(len(facts), totals.facts, "facts", "facts.jsonl")
    yield f'<p class="lede">{_e(summary)}.</p>'
    yield (
        '<div class="filters"><label>Subject <input id="fact-filter" type="search" '
        'placeholder="filter by subject"></label><label>Status <select id="status-filter">'
        '<option value="">all</option><option>conflict</option><option>agreed</option>'
        "<option>single</option></select></label></div>"
    )
    yield (
        "<table><thead><tr><th>Predicate</th><th>Value</th><th>Qualifiers</th>"
        "<th>Status</th><th>Confidence</th><th>Evidence</th></tr></thead>"
    )
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for fact in facts:
        groups.setdefault(_str(fact.get("subject")), []).append(fact)
    for subject in sorted(groups, key=lambda s: (fold(s), s)):
        members = sorted(groups[subject], key=lambda f: _str(f.get("predicate")))
        kinds = sorted({_str(f.get("subject_type")) for f in members} - {""})
        yield f'<tbody class="group" data-subject="{_e(fold(subject))}">'
        yield f'<tr class="group-head"><th colspan="6">{_e(subject) or "(no subject)"}'
        if kinds:
            yield f' <span class="muted">{_e(", ".join(kinds))}</span>'
        yield f' <span class="muted">· {len(members)} fact{"s" if len(members) != 1 else ""}'
        yield "</span></th></tr>"
        for fact in members:
            yield from _fact_row(fact, anchors, articles)
        yield "</tbody>"
    yield "</table></section>"


def _run(
    run: Mapping[str, Any], quarantined: Sequence[Mapping[str, Any]], totals: Totals
) -> Iterator[str]:
    yield '<section id="run"><h2>Run summary</h2>'
    rows = summary_rows(run)
    if rows:
        yield "<table><thead><tr><th>Section</th><th>Item</th><th>Value</th></tr></thead><tbody>"
        previous = None
        for section, item, value in rows:
            shown = _e(section) if section != previous else ""
            yield f'<tr><td>{shown}</td><td>{_e(item)}</td><td class="num">{_e(value)}</td></tr>'
            previous = section
        yield "</tbody></table>"
    else:
        yield '<p class="empty">No run information.</p>'
    yield f"<h3>Quarantined articles ({totals.quarantined:,})</h3>"
    if not totals.quarantined:
        yield '<p class="muted">None: every article was processed.</p>'
    else:
        reasons = Counter(totals.reasons)
        yield "<ul>" + "".join(f"<li>{_e(reason)}: {n}</li>" for reason, n in reasons.most_common())
        yield "</ul>"
        if len(quarantined) < totals.quarantined:
            yield (
                f'<p class="muted">The first {len(quarantined):,} are listed; every one is in '
                "<code>articles.jsonl</code>.</p>"
            )
        yield "<table><thead><tr><th>Article</th><th>Source</th><th>Reason</th></tr>"
        yield "</thead><tbody>"
        for article in quarantined:
            link = source_link(article.get("title"), article.get("url"))
            yield (
                f"<tr><td><code>{_e(article.get('article_id'))}</code></td>"
                f"<td>{_e(article.get('source'))}{'<br>' + link if link else ''}</td>"
                f"<td>{_e(article.get('reason'))}</td></tr>"
            )
        yield "</tbody></table>"
    yield "</section>"


def _header(totals: Totals) -> Iterator[str]:
    yield "<header><h1>newsfacts report</h1>"
    yield '<p class="lede">Figures found in the articles, reconciled across sources.</p>'
    yield '<nav><a href="#conflicts">Conflicts</a><a href="#facts">Facts</a>'
    yield '<a href="#run">Run summary</a></nav><ul class="stats">'
    for label, number in (
        ("articles", totals.articles),
        ("processed", totals.processed),
        ("quarantined", totals.quarantined),
        ("subjects", totals.subjects),
        ("facts", totals.facts),
        ("conflicts", totals.conflicts),
    ):
        yield f"<li><b>{number:,}</b>{label}</li>"
    yield "</ul></header>"


def html_parts(data: ReportData) -> Iterator[str]:
    """The page, part by part: conflicts, then facts, then the run summary."""
    anchors = {
        _str(c.get("fact_id")): f"conflict-{i}"
        for i, c in enumerate(data.conflicts)
        if c.get("fact_id") is not None
    }
    yield (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>newsfacts report</title><style>{_asset('report.css')}</style></head>"
        "<body><main>"
    )
    yield from _header(data.totals)
    yield from _conflicts(data.conflicts, data.articles, data.totals.conflicts)
    yield from _facts(data.facts, anchors, data.articles, data.totals)
    yield from _run(data.run, data.quarantined, data.totals)
    yield f"</main><script>{_asset('report.js')}</script></body></html>\n"


def render_html(
    *,
    facts: Sequence[Mapping[str, Any]],
    conflicts: Sequence[Mapping[str, Any]],
    articles: Sequence[Mapping[str, Any]],
    run: Mapping[str, Any],
) -> str:
    """The whole report page from the complete rows of a run (SPEC.md shapes).

    Raises ``ValueError`` (E400) when a record is not a mapping.
    """
    data = report_data(facts=facts, conflicts=conflicts, articles=articles, run=run)
    return "".join(html_parts(data))


def write_html(path: Path, parts: Iterable[str]) -> None:
    """Write the page part by part to ``path``, atomically (a temporary file, then a
    rename), never holding it whole in memory; as UTF-8, a lone surrogate in any part
    written as U+FFFD."""
    tmp = path.with_name(f".{path.name}.partial")
    try:
        with tmp.open("wb") as fh:
            for part in parts:
                fh.write(utf8(part))
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
