"""Adding a language is adding a folder: a copy of ``fr/`` under a new code just works.

The copy is made in a temporary folder that stands in for ``pipeline/lang``; nothing in
the code names a language, so every extractor reads the new folder like the others.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import pipeline.lang
from pipeline.extract import find_quantities
from pipeline.facts import subject_patterns

TEXT = (
    "Le 3 octobre 2025, la start-up a levé 120 millions d'euros et prévoit "
    "jusqu'à 230 MW et 2 000 emplois d'ici fin 2026."
)


@pytest.fixture
def lang_dir_with_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for code in pipeline.lang.available_languages():
        shutil.copytree(pipeline.lang.LANG_DIR / code, tmp_path / code)
    shutil.copytree(pipeline.lang.LANG_DIR / "fr", tmp_path / "xx")
    monkeypatch.setattr(pipeline.lang, "LANG_DIR", tmp_path)
    return tmp_path


def test_the_new_folder_is_a_language(lang_dir_with_copy: Path) -> None:
    assert "xx" in pipeline.lang.available_languages()


def test_extractors_read_the_new_folder(lang_dir_with_copy: Path) -> None:
    expected = find_quantities(TEXT, "fr")
    found = find_quantities(TEXT, "xx")
    assert found == expected
    assert {q.kind for q in found} >= {"money", "power", "count", "date"}


def test_subject_patterns_read_the_new_folder(lang_dir_with_copy: Path) -> None:
    assert subject_patterns("xx") == subject_patterns("fr")
