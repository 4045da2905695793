"""The worker module stays light, and keeping PyTorch out leaves the analysis intact.

Each check runs in a fresh interpreter: what a process has imported is the point.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent


def _python(code: str, *args: str) -> str:
    """The last line ``code`` prints, run in a fresh interpreter."""
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().splitlines()[-1]


def test_importing_the_worker_module_does_not_import_spacy() -> None:
    # A spawned worker imports this module before its initializer can act.
    out = _python(
        "import sys, pipeline.worker; print(sorted(m for m in ('spacy', 'thinc', 'torch')"
        " if m in sys.modules))"
    )
    assert out == "[]"


def test_skip_torch_does_nothing_once_torch_is_imported() -> None:
    if importlib.util.find_spec("torch") is None:
        pytest.skip("PyTorch is not installed (the train extra)")
    out = _python(
        "import torch, sys; from pipeline.worker import skip_torch;"
        " print(skip_torch(), sys.modules['torch'] is torch)"
    )
    assert out == "False True"


@pytest.mark.slow
def test_analysis_without_torch_matches_the_analysis_with_it() -> None:
    code = """
import json, sys
if sys.argv[1] == "skip":
    from pipeline.worker import skip_torch
    assert skip_torch()
from pipeline.analyse import analyse_to_lines
from pipeline.types import Article
text = ("OpenAI investira 2 milliards d'euros dans un campus de 230 MW en Norvège. "
        "Nscale has ordered 100,000 GPUs for the site, which will employ 300 people.")
lines = analyse_to_lines([Article(id="a", text=text, source="t")], lang="auto",
                         currency="EUR", model=None)
row = json.loads(lines[0])
row.pop("seconds")
print(json.dumps({"torch": sys.modules.get("torch") is not None, "row": row}))
"""
    results = {mode: json.loads(_python(code, mode)) for mode in ("skip", "keep")}
    assert results["skip"]["torch"] is False
    assert results["skip"]["row"] == results["keep"]["row"]
    assert results["skip"]["row"]["claims"], "the sentence holds figures with subjects"
