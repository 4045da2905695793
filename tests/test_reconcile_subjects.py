"""Subject alias clustering, the alias table data, and near-duplicate articles."""

from __future__ import annotations

import random
from collections import Counter

import pytest
import yaml

from pipeline.errors import ReconciliationError
from pipeline.lang import available_languages, load_lang_file
from pipeline.reconcile import article_fingerprint, cluster_subjects, duplicate_groups
from pipeline.reconcile.duplicates import NUM_PERM, similarity
from pipeline.reconcile.subjects import (
    ALIASES_PATH,
    LEADING_KEYS,
    SUFFIX_KEYS,
    clean_name,
    load_aliases,
    subject_key,
)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (
            ["Stargate", "Stargate Norway", "Stargate UAE"],
            {
                "Stargate": "Stargate",
                "Stargate Norway": "Stargate Norway",
                "Stargate UAE": "Stargate UAE",
            },
        ),
        (
            ["projet Stargate Norway", "stargate norway", "Stargate Norway", "Stargate Norway"],
            {
                "projet Stargate Norway": "Stargate Norway",
                "stargate norway": "Stargate Norway",
                "Stargate Norway": "Stargate Norway",
            },
        ),
        (
            ["AWS", "Amazon Web Services"],
            {"AWS": "Amazon Web Services", "Amazon Web Services": "Amazon Web Services"},
        ),
        (
            ["d’OpenAI", "Open AI", "OpenAI's"],
            {"d’OpenAI": "OpenAI", "Open AI": "OpenAI", "OpenAI's": "OpenAI"},
        ),
        (
            ["Microsoft", "Microsft", "Microsoft"],
            {"Microsoft": "Microsoft", "Microsft": "Microsoft"},
        ),
        (["Nscale", "Nscale", "NSCALE"], {"Nscale": "Nscale", "NSCALE": "Nscale"}),
        (["la société Aker", "Aker"], {"la société Aker": "Aker", "Aker": "Aker"}),
        (["Oracle", "Meta"], {"Oracle": "Oracle", "Meta": "Meta"}),
        (["Meta", "Beta"], {"Meta": "Meta", "Beta": "Beta"}),
        (
            ["Stargate UAE", "Stargate USA"],
            {"Stargate UAE": "Stargate UAE", "Stargate USA": "Stargate USA"},
        ),
        (["Grok 3", "Grok 4"], {"Grok 3": "Grok 3", "Grok 4": "Grok 4"}),
        (
            ["Énergie Verte", "energie verte", "Energie Verte"],
            {
                "Énergie Verte": "Energie Verte",
                "energie verte": "Energie Verte",
                "Energie Verte": "Energie Verte",
            },
        ),
        (["L'Oréal", "L’Oréal"], {"L'Oréal": "L'Oréal", "L’Oréal": "L'Oréal"}),
        (["", "Aker"], {"": "", "Aker": "Aker"}),
    ],
)
def test_cluster_subjects(names: list[str], expected: dict[str, str]) -> None:
    assert cluster_subjects(names) == expected


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("projet Stargate Norway", "Stargate Norway"),
        ("d’OpenAI", "OpenAI"),
        ("the company Nscale", "Nscale"),
        ("OpenAI's", "OpenAI"),
        ("« Stargate »", "Stargate"),
        ("Le", "Le"),
    ],
)
def test_clean_name(name: str, cleaned: str) -> None:
    assert clean_name(name) == cleaned


def test_a_custom_scorer_is_used() -> None:
    calls: list[tuple[str, str]] = []

    def never(
        a: str, b: str, *, processor: object = None, score_cutoff: float | None = None
    ) -> float:
        calls.append((a, b))
        return 0.0

    assert cluster_subjects(["Microsoft", "Microsft"], scorer=never) == {
        "Microsoft": "Microsoft",
        "Microsft": "Microsft",
    }
    assert calls


# --- the alias table is data: check it ---------------------------------------------


def _raw_table() -> dict[str, object]:
    with ALIASES_PATH.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict)
    return data


def test_alias_table_has_provenance() -> None:
    assert "# source:" in ALIASES_PATH.read_text(encoding="utf-8")


