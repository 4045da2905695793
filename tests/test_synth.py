"""The synthetic dump generator: deterministic, well-formed, planted figures findable."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from pipeline.extract import find_quantities

SYNTH_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "synth.py"
LANGS = ("fr", "en")


@cache
def synth() -> ModuleType:
    spec = importlib.util.spec_from_file_location("newsfacts_bench_synth", SYNTH_PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@cache
def articles(n: int, seed: int, subjects: int = 0) -> tuple[Any, ...]:
    return tuple(synth().generate(n, seed=seed, subjects=subjects))


def _write(folder: Path, seed: int) -> tuple[bytes, bytes]:
    folder.mkdir()
    dump, gold = folder / "d.jsonl", folder / "g.jsonl"
    synth().write_dump(40, dump, gold=gold, seed=seed)
    return dump.read_bytes(), gold.read_bytes()


@pytest.mark.parametrize("seed", [0, 7])
def test_same_seed_same_bytes(tmp_path: Path, seed: int) -> None:
    first = _write(tmp_path / "a", seed)
    second = _write(tmp_path / "b", seed)
    assert first == second
    assert first[0].count(b"\n") == 40


@pytest.mark.parametrize(("seed_a", "seed_b"), [(0, 1)])
def test_other_seed_other_dump(seed_a: int, seed_b: int) -> None:
    assert [a.text for a in articles(20, seed_a)] != [a.text for a in articles(20, seed_b)]


@pytest.mark.parametrize("field", ["id", "published", "lang", "text"])
def test_dump_records_have_fields(field: str) -> None:
    for a in articles(50, 0):
        assert a.record()[field]


@pytest.mark.parametrize("lang", LANGS)
def test_both_languages_present(lang: str) -> None:
    assert any(a.lang == lang for a in articles(50, 0))


@pytest.mark.parametrize("seed", [0, 3])
def test_gold_offsets_index_the_text(seed: int) -> None:
    for a in articles(50, seed):
        for m in synth().gold_mentions(a):
            assert a.text[m["start"] : m["end"]] == m["text"]


@pytest.mark.parametrize("n", [100])
def test_conflicts_and_agreements_are_planted(n: int) -> None:
    facts = synth().gold_facts(articles(n, 0))
    assert any("conflict_group" in f for f in facts)
    assert any(len(f["articles"]) > 1 for f in facts)
    units = Counter((f["subject"], f["predicate"], f["unit"]) for f in facts)
    by_pair = Counter((s, p) for s, p, _ in units)
    assert all(c == 1 for c in by_pair.values()), "one unit per subject and predicate"


@pytest.mark.parametrize("section", ["formats", "facts", "figure_distractors", "distractors"])
def test_templates_have_same_keys_in_every_language(section: str) -> None:
    data = synth().load_templates()
    keys = [
        sorted(data[lang][section]) if isinstance(data[lang][section], dict) else None
        for lang in LANGS
    ]
    assert keys[0] == keys[1]
    for lang in LANGS:
        assert data[lang][section], f"{lang}.{section} is empty"


@pytest.mark.parametrize("lang", LANGS)
def test_every_fact_template_has_one_slot(lang: str) -> None:
    data = synth().load_templates()
    for templates in data[lang]["facts"].values():
        for t in templates:
            assert t.count("{value}") == 1, t
            assert t.count("{subject}") == 1, t


@pytest.mark.parametrize(("seed", "subjects"), [(0, 0), (11, 0), (5, 400)])
def test_extractor_finds_every_planted_figure(seed: int, subjects: int) -> None:
    for a in articles(60, seed, subjects):
        found = {(q.start, q.end, q.kind, q.value, q.unit) for q in find_quantities(a.text, a.lang)}
        for m in synth().gold_mentions(a):
            key = (m["start"], m["end"], m["kind"], m["value"], m["unit"])
            assert key in found, (a.id, m["text"])


@pytest.mark.parametrize("n", [5])
def test_cli_writes_dump_and_gold(tmp_path: Path, n: int) -> None:
    dump, gold = tmp_path / "d.jsonl", tmp_path / "g.jsonl"
    rc = synth().main(["--n", str(n), "--out", str(dump), "--gold", str(gold), "--seed", "0"])
    assert rc == 0
    rows = [json.loads(line) for line in dump.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == n
    kinds = Counter(json.loads(line)["gold"] for line in gold.read_text().splitlines())
    assert kinds["mention"] > 0
    assert kinds["fact"] > 0


@pytest.mark.parametrize("count", [1, 12, 13, 3000])
def test_subject_names_listed_first_then_invented(count: int) -> None:
    common = synth().load_templates()["common"]
    names = synth().subject_names(count, common)
    assert len(names) == count
    assert names[:12] == common["subjects"][:count]
    heads = [n.split()[0].casefold() for n in names]
    assert len(set(heads)) == count, "every subject has its own head word"
    assert names == synth().subject_names(count, common)


@pytest.mark.parametrize("count", [0, -3])
def test_subject_names_refuses_no_subject(count: int) -> None:
    with pytest.raises(ValueError, match="at least one subject"):
        synth().subject_names(count, synth().load_templates()["common"])


def test_cli_refuses_negative_subjects(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        synth().main(["--n", "3", "--out", str(tmp_path / "d.jsonl"), "--subjects", "-1"])
    assert not (tmp_path / "d.jsonl").exists()


def test_subject_names_refuses_more_than_can_be_invented() -> None:
    common = synth().load_templates()["common"]
    n = len(common["names"]["syllables"])
    with pytest.raises(ValueError, match="at most"):
        synth().subject_names(12 + n**2 + n**3, common)


@pytest.mark.parametrize(("n", "subjects"), [(400, 300)])
def test_more_subjects_spread_the_facts(n: int, subjects: int) -> None:
    listed = set(synth().load_templates()["common"]["subjects"])
    used = {p.subject for a in articles(n, 0, subjects) for p in a.planted if p.subject}
    assert len(used) > 150
    assert used - listed
    assert {p.subject for a in articles(n, 0) for p in a.planted if p.subject} <= listed


@pytest.mark.parametrize("seed", [0, 2])
def test_subjects_zero_is_the_listed_default(seed: int) -> None:
    default = [a.text for a in articles(30, seed)]
    listed = len(synth().load_templates()["common"]["subjects"])
    assert [a.text for a in articles(30, seed, listed)] == default
