"""The HTML report: self-contained, conflicts first, escaped, highlighted, charted."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from html.parser import HTMLParser
from typing import Any

import pytest

from pipeline.report.html import (
    MAX_CANDIDATES,
    MAX_FACTS,
    best,
    citation,
    for_page,
    highlight,
    locate,
    render_html,
    shown_candidates,
    source_link,
)
from pipeline.report.spool import articles_of

SENT_A = "Le site aura une capacité initiale de 230 MW, portée ensuite plus haut."
SENT_B = "The campus will reach 290 MW of capacity by the end of 2026."
SENT_C = "Un investissement de 1,2 milliard d'euros est prévu."

EV_A = {
    "article_id": "fr-001",
    "start": 1038,
    "end": 1044,
    "text": "230 MW",
    "sentence": SENT_A,
    "sentence_start": 1000,
    "value": 230.0,
    "unit": "MW",
}
EV_B = {
    "article_id": "en-002",
    "start": 22,
    "end": 28,
    "text": "290 MW",
    "sentence": SENT_B,
    "value": 290.0,
    "unit": "MW",
}
EV_C = {
    "article_id": "fr-001",
    "start": 20,
    "end": 45,
    "text": "1,2 milliard d'euros",
    "sentence": SENT_C,
    "value": 1.2e9,
    "unit": "EUR",
}

CONFLICT_STAGE: dict[str, Any] = {
    "conflict_id": "c1",
    "fact_id": "f-power",
    "subject": "Stargate Norway",
    "predicate": "power_capacity",
    "unit": "MW",
    "type": "stage",
    "candidates": [
        {
            "value": 230.0,
            "value_max": None,
            "qualifiers": {"stage": "initial", "time": None, "approx": False, "bound": None},
            "support": 1.0,
            "articles": ["fr-001"],
            "evidence": [EV_A],
        },
        {
            "value": 290.0,
            "value_max": None,
            "qualifiers": {"stage": "target", "time": "2026-12", "approx": False, "bound": None},
            "support": 1.0,
            "articles": ["en-002"],
            "evidence": [EV_B],
        },
    ],
    "resolution": {
        "value": 290.0,
        "rule": "latest_stage",
        "explanation": "230 MW is the initial capacity and 290 MW the target.",
    },
    "spread": 0.2069,
}
CONFLICT_RANGE: dict[str, Any] = {
    "conflict_id": "c2",
    "fact_id": "f-money",
    "subject": "Mistral AI",
    "predicate": "funding",
    "unit": "EUR",
    "candidates": [
        {
            "value": 1.2e9,
            "value_max": None,
            "qualifiers": {"approx": True},
            "support": 2.0,
            "articles": ["fr-001", "en-002"],
            "evidence": [EV_C],
        },
        {
            "value": 1.0e9,
            "value_max": 1.5e9,
            "qualifiers": {},
            "support": 1.0,
            "articles": ["en-003"],
            "evidence": [],
        },
    ],
    "resolution": {"value": 1.2e9, "rule": "support", "explanation": "Most sources say so."},
    "spread": 0.33,
}
CONFLICTS = [CONFLICT_STAGE, CONFLICT_RANGE]

FACT_POWER: dict[str, Any] = {
    "fact_id": "f-power",
    "subject": "Stargate Norway",
    "subject_type": "project",
    "predicate": "power_capacity",
    "value": 290.0,
    "value_max": None,
    "unit": "MW",
    "normalized": {"value": 290.0, "value_max": None, "unit": "MW"},
    "qualifiers": {"stage": "target", "time": "2026-12", "approx": False, "bound": None},
    "status": "conflict",
    "confidence": 0.72,
    "evidence": [EV_B],
    "alternatives": [{"value": 230.0, "value_max": None, "unit": "MW", "evidence": [EV_A]}],
}
FACT_MONEY: dict[str, Any] = {
    "fact_id": "f-money",
    "subject": "Mistral AI",
    "subject_type": "company",
    "predicate": "funding",
    "value": 1.2e9,
    "value_max": None,
    "unit": "EUR",
    "normalized": {"value": 1.3e9, "value_max": None, "unit": "USD"},
    "qualifiers": {"stage": None, "time": None, "approx": True, "bound": None},
    "status": "agreed",
    "confidence": 0.9,
    "evidence": [EV_C, {**EV_C, "article_id": "en-002"}],
    "alternatives": [],
}
FACT_JOBS: dict[str, Any] = {
    "fact_id": "f-jobs",
    "subject": "Électricité de France",
    "subject_type": "company",
    "predicate": "jobs",
    "value": 1200.0,
    "value_max": None,
    "unit": "job",
    "normalized": {"value": 1200.0, "value_max": None, "unit": "job"},
    "qualifiers": {"stage": None, "time": None, "approx": False, "bound": "min"},
    "status": "single",
    "confidence": 0.5,
    "evidence": [],
    "alternatives": [],
}
FACTS = [FACT_POWER, FACT_MONEY, FACT_JOBS]

ARTICLES: list[dict[str, Any]] = [
    {
        "article_id": "fr-001",
        "source": "dump.jsonl:1",
        "lang": "fr",
        "published": "2025-10-16",
        "status": "ok",
        "n_mentions": 4,
        "n_facts": 2,
    },
    {
        "article_id": "en-002",
        "source": "dump.jsonl:2",
        "lang": "en",
        "published": None,
        "status": "ok",
        "n_mentions": 2,
        "n_facts": 1,
    },
    {
        "article_id": "empty-9",
        "source": "dump.jsonl:9",
        "lang": None,
        "published": None,
        "status": "quarantined",
        "reason": "no usable text",
        "n_mentions": 0,
        "n_facts": 0,
    },
]
RUN: dict[str, Any] = {
    "counts": {
        "articles_read": 3,
        "processed": 2,
        "quarantined": {"no usable text": 1},
        "mentions": {"power": 2, "money": 1},
        "facts": 3,
        "conflicts": 2,
    },
    "timings": {"extract": 1.25, "reconcile": 0.5},
    "command": ["newsfacts", "run", "dump.jsonl", "--out", "out"],
}

EVIL = "<script>alert(1)</script>"
ESCAPED_EVIL = "&lt;script&gt;alert(1)&lt;/script&gt;"

FULL = {"facts": FACTS, "conflicts": CONFLICTS, "articles": ARTICLES, "run": RUN}
EMPTY: dict[str, Any] = {"facts": [], "conflicts": [], "articles": [], "run": {}}
NO_CONFLICTS = {"facts": [FACT_MONEY, FACT_JOBS], "conflicts": [], "articles": ARTICLES, "run": RUN}

_VOID = {"meta", "br", "input", "img", "hr", "link", "circle", "line", "path", "rect", "wbr"}
_URL_ATTR = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


class _TagChecker(HTMLParser):
    """Records tag nesting errors; svg shapes written ``<line/>`` count as void."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.doctypes = 0
        self.opened: list[str] = []
        self.attrs: list[tuple[str, dict[str, str | None]]] = []

    def handle_decl(self, decl: str) -> None:
        self.doctypes += decl.lower().startswith("doctype")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.opened.append(tag)
        self.attrs.append((tag, dict(attrs)))
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.opened.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()