def test_alias_keys_are_unique() -> None:
    aliases = _raw_table()["aliases"]
    assert isinstance(aliases, dict)
    keys = Counter(subject_key(n) for name, others in aliases.items() for n in {name, *others})
    assert [k for k, n in keys.items() if n > 1] == []


def test_no_alias_extends_its_canonical_by_a_word_of_another_name() -> None:
    table = load_aliases()
    canon = set(table.canonical.values())
    for key, name in table.canonical.items():
        for other in canon - {name}:
            assert key != subject_key(other), (key, other)


def test_alias_table_holds_names_only() -> None:
    assert set(_raw_table()) == {"aliases"}


@pytest.mark.parametrize("lang", available_languages())
def test_subject_words_per_language(lang: str) -> None:
    data = load_lang_file(lang, "subjects")
    for key in (*LEADING_KEYS, *SUFFIX_KEYS):
        words = data[key]
        assert isinstance(words, list), key
        assert len(words) == len(set(words)), key
    for key in ("determiners", "name_heads"):
        assert data[key], key


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("le projet Stargate Norway", "Stargate Norway"),
        ("la société Aker", "Aker"),
        ("l’américain Halcyon", "Halcyon"),
        ("the startup Fernhill", "Fernhill"),
        ("of the company Nscale", "Nscale"),
        ("Nvidia'", "Nvidia"),
        ("Halcyon's", "Halcyon"),
    ],
)
def test_subject_words_come_from_the_language_files(name: str, cleaned: str) -> None:
    assert clean_name(name) == cleaned


# --- near-duplicate articles --------------------------------------------------------

_RNG = random.Random(7)
_VOCAB = [f"w{i}" for i in range(3000)]


def _text(seed: int, n: int = 400) -> str:
    rnd = random.Random(seed)
    return " ".join(rnd.choice(_VOCAB) for _ in range(n))


def _edit(text: str, *, every: int) -> str:
    words = text.split()
    return " ".join("changed" if i % every == 0 else w for i, w in enumerate(words))


BASE = _text(1)


def test_fingerprint_is_deterministic() -> None:
    fp = article_fingerprint(BASE)
    assert len(fp) == NUM_PERM
    assert fp == article_fingerprint(BASE)
    assert article_fingerprint("") == ()


@pytest.mark.parametrize(
    ("other", "same"),
    [
        (BASE, True),
        (BASE.upper(), True),
        (BASE + " Source: agency.", True),
        (_edit(BASE, every=100), True),
        (_edit(BASE, every=3), False),
        (_text(2), False),
    ],
)
def test_duplicate_groups(other: str, same: bool) -> None:
    fps = {"b": article_fingerprint(BASE), "a": article_fingerprint(other), "z": ()}
    groups = duplicate_groups(fps)
    assert (groups["b"] == groups["a"] == "a") is same
    assert groups["z"] == "z"


def test_duplicates_count_once_in_support() -> None:
    from pipeline.reconcile import reconcile
    from pipeline.types import Claim, Evidence, Normalized, Qualifiers

    def make(article: str, value: float) -> Claim:
        return Claim(
            "Nscale",
            "company",
            "jobs",
            value,
            None,
            "job",
            Normalized(value, None, "job"),
            Qualifiers(),
            Evidence(article, 0, 3, "x", "x.", value, "job"),
        )

    texts = {"a1": BASE, "a2": BASE + " copie", "a3": _text(3)}
    groups = duplicate_groups({k: article_fingerprint(v) for k, v in texts.items()})
    claims = [make("a1", 100), make("a2", 100), make("a3", 300)]
    (conflict,) = reconcile(claims, duplicates=groups).conflicts
    assert [c.support for c in conflict.candidates] == [1.0, 1.0]
    (conflict,) = reconcile(claims).conflicts
    assert [c.support for c in conflict.candidates] == [2.0, 1.0]


@pytest.mark.parametrize("threshold", [0.0, -1.0, 1.5])
def test_bad_threshold(threshold: float) -> None:
    with pytest.raises(ReconciliationError, match="threshold"):
        duplicate_groups({}, threshold=threshold)


def test_similarity_of_unrelated_lengths_is_zero() -> None:
    assert similarity((1, 2), (1, 2, 3)) == 0.0
