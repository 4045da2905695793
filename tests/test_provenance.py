"""Provenance and valid UTF-8: every output names its source, no string stops a write.

``title`` and ``url`` reach articles.jsonl (ok and quarantined rows) and every evidence
object of facts.jsonl and conflicts.jsonl, without entering ids; lone surrogates in
any string are written as U+FFFD by every writer (JSONL, text, HTML, the spool).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.reconcile import conflict_to_json, fact_to_json, reconcile
from pipeline.reconcile.serialize import evidence_to_json
from pipeline.report.html import write_html
from pipeline.report.jsonl import (
    REPLACEMENT,
    AtomicJsonl,
    article_row,
    atomic_write_text,
    quarantine_row,
    safe_text,
    utf8,
)
from pipeline.report.spool import OutputSpool
from pipeline.types import Article, Claim, Evidence, Normalized, Qualifiers, Quarantine

TITLE = "Stargate Norway : 230 MW à Narvik"
URL = "https://example.com/news/stargate-norway"
LONE = "\ud800"


def _claim(
    article: str, value: float, *, title: str | None = None, url: str | None = None
) -> Claim:
    text = f"{value:g} MW"
    return Claim(
        subject="Stargate Norway",
        subject_type="project",
        predicate="power_capacity",
        value=value,
        value_max=None,
        unit="MW",
        normalized=Normalized(value, None, "MW"),
        qualifiers=Qualifiers(),
        evidence=Evidence(
            article, 0, len(text), text, f"{text}.", value, "MW", title=title, url=url
        ),
        published="2025-07-31",
    )


# --------------------------------------------------------------------------- articles.jsonl


@pytest.mark.parametrize(("title", "url"), [(TITLE, URL), (None, None), (TITLE, None)])
def test_article_rows_carry_title_and_url(title: str | None, url: str | None) -> None:
    article = Article("a1", "Texte.", "dump.jsonl:1", title=title, url=url)
    row = article_row(article, lang="fr", n_mentions=0, n_facts=0)
    assert (row["title"], row["url"]) == (title, url)
    assert list(row)[-2:] == ["title", "url"]


@pytest.mark.parametrize(("title", "url"), [(TITLE, URL), (None, None)])
def test_quarantine_rows_carry_title_and_url(title: str | None, url: str | None) -> None:
    row = quarantine_row(Quarantine("q1", "dump.jsonl:2", "empty text", title=title, url=url))
    assert row["status"] == "quarantined"
    assert (row["title"], row["url"]) == (title, url)


@pytest.mark.parametrize("args", [("q1", "dump.jsonl:2", "empty text"), ("q2", "d:1", "x", None)])
def test_quarantine_is_made_as_before_and_knows_no_source(args: tuple[Any, ...]) -> None:
    q = Quarantine(*args)
    assert (q.title, q.url) == (None, None)


# --------------------------------------------------------------------------- evidence


@pytest.mark.parametrize(("title", "url"), [(TITLE, URL), (None, None)])
def test_evidence_json_carries_title_and_url(title: str | None, url: str | None) -> None:
    e = Evidence("a1", 0, 6, "230 MW", "230 MW.", 230.0, "MW", title=title, url=url)
    out = evidence_to_json(e)
    assert (out["title"], out["url"]) == (title, url)
    assert list(out)[:7] == ["article_id", "start", "end", "text", "sentence", "value", "unit"]


@pytest.mark.parametrize("titled", [True, False])
def test_facts_alternatives_and_conflicts_carry_their_sources(titled: bool) -> None:
    claims = [
        _claim(f"a{i}", value, title=f"Title {i}" if titled else None, url=f"{URL}/{i}")
        for i, value in enumerate((230.0, 290.0, 520.0))
    ]
    result = reconcile(claims)
    fact = fact_to_json(result.facts[0])
    conflict = conflict_to_json(result.conflicts[0])
    evidence = [
        *fact["evidence"],
        *(e for a in fact["alternatives"] for e in a["evidence"]),
    ]
    candidates = [e for c in conflict["candidates"] for e in c["evidence"]]
    for items in (evidence, candidates):
        assert sorted((e["article_id"], e["title"], e["url"]) for e in items) == [
            (f"a{i}", f"Title {i}" if titled else None, f"{URL}/{i}") for i in range(3)
        ]


@pytest.mark.parametrize("title", [TITLE, "Another title", None])
def test_title_and_url_never_change_ids_or_equality(title: str | None) -> None:
    plain = [_claim("a1", 230.0), _claim("a2", 290.0)]
    titled = [_claim("a1", 230.0, title=title, url=URL), _claim("a2", 290.0, title=title)]
    assert titled == plain
    ids = [(f.fact_id, f.status) for f in reconcile(plain).facts]
    assert [(f.fact_id, f.status) for f in reconcile(titled).facts] == ids
    conflicts = [c.conflict_id for c in reconcile(plain).conflicts]
    assert [c.conflict_id for c in reconcile(titled).conflicts] == conflicts


# --------------------------------------------------------------------------- valid UTF-8


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain ascii", "plain ascii"),
        ("déjà 1,2 Md€ 🚀", "déjà 1,2 Md€ 🚀"),
        (f"a{LONE}b", f"a{REPLACEMENT}b"),
        ("\udc80 at the start", f"{REPLACEMENT} at the start"),
        ("a pair kept apart \ud83d\ude80", f"a pair kept apart {REPLACEMENT}{REPLACEMENT}"),
        (f"é{LONE}{LONE}", f"é{REPLACEMENT}{REPLACEMENT}"),
        ("", ""),
    ],
)
def test_safe_text_replaces_surrogates_one_for_one(text: str, expected: str) -> None:
    assert safe_text(text) == expected
    assert len(safe_text(text)) == len(text)  # offsets into the text stay exact
    assert utf8(text) == expected.encode("utf-8")


@pytest.mark.parametrize("text", ["ascii", "déjà vu"])
def test_valid_text_is_returned_as_is(text: str) -> None:
    assert safe_text(text) is text


ROW_WITH_SURROGATES: dict[str, Any] = {
    "article_id": f"id{LONE}",
    "source": "dump-\udcff.jsonl:1",
    "title": f"Titre {LONE}",
    "url": f"https://example.com/{LONE}",
    f"key{LONE}": [f"nested {LONE}", {"deep": f"{LONE}"}],
    "n": 1,
}


def _read_back(path: Path) -> Any:
    data = path.read_bytes()
    text = data.decode("utf-8")  # strict: the file is valid UTF-8
    assert "\\ud800" not in text
    return text


def test_jsonl_writer_replaces_lone_surrogates(tmp_path: Path) -> None:
    out = AtomicJsonl(tmp_path / "articles.jsonl")
    out.write(ROW_WITH_SURROGATES)
    out.write({"article_id": "fine", "title": "Été"})
    out.commit()
    rows = [json.loads(line) for line in _read_back(tmp_path / "articles.jsonl").splitlines()]
    assert rows[0]["article_id"] == f"id{REPLACEMENT}"
    assert rows[0]["source"] == f"dump-{REPLACEMENT}.jsonl:1"
    assert rows[0][f"key{REPLACEMENT}"] == [f"nested {REPLACEMENT}", {"deep": REPLACEMENT}]
    assert rows[1] == {"article_id": "fine", "title": "Été"}
    assert out.count == 2


@pytest.mark.parametrize("text", [f'{{"command": "{LONE}"}}\n', "plain\n", "été\n"])
def test_text_writer_replaces_lone_surrogates(tmp_path: Path, text: str) -> None:
    atomic_write_text(tmp_path / "run.json", text)
    assert _read_back(tmp_path / "run.json") == safe_text(text)


@pytest.mark.parametrize("part", [f"<p>{LONE}</p>", "<p>ok</p>"])
def test_html_writer_replaces_lone_surrogates(tmp_path: Path, part: str) -> None:
    write_html(tmp_path / "report.html", ["<html>", part, "</html>"])
    assert _read_back(tmp_path / "report.html") == f"<html>{safe_text(part)}</html>"
    assert not list(tmp_path.glob(".*partial"))


@pytest.mark.parametrize("where", ["subject", "fact_id", "evidence"])
def test_spool_keeps_rows_with_lone_surrogates(tmp_path: Path, where: str) -> None:
    row: dict[str, Any] = {"fact_id": "f1", "subject": "S", "status": "single", "evidence": []}
    if where == "evidence":
        row["evidence"] = [{"article_id": "a1", "title": f"T{LONE}", "sentence": LONE}]
    else:
        row[where] = f"{row[where]}{LONE}"
    with OutputSpool(tmp_path / "spool.duckdb") as spool:
        spool.add("facts", row)
        (back,) = list(spool.sorted_rows("facts"))
    assert json.dumps(back, ensure_ascii=False).encode("utf-8")
    assert REPLACEMENT in json.dumps(back, ensure_ascii=False)
