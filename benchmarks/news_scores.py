"""Run newsfacts on the train and dev splits of the news corpus, score them, print a table.

Usage, from the project root:
``python -m benchmarks.news_scores [--news corpus/news] [--splits train dev] [--runs DIR]
[--score-only] [--json FILE]``

Each split is run with ``newsfacts run corpus/news/text/<split> --out <runs>/<split>``
(``--runs`` defaults to a temporary folder, removed at the end; ``--score-only`` scores
the runs already in ``--runs``), then scored by ``pipeline.evaluate.news_score``. The
table gives, per split and per language: mention F1 (quantities, dates), fact precision,
recall and F1 (subject + predicate + value), subject accuracy (and with any name of the
subject), money predicate accuracy, candidate recall (``—``: runs write no candidates
yet); then where the missed facts are lost. Blind splits are refused: they are scored
once, by hand, with ``newsfacts evaluate --blind``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline.evaluate.news_score import (
    BLIND_PREFIX,
    GOLD_ERRORS,
    GroupScores,
    NewsScores,
    score_news_run,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_NEWS = ROOT / "corpus" / "news"


def run_split(news: Path, split: str, out: Path) -> float:
    """``newsfacts run`` on one split's texts into ``out``; the wall time in seconds."""
    started = time.perf_counter()
    cmd = [sys.executable, "-m", "pipeline", "run", str(news / "text" / split)]
    subprocess.run([*cmd, "--out", str(out), "--quiet"], check=True, cwd=ROOT)
    return time.perf_counter() - started


def _f(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def row(name: str, g: GroupScores) -> str:
    """One Markdown row of the scores of a set of articles."""
    facts = g.facts.overall
    cells = [
        name,
        str(g.articles),
        _f(g.quantities.overall.f1),
        _f(g.dates.overall.f1),
        _f(facts.precision),
        _f(facts.recall),
        _f(facts.f1),
        f"{_f(g.subject_accuracy.value)} ({_f(g.subject_accuracy_any_name.value)})",
        _f(g.money_predicate_accuracy.value),
        _f(g.candidate_recall),
    ]
    return "| " + " | ".join(cells) + " |"


def table(results: dict[str, NewsScores]) -> str:
    """The Markdown table of every scored split, with a row per language."""
    header = (
        "set",
        "articles",
        "quantities F1",
        "dates F1",
        "facts P",
        "facts R",
        "facts F1",
        "subject acc. (any name)",
        "money predicate acc.",
        "candidate recall",
    )
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for split, scores in results.items():
        lines.append(row(f"**{split}**", scores.overall))
        lines += [row(f"{split} {lang}", g) for lang, g in sorted(scores.by_lang.items())]
    return "\n".join(lines)


def losses(results: dict[str, NewsScores]) -> str:
    """Where the missed gold facts are lost: a Markdown table of shares, per split."""
    header = ("split", "missed", *GOLD_ERRORS)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for split, scores in results.items():
        counts = scores.overall.error_counts
        missed = scores.overall.facts.overall.fn
        shares = [f"{counts.get(c, 0) / missed:.0%}" if missed else "—" for c in GOLD_ERRORS]
        lines.append("| " + " | ".join([split, str(missed), *shares]) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--news", type=Path, default=DEFAULT_NEWS, help="the news corpus")
    parser.add_argument("--splits", nargs="+", default=["train", "dev"], metavar="SPLIT")
    parser.add_argument("--runs", type=Path, default=None, help="keep the runs in this folder")
    parser.add_argument("--score-only", action="store_true", help="score the runs in --runs")
    parser.add_argument("--json", type=Path, default=None, help="also write the scores here")
    args = parser.parse_args(argv)
    blind = [s for s in args.splits if s.startswith(BLIND_PREFIX)]
    if blind:
        parser.error(f"blind splits are not benchmarked: {', '.join(blind)}")
    if args.score_only and args.runs is None:
        parser.error("--score-only needs --runs DIR")

    with tempfile.TemporaryDirectory(prefix="news-scores-") as tmp:
        runs = args.runs or Path(tmp)
        results: dict[str, NewsScores] = {}
        for split in args.splits:
            out = runs / split
            if not args.score_only:
                seconds = run_split(args.news, split, out)
                print(f"{split}: run in {seconds:.0f} s", file=sys.stderr)
            results[split] = score_news_run(out, args.news, split)
    for split, scores in results.items():
        langs = ", ".join(f"{g.articles} {lang}" for lang, g in sorted(scores.by_lang.items()))
        missing = f"; {len(scores.missing)} not processed" if scores.missing else ""
        print(f"{split}: {scores.overall.articles} articles scored ({langs}){missing}")
    print()
    print(table(results))
    print()
    print(losses(results))
    if args.json is not None:
        data = {split: s.as_dict(errors=0) for split, s in results.items()}
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
