"""``newsfacts annotate`` and ``newsfacts train``: the retraining loop's commands."""

from __future__ import annotations

import argparse

from pipeline.errors import UsageError

__all__ = ["register"]


def _not_ready(args: argparse.Namespace) -> int:
    raise UsageError(f"newsfacts {args.command} is not available in this version")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``annotate`` and ``train`` sub-commands; each sets ``handler``."""
    annotate = sub.add_parser("annotate", help="export a run for annotation, import corrections")
    annotate.set_defaults(handler=_not_ready)
    train = sub.add_parser("train", help="retrain the extractors on annotated data")
    train.set_defaults(handler=_not_ready)
