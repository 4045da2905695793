"""Phrase matching: the indexed ``find_phrases`` against one ``finditer`` per pattern."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.facts.predicates import _cue_patterns
from pipeline.facts.qualifiers import _stage_patterns
from pipeline.facts.subjects import _patterns
from pipeline.facts.text import PhraseHit, Phrases, compile_phrases, find_phrases, fold

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "sample"


def by_finditer(folded: str, phrases: Phrases, start: int = 0, end: int = -1) -> list[PhraseHit]:
    """The plain definition: each pattern scanned over the span on its own."""
    stop = len(folded) if end < 0 else end
    hits = [
        PhraseHit(tag, m.start(), m.end())
        for tag, rx in phrases.patterns
        for m in rx.finditer(folded, start, stop)
    ]
    return sorted(hits, key=lambda h: (h.start, -h.end))


def test_a_phrase_is_found_whole_words_only_and_longest_first() -> None:
    phrases = compile_phrases([("fund", "levée"), ("fund", "levée de fonds"), ("deal", "accord")])
    text = fold("La levée de fonds et l'accord; prélevée, accords.")
    assert [(h.tag, text[h.start : h.end]) for h in find_phrases(text, phrases)] == [
        ("fund", "levée de fonds"),
        ("deal", "accord"),
    ]


def test_prefix_phrases_take_the_rest_of_the_word() -> None:
    phrases = compile_phrases([("invest", "invest")], prefix=True)
    text = "ils investiront; réinvestir"
    assert [text[h.start : h.end] for h in find_phrases(text, phrases)] == ["investiront"]


def test_overlapping_hits_of_different_patterns_are_all_kept_in_pattern_order() -> None:
    stems = compile_phrases([("invest", "invest")], prefix=True)
    words = compile_phrases([("fund", "investors"), ("other", "investors")])
    text = "the investors said"
    assert find_phrases(text, stems + words) == [
        PhraseHit("invest", 4, 13),
        PhraseHit("fund", 4, 13),
        PhraseHit("other", 4, 13),
    ]


def test_a_span_limits_matches_and_lookbehind_sees_before_it() -> None:
    phrases = compile_phrases([("x", "ab")])
    text = "cab ab ab"
    assert find_phrases(text, phrases, start=1, end=3) == []  # "ab" of "cab": inside a word
    assert find_phrases(text, phrases, start=4, end=6) == [PhraseHit("x", 4, 6)]
    assert find_phrases(text, phrases, start=4, end=5) == []


def test_no_phrases_finds_nothing() -> None:
    empty = compile_phrases([("x", "  ")])
    assert empty.patterns == ()
    assert find_phrases("anything at all", empty) == []


def test_keys_must_match_patterns() -> None:
    with pytest.raises(ValueError, match="one key set per pattern"):
        Phrases(compile_phrases([("x", "ab")]).patterns, ())


_CHARS = "abé' -"
_phrase = st.text(alphabet=_CHARS, min_size=1, max_size=6).filter(lambda p: p.strip() != "")


@settings(max_examples=400, deadline=None)
@given(
    tagged=st.lists(st.tuples(st.sampled_from("xyz"), _phrase), min_size=1, max_size=8),
    prefix=st.booleans(),
    text=st.text(alphabet=_CHARS + "\nA.", max_size=40),
    bounds=st.tuples(st.integers(0, 40), st.integers(-1, 40)),
)
def test_same_hits_as_one_finditer_per_pattern(
    tagged: list[tuple[str, str]], prefix: bool, text: str, bounds: tuple[int, int]
) -> None:
    phrases = compile_phrases(tagged, prefix=prefix)
    folded = fold(text)
    start, end = min(bounds[0], len(folded)), bounds[1]
    if end >= 0:
        end = max(start, min(end, len(folded)))
    assert find_phrases(folded, phrases, start=start, end=end) == by_finditer(
        folded, phrases, start, end
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_same_hits_with_the_shipped_lexicons_on_the_sample_corpus(lang: str) -> None:
    texts = [fold(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.rglob("*.txt"))]
    assert texts, "the sample corpus has text articles"
    lexicons = [_cue_patterns(lang), _stage_patterns(lang)]
    lexicons += [_patterns(lang).epithets, _patterns(lang).ordinals]
    found = 0
    for phrases in lexicons:
        for folded in texts:
            hits = find_phrases(folded, phrases)
            assert hits == by_finditer(folded, phrases)
            found += len(hits)
    assert found > 0