def _page(**overrides: Any) -> str:
    args = {**FULL, **overrides}
    return render_html(
        facts=args["facts"], conflicts=args["conflicts"], articles=args["articles"], run=args["run"]
    )


def _check(page: str) -> _TagChecker:
    checker = _TagChecker()
    checker.feed(page)
    checker.close()
    return checker


def _titled(evidence: Mapping[str, Any], title: Any, url: Any) -> dict[str, Any]:
    return {**evidence, "title": title, "url": url}


EV_A_TITLED = _titled(EV_A, "Stargate Norway : 230 MW", "https://example.com/fr-001")
EV_B_TITLED = _titled(EV_B, "Stargate grows", "http://example.org/en-002?x=1&y=2")
TITLED = {
    **FULL,
    "facts": [{**FACT_POWER, "evidence": [EV_B_TITLED]}, FACT_MONEY],
    "conflicts": [
        {
            **CONFLICT_STAGE,
            "candidates": [
                {**CONFLICT_STAGE["candidates"][0], "evidence": [EV_A_TITLED]},
                {**CONFLICT_STAGE["candidates"][1], "evidence": [EV_B_TITLED]},
            ],
        }
    ],
}


@pytest.mark.parametrize(
    "inputs", [FULL, EMPTY, NO_CONFLICTS, TITLED], ids=["full", "empty", "no-conf", "titled"]
)
def test_page_is_one_self_contained_document(inputs: Mapping[str, Any]) -> None:
    """Nothing is loaded from outside the page; the only links out are sources, each an
    ``<a>`` opened apart from the page."""
    page = render_html(**inputs)
    checker = _check(page)
    assert page.startswith("<!DOCTYPE html>")
    assert checker.doctypes == 1
    assert checker.opened.count("html") == 1
    assert checker.opened.count("body") == 1
    assert checker.errors == []
    assert checker.stack == []
    assert not _URL_ATTR.search(page.replace('<a href="http', '<a x="http'))
    outside = [(tag, a) for tag, a in checker.attrs if "//" in (a.get("href") or "")]
    assert all(tag == "a" and a.get("rel") == "noopener noreferrer" for tag, a in outside)
    assert len(outside) == (3 if inputs is TITLED else 0)
    assert not any("src" in a for _, a in checker.attrs)
    assert "<link" not in page
    assert "@import" not in page
    assert "url(" not in page


