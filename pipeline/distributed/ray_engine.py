"""``--engine ray``: the analysis stage as a Ray Data pipeline.

The article stream is cut into windows (``window`` articles, 2,000 by default) so that
a dump of any size is never held in memory. Each window is one Ray Data run::

    from_items(batches) → map_batches(_Analyser, actor pool of `workers`) → iter_rows

One row is one runner batch (its articles as JSON); each actor loads the models once
(in its constructor) and calls :func:`pipeline.analyse.analyse_batch`, the function the
local engine calls, so both engines give the same outcomes. ``preserve_order`` keeps
rows in input order, and the driver checks the batch indices as they come back.

Rows travel as JSON text (the checkpoint's own format) rather than pickles: Arrow
stores them natively and the outcome shape is the one ``--resume`` already reads.

Local use starts Ray in this process (``ray.init(num_cpus=workers)``) and stops it at
the end; with ``address`` (``ray://host:10001`` or ``auto``) the run joins a cluster,
ships the ``pipeline`` package with the job, and leaves the cluster running. Every
node needs the spaCy models installed.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pipeline.analyse import ArticleOutcome, analyse_batch, outcome_to_json
from pipeline.checkpoint import claim_from_json
from pipeline.errors import Errors, UsageError
from pipeline.lang import available_languages
from pipeline.types import Article, Quarantine

__all__ = [
    "DEFAULT_WINDOW",
    "article_from_json",
    "outcome_from_json",
    "outcome_to_json",
    "ray_outcomes",
]

DEFAULT_WINDOW = 2000
Batch = tuple[list[Quarantine], list[Article]]


# --------------------------------------------------------------------------- row codec


def outcome_from_json(d: Mapping[str, Any]) -> ArticleOutcome:
    return ArticleOutcome(
        row=dict(d["row"]),
        mentions=tuple(d["mentions"]),
        claims=tuple(claim_from_json(c) for c in d["claims"]),
        fingerprint=tuple(d["fingerprint"]),
        text_sha1=d.get("text_sha1"),
        error=d["error"],
        seconds=dict(d["seconds"]),
    )


def article_from_json(d: Mapping[str, Any]) -> Article:
    return Article(**d)


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


# --------------------------------------------------------------------------- actor side


class _Analyser:
    """One Ray actor: loads the models once, then analyses row after row."""

    def __init__(self, *, lang: str, currency: str, model: str | None) -> None:
        from pipeline.nlp import load_pipeline

        self.lang = lang
        self.currency = currency
        self.model = None if model is None else Path(model)
        for code in available_languages() if lang == "auto" else (lang,):
            load_pipeline(code, self.model)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        outputs = []
        for payload in batch["articles"]:
            articles = [article_from_json(a) for a in json.loads(str(payload))]
            outcomes = analyse_batch(
                articles, lang=self.lang, currency=self.currency, model=self.model
            )
            outputs.append(_dumps([outcome_to_json(o) for o in outcomes]))
        return {"index": list(batch["index"]), "outcomes": outputs}


# --------------------------------------------------------------------------- driver side


def _windows(batches: Iterator[Batch], size: int) -> Iterator[list[Batch]]:
    """Consecutive batches holding about ``size`` articles (at least one batch each)."""
    window: list[Batch] = []
    count = 0
    for batch in batches:
        window.append(batch)
        count += len(batch[1])
        if count >= size:
            yield window
            window, count = [], 0
    if window:
        yield window


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as e:
        raise UsageError(Errors.E500.format(detail=e)) from e
    return ray


def _start(ray: Any, *, address: str | None, workers: int) -> bool:
    """Connect to Ray; return True when this call started it (and must stop it)."""
    if ray.is_initialized():
        return False
    try:
        if address is None:
            ray.init(
                num_cpus=workers,
                include_dashboard=False,
                log_to_driver=False,
                configure_logging=False,
            )
        else:
            import pipeline

            ray.init(
                address=address,
                log_to_driver=False,
                runtime_env={"py_modules": [str(Path(pipeline.__file__).parent)]},
            )
    except (ConnectionError, RuntimeError, ValueError) as e:
        raise UsageError(Errors.E501.format(address=address or "local", detail=e)) from e
    return True


def _configure(ray: Any) -> None:
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        # Ray 2.60's own DataContext() sets its deprecated fields and warns about them.
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"ray\.data\.context")
        ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False


def _run_window(
    ray: Any, window: Sequence[Batch], *, lang: str, currency: str, model: Path | None, workers: int
) -> Iterator[list[ArticleOutcome]]:
    items = [
        {"index": i, "articles": _dumps([asdict(a) for a in articles])}
        for i, (_, articles) in enumerate(window)
    ]
    actors = min(workers, len(items))  # no idle actor (Ray warns about one) on a short window
    ds = ray.data.from_items(items, override_num_blocks=min(len(items), actors * 4))
    ds = ds.map_batches(
        _Analyser,
        fn_constructor_kwargs={
            "lang": lang,
            "currency": currency,
            "model": None if model is None else str(model),
        },
        batch_size=1,
        compute=ray.data.ActorPoolStrategy(size=actors),
        num_cpus=1,
        batch_format="numpy",
    )
    for expected, row in enumerate(ds.iter_rows()):
        got = int(row["index"])
        if got != expected:
            raise RuntimeError(Errors.E502.format(got=got, expected=expected))
        yield [outcome_from_json(o) for o in json.loads(str(row["outcomes"]))]


def ray_outcomes(
    batches: Iterator[Batch],
    *,
    lang: str,
    currency: str,
    model: Path | None,
    address: str | None = None,
    workers: int = 2,
    window: int = DEFAULT_WINDOW,
) -> Iterator[tuple[list[Quarantine], list[ArticleOutcome]]]:
    """Analyse ``batches`` on Ray; yield ``(quarantines, outcomes)`` per batch, in order.

    Same contract as the local engine: the outcomes of a batch are those of
    ``analyse_batch(articles, lang=..., currency=..., model=...)``.
    """
    if workers < 1:
        raise UsageError(Errors.E503.format(name="workers", detail="must be at least 1"))
    if window < 1:
        raise UsageError(Errors.E503.format(name="window", detail="must be at least 1"))
    ray = _import_ray()
    started: bool | None = None  # Ray starts with the first window that has articles
    try:
        for chunk in _windows(batches, window):
            with_articles = [b for b in chunk if b[1]]
            if not with_articles:  # quarantines only: nothing for Ray to do
                yield from ((quarantined, []) for quarantined, _ in chunk)
                continue
            if started is None:
                started = _start(ray, address=address, workers=workers)
                _configure(ray)
            results = _run_window(
                ray, with_articles, lang=lang, currency=currency, model=model, workers=workers
            )
            for quarantined, articles in chunk:
                yield quarantined, (next(results) if articles else [])
            extra = next(results, None)  # runs the window's iteration to its end
            if extra is not None:
                raise RuntimeError(Errors.E502.format(got=len(with_articles), expected="the end"))
    finally:
        if started:
            ray.shutdown()
