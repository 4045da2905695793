"""Long records are analysed in windows: offsets stay exact, nothing is dropped, one
failing article is quarantined alone.

The window functions are pure and tested by properties; the analysis tests shrink
``WINDOW_CHARS`` so that a text of a few thousand characters takes several windows; the
end-to-end test runs the command on a record longer than spaCy's ``max_length``.
"""

from __future__ import annotations

import base64
import json
import random
import subprocess
import sys
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline.analyse as analyse
from pipeline.analyse import (
    ArticleOutcome,
    analyse_batch,
    window_end,
    windows,
)
from pipeline.reconcile import article_fingerprint
from pipeline.reconcile.duplicates import text_fingerprint
from pipeline.types import Article

PROJECT = Path(__file__).resolve().parent.parent

TITLE = "Nordlys AI Campus : le projet norvégien change d'échelle"
PARAGRAPHS = (
    "OpenAI investira {n} milliards d'euros dans un campus de 230 MW en Norvège, "
    "a annoncé la société le 3 octobre 2025.",
    "Le site accueillera 100 000 GPU Nvidia d'ici 2026. Selon M. Dupont, la puissance "
    "atteindra {n}20 MW à terme.",
    "Mistral AI a levé 1,7 milliard d'euros auprès d'ASML, qui détient désormais 11 % du "
    "capital. L'opération valorise l'entreprise à {n} milliards d'euros.",
    "Le campus emploiera {n}00 personnes et couvrira 15 hectares près de Narvik. Les "
    "travaux dureront deux ans, selon le maître d'ouvrage.",
)


def report(paragraphs: int, *, seed: int = 0) -> str:
    """A long French text: a title line, then paragraphs of figures (some run together
    on one line, so that windows are also cut at sentence ends)."""
    rng = random.Random(seed)
    parts = [TITLE, "\n\n"]
    for i in range(paragraphs):
        parts.append(PARAGRAPHS[i % len(PARAGRAPHS)].format(n=rng.randrange(2, 9)))
        parts.append(rng.choice(["\n\n", "\n", " ", " "]))
    return "".join(parts)


# --------------------------------------------------------------------------- windows

TEXT_CHARS = st.sampled_from([*"ab1é.,;!?\u00a0 \t\n\r«»'", "MW", "Inc.", "M. ", "\n\n"])


def _is_hard_cut(text: str, start: int, end: int, size: int) -> bool:
    """A cut where a window holding no whitespace at all reached its size."""
    return end - start == size and not any(c.isspace() for c in text[start:end])


@settings(max_examples=400, deadline=None)
@given(text=st.lists(TEXT_CHARS, max_size=80).map("".join), size=st.integers(1, 30))
def test_windows_cover_the_text_in_order_and_never_cut_a_word(text: str, size: int) -> None:
    spans = windows(text, size=size)
    assert spans[0][0] == 0
    assert spans[-1][1] == len(text)
    for (_, end), (start, _) in pairwise(spans):
        assert end == start
    for start, end in spans:
        assert end - start <= size
        assert end > start or text == ""
    for start, end in spans[:-1]:
        assert text[end - 1].isspace() or _is_hard_cut(text, start, end, size), (start, end)


@pytest.mark.parametrize(
    ("text", "size", "expected"),
    [
        # a paragraph break beats a line break, a sentence end and a space
        ("Un deux.\nTrois.\n\nQuatre cinq six. Sept huit", 24, ["Un deux.\nTrois.\n\n"]),
        # a line break beats a sentence end
        ("Un deux. Trois quatre.\nCinq six sept huit neuf", 26, ["Un deux. Trois quatre.\n"]),
        # a sentence end beats a later space; an initial ("M. Dupont") ends no sentence
        ("Un deux trois quatre. Cinq M. Dupont six sept", 30, ["Un deux trois quatre. "]),
        # a lowercase word after the period: not a sentence end
        ("Alpha beta gamma Inc. said delta epsilon", 30, ["Alpha beta gamma Inc. said "]),
        # a space touching a figure is not taken when another is there
        ("Le site de 1 200 MW et plus", 16, ["Le site "]),
        # no whitespace at all: cut at the size
        ("x" * 25, 10, ["x" * 10]),
        # the text fits
        ("court", 10, ["court"]),
    ],
)
def test_window_end_prefers_paragraphs_then_lines_then_sentences(
    text: str, size: int, expected: list[str]
) -> None:
    assert text[: window_end(text, 0, size=size)] == expected[0]