@pytest.mark.parametrize(
    ("inputs", "order"),
    [
        (FULL, ['id="conflicts"', 'id="facts"', 'id="run"']),
        (FULL, ["Stargate Norway</h3>", '<tbody class="group" data-subject="stargate norway"']),
        (EMPTY, ['id="conflicts"', 'id="facts"', 'id="run"']),
    ],
)
def test_conflicts_come_before_facts(inputs: Mapping[str, Any], order: Sequence[str]) -> None:
    page = render_html(**inputs)
    positions = [page.index(marker) for marker in order]
    assert positions == sorted(positions)


def _inject(where: str) -> dict[str, Any]:
    if where == "sentence":
        evidence = {**EV_B, "sentence": f"Big {EVIL} news: 290 MW of capacity."}
        fact = {**FACT_POWER, "evidence": [evidence]}
        conflict = {**CONFLICT_STAGE, "candidates": [*CONFLICT_STAGE["candidates"]]}
        conflict["candidates"][1] = {**conflict["candidates"][1], "evidence": [evidence]}
        return {"facts": [fact], "conflicts": [conflict]}
    if where == "subject":
        return {
            "facts": [{**FACT_MONEY, "subject": EVIL}],
            "conflicts": [{**CONFLICT_RANGE, "subject": EVIL}],
        }
    if where == "article_id":
        evidence = {**EV_C, "article_id": EVIL}
        candidate = {**CONFLICT_RANGE["candidates"][0], "articles": [EVIL], "evidence": [evidence]}
        return {
            "facts": [{**FACT_MONEY, "evidence": [evidence]}],
            "conflicts": [{**CONFLICT_RANGE, "candidates": [candidate]}],
            "articles": [{**ARTICLES[2], "article_id": EVIL}],
        }
    if where == "reason":
        return {"articles": [{**ARTICLES[2], "reason": EVIL, "source": EVIL}]}
    if where == "evidence_text":
        evidence = {**EV_C, "text": EVIL, "sentence": f"Avant {EVIL} après."}
        return {"facts": [{**FACT_MONEY, "evidence": [evidence]}]}
    if where == "unit_and_qualifier":
        return {
            "facts": [{**FACT_JOBS, "unit": EVIL, "qualifiers": {"scope": EVIL}}],
            "conflicts": [{**CONFLICT_STAGE, "unit": EVIL, "type": EVIL}],
        }
    if where == "run":
        return {"run": {"command": EVIL, EVIL: {EVIL: EVIL}}}
    raise AssertionError(where)


@pytest.mark.parametrize(
    "where",
    ["sentence", "subject", "article_id", "reason", "evidence_text", "unit_and_qualifier", "run"],
)
def test_strings_from_articles_are_escaped(where: str) -> None:
    page = _page(**_inject(where))
    assert EVIL not in page
    assert "alert(1)</script>" not in page
    assert ESCAPED_EVIL in page
    assert page.count("<script") == 1  # the page's own filtering script
    assert _check(page).errors == []


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        (EV_A, "Le site aura une capacité initiale de <mark>230 MW</mark>, portée ensuite"),
        (EV_B, "The campus will reach <mark>290 MW</mark> of capacity"),
        ({**EV_A, "sentence_start": 999}, "initiale de <mark>230 MW</mark>, portée"),
        (EV_C, "Un investissement de <mark>1,2 milliard d&#x27;euros</mark> est prévu."),
        ({**EV_B, "sentence": ""}, "<mark>290 MW</mark>"),
        ({**EV_B, "sentence": "No figure here."}, 'No figure here. <span class="muted">[<mark>'),
        (
            {**EV_B, "text": "a<b", "sentence": "x a<b y", "start": 2, "end": 5},
            "x <mark>a&lt;b</mark> y",
        ),
    ],
    ids=["sentence-start", "find", "bad-offset", "apostrophe", "no-sentence", "missing", "lt"],
)
def test_highlight_marks_the_evidence(evidence: Mapping[str, Any], expected: str) -> None:
    assert expected in highlight(evidence)
    assert highlight(evidence).count("<mark>") == 1


