"""Properties of reconciliation against naive oracles (hypothesis)."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from pipeline.reconcile import cluster_subjects, reconcile
from pipeline.reconcile.agree import agree
from pipeline.reconcile.subjects import _typo_pair
from pipeline.types import Claim, Evidence, Normalized, Qualifiers

SUBJECTS = ["Stargate", "Stargate Norway", "stargate norway", "AWS", "Amazon Web Services", "Meta"]
PREDICATES = {"investment": "USD", "power_capacity": "MW", "gpu_count": "gpu"}
VALUES = [30.0, 35.0, 230.0, 290.0, 520.0, 1e6, 1e9, 2e9, 2.1e9, 30e9, 100000.0]
ARTICLES = ["a1", "a2", "a3", "a4"]


@st.composite
def claims(draw: st.DrawFn) -> Claim:
    predicate = draw(st.sampled_from(sorted(PREDICATES)))
    unit = PREDICATES[predicate]
    value = draw(st.sampled_from(VALUES))
    article = draw(st.sampled_from(ARTICLES))
    start = draw(st.integers(0, 50))
    text = f"{value:g}"
    return Claim(
        subject=draw(st.sampled_from(SUBJECTS)),
        subject_type="project",
        predicate=predicate,
        value=value,
        value_max=None,
        unit=unit,
        normalized=Normalized(value, None, unit),
        qualifiers=Qualifiers(
            stage=draw(st.sampled_from([None, "initial", "target", "maximum"])),
            time=draw(st.sampled_from([None, "2026", "2030"])),
            approx=draw(st.booleans()),
            bound=draw(st.sampled_from([None, "min", "max"])),
        ),
        evidence=Evidence(article, start, start + len(text), text, f"S {text}.", value, unit),
        published=draw(st.sampled_from([None, "2025-01-02", "2025-06-30"])),
        source_key=draw(st.sampled_from([None, "fam"])),
        confidence=draw(st.sampled_from([0.3, 0.5, 0.9])),
    )


claim_lists = st.lists(claims(), min_size=1, max_size=25)


@settings(max_examples=60, deadline=None)
@given(claim_lists, st.randoms(use_true_random=False))
def test_claim_order_does_not_change_the_result(items: list[Claim], rnd: random.Random) -> None:
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert reconcile(shuffled) == reconcile(items)


@settings(max_examples=60, deadline=None)
@given(claim_lists)
def test_reconciling_the_facts_own_evidence_changes_nothing(items: list[Claim]) -> None:
    first = reconcile(items)
    again = reconcile([c for f in first.facts for c in f.claims])
    assert again == first
    assert sum(len(f.claims) for f in first.facts) == len(items)


@settings(max_examples=60, deadline=None)
@given(claim_lists, claim_lists)
def test_fact_ids_are_stable(items: list[Claim], more: list[Claim]) -> None:
    ids = {(f.subject, f.predicate, f.normalized.unit): f.fact_id for f in reconcile(items).facts}
    bigger = {
        (f.subject, f.predicate, f.normalized.unit): f.fact_id
        for f in reconcile(items + more).facts
    }
    for key, fid in ids.items():
        if key in bigger:
            assert bigger[key] == fid
    assert [f.fact_id for f in reconcile(items).facts] == sorted(ids.values())


@settings(max_examples=60, deadline=None)
@given(claim_lists)
def test_spread_and_conflicts(items: list[Claim]) -> None:
    result = reconcile(items)
    conflicted = {f.fact_id for f in result.facts if f.status == "conflict"}
    assert {c.fact_id for c in result.conflicts} == conflicted
    for conflict in result.conflicts:
        values = [c.value for c in conflict.candidates]
        assert conflict.spread == (max(values) - min(values)) / max(values)
        assert 0.0 <= conflict.spread < 1.0
        assert conflict.resolution.value in values
    for fact in result.facts:
        assert 0.0 <= fact.confidence <= 1.0
        assert fact.fact_id not in conflicted or fact.alternatives


@settings(max_examples=60, deadline=None)
@given(claims(), claims())
def test_agreement_is_symmetric(a: Claim, b: Claim) -> None:
    assert agree(a, b) == agree(b, a)


NAMES = st.sampled_from(
    [*SUBJECTS, "Microsoft", "Microsft", "Open AI", "OpenAI", "d’OpenAI", "Stargate UAE"]
)


@settings(max_examples=60, deadline=None)
@given(NAMES, NAMES)
def test_scorer_is_symmetric(a: str, b: str) -> None:
    assert fuzz.token_sort_ratio(a, b) == fuzz.token_sort_ratio(b, a)

    def typo(x: str, y: str) -> bool:
        return _typo_pair(x, y, scorer=fuzz.token_sort_ratio, cutoff=90.0, token_cutoff=80.0)

    assert typo(a.lower(), b.lower()) == typo(b.lower(), a.lower())
    assert cluster_subjects([a, b]) == cluster_subjects([b, a])


@settings(max_examples=40, deadline=None)
@given(st.lists(NAMES, min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_subject_clusters_do_not_depend_on_order(names: list[str], rnd: random.Random) -> None:
    shuffled = list(names)
    rnd.shuffle(shuffled)
    assert cluster_subjects(shuffled) == cluster_subjects(names)
