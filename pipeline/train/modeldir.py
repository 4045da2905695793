"""A trained model directory: what is stored, and how it becomes a full spaCy pipeline.

Stored (small enough for the repository): ``config.cfg`` (the base pipeline's config),
``meta.json`` (``newsfacts`` block: base, data hash, config, versions, date),
``metrics.json``, ``predicate_model.yaml`` and only the trained component folders
(``ner/``). The untouched components, tokenizer and vocab (vectors) are copied from the
installed base package by :func:`assemble` — which ``newsfacts train`` runs at the end
and which ``python -m pipeline.train.modeldir DIR`` (or ``newsfacts train --assemble
DIR``) runs again after a fresh checkout. The copies are listed in ``.gitignore``.
After that ``spacy.load(DIR)`` loads the whole pipeline.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.errors import Errors, ModelError

__all__ = [
    "OWN_FILES",
    "assemble",
    "base_package_dir",
    "is_assembled",
    "read_meta",
    "supplied_names",
]

OWN_FILES = frozenset(
    {
        "config.cfg",
        "meta.json",
        "metrics.json",
        "predicate_model.yaml",
        ".gitignore",
        "README.md",
    }
)


def read_meta(model_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise ModelError(Errors.E555.format(path=model_dir, detail=e)) from e
    if not isinstance(data, dict):
        raise ModelError(Errors.E555.format(path=model_dir, detail="meta.json is not an object"))
    return data


def base_package_dir(name: str) -> Path:
    """The data folder of an installed spaCy model package (or a model folder path)."""
    import spacy.util

    as_path = Path(name)
    if (as_path / "config.cfg").exists():
        return as_path
    try:
        return (
            Path(spacy.util.get_package_path(name))
            / f"{name}-{spacy.util.get_package_version(name)}"
        )
    except (ImportError, ModuleNotFoundError, TypeError) as e:
        raise ModelError(Errors.E555.format(path=name, detail=e)) from e


def _trained(meta: dict[str, Any]) -> list[str]:
    return [str(x) for x in (meta.get("newsfacts") or {}).get("trained_components", [])]


def is_assembled(model_dir: Path) -> bool:
    meta = read_meta(model_dir)
    base = (meta.get("newsfacts") or {}).get("base_model")
    if not base:
        return True
    return all((model_dir / n).exists() for n in (meta.get("newsfacts") or {}).get("copied", []))


def supplied_names(model_dir: Path) -> list[str]:
    """The entries of an assembled ``model_dir`` that come from its base (``.gitignore``)."""
    try:
        lines = (model_dir / ".gitignore").read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [ln.lstrip("/") for ln in lines if ln.startswith("/")]


def assemble(model_dir: Path) -> list[str]:
    """Copy what ``model_dir`` lacks from its base package; return the names copied."""
    meta = read_meta(model_dir)
    info = meta.get("newsfacts") or {}
    base = info.get("base_model")
    if not base:
        return []
    source = base_package_dir(str(base))
    keep = OWN_FILES | set(_trained(meta))
    copied: list[str] = []
    supplied: list[str] = []  # from the base, copied now or by an earlier run
    for entry in sorted(source.iterdir()):
        if entry.name in keep or entry.name.startswith(("LICENSE", "README", "accuracy")):
            continue
        supplied.append(entry.name)
        target = model_dir / entry.name
        if target.exists():
            continue
        if entry.is_dir():
            shutil.copytree(entry, target)
        else:
            shutil.copy2(entry, target)
        copied.append(entry.name)
    names = sorted(set(supplied) | set(info.get("copied", [])))
    (model_dir / ".gitignore").write_text(
        "# copied from the base package by `python -m pipeline.train.modeldir`\n"
        + "".join(f"/{n}\n" for n in names),
        encoding="utf-8",
    )
    return copied


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="assemble a trained newsfacts model directory")
    parser.add_argument("model_dir", type=Path, nargs="+")
    args = parser.parse_args(argv)
    for d in args.model_dir:
        print(f"{d}: copied {', '.join(assemble(d)) or 'nothing'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