@pytest.mark.parametrize(
    ("evidence", "span"),
    [
        (EV_A, (38, 44)),
        ({**EV_A, "text": "", "sentence_start": 1001}, (37, 43)),
        (EV_B, (22, 28)),
        ({**EV_B, "sentence": "nothing"}, None),
        ({**EV_B, "text": "", "sentence": "nothing"}, None),
    ],
)
def test_locate(evidence: Mapping[str, Any], span: tuple[int, int] | None) -> None:
    assert locate(evidence) == span


def test_every_source_sentence_is_highlighted_in_its_conflict() -> None:
    page = _page()
    conflicts = page[page.index('id="conflicts"') : page.index('id="facts"')]
    for marked in ("<mark>230 MW</mark>", "<mark>290 MW</mark>", "<mark>1,2 milliard"):
        assert marked in conflicts


@pytest.mark.parametrize(
    ("conflicts", "n_charts"), [(CONFLICTS, 2), ([CONFLICT_STAGE], 1), ([], 0)]
)
def test_one_chart_per_conflict_with_the_chosen_value_marked(
    conflicts: Sequence[Mapping[str, Any]], n_charts: int
) -> None:
    page = _page(conflicts=conflicts)
    assert page.count('<svg class="chart"') == n_charts
    assert page.count('class="dot chosen"') == n_charts
    assert page.count('class="candidate chosen"') == n_charts


@pytest.mark.parametrize(
    ("conflict", "labels"),
    [
        (CONFLICT_STAGE, ["230 MW", "290 MW ✓ chosen"]),
        (CONFLICT_RANGE, ["1.2 billion EUR ✓ chosen", "1–1.5 billion EUR"]),
    ],
)
def test_chart_labels_candidate_values(conflict: Mapping[str, Any], labels: list[str]) -> None:
    page = _page(conflicts=[conflict])
    svg = page[page.index("<svg") : page.index("</svg>")]
    for label in labels:
        assert f">{label}</text>" in svg
    assert svg.count('class="range"') == (1 if conflict is CONFLICT_RANGE else 0)


@pytest.mark.parametrize(
    ("inputs", "messages"),
    [
        (EMPTY, ["No conflicts", "No facts were extracted", "No run information"]),
        (NO_CONFLICTS, ["No conflicts", "Quarantined articles (1)", "no usable text"]),
    ],
)
def test_empty_states_are_friendly(inputs: Mapping[str, Any], messages: list[str]) -> None:
    page = render_html(**inputs)
    for message in messages:
        assert message in page
    assert "<svg" not in page


@pytest.mark.parametrize(
    "shown",
    [
        "1.2 billion EUR",
        "≈ 1.3 billion USD",
        "290 MW",
        "≥ 1,200 jobs",
        'class="badge s-conflict"',
        'class="badge s-agreed"',
        'class="badge s-single"',
        '<a href="#conflict-0">',
        "0.72",
        "rule: latest_stage",
        "The figures are different stages of the same thing",
        "230 MW is the initial capacity",
        "2025-10-16",
        "extract",
        "1.25 s",
        "no usable text",
    ],
)
def test_facts_and_summary_are_formatted_for_people(shown: str) -> None:
    assert shown in _page()


@pytest.mark.parametrize("n_facts", [10_000])
def test_ten_thousand_facts_render_quickly_and_the_page_stays_bounded(n_facts: int) -> None:
    facts = [
        {
            **FACT_MONEY,
            "fact_id": f"f{i:05d}",
            "subject": f"Company {i % 997}",
            "value": float(i),
            "status": ("single", "agreed", "conflict")[i % 3],
        }
        for i in range(n_facts)
    ]
    began = time.perf_counter()
    page = _page(facts=facts)
    elapsed = time.perf_counter() - began
    assert page.count('<tr class="fact"') == MAX_FACTS
    assert f"<b>{n_facts:,}</b>facts" in page
    assert f"<h2>Facts ({n_facts:,})</h2>" in page
    assert f"Showing the {MAX_FACTS:,} facts cited by the most articles, of {n_facts:,}" in page
    assert elapsed < 5.0


def _cited_by(fact_id: str, n: int) -> dict[str, Any]:
    return {"fact_id": fact_id, "evidence": [{"article_id": f"a{i}"} for i in range(n)]}


