"""Analysis time linear in the text: dense figures, names and dates.

Two kinds of checks. The helpers that replaced loops over every figure or name (a
greedy choice among spans, span lookups, short-form occurrences, bounded sentences)
give what the plain loops give (hypothesis, against naive oracles). And the cost of
extraction and of the whole analysis grows like the text: the same dense input at
four times the size costs less than six times as much (quadratic would be sixteen),
counted in Python calls (deterministic) and in CPU time (best of three, so a slow spell
of a shared machine does not decide it).
"""

from __future__ import annotations

import cProfile
import pstats
import re
import time
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import find_quantities
from pipeline.extract.spans import keep_disjoint
from pipeline.factories import MAX_SENTENCE_TOKENS, bounded_heads
from pipeline.facts.spans import SpanIndex
from pipeline.facts.subjects import Candidate, _occurrences, _Ordinals, _resolve_ordinal

# ------------------------------------------------------------------ helpers vs oracles

spans_st = st.lists(
    st.tuples(st.integers(0, 60), st.integers(0, 12), st.integers(0, 4)), max_size=40
).map(lambda xs: [(s, s + n, r) for s, n, r in xs])


def naive_keep(items: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    kept: list[tuple[int, int, int]] = []
    for it in sorted(items, key=lambda x: (x[2], -(x[1] - x[0]))):
        if all(not (it[0] < k[1] and k[0] < it[1]) for k in kept):
            kept.append(it)
    return kept


@settings(max_examples=150, deadline=None)
@given(spans_st)
def test_keep_disjoint_is_the_greedy_loop(items: list[tuple[int, int, int]]) -> None:
    got = keep_disjoint(items, span=lambda x: (x[0], x[1]), rank=lambda x: (x[2], x[0] - x[1]))
    assert got == naive_keep(items)


@pytest.mark.parametrize("n", [9, 200])
def test_keep_disjoint_large_clusters(n: int) -> None:
    """Clusters larger than the pairwise threshold go through the binary search."""
    rng = np.random.default_rng(n)
    starts = rng.integers(0, n, size=n)
    items = [
        (int(s), int(s) + int(w), int(r))
        for s, w, r in zip(
            starts, rng.integers(0, 9, size=n), rng.integers(0, 3, size=n), strict=True
        )
    ]
    got = keep_disjoint(items, span=lambda x: (x[0], x[1]), rank=lambda x: (x[2], x[0] - x[1]))
    assert got == naive_keep(items)


@settings(max_examples=100, deadline=None)
@given(spans_st, spans_st, st.integers(-5, 80), st.integers(0, 30))
def test_span_index_answers_like_filters(
    items: list[tuple[int, int, int]],
    added: list[tuple[int, int, int]],
    lo: int,
    width: int,
) -> None:
    index = SpanIndex(items, lambda x: (x[0], x[1]))
    for it in added:
        index.add(it, (it[0], it[1]))
    every = items + added
    hi = lo + width
    assert index.starting(lo, hi) == [x for x in every if lo <= x[0] <= hi]
    assert index.ending(lo, hi) == [x for x in every if lo <= x[1] <= hi]
    assert index.within(lo, hi) == [x for x in every if lo <= x[0] and x[1] <= hi]
    overlapping = [x for x in every if x[0] < hi and lo < x[1]]
    assert index.overlapping(lo, hi) == overlapping
    assert index.overlaps(lo, hi) == bool(overlapping)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Redline", "Redline Data", "Data", "-", "'", "x", ",", " "]), max_size=30
    ),
    st.lists(st.sampled_from(["Redline", "Redline Data", "Acme", "Data Data"]), unique=True),
)
def test_occurrences_are_finditer_per_form(parts: list[str], forms: list[str]) -> None:
    text = " ".join(parts)
    expected = {
        f: [m.span() for m in re.finditer(rf"(?<![\w'’-]){re.escape(f)}(?![\w-])", text)]
        for f in forms
    }
    assert _occurrences(text, forms) == expected


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.booleans(), min_size=2, max_size=40),
    st.lists(
        st.tuples(
            st.integers(0, 39), st.integers(0, 3), st.sampled_from(["company", "site", "person"])
        ),
        max_size=12,
    ),
    st.integers(0, 1),
    st.booleans(),
)
def test_ordinals_resolve_like_the_plain_loop(
    breaks: list[bool], picks: list[tuple[int, int, str]], which: int, shuffled: bool
) -> None:
    """Each sentence's names read once give what reading them for each ordinal gives;
    names out of text order (``shuffled`` roots) take the plain way."""
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    words = [f"w{i}" for i in range(len(breaks))]
    doc = Doc(Vocab(), words=words, sent_starts=[True, *breaks[1:]])
    cands = []
    for k, (tok, name, kind) in enumerate(picks):
        i = min(tok, len(words) - 1)
        root = (len(words) - 1 - i) if shuffled and k % 2 else i
        start = doc[i].idx
        cands.append(Candidate(f"N{name}", kind, start, start + 2, root, "entity", 1.0))
    cands.sort(key=lambda c: c.start)
    ordinals = _Ordinals(doc, cands)
    for pos in range(0, len(doc.text) + 2, 3):
        assert ordinals.resolve(pos, which) == _resolve_ordinal(doc, cands, pos, which)


