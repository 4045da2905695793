"""Growth of the analysis time with the size of texts dense with figures.

Each input is doubled from 8 KB to 256 KB: a table of MW values, a list of
percentages, a column of dollar amounts, French money ("12,5 millions d'euros"),
French and English dates, and ordinary prose (synthetic articles, ``synth.py``) as a
control. For each size the full analysis of one article (``analyse_batch``: spaCy,
extraction, mentions, claims) and the extraction alone (``find_quantities``) are
timed, best of a few repeats, in CPU seconds of this process (``time.process_time``:
other work on a shared machine does not move it) and in wall seconds; the table gives
them and the growth per doubling (2.0 is linear, 4.0 quadratic)::

    python benchmarks/dense_growth.py [--quick] [--max-kb 256] [--repeat 3]
        [--inputs mw,percent,...] [--limit 2.2] [--clock cpu|wall]

Exits 1 when a growth ratio of the full analysis exceeds ``--limit`` (2.2) on
``--clock`` (CPU by default), or one of the extraction does where its time is large
enough to measure (``--min-seconds``).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from types import ModuleType
from typing import Any

from pipeline.analyse import analyse_batch
from pipeline.extract import find_quantities
from pipeline.types import Article

PROJECT = Path(__file__).resolve().parent.parent
KB = 1024


@dataclass(frozen=True, slots=True)
class Dense:
    """One input: a repeated unit of text, in one language."""

    name: str
    lang: str
    unit: str


INPUTS: tuple[Dense, ...] = (
    Dense("mw", "en", "5 MW, "),
    Dense("percent", "fr", "12 %, "),
    Dense("dollars", "en", "$12.5 million\n"),
    Dense("fr_money", "fr", "12,5 millions d'euros, "),
    Dense("fr_dates", "fr", "le 3 octobre 2025, "),
    Dense("en_dates", "en", "October 3, 2025, "),
)
PROSE = "prose"


def _synth() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "newsfacts_bench_synth", PROJECT / "benchmarks" / "synth.py"
    )
    if spec is None or spec.loader is None:
        raise ImportError("benchmarks/synth.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def dense_text(unit: str, size: int) -> str:
    """``unit`` repeated as many whole times as ``size`` characters hold (a unit cut in
    two would end the text with another kind of figure at some sizes and not others)."""
    return unit * (size // len(unit))


def prose_text(size: int) -> str:
    """French synthetic articles, paragraph after paragraph, cut to ``size`` characters
    at a paragraph end (or exactly, when one article is longer)."""
    out: list[str] = []
    total = 0
    seed = 0
    while total < size:
        for article in _synth().generate(50, seed=seed, fr_share=1.0):
            out.append(article.text)
            total += len(article.text) + 2
            if total >= size:
                break
        seed += 1
    return "\n\n".join(out)[:size]


def text_of(name: str, size: int) -> tuple[str, str]:
    """The text and language of input ``name`` at ``size`` characters."""
    if name == PROSE:
        return prose_text(size), "fr"
    dense = next(d for d in INPUTS if d.name == name)
    return dense_text(dense.unit, size), dense.lang


@dataclass(frozen=True, slots=True)
class Timing:
    cpu: float
    wall: float

    def on(self, clock: str) -> float:
        return self.cpu if clock == "cpu" else self.wall


def best_time(fn: Callable[[], Any], repeat: int) -> Timing:
    """The fastest of ``repeat`` runs, in CPU and in wall seconds (each its own best)."""
    cpu = wall = float("inf")
    for _ in range(max(repeat, 1)):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        cpu = min(cpu, time.process_time() - started_cpu)
        wall = min(wall, time.perf_counter() - started)
    return Timing(cpu, wall)


def full_analysis(text: str, lang: str) -> Callable[[], Any]:
    article = Article(id="dense", text=text, source="bench", lang=lang)
    return lambda: analyse_batch([article], lang=lang, currency="USD", model=None)


def extraction(text: str, lang: str) -> Callable[[], Any]:
    return lambda: find_quantities(text, lang)


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    kb: int
    full: Timing
    extract: Timing
    mentions: int


def measure(name: str, sizes: Sequence[int], *, repeat: int, cheap: float) -> list[Row]:
    """Timings of input ``name`` at each size (KB); full analyses shorter than
    ``cheap`` wall seconds are repeated ``repeat`` times, longer ones once."""
    rows: list[Row] = []
    for kb in sizes:
        text, lang = text_of(name, kb * KB)
        go = full_analysis(text, lang)
        full = best_time(go, 1)
        if full.wall < cheap and repeat > 1:
            more = best_time(go, repeat - 1)
            full = Timing(min(full.cpu, more.cpu), min(full.wall, more.wall))
        ext = best_time(extraction(text, lang), repeat)
        mentions = len(find_quantities(text, lang))
        rows.append(Row(name, kb, full, ext, mentions))
        print(
            f"  {name} {kb} KB: full {full.cpu:.2f} s CPU ({full.wall:.2f} s wall), "
            f"extraction {ext.cpu:.3f} s CPU, {mentions} mentions",
            flush=True,
        )
    return rows


def ratios(values: Sequence[float]) -> list[float]:
    return [b / a if a > 0 else float("inf") for a, b in pairwise(values)]


def table(rows_by_input: dict[str, list[Row]]) -> str:
    """A Markdown table: per input, the full analysis (CPU and wall seconds) and the
    extraction (CPU seconds) at each size, and their growth per doubling."""
    sizes = [r.kb for r in next(iter(rows_by_input.values()))]
    head = "| input | " + " | ".join(f"{kb} KB" for kb in sizes) + " | growth per doubling |"
    lines = [head, "|---" * (len(sizes) + 2) + "|"]
    for name, rows in rows_by_input.items():
        for label, values in (
            ("full, CPU s", [r.full.cpu for r in rows]),
            ("full, wall s", [r.full.wall for r in rows]),
            ("extraction, CPU s", [r.extract.cpu for r in rows]),
        ):
            growth = ", ".join(f"{x:.2f}" for x in ratios(values))
            cells = " | ".join(f"{v:.3f}" for v in values)
            lines.append(f"| {name} {label} | {cells} | {growth} |")
        lines.append(f"| {name} mentions | " + " | ".join(str(r.mentions) for r in rows) + " | |")
    return "\n".join(lines)


def failures(
    rows_by_input: dict[str, list[Row]], *, limit: float, min_seconds: float, clock: str
) -> list[str]:
    """Growth ratios above ``limit`` on ``clock``: every one of the full analysis, those
    of the extraction whose larger time is at least ``min_seconds`` (below, timer noise)."""
    out: list[str] = []
    for name, rows in rows_by_input.items():
        for a, b in pairwise(rows):
            full_a, full_b = a.full.on(clock), b.full.on(clock)
            if full_a > 0 and full_b / full_a > limit:
                out.append(f"{name} full {a.kb}->{b.kb} KB: x{full_b / full_a:.2f}")
            ext_a, ext_b = a.extract.on(clock), b.extract.on(clock)
            if ext_b >= min_seconds and ext_a > 0 and ext_b / ext_a > limit:
                out.append(f"{name} extraction {a.kb}->{b.kb} KB: x{ext_b / ext_a:.2f}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8 to 64 KB, two repeats")
    parser.add_argument("--min-kb", type=int, default=8)
    parser.add_argument("--max-kb", type=int, default=256)
    parser.add_argument("--repeat", type=int, default=3, help="timings per cheap figure")
    parser.add_argument(
        "--cheap", type=float, default=20.0, help="repeat full analyses shorter than this (s)"
    )
    parser.add_argument(
        "--inputs",
        default=",".join([*(d.name for d in INPUTS), PROSE]),
        help="comma-separated input names",
    )
    parser.add_argument("--limit", type=float, default=2.2, help="largest growth per doubling")
    parser.add_argument(
        "--min-seconds", type=float, default=0.05, help="extraction ratios checked from this time"
    )
    parser.add_argument(
        "--clock", choices=("cpu", "wall"), default="cpu", help="the timings the limit applies to"
    )
    args = parser.parse_args(argv)
    max_kb = min(args.max_kb, 64) if args.quick else args.max_kb
    repeat = min(args.repeat, 2) if args.quick else args.repeat
    sizes = []
    kb = args.min_kb
    while kb <= max_kb:
        sizes.append(kb)
        kb *= 2
    names = [n for n in args.inputs.split(",") if n]
    known = {d.name for d in INPUTS} | {PROSE}
    unknown = sorted(set(names) - known)
    if unknown:
        parser.error(f"unknown inputs {unknown}; known: {sorted(known)}")
    if len(sizes) < 2:
        parser.error("give at least two sizes (--min-kb, --max-kb)")
    # models loaded before any timing
    for lang in sorted({text_of(n, 64)[1] for n in names}):
        full_analysis("Le 3 octobre 2025, 5 MW.", lang)()
    rows_by_input = {name: measure(name, sizes, repeat=repeat, cheap=args.cheap) for name in names}
    print()
    print(table(rows_by_input))
    bad = failures(rows_by_input, limit=args.limit, min_seconds=args.min_seconds, clock=args.clock)
    print()
    if bad:
        print(f"growth above x{args.limit} per doubling ({args.clock} time):")
        for line in bad:
            print(f"  {line}")
        return 1
    print(f"every growth per doubling is at most x{args.limit} ({args.clock} time)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
