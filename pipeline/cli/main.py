"""The ``newsfacts`` command line (also ``python -m pipeline``).

Exit codes (SPEC.md): 0 when every article was processed or quarantined with a reason,
1 when the run itself failed (a full disk; no article at all in the inputs, though the
outputs are written), 2 for a usage error, 130 when interrupted (Ctrl-C). Errors are one
line on stderr; an unexpected failure also writes its traceback to a log file whose path
is printed. A reader that closes the pipe early (``newsfacts facts DIR | head -1``)
ends the command quietly.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
import tempfile
import traceback
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.errors import Errors, InputError, PipelineError, UsageError

__all__ = ["build_parser", "main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
SKIPPED_LISTED = 3
# Commands that print to stdout: a reader closing the pipe early ends them quietly.
PRINTING = ("conflicts", "facts")
DEFAULT_STORE = Path("outputs/newsfacts.duckdb")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsfacts",
        description="Turn tech-news article dumps into normalised, reconciled facts.",
    )
    parser.add_argument("--version", action="version", version=f"newsfacts {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="process article dumps into facts and conflicts")
    run.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="files or folders")
    run.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")
    run.add_argument("--lang", default="auto", help="auto (detect per article), fr or en")
    run.add_argument("--currency", default="USD", help="ISO 4217 code money is converted to")
    run.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    run.add_argument("--engine", choices=("local", "ray"), default="local")
    run.add_argument(
        "--ray-address",
        default=None,
        metavar="ADDR",
        help="Ray cluster to join with --engine ray (ray://host:10001 or auto); default: local",
    )
    run.add_argument("--model", type=Path, default=None, help="a trained model directory")
    run.add_argument(
        "--resume",
        action="store_true",
        help="go on with an interrupted run in the same DIR (same inputs and options)",
    )
    run.add_argument(
        "--keep-work",
        action="store_true",
        help="keep DIR/.newsfacts-work (the analysed articles) after a successful run",
    )
    run.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    run.add_argument(
        "--store",
        nargs="?",
        const=DEFAULT_STORE,
        default=None,
        type=Path,
        metavar="PATH",
        help=(
            "keep articles, mentions and facts across runs in a DuckDB file "
            f"(default {DEFAULT_STORE}) and reconcile against every stored claim; "
            "write it after the inputs or as --store=PATH"
        ),
    )

    conflicts = sub.add_parser("conflicts", help="print the conflict report of a run")
    conflicts.add_argument("dir", type=Path, metavar="DIR")
    conflicts.add_argument("--json", action="store_true", help="JSON lines instead of a table")

    facts = sub.add_parser("facts", help="print the canonical facts of a run")
    facts.add_argument("dir", type=Path, metavar="DIR")
    facts.add_argument("--subject", default=None, metavar="S", help="only this subject")
    facts.add_argument("--json", action="store_true", help="JSON lines instead of a table")

    evaluate = sub.add_parser(
        "evaluate", help="score a run against gold, or a model on an annotated set"
    )
    evaluate.add_argument("dir", type=Path, nargs="?", default=None, metavar="RUN_DIR")
    evaluate.add_argument("--model", type=Path, default=None, help="a trained model directory")
    evaluate.add_argument("--data", type=Path, default=None, help="an annotated set (JSONL)")
    evaluate.add_argument("--texts", type=Path, default=None, help="folder of the set's texts")
    evaluate.add_argument("--mentions", type=Path, default=None, help="gold mentions JSONL")
    evaluate.add_argument("--facts", type=Path, default=None, help="gold facts JSONL")
    evaluate.add_argument(
        "--news",
        type=Path,
        default=None,
        metavar="ROOT",
        help="the annotated news corpus (corpus/news): score RUN_DIR against --split",
    )
    evaluate.add_argument("--split", default=None, metavar="NAME", help="with --news: train, dev…")
    evaluate.add_argument(
        "--blind",
        action="store_true",
        help="with --news: allow a blind-… split (scored once, when a result is reported)",
    )
    evaluate.add_argument(
        "--errors",
        type=int,
        default=20,
        metavar="N",
        help="with --news: list N errors, gold against run (default 20; none for a blind split)",
    )
    evaluate.add_argument("--json", action="store_true", help="print scores as JSON")

    from pipeline.cli import train_commands

    train_commands.register(sub)
    return parser


# --------------------------------------------------------------------------- commands


def _cmd_run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    if args.model is None and args.engine == "local":
        from pipeline.worker import skip_torch

        skip_torch()  # before spaCy: the stock models never use PyTorch
    from rich.console import Console

    from pipeline.runner import RunOptions, run

    opts = RunOptions(
        inputs=tuple(args.inputs),
        out=args.out,
        lang=args.lang,
        currency=args.currency.upper(),
        workers=args.workers,
        engine=args.engine,
        model=args.model,
        resume=args.resume,
        argv=("newsfacts", *argv),
        store=args.store,
        ray_address=args.ray_address,
        keep_work=args.keep_work,
    )
    console = Console(stderr=True, soft_wrap=True)

    def notice(message: str) -> None:
        console.print(f"newsfacts: warning: {message}", markup=False, highlight=False)

    show = console.is_terminal and not args.quiet
    if show:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        with Progress(
            SpinnerColumn(),
            TextColumn("[bold]newsfacts run"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} articles/s"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        ) as progress:
            from pipeline.progress import estimate_records
            from pipeline.runner import own_paths

            task = progress.add_task(
                "articles", total=estimate_records(opts.inputs, exclude=own_paths(opts)), rate="-"
            )

            def tick(n: int) -> None:
                progress.advance(task, n)
                t = progress.tasks[0]
                elapsed = t.elapsed or 0.0
                rate = f"{t.completed / elapsed:.1f}" if elapsed > 0 else "-"
                progress.update(task, rate=rate)

            summary = run(opts, on_article=tick, notify=notice)
    else:
        summary = run(opts, notify=notice)
    if not args.quiet:
        from pipeline.report.tables import summary_table

        run_json = json.loads((opts.out / "run.json").read_text(encoding="utf-8"))
        out = Console(stderr=True)
        out.print(summary_table(run_json))
        out.print(f"Report: {opts.out / 'report.html'}")
    if summary.read == 0:
        notice(_no_article(summary.skipped_files))
        return EXIT_FAILED
    return EXIT_OK


def _no_article(skipped: Sequence[dict[str, str]]) -> str:
    """E021: the inputs held no article at all; name the first files skipped."""
    names = [s["path"] for s in skipped[:SKIPPED_LISTED]]
    listing = f": {', '.join(names)}" if names else ""
    if len(skipped) > SKIPPED_LISTED:
        listing += ", …"
    return Errors.E021.format(count=len(skipped), listing=listing)


def _read_run_file(run_dir: Path, name: str) -> list[dict[str, Any]]:
    from pipeline.errors import Errors, InputError
    from pipeline.report.jsonl import read_jsonl

    path = run_dir / name
    if not path.is_file():
        raise InputError(Errors.E009.format(name=name, path=run_dir))
    return list(read_jsonl(path))


def _print_rows(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    sys.stdout.flush()  # a closed pipe shows here, inside main(), not at exit


def _cmd_conflicts(args: argparse.Namespace) -> int:
    from rich.console import Console

    from pipeline.report.tables import conflicts_table

    rows = _read_run_file(args.dir, "conflicts.jsonl")
    if args.json:
        _print_rows(rows)
    else:
        Console().print(conflicts_table(rows))
        sys.stdout.flush()
    return EXIT_OK


def _cmd_facts(args: argparse.Namespace) -> int:
    from rich.console import Console

    from pipeline.report.tables import facts_table

    rows = _read_run_file(args.dir, "facts.jsonl")
    if args.json:
        _print_rows([r for r in rows if args.subject is None or _same(r["subject"], args.subject)])
    else:
        Console().print(facts_table(rows, subject=args.subject))
        sys.stdout.flush()
    return EXIT_OK


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from pipeline.evaluate import evaluate_facts, evaluate_run

    if args.data is not None:
        from pipeline.train.evaluate import evaluate_model

        scores = evaluate_model(args.model, args.data, texts_dir=args.texts)
        sys.stdout.write(json.dumps(scores, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    if args.news is not None:
        return _evaluate_news(args)
    if args.dir is None:
        raise UsageError("evaluate needs RUN_DIR (with --mentions/--facts) or --data")
    if args.mentions is None and args.facts is None:
        raise UsageError("evaluate needs --mentions GOLD.jsonl and/or --facts GOLD.jsonl")
    report: dict[str, Any] = {}
    if args.mentions is not None:
        report["mentions"] = evaluate_run(args.dir, args.mentions).as_dict()
    if args.facts is not None:
        report["facts"] = evaluate_facts(args.dir, args.facts).as_dict()
    sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def _evaluate_news(args: argparse.Namespace) -> int:
    """``evaluate RUN_DIR --news ROOT --split NAME [--blind] [--errors N] [--json]``."""
    from pipeline.evaluate.news_score import check_split, news_tables, score_news_run

    if args.dir is None or args.split is None:
        raise UsageError(Errors.E011.format(option="--news", detail="needs RUN_DIR and --split"))
    check_split(args.split, blind=args.blind)
    scores = score_news_run(args.dir, args.news, args.split, blind=args.blind)
    if args.json:
        report = scores.as_dict(errors=args.errors)
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    from rich.console import Console

    console = Console()
    for table in news_tables(scores, errors=args.errors):
        console.print(table)
    sys.stdout.flush()
    return EXIT_OK


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _same(subject: str, wanted: str) -> bool:
    """``--subject`` matching: case- and accent-insensitive substring."""
    return _fold(wanted) in _fold(subject)


# --------------------------------------------------------------------------- entry point


def _log_path(args: argparse.Namespace | None) -> Path:
    out = getattr(args, "out", None) if args is not None else None
    if isinstance(out, Path) and out.is_dir():
        return out / "newsfacts.log"
    return Path(tempfile.gettempdir()) / "newsfacts-error.log"


def _disk_full(e: BaseException) -> BaseException | None:
    """The full-disk error (ENOSPC, EDQUOT) behind ``e``, if any: ``e`` itself, or one it
    was raised from or while handling (a failed rollback hides the first error so), or a
    DuckDB error whose message names it."""
    markers = tuple(os.strerror(code) for code in DISK_FULL)
    seen: set[int] = set()
    todo: list[BaseException] = [e]
    while todo:
        x = todo.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        if isinstance(x, OSError) and x.errno in DISK_FULL:
            return x
        if any(marker in str(x) for marker in markers):
            return x
        todo.extend(c for c in (x.__cause__, x.__context__) if c is not None)
    return None


def _where(full: BaseException, args: argparse.Namespace) -> str:
    filename = getattr(full, "filename", None)
    if filename:
        return str(filename)
    out = getattr(args, "out", None)
    return str(out) if out is not None else "the outputs"


def _quiet_stdout() -> None:
    """After a closed pipe, point stdout at devnull so that the flush at exit does not
    fail again (as the Python documentation on SIGPIPE advises)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # a replaced stdout (tests)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _internal_error(e: Exception, args: argparse.Namespace) -> int:
    path = _log_path(args)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(traceback.format_exc())
    print(
        f"newsfacts: internal error ({type(e).__name__}: {e}); details in {path}", file=sys.stderr
    )
    return EXIT_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse: --help (0) or a usage error (2)
        return int(e.code) if isinstance(e.code, int) else EXIT_USAGE
    try:
        if args.command == "run":
            return _cmd_run(args, argv)
        if args.command == "conflicts":
            return _cmd_conflicts(args)
        if args.command == "facts":
            return _cmd_facts(args)
        if args.command == "evaluate":
            return _cmd_evaluate(args)
        handler = getattr(args, "handler", None)
        if handler is not None:
            return int(handler(args))
    except KeyboardInterrupt:
        print(f"newsfacts: {Errors.E020}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as e:  # noqa: BLE001 - sorted below: one line on screen, never a traceback
        if isinstance(e, BrokenPipeError) and args.command in PRINTING:
            _quiet_stdout()
            return EXIT_OK
        full = _disk_full(e)
        if full is not None:  # no traceback log: it would go to the same full disk
            print(
                f"newsfacts: error: {Errors.E019.format(path=_where(full, args))}", file=sys.stderr
            )
            return EXIT_FAILED
        if isinstance(e, (UsageError, InputError)):
            print(f"newsfacts: error: {e}", file=sys.stderr)
            return EXIT_USAGE
        if isinstance(e, PipelineError):
            print(f"newsfacts: error: {e}", file=sys.stderr)
            return EXIT_FAILED
        return _internal_error(e, args)
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE
