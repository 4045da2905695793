"""Throughput of newsfacts against bare spaCy, its extraction stage, Recognizers-Text,
and ``newsfacts run`` with 1 and 2 workers; peak RSS per worker.

Texts: the seed articles (``../shared/seeds``, when present) and French synthetic
articles from ``benchmarks/synth.py``; every in-process figure is measured on the same
texts, after a warm-up, in one process::

    python benchmarks/throughput.py [--synthetic 200] [--repeat 3] [--run-articles 4000]
        [--profile]

Words are whitespace-separated tokens of the article texts. The 1 -> 2 worker figure
is taken on a dump large enough for the one-off startup (workers importing and loading
their models) not to decide it; a one-batch run gives that startup, and the rate past it.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from pipeline.analyse import analyse_batch
from pipeline.runner import BATCH_SIZE
from pipeline.types import Article

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT.parent / "shared" / "seeds"
LANG = "fr"
BARE_MODEL = "fr_core_news_md"
STARTUP_ARTICLES = 16  # one batch


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


def texts(n_synthetic: int, *, seed: int = 0) -> list[str]:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    synthetic = [a.text for a in _synth().generate(n_synthetic, seed=seed, fr_share=1.0)]
    return seeds + synthetic


def words(items: Iterable[str]) -> int:
    return sum(len(t.split()) for t in items)


def timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _chunks(items: Sequence[Article], size: int) -> Iterable[Sequence[Article]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def bare_spacy(corpus: Sequence[str]) -> Callable[[], Any]:
    """Bare ``nlp.pipe`` over ``corpus``, model loaded and warmed up."""
    import spacy

    nlp = spacy.load(BARE_MODEL)
    list(nlp.pipe(corpus[:2]))
    return lambda: list(nlp.pipe(corpus, batch_size=BATCH_SIZE))


def full_analysis(corpus: Sequence[str]) -> Callable[[], Any]:
    """The whole per-article analysis over ``corpus``, models loaded and warmed up."""
    articles = [
        Article(id=f"t{i}", text=t, source="bench", lang=LANG) for i, t in enumerate(corpus)
    ]
    analyse_batch(articles[:2], lang=LANG, currency="USD", model=None)

    def go() -> None:
        for chunk in _chunks(articles, BATCH_SIZE):
            analyse_batch(chunk, lang=LANG, currency="USD", model=None)

    return go


def best_of(repeat: int, *fns: Callable[[], Any]) -> list[float]:
    """The fastest of ``repeat`` timings of each function, taken in turns, so that a
    slow spell of a shared machine hits both sides of a ratio alike."""
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            best[i] = min(best[i], timed(fn))
    return best


def extraction(corpus: Sequence[str]) -> float:
    from pipeline.extract import find_quantities

    find_quantities(corpus[0], LANG)
    return timed(lambda: [find_quantities(t, LANG) for t in corpus])


def recognizers(corpus: Sequence[str]) -> float | None:
    """Recognizers-Text currency + dimension + percentage models, or None if absent."""
    try:
        from recognizers_number import NumberRecognizer  # type: ignore[import-untyped,import-not-found,unused-ignore]
        from recognizers_number_with_unit import NumberWithUnitRecognizer  # type: ignore[import-untyped,import-not-found,unused-ignore]
        from recognizers_text import Culture  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:
        return None
    units = NumberWithUnitRecognizer(Culture.French)
    models = [
        units.get_currency_model(),
        units.get_dimension_model(),
        NumberRecognizer(Culture.French).get_percentage_model(),
    ]
    for m in models:
        m.parse(corpus[0])
    return timed(lambda: [m.parse(t) for t in corpus for m in models])


# --------------------------------------------------------------------------- newsfacts run


def _children_of() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _descendants(pid: int) -> list[int]:
    tree = _children_of()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(tree.get(p, []))
    return out


def _hwm_mb(pid: int) -> float | None:
    """Peak resident set (VmHWM) of a live process, from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def newsfacts_run(dump: Path, out: Path, workers: int) -> dict[str, Any]:
    """Wall time, run.json analysis time and per-process peak RSS of one run."""
    cmd = [sys.executable, "-m", "pipeline", "run", str(dump), "--out", str(out)]
    cmd += ["--workers", str(workers), "--quiet"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peaks: dict[int, float] = {}
    while proc.poll() is None:
        for pid in _descendants(proc.pid):
            hwm = _hwm_mb(pid)
            if hwm is not None:
                peaks[pid] = max(peaks.get(pid, 0.0), hwm)
        time.sleep(0.25)
    wall = time.perf_counter() - started
    _, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"newsfacts run failed ({proc.returncode}):\n{err.decode()[-3000:]}")
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    return {
        "wall": wall,
        "analyse": run["timings_seconds"].get("analyse", wall),
        "peaks_mb": sorted(peaks.values(), reverse=True),
    }


