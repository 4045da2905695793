"""Canonical subject names, gazetteer patterns and the facts language data."""

from __future__ import annotations

import pytest

from pipeline.facts import canonical_name, subject_patterns
from pipeline.facts.names import gazetteer, gazetteer_lookup, subject_lexicon
from pipeline.lang import load_lang_file

LANGS = ("fr", "en")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("d’OpenAI", "OpenAI"),
        ("d'OpenAI", "OpenAI"),
        ("l’Union européenne", "Union européenne"),
        ("projet Stargate Norway", "Stargate Norway"),
        ("le projet « Stargate Norway »", "Stargate Norway"),
        ("du groupe Aker", "Aker"),
        ("Aker ASA", "Aker"),
        ("la start-up Nscale", "Nscale"),
        ("AWS", "Amazon Web Services"),
        ("  Stargate   UAE ", "Stargate UAE"),
        ("Stargate", "Stargate"),
        ("la société Kvandal Data SA", "Kvandal Data"),
        ("le programme européen", "programme européen"),
        ("NVIDIA", "Nvidia"),
        # A weekday the parser ran into the name ("a racheté la société Orka lundi").
        ("la société Orka lundi", "Orka"),
        ("Brenna Systèmes mardi", "Brenna Systèmes"),
    ],
)
def test_canonical_name_fr(name: str, expected: str) -> None:
    assert canonical_name(name, "fr") == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("the Stargate UAE project", "Stargate UAE"),
        ("the Fairwater data center", "Fairwater"),
        ("the company Nscale", "Nscale"),
        ("Oracle Corp.", "Oracle"),
        ("Acme Robotics Inc.", "Acme Robotics"),
        ("the startup Mistral AI", "Mistral AI"),
        ("Amazon Web Services", "Amazon Web Services"),
        ("Meta Platforms", "Meta"),
        ("“Colossus”", "Colossus"),
        ("Orka Labs Monday", "Orka Labs"),
    ],
)
def test_canonical_name_en(name: str, expected: str) -> None:
    assert canonical_name(name, "en") == expected


@pytest.mark.parametrize("name", ["Stargate", "Stargate Norway", "Stargate UAE"])
def test_names_sharing_a_word_stay_distinct(name: str) -> None:
    assert canonical_name(name, "fr") == name
    entry = gazetteer_lookup(name)
    assert entry is not None
    assert entry.type == "project"


@pytest.mark.parametrize("lang", LANGS)
def test_canonical_name_is_idempotent(lang: str) -> None:
    for raw in ("d’OpenAI", "le groupe Aker", "AWS", "projet Stargate Norway", "the firm xAI"):
        once = canonical_name(raw, lang)
        assert canonical_name(once, lang) == once


@pytest.mark.parametrize("lang", LANGS)
def test_subject_patterns_carry_canonical_ids(lang: str) -> None:
    patterns = subject_patterns(lang)
    by_surface = {p["pattern"]: p for p in patterns}
    assert by_surface["Stargate Norway"]["label"] == "PROJECT"
    assert by_surface["AWS"]["id"] == "Amazon Web Services"
    assert by_surface["Nscale"]["label"] == "ORG"
    assert by_surface["Hyperion"]["label"] == "FAC"
    assert len(by_surface) == len(patterns)


def test_gazetteer_aliases_are_unambiguous() -> None:
    seen: dict[str, str] = {}
    for entry in gazetteer():
        for surface in (entry.name, *entry.aliases):
            key = surface.casefold()
            assert seen.setdefault(key, entry.name) == entry.name, surface
        if entry.owner is not None:
            assert gazetteer_lookup(entry.owner) is not None, entry.owner


@pytest.mark.parametrize("name", ["subjects", "predicates", "stages"])
def test_language_files_have_the_same_keys(name: str) -> None:
    keys = [set(load_lang_file(lang, name)) for lang in LANGS]
    assert keys[0] == keys[1]


@pytest.mark.parametrize("lang", LANGS)
def test_subject_lexicon_loads(lang: str) -> None:
    lex = subject_lexicon(lang)
    assert lex.anaphora
    assert lex.counterparty_markers
    assert all(0 <= i <= 2 for _, i in lex.ordinals)


@pytest.mark.parametrize(
    ("raw", "lang", "expected"),
    [
        ("Nordlys AI Campus", "en", "Nordlys AI Campus"),  # capitalised: part of the name
        ("the Tordal campus", "en", "Tordal"),  # lower-case cue word: stripped
        ("## Orbis Cloud", "fr", "Orbis Cloud"),  # Markdown heading marks
    ],
)
def test_canonical_name_keeps_capitalised_final_words(raw: str, lang: str, expected: str) -> None:
    assert canonical_name(raw, lang) == expected
