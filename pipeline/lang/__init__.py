"""Per-language data: one folder per ISO 639-1 code, the same file names in each.

Adding a language means adding a folder ``pipeline/lang/<code>/`` with the same YAML
files as ``fr/`` and ``en/``; no code changes. Files are read once and cached.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import Errors, LexiconError

LANG_DIR = Path(__file__).parent

__all__ = ["LANG_DIR", "available_languages", "load_lang_file"]


def available_languages() -> tuple[str, ...]:
    """Codes of every language folder shipped with the package, sorted."""
    return tuple(
        sorted(p.name for p in LANG_DIR.iterdir() if p.is_dir() and not p.name.startswith("_"))
    )


@cache
def load_lang_file(lang: str, name: str) -> dict[str, Any]:
    """The parsed YAML mapping ``pipeline/lang/<lang>/<name>.yaml``.

    Raises :class:`LexiconError` when the file is missing or not a mapping.
    """
    path = LANG_DIR / lang / f"{name}.yaml"
    try:
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except FileNotFoundError as e:
        raise LexiconError(Errors.E001.format(path=path)) from e
    except yaml.YAMLError as e:
        raise LexiconError(Errors.E002.format(path=path, detail=e)) from e
    if not isinstance(data, dict):
        raise LexiconError(Errors.E002.format(path=path, detail="top level is not a mapping"))
    return data