def random_parse(lengths: list[int], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Heads (absolute) of one random tree per sentence, and the sentence starts."""
    rng = np.random.default_rng(seed)
    heads: list[int] = []
    starts: list[int] = []
    for length in lengths:
        base = len(heads)
        starts.append(base)
        order = rng.permutation(length)
        sent = [0] * length
        for k, tok in enumerate(order):
            sent[tok] = tok if k == 0 else int(order[rng.integers(0, k)])
        heads.extend(base + h for h in sent)
    return np.array(heads, dtype=np.int64), np.array(starts, dtype=np.int64)


def piece_of(heads: np.ndarray, i: int) -> int:
    """The root above token ``i`` (checking there is no cycle)."""
    for _ in range(len(heads) + 1):
        if heads[i] == i:
            return i
        i = int(heads[i])
    raise AssertionError("cycle")


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(1, 60), min_size=1, max_size=6), st.integers(0, 10**6), st.integers(2, 25)
)
def test_bounded_heads_cut_long_sentences_only(lengths: list[int], seed: int, cap: int) -> None:
    heads, starts = random_parse(lengths, seed)
    marks = np.random.default_rng(seed + 1).random(len(heads)) < 0.2
    found = bounded_heads(heads, starts, marks, max_tokens=cap)
    if max(lengths) <= cap:
        assert found is None
        return
    assert found is not None
    new, roots = found
    # every token reaches a root; each root's tokens are contiguous and at most ``cap``
    tops = np.array([piece_of(new, i) for i in range(len(new))])
    for r in set(tops.tolist()):
        members = np.flatnonzero(tops == r)
        assert members.max() - members.min() + 1 == len(members) <= max(cap, 2)
    # short sentences are left alone, and arcs inside a piece are kept
    bounds = [*starts.tolist(), len(heads)]
    for a, b in pairwise(bounds):
        if b - a <= cap:
            assert (new[a:b] == heads[a:b]).all()
    changed = np.flatnonzero(new != heads)
    assert all(tops[i] == tops[new[i]] for i in range(len(new)))
    assert set(changed.tolist()) <= {i for i in range(len(new)) if tops[i] != tops[heads[i]]} | set(
        roots
    )


# ------------------------------------------------------------------ growth with size

KB = 1024


def dense(unit: str, kb: int) -> str:
    """``unit`` repeated whole to about ``kb`` KB."""
    return unit * (kb * KB // len(unit))


def python_calls(fn: Callable[[], Any]) -> int:
    """Python function calls made by ``fn``: a count of work that no machine load moves."""
    profiler = cProfile.Profile()
    profiler.runcall(fn)
    return int(pstats.Stats(profiler).total_calls)  # type: ignore[attr-defined]


def cpu_seconds(fn: Callable[[], Any], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        fn()
        best = min(best, time.process_time() - started)
    return best


# Four times the text: linear work is about 4x, quadratic 16x. Python calls are counted
# exactly (the fixed costs of a call keep linear growth just under 4x); CPU time is
# noisier, hence the wider bound.
MAX_CALL_GROWTH = 4.5
MAX_TIME_GROWTH = 6.0

DENSE = [
    pytest.param("5 MW, ", "en", id="mw-table"),
    pytest.param("12 %, ", "fr", id="percent-list"),
    pytest.param("$12.5 million\n", "en", id="dollar-column"),
    pytest.param("12,5 millions d'euros, ", "fr", id="fr-money"),
    pytest.param("le 3 octobre 2025, ", "fr", id="fr-dates"),
    pytest.param("October 3, 2025, ", "en", id="en-dates"),
    pytest.param("5 millions d'euros, 40 millions, ", "fr", id="implied-currency"),
    pytest.param("en 2025 et 2026, ", "fr", id="year-lists"),
]


@pytest.mark.parametrize(("unit", "lang"), DENSE)
def test_extraction_grows_linearly(unit: str, lang: str) -> None:
    small, large = dense(unit, 1), dense(unit, 4)
    # (this also compiles the language's patterns before anything is counted)
    assert len(find_quantities(large, lang)) >= 3 * len(find_quantities(small, lang)) > 0
    calls = python_calls(lambda: find_quantities(large, lang)) / python_calls(
        lambda: find_quantities(small, lang)
    )
    assert calls < MAX_CALL_GROWTH
    seconds = cpu_seconds(lambda: find_quantities(large, lang)) / cpu_seconds(
        lambda: find_quantities(small, lang)
    )
    assert seconds < MAX_TIME_GROWTH


@pytest.mark.slow
@pytest.mark.parametrize(
    ("unit", "lang"),
    [
        pytest.param("5 MW, ", "en", id="mw-table"),
        pytest.param("Nvidia invests $5 million in Acme, ", "en", id="names-money"),
    ],
)
def test_analysis_grows_linearly(unit: str, lang: str) -> None:
    """The whole analysis (spaCy, extraction, claims): a dense record four times longer
    costs four times as much, not sixteen; its sentences stay short."""
    from pipeline.analyse import analyse_batch
    from pipeline.nlp import load_pipeline
    from pipeline.types import Article

    def analyse(kb: int) -> Callable[[], Any]:
        article = Article(id="dense", text=dense(unit, kb), source="test", lang=lang)
        return lambda: analyse_batch([article], lang=lang, currency="USD", model=None)

    analyse(1)()  # models loaded before anything is counted
    doc = load_pipeline(lang)(dense(unit, 4))
    assert max(len(s) for s in doc.sents) <= MAX_SENTENCE_TOKENS
    calls = python_calls(analyse(4)) / python_calls(analyse(1))
    assert calls < MAX_CALL_GROWTH
    seconds = cpu_seconds(analyse(4), repeat=2) / cpu_seconds(analyse(1), repeat=2)
    assert seconds < MAX_TIME_GROWTH