def test_best_keeps_the_most_cited_rows_in_their_order() -> None:
    rows = [_cited_by("f1", 1), _cited_by("f2", 3), _cited_by("f3", 1), _cited_by("f4", 2)]
    assert [r["fact_id"] for r in best(rows, 2)] == ["f2", "f4"]
    assert [r["fact_id"] for r in best(rows, 3)] == ["f1", "f2", "f4"]
    assert best(rows, 10) == rows


def test_conflict_candidates_count_their_articles() -> None:
    conflict = {
        "fact_id": "c",
        "candidates": [
            {"articles": ["a1"], "evidence": [{"article_id": "a1"}]},
            {"articles": ["a2", "a3"], "evidence": []},
        ],
    }
    assert articles_of(conflict) == {"a1", "a2", "a3"}
    assert [r["fact_id"] for r in best([_cited_by("f", 2), conflict], 1)] == ["c"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("facts", ["not a dict"]), ("conflicts", [1]), ("articles", [None])],
)
def test_records_that_are_not_objects_are_refused(name: str, value: Sequence[Any]) -> None:
    with pytest.raises(ValueError, match=rf"Report input {name}\[0\] is not a JSON object"):
        _page(**{name: value})


def _widely_cited(n: int) -> dict[str, Any]:
    """CONFLICT_STAGE whose first candidate is stated in ``n`` articles."""
    first = {
        **CONFLICT_STAGE["candidates"][0],
        "articles": [f"w{i:03d}" for i in range(n)],
        "evidence": [{**EV_A, "article_id": f"w{i:03d}"} for i in range(n)],
    }
    return {**CONFLICT_STAGE, "candidates": [first, CONFLICT_STAGE["candidates"][1]]}


def test_a_widely_cited_candidate_quotes_a_few_sources_and_counts_the_rest() -> None:
    page = _page(conflicts=[_widely_cited(40)])
    assert "40 articles: " in page
    assert "<code>w011</code>, …" in page
    assert "<code>w012</code>" not in page
    assert "and 35 more source sentences" in page


def test_for_page_keeps_what_is_shown_and_the_totals() -> None:
    row = for_page(_widely_cited(40))
    first = row["candidates"][0]
    assert (len(first["evidence"]), first["evidence_total"]) == (5, 40)
    assert (len(first["articles"]), first["articles_total"]) == (12, 40)
    assert row["candidates"][1]["evidence"] == [EV_B]
    fact = for_page({**FACT_MONEY, "evidence": [{**EV_C, "start": i} for i in range(9)]})
    assert (len(fact["evidence"]), fact["evidence_total"]) == (3, 9)


def test_a_facts_alternatives_are_not_kept_for_the_page() -> None:
    """The page never shows a fact's alternatives (a conflict's values are shown in
    its own section), so the rows kept for it drop them, and their articles."""
    many = {
        **FACT_POWER,
        "alternatives": [
            {"value": 200.0 + i, "unit": "MW", "evidence": [], "articles": [f"x{i}"]}
            for i in range(500)
        ],
    }
    row = for_page(many)
    assert "alternatives" not in row
    assert row["evidence"] == FACT_POWER["evidence"]
    assert _page(facts=[many]) == _page(facts=[{**FACT_POWER, "alternatives": []}])


def _many_candidates(n: int, chosen: float) -> dict[str, Any]:
    """CONFLICT_STAGE with ``n`` candidates 100, 101, ...; support 1 except every
    seventh (3), and ``chosen`` resolved."""
    template = CONFLICT_STAGE["candidates"][0]
    candidates = [
        {**template, "value": 100.0 + i, "support": 3.0 if i % 7 == 0 else 1.0} for i in range(n)
    ]
    return {**CONFLICT_STAGE, "candidates": candidates, "resolution": {"value": chosen}}


def test_a_conflict_with_many_candidates_shows_the_chosen_and_the_best_supported() -> None:
    conflict = _many_candidates(40, chosen=105.0)
    shown = [c["value"] for c in shown_candidates(conflict)]
    # The chosen 105, the six with support 3 (100, 107, ..., 135), then the earliest of
    # the rest (101, 102, 103); shown in their own order.
    assert shown == [100.0, 101.0, 102.0, 103.0, 105.0, 107.0, 114.0, 121.0, 128.0, 135.0]
    assert len(shown) == MAX_CANDIDATES
    row = for_page(conflict)
    assert [c["value"] for c in row["candidates"]] == shown
    assert row["candidates_total"] == 40
    page = _page(conflicts=[conflict])
    assert "and 30 more candidates with less support" in page
    assert page.count('<section class="candidate') == len(shown)


