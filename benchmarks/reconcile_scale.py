"""Reconciliation time for large synthetic claim sets (100k and 1M claims by default).

Claims are built directly (no NLP): subjects with surface variants, several predicates,
agreeing figures, hedged ones, stage-qualified ones and conflicting ones, spread over
many articles. Prints one line per size; ``--profile`` adds the cProfile hot spots.

    python benchmarks/reconcile_scale.py --sizes 100000 1000000 [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import random
import resource
import time
from collections.abc import Sequence

from pipeline.reconcile import reconcile
from pipeline.types import Claim, Evidence, Normalized, Qualifiers, Stage

__all__ = ["main", "synthetic_claims", "time_reconcile"]

PREDICATES = (
    ("investment", "USD", 1e9),
    ("funding", "EUR", 2e8),
    ("power_capacity", "MW", 230.0),
    ("gpu_count", "gpu", 20000.0),
    ("jobs", "job", 400.0),
)
STAGES: tuple[Stage | None, ...] = (None, None, None, "initial", "target")
VARIANTS = ("{name}", "{name}", "{name}", "{lower}", "{name} SAS")
FACTORS = (1.0, 1.0, 1.0, 1.03, 1.5, 2.0)


def synthetic_claims(n: int, *, seed: int = 0, per_subject: int = 25) -> list[Claim]:
    """``n`` claims about ``n / per_subject`` subjects (deterministic for a seed)."""
    rng = random.Random(seed)
    n_subjects = max(1, n // per_subject)
    n_articles = max(1, n // 4)
    names = [f"Company {i:07d} Compute" for i in range(n_subjects)]
    out: list[Claim] = []
    for _ in range(n):
        s = rng.randrange(n_subjects)
        predicate, unit, base = PREDICATES[rng.randrange(len(PREDICATES))]
        name = rng.choice(VARIANTS).format(name=names[s], lower=names[s].lower())
        value = base * (1 + s % 7) * rng.choice(FACTORS)
        text = f"{value:g} {unit}"
        article = f"a{rng.randrange(n_articles)}"
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
                    stage=rng.choice(STAGES),
                    approx=rng.random() < 0.2,
                    bound="min" if rng.random() < 0.05 else None,
                ),
                evidence=Evidence(article, 10, 10 + len(text), text, f"It is {text}.", value, unit),
                published=f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
                source_key=article,
                confidence=rng.choice((0.4, 0.6, 0.8)),
            )
        )
    return out


def time_reconcile(
    claims: Sequence[Claim], *, profile: bool = False
) -> tuple[float, int, int, str]:
    """Seconds, facts, conflicts, and the profile table (empty unless ``profile``)."""
    gc.collect()
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    result = reconcile(claims)
    if profiler is not None:
        profiler.disable()
    seconds = time.perf_counter() - started
    table = ""
    if profiler is not None:
        buf = io.StringIO()
        pstats.Stats(profiler, stream=buf).sort_stats("cumulative").print_stats(25)
        table = buf.getvalue()
    return seconds, len(result.facts), len(result.conflicts), table


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="print cProfile hot spots")
    parser.add_argument("--target-s", type=float, default=60.0, help="target for the largest")
    args = parser.parse_args(argv)
    for n in args.sizes:
        t0 = time.perf_counter()
        claims = synthetic_claims(n, seed=args.seed)
        built = time.perf_counter() - t0
        seconds, facts, conflicts, table = time_reconcile(claims, profile=args.profile)
        rate = n / seconds if seconds else float("inf")
        print(
            f"{n:>9,} claims: reconcile {seconds:8.2f} s ({rate:,.0f} claims/s), "
            f"{facts:,} facts, {conflicts:,} conflicts; built in {built:.1f} s; "
            f"peak RSS {_peak_rss_mb():,.0f} MB"
        )
        if n == max(args.sizes):
            verdict = "met" if seconds <= args.target_s else "MISSED"
            print(f"target {args.target_s:.0f} s for {n:,} claims: {verdict}")
        if table:
            print(table)
        del claims
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
