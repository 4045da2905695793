"""Speed of reconciliation on synthetic claims (the 1,000,000-claim figure is measured
outside the suite with :func:`synthetic_claims`; here 20,000 claims, bounded generously)."""

from __future__ import annotations

import random
import time

import pytest

from pipeline.reconcile import reconcile
from pipeline.types import Claim, Evidence, Normalized, Qualifiers, Stage

_PREDICATES = (
    ("investment", "USD"),
    ("power_capacity", "MW"),
    ("gpu_count", "gpu"),
    ("jobs", "job"),
)
_STAGES: tuple[Stage | None, ...] = (None, None, None, "initial", "target")


def synthetic_claims(n: int, *, seed: int = 0, per_subject: int = 20) -> list[Claim]:
    """``n`` claims about ``n / per_subject`` subjects, with agreeing, hedged and conflicting
    figures, surface variants of the names and several articles per group."""
    rnd = random.Random(seed)
    n_subjects = max(1, n // per_subject)
    base = [rnd.choice((30.0, 230.0, 1e9, 2.5e9, 100000.0)) for _ in range(n_subjects)]
    out: list[Claim] = []
    for i in range(n):
        s = rnd.randrange(n_subjects)
        predicate, unit = _PREDICATES[s % len(_PREDICATES)]
        name = f"Company {s}" if rnd.random() < 0.8 else f"company {s}"
        value = base[s] * rnd.choice((1.0, 1.0, 1.0, 1.04, 2.0, 1000.0))
        article = f"a{rnd.randrange(n // 5 + 1)}"
        text = f"{value:g} {unit}"
        out.append(
            Claim(
                subject=name,
                subject_type="company",
                predicate=predicate,
                value=value,
                value_max=None,
                unit=unit,
                normalized=Normalized(value, None, unit),
                qualifiers=Qualifiers(
                    stage=rnd.choice(_STAGES),
                    approx=rnd.random() < 0.2,
                    bound="min" if rnd.random() < 0.05 else None,
                ),
                evidence=Evidence(article, i % 1000, i % 1000 + len(text), text, text, value, unit),
                published=f"2025-{rnd.randrange(1, 13):02d}-01",
                confidence=rnd.choice((0.4, 0.6, 0.8)),
            )
        )
    return out


@pytest.mark.parametrize("n", [20_000])
def test_reconcile_speed(n: int) -> None:
    claims = synthetic_claims(n, seed=1)
    t0 = time.perf_counter()
    result = reconcile(claims)
    elapsed = time.perf_counter() - t0
    assert sum(len(f.claims) for f in result.facts) == n
    assert len(result.facts) == n // 20
    assert result.conflicts
    assert elapsed < 30.0, f"{n} claims took {elapsed:.1f} s"