def test_a_conflict_with_few_candidates_shows_them_all() -> None:
    conflict = _many_candidates(MAX_CANDIDATES, chosen=100.0)
    assert shown_candidates(conflict) == conflict["candidates"]
    assert "more candidate" not in _page(conflicts=[conflict])


def test_a_small_run_is_shown_whole() -> None:
    page = _page()
    assert "more source sentence" not in page
    assert "Showing the" not in page


def test_a_quote_cites_its_article_with_date_and_language() -> None:
    """A page keeps of each cited article only what its quotes show."""
    assert citation(ARTICLES[0]) == {"published": "2025-10-16", "lang": "fr"}
    assert citation(ARTICLES[1]) == {"lang": "en"}
    page = _page()
    assert "<cite><code>fr-001</code> · 2025-10-16 · fr</cite>" in page
    assert "<cite><code>en-002</code> · en</cite>" in page


# --------------------------------------------------------------------------- sources


@pytest.mark.parametrize(
    ("title", "url", "expected"),
    [
        (
            "Le titre",
            "https://example.com/a",
            '<a href="https://example.com/a" rel="noopener noreferrer" target="_blank">'
            "Le titre</a>",
        ),
        (
            None,
            "HTTP://example.com/b",
            '<a href="HTTP://example.com/b" rel="noopener noreferrer" target="_blank">'
            "HTTP://example.com/b</a>",
        ),
        (
            f"{EVIL} & co",
            'https://example.com/?a=1&b="x"',
            '<a href="https://example.com/?a=1&amp;b=&quot;x&quot;" rel="noopener noreferrer"'
            f' target="_blank">{ESCAPED_EVIL} &amp; co</a>',
        ),
        ("Le titre", "javascript:alert(1)", "Le titre"),
        ("Le titre", " javascript:alert(1)", "Le titre"),
        ("Le titre", "  https://example.com/a", "Le titre"),
        ("Le titre", "data:text/html,<b>x</b>", "Le titre"),
        ("Le titre", "https:///nohost", "Le titre"),
        ("Le titre", "ftp://example.com/a", "Le titre"),
        (None, "javascript:alert(1)", "javascript:alert(1)"),
        ("Le titre", None, "Le titre"),
        ("  Un\n titre\t sur  deux lignes ", None, "Un titre sur deux lignes"),
        (" " * 1000 + "Titre", None, "Titre"),
        ("Titre" + " " * 1000 + "suite", None, "Titre…"),
        ("Le titre", 42, "Le titre"),
        (None, None, ""),
        ("   ", None, ""),
    ],
)
def test_source_link_links_only_web_urls_and_escapes(title: Any, url: Any, expected: str) -> None:
    assert source_link(title, url) == expected


@pytest.mark.parametrize(
    ("title", "url", "text", "linked"),
    [(200, 2048, 200, True), (201, 2049, 200, False), (10**7, 10**6, 200, False)],
)
def test_a_long_title_is_shortened_and_a_long_url_not_linked(
    title: int, url: int, text: int, linked: bool
) -> None:
    href = "https://example.com/" + "u" * (url - len("https://example.com/"))
    link = source_link("t" * title, href)
    shown = re.sub(r"<[^>]*>", "", link)
    assert len(shown) == text
    assert shown.endswith("…") == (title > text)
    assert ("href" in link) == linked


def test_each_quote_links_its_source() -> None:
    page = _page(**TITLED)
    assert (
        '<cite><code>fr-001</code> · <a href="https://example.com/fr-001" '
        'rel="noopener noreferrer" target="_blank">Stargate Norway : 230 MW</a> · '
        "2025-10-16 · fr</cite>"
    ) in page
    assert 'href="http://example.org/en-002?x=1&amp;y=2"' in page
    assert page.count(">Stargate grows</a>") == 2  # its conflict candidate and its fact


@pytest.mark.parametrize(
    ("title", "url", "shown"),
    [
        ("Page perdue", "https://example.com/lost", '<br><a href="https://example.com/lost"'),
        ("Page perdue", None, "<br>Page perdue</td>"),
        (None, None, "dump.jsonl:9</td>"),
    ],
)
def test_a_quarantined_article_names_its_source(title: Any, url: Any, shown: str) -> None:
    articles = [*ARTICLES[:2], {**ARTICLES[2], "title": title, "url": url}]
    assert shown in _page(articles=articles)
