"""The worker side of ``--workers N``: what each spawned process runs.

Kept apart from :mod:`pipeline.analyse` and light to import: a spawned worker imports
this module before its initializer runs, so nothing here may pull in spaCy. The
initializer then decides what the analysis may import (:func:`skip_torch`) and the
first batch loads the models, once per process.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.types import Article

__all__ = ["analyse", "init", "skip_torch"]

_OPTS: dict[str, Any] = {}


def skip_torch() -> bool:
    """Keep PyTorch out of this process, when nothing has imported it yet.

    thinc imports PyTorch whenever it is installed (the ``train`` extra), although the
    stock models newsfacts runs (spaCy CNN pipelines) never use it: that import costs
    1.5 s and 180 MB per process. Call this before spaCy is imported, and only when no
    user model (``--model``, which could hold a PyTorch layer) will be loaded. Code that
    tries ``import torch`` then sees it as not installed. True when it took effect.
    """
    if "torch" in sys.modules:
        return False
    sys.modules["torch"] = None  # type: ignore[assignment]
    return True


def init(lang: str, currency: str, model: Path | None) -> None:
    """Pool initializer: remember the run's options; models load on the first batch.

    A worker ignores Ctrl-C (SIGINT goes to the whole process group): the driver alone
    stops, says how to resume and ends the pool; a worker's own KeyboardInterrupt would
    only print a traceback.
    """
    if mp.parent_process() is not None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if model is None:
        skip_torch()
    _OPTS.update(lang=lang, currency=currency, model=model)


def analyse(batch: Sequence[Article]) -> list[str]:
    """One batch's checkpoint lines (serialised here, so the driver only appends)."""
    from pipeline.analyse import analyse_to_lines

    return analyse_to_lines(
        batch, lang=_OPTS["lang"], currency=_OPTS["currency"], model=_OPTS["model"]
    )
