"""Shared fixtures. Tests that need ``../shared`` skip with a reason where it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"
SEEDS = SHARED / "seeds"
PEER_SUITES = SHARED / "peer-suites"
CORPUS = PROJECT / "corpus" / "sample"
GOLDEN = Path(__file__).resolve().parent / "golden"
GOLD = Path(__file__).resolve().parent / "gold"


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path.name} not found: this test needs ../shared beside the project")
    return path


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return _need(SHARED)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return _need(SEEDS)


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """Seed article id (file stem) -> text, read exactly as the pipeline reads it."""
    _need(SEEDS)
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="session")
def peer_suites_dir() -> Path:
    return _need(PEER_SUITES)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def golden_dir() -> Path:
    return GOLDEN


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return GOLD