@pytest.mark.parametrize(
    ("figure", "separator"),
    [
        # with sentence ends, a window ends at one
        ("1 200 MW", ". "),
        ("3,5 milliards d'euros", ". "),
        ("$4.5 billion", ". "),
        ("100\u00a0000 GPU", ". "),
        # without, at a space that touches no digit
        ("1 200 MW", " "),
        ("1,200 MW", " "),
        ("$4.5 billion", " "),
        ("100\u00a0000 GPU", " "),
        ("52 %", " "),
    ],
)
def test_windows_never_cut_inside_a_figure(figure: str, separator: str) -> None:
    lead = "Le projet de "
    sentence = f"{lead}{figure} avance"
    text = separator.join([sentence] * 40) + "."
    step = len(sentence) + len(separator)
    inside = {
        i + offset
        for i in range(0, len(text), step)
        for offset in range(len(lead) + 1, len(lead) + len(figure))
    }
    for size in range(2 * step, 2 * step + 60, 7):
        cuts = {end for _, end in windows(text, size=size)[:-1]}
        assert not cuts & inside, (size, sorted(cuts & inside))


@pytest.mark.parametrize("size", [0, -5])
def test_a_window_size_below_one_is_refused(size: int) -> None:
    with pytest.raises(ValueError, match="Window size must be at least 1"):
        windows("abc", size=size)


# --------------------------------------------------------------------------- fingerprint

WORDS = st.sampled_from(["a", "b", "c", "Éd", "x1", "—", "l'État", "\n\n", ".", "ß", "ﬁn"])


@settings(max_examples=300, deadline=None)
@given(words=st.lists(WORDS, max_size=60), chunk=st.integers(1, 9))
def test_fingerprint_in_chunks_is_the_fingerprint_of_the_whole(
    words: list[str], chunk: int
) -> None:
    text = " ".join(words)
    assert text_fingerprint(text, words=chunk, at_once=0) == article_fingerprint(text)


@pytest.mark.parametrize("chunk", [0, -1])
def test_a_fingerprint_chunk_below_one_word_is_refused(chunk: int) -> None:
    with pytest.raises(ValueError, match="at least 1 word"):
        text_fingerprint("un deux trois", words=chunk, at_once=0)


# --------------------------------------------------------------------------- analysis


def _analyse(*articles: Article) -> list[ArticleOutcome]:
    return analyse_batch(list(articles), lang="fr", currency="EUR", model=None)


def _key(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[k] for k in ("start", "end", "text", "kind", "value", "unit", "date"))