# --------------------------------------------------------------------------- report


def _rate(n_words: int, seconds: float) -> str:
    return f"{n_words / seconds:>10,.0f} words/s ({seconds:.2f} s)"


def _profile(fn: Callable[[], Any], *, top: int = 20) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    buf = io.StringIO()
    pstats.Stats(profiler, stream=buf).sort_stats("tottime").print_stats(top)
    return buf.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=200, help="synthetic French texts")
    parser.add_argument(
        "--run-articles", type=int, default=4000, help="dump size for the 1 -> 2 worker runs"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timings per in-process figure")
    parser.add_argument("--skip-runs", action="store_true", help="no newsfacts run figures")
    parser.add_argument("--profile", action="store_true", help="cProfile the full analysis")
    args = parser.parse_args(argv)

    corpus = texts(args.synthetic)
    n = words(corpus)
    print(f"texts: {len(corpus)} ({n:,} words; seeds present: {SEEDS.exists()})")
    bare, full = best_of(args.repeat, bare_spacy(corpus), full_analysis(corpus))
    print(f"bare spaCy {BARE_MODEL} nlp.pipe: {_rate(n, bare)} (best of {args.repeat})")
    print(f"newsfacts analyse_batch:        {_rate(n, full)} (best of {args.repeat})")
    print(f"  ratio full/bare: {bare / full:.2f} (target >= 0.9)")
    ext = extraction(corpus)
    print(f"extraction find_quantities:    {_rate(n, ext)} (target >= 100,000)")
    rec = recognizers(corpus)
    if rec is None:
        print("Recognizers-Text: not installed")
    else:
        print(f"Recognizers-Text (currency+dimension+percentage): {_rate(n, rec)}")
        print(f"  ratio find_quantities/Recognizers-Text: {rec / ext:.1f}x faster")
    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process (models for bare + full loaded): {rss:,.0f} MB")
    if args.profile:
        articles = [
            Article(id=f"p{i}", text=t, source="b", lang=LANG) for i, t in enumerate(corpus)
        ]
        print(
            _profile(
                lambda: [
                    analyse_batch(c, lang=LANG, currency="USD", model=None)
                    for c in _chunks(articles, BATCH_SIZE)
                ]
            )
        )

    if not args.skip_runs:
        with tempfile.TemporaryDirectory(prefix="newsfacts-bench-") as tmp:
            small, big = Path(tmp) / "small.jsonl", Path(tmp) / "dump.jsonl"
            n_small = _synth().write_dump(STARTUP_ARTICLES, small, seed=1)
            n_run = _synth().write_dump(args.run_articles, big, seed=1)
            # A one-batch dump measures what a run costs before its first article:
            # starting the workers, importing, loading the models.
            startup = {w: newsfacts_run(small, Path(tmp) / f"s{w}", w) for w in (1, 2)}
            results = {w: newsfacts_run(big, Path(tmp) / f"w{w}", w) for w in (1, 2)}
        print(f"newsfacts run on {args.run_articles:,} synthetic articles ({n_run:,} words):")
        for w, r in results.items():
            peaks = ", ".join(f"{p:,.0f}" for p in r["peaks_mb"][:4])
            print(
                f"  --workers {w}: wall {r['wall']:.1f} s "
                f"({n_run / r['wall']:,.0f} words/s), analyse {r['analyse']:.1f} s "
                f"({n_run / r['analyse']:,.0f} words/s); peak RSS MB per process: {peaks}"
            )
        speed = results[1]["analyse"] / results[2]["analyse"]
        wall_speed = results[1]["wall"] / results[2]["wall"]
        print(f"  2 workers vs 1: {speed:.2f}x (analyse), {wall_speed:.2f}x (wall); target >= 1.7x")
        fixed = {w: startup[w]["analyse"] for w in (1, 2)}
        rates = {w: (n_run - n_small) / (results[w]["analyse"] - fixed[w]) for w in (1, 2)}
        print(
            f"  startup ({STARTUP_ARTICLES} articles, {n_small:,} words): analyse "
            f"{fixed[1]:.1f} s with 1 worker, {fixed[2]:.1f} s with 2"
        )
        print(
            f"  past startup: {rates[1]:,.0f} -> {rates[2]:,.0f} words/s, "
            f"{rates[2] / rates[1]:.2f}x"
        )
        print(f"  cpu count: {os.cpu_count()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