@pytest.mark.slow
@pytest.mark.parametrize("window", [1_500, 4_000])
def test_a_long_text_is_analysed_in_windows_with_exact_offsets(
    monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    text = report(120)
    monkeypatch.setattr(analyse, "WINDOW_CHARS", window)
    spans = windows(text, size=window)
    assert len(spans) > 2
    [whole] = _analyse(Article(id="long", text=text, source="t", published="2025-10-03"))
    assert whole.row["status"] == "ok"
    assert whole.mentions
    assert whole.claims
    starts = [a for a, _ in spans]
    for m in whole.mentions:
        assert text[m["start"] : m["end"]] == m["text"]
        a, b = spans[max(i for i, s in enumerate(starts) if s <= m["start"])]
        assert m["sentence"] in text[a:b]
    for c in whole.claims:
        e = c.evidence
        assert text[e.start : e.end] == e.text
        assert text[e.sentence_start : e.sentence_start + len(e.sentence)] == e.sentence
    # the same windows analysed as articles of their own find the same figures
    alone = _analyse(
        *(Article(id="long", text=text[a:b], source="t", published="2025-10-03") for a, b in spans)
    )
    shifted = [
        (m["start"] + a, m["end"] + a, *_key(m)[2:])
        for (a, _), o in zip(spans, alone, strict=True)
        for m in o.mentions
    ]
    assert [_key(m) for m in whole.mentions] == shifted
    assert whole.fingerprint == article_fingerprint(text)


@pytest.mark.slow
def test_later_windows_are_given_the_title_line(monkeypatch: pytest.MonkeyPatch) -> None:
    # the last paragraph names no company: its figure is about the article's topic
    text = report(40) + "\n\nLe chantier mobilisera 450 millions d'euros supplémentaires."
    monkeypatch.setattr(analyse, "WINDOW_CHARS", 1_200)
    [outcome] = _analyse(Article(id="t", text=text, source="t", published="2025-10-03"))
    last = [c for c in outcome.claims if c.evidence.text.startswith("450")]
    assert [c.subject for c in last] == ["Nordlys AI Campus"]
    starts = [m["start"] for m in outcome.mentions]
    assert starts == sorted(set(starts))  # nothing read twice, nothing from the title copies


def _text_of(arg: object) -> str:
    if isinstance(arg, Article):
        return arg.text
    return arg if isinstance(arg, str) else ""


def _raise_on(marker: str, real: Callable[..., Any]) -> Callable[..., Any]:
    """``real``, raising for a call given an article or a text holding ``marker``."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if any(marker in _text_of(a) for a in args):
            raise RuntimeError("boom")
        return real(*args, **kwargs)

    return wrapper


@pytest.mark.slow
@pytest.mark.parametrize("where", ["_language_of", "_prepared", "_products", "_mentions_of"])
@pytest.mark.parametrize("long", [False, True])
def test_a_failing_article_is_quarantined_alone(
    monkeypatch: pytest.MonkeyPatch, where: str, long: bool
) -> None:
    monkeypatch.setattr(analyse, "WINDOW_CHARS", 1_000)
    monkeypatch.setattr(analyse, where, _raise_on("BOOM", getattr(analyse, where)))
    body = report(30 if long else 2)
    bad = body + "\n\nBOOM : 12 MW de plus."
    articles = [
        Article(id="a", text=body, source="t", lang="fr"),
        Article(id="bad", text=bad, source="t", lang="fr", title="T", url="https://x.test/1"),
        Article(id="c", text=body, source="t", lang="fr"),
    ]
    outcomes = _analyse(*articles)
    assert [o.row["article_id"] for o in outcomes] == ["a", "bad", "c"]
    assert [o.row["status"] for o in outcomes] == ["ok", "quarantined", "ok"]
    assert outcomes[1].row["reason"] == "internal error: RuntimeError: boom"
    assert (outcomes[1].row["title"], outcomes[1].row["url"]) == ("T", "https://x.test/1")
    assert outcomes[0].mentions


# --------------------------------------------------------------------------- end to end


def _long_record() -> str:
    """About 1.2 million characters: report paragraphs around an inlined base64 image
    (one run with no space, cut where it must be)."""
    blob = base64.b64encode(random.Random(7).randbytes(780_000)).decode()
    return f"{report(500)}\n\ndata:image/png;base64,{blob}\n\n{report(200, seed=1)}"


@pytest.mark.slow
def test_a_record_longer_than_spacy_allows_is_analysed(tmp_path: Path) -> None:
    long_text = _long_record()
    assert len(long_text) > 1_100_000
    records = [
        {"id": "r1", "lang": "fr", "published": "2025-10-03", "text": report(3, seed=2)},
        {"id": "long", "lang": "fr", "published": "2025-10-03", "text": long_text},
        {"id": "r2", "lang": "fr", "published": "2025-10-04", "text": report(2, seed=3)},
        {"id": "r3", "lang": "fr", "published": "2025-10-05", "text": report(4, seed=4)},
    ]
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", str(dump), "--out", str(out), "--quiet"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(x) for x in (out / "articles.jsonl").read_text().splitlines()]
    assert sorted(r["article_id"] for r in rows) == ["long", "r1", "r2", "r3"]
    assert {r["status"] for r in rows} == {"ok"}
    long_row = next(r for r in rows if r["article_id"] == "long")
    assert long_row["n_mentions"] > 1_000
    mentions = [json.loads(x) for x in (out / "mentions.jsonl").read_text().splitlines()]
    long_mentions = [m for m in mentions if m["article_id"] == "long"]
    assert len(long_mentions) == long_row["n_mentions"]
    assert all(long_text[m["start"] : m["end"]] == m["text"] for m in long_mentions)
