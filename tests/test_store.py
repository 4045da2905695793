"""Fact store: round trips, idempotent re-runs, replaced articles, accumulation, schema."""

from __future__ import annotations

import hashlib
import itertools
import json
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipeline.checkpoint import Checkpoint, claim_to_json
from pipeline.reconcile import (
    article_fingerprint,
    duplicate_groups,
    fact_to_json,
    reconcile,
    reconcile_groups,
)
from pipeline.store import (
    SCHEMA_VERSION,
    FactStore,
    StoreError,
    StoreStats,
    _hash_ranges,
    _key_ranges,
    _out_of_memory,
    analysis_key,
    text_key,
)
from pipeline.types import Claim, Evidence, Normalized, Qualifiers

SUBJECTS = ("Stargate Norway", "stargate norway", "Nordlys", "Mistral AI", "OpenAI", "d'OpenAI")


def make_claim(
    subject: str,
    predicate: str = "power_capacity",
    value: float = 230.0,
    *,
    article: str = "a1",
    start: int = 0,
    unit: str = "MW",
    qualifiers: Qualifiers | None = None,
    value_max: float | None = None,
    rate_date: str | None = None,
    extra: tuple[tuple[str, str], ...] = (),
    published: str | None = "2025-07-31",
) -> Claim:
    text = f"{value:g} {unit}"
    return Claim(
        subject=subject,
        subject_type="project",
        predicate=predicate,
        value=value,
        value_max=value_max,
        unit=unit,
        normalized=Normalized(value, value_max, unit, rate_date),
        qualifiers=qualifiers or Qualifiers(),
        evidence=Evidence(article, start, start + len(text), text, f"Figure {text}.", value, unit),
        published=published,
        source_key=None,
        confidence=0.5,
        extra=extra,
    )


def record(
    article_id: str,
    claims: Sequence[Claim] = (),
    *,
    text: str | None = None,
    with_sha1: bool = True,
    status: str = "ok",
) -> dict[str, Any]:
    """An outcome record as the runner's checkpoint holds it."""
    body = text if text is not None else f"Article {article_id} about figures and projects."
    row: dict[str, Any] = {
        "article_id": article_id,
        "source": f"dump.jsonl:{article_id}",
        "lang": "fr",
        "published": "2025-07-31",
        "status": status,
        "n_mentions": len(claims),
        "n_facts": len(claims),
    }
    if status != "ok":
        row["reason"] = "empty text"
    out: dict[str, Any] = {
        "row": row,
        "mentions": [
            {
                "article_id": article_id,
                "start": c.evidence.start,
                "end": c.evidence.end,
                "text": c.evidence.text,
                "kind": "power",
                "value": c.value,
                "value_max": c.value_max,
                "unit": c.unit,
                "approx": c.qualifiers.approx,
                "bound": c.qualifiers.bound,
                "normalized": {"value": c.value, "value_max": c.value_max, "unit": c.unit},
                "date": None,
                "sentence": c.evidence.sentence,
                "flags": [],
            }
            for c in claims
        ],
        "claims": [claim_to_json(c) for c in claims],
        "fingerprint": list(article_fingerprint(body)) if status == "ok" else [],
    }
    if with_sha1:
        out["text_sha1"] = hashlib.sha1(body.encode(), usedforsecurity=False).hexdigest()
    return out


def claims_of(records: Sequence[dict[str, Any]]) -> list[Claim]:
    with_ids: list[tuple[tuple[Any, ...], Claim]] = []
    for r in records:
        with_ids.extend(
            make_from_json(c, r["row"]["article_id"], i) for i, c in enumerate(r["claims"])
        )
    return [c for _, c in sorted(with_ids, key=lambda x: x[0])]


def make_from_json(c: dict[str, Any], aid: str, seq: int) -> tuple[tuple[Any, ...], Claim]:
    from pipeline.checkpoint import claim_from_json

    claim = claim_from_json(c)
    key = (claim.subject, claim.predicate, aid, claim.evidence.start, seq)
    return key, claim


DUMP_A = [
    record("a1", [make_claim("Stargate Norway", article="a1", start=10)]),
    record(
        "a2",
        [
            make_claim("Stargate Norway", value=290.0, article="a2", start=5),
            make_claim("Nordlys", "investment", 1e9, article="a2", start=40, unit="EUR"),
        ],
    ),
    record("q1", status="quarantined"),
]
DUMP_B = [
    record("b1", [make_claim("stargate norway", value=290.0, article="b1", start=3)]),
    record("b2", [make_claim("Mistral AI", "funding", 6e8, article="b2", unit="EUR")]),
]


def open_store(tmp_path: Path) -> FactStore:
    return FactStore(tmp_path / "facts.duckdb")


# --------------------------------------------------------------------------- round trip

ROUND_TRIP = [
    make_claim("Stargate Norway"),
    make_claim(
        "OpenAI",
        "investment",
        1.2e9,
        unit="EUR",
        value_max=1.5e9,
        rate_date="2025-07-30",
        qualifiers=Qualifiers(
            stage="target",
            time="2026-12",
            approx=True,
            bound="min",
            counterparty="Nscale",
            location="Narvik",
            scope="phase 1",
        ),
        extra=(("source_title", "Un titre"), ("note", "é ü « »")),
        published=None,
    ),
    make_claim("Mistral AI", "gpu_count", 18000.0, unit="gpu", start=123456),
    make_claim("Nordlys", "stock_price", -0.38, unit="%"),
]


@pytest.mark.parametrize("claim", ROUND_TRIP, ids=lambda c: c.subject)
def test_claim_round_trips_through_the_store(tmp_path: Path, claim: Claim) -> None:
    with open_store(tmp_path) as store:
        store.add_outcomes([record(claim.evidence.article_id, [claim])])
        assert list(store.claims()) == [claim]


@pytest.mark.parametrize("reopen", [False, True])
def test_stored_claims_equal_the_checkpoint_claims(tmp_path: Path, reopen: bool) -> None:
    store = open_store(tmp_path)
    store.add_outcomes(DUMP_A)
    if reopen:
        store.close()
        store = open_store(tmp_path)
    assert list(store.claims()) == claims_of(DUMP_A)
    assert [a["article_id"] for a in store.articles()] == ["a1", "a2", "q1"]
    assert store.counts()["mentions"] == 3
    store.close()


def test_a_scratch_store_keeps_claims_and_fingerprints_but_no_mentions(tmp_path: Path) -> None:
    """``mentions=False`` (the run's scratch store): what reconciliation reads is the
    same as in a full store; only the mentions table stays empty."""
    with open_store(tmp_path / "full") as full, open_store(tmp_path / "scratch") as scratch:
        stats = scratch.add_outcomes(DUMP_A, mentions=False)
        assert stats == replace(full.add_outcomes(DUMP_A), mentions_added=0)
        assert full.counts()["mentions"] == 3
        assert scratch.counts() == {**full.counts(), "mentions": 0}
        assert list(scratch.claims()) == list(full.claims())
        assert scratch.fingerprints() == full.fingerprints()
        assert list(scratch.articles()) == list(full.articles())


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 2, 0)])
def test_claim_order_does_not_depend_on_insertion_order(
    tmp_path: Path, order: tuple[int, ...]
) -> None:
    with open_store(tmp_path) as store:
        store.add_outcomes([DUMP_A[i] for i in order])
        got = list(store.claims())
    assert got == claims_of(DUMP_A)
    keys = [(c.subject, c.predicate, c.evidence.article_id, c.evidence.start) for c in got]
    assert keys == sorted(keys)


# --------------------------------------------------------------------------- re-runs


@pytest.mark.parametrize("with_sha1", [True, False])
def test_same_outcomes_twice_add_no_claims(tmp_path: Path, with_sha1: bool) -> None:
    dump = [record("a1", [make_claim("Nordlys", article="a1")], with_sha1=with_sha1), *DUMP_A[1:]]
    with open_store(tmp_path) as store:
        first = store.add_outcomes(dump)
        before = store.counts()
        second = store.add_outcomes(dump)
        assert store.counts() == before
        assert list(store.claims()) == claims_of(dump)
    assert first == StoreStats(articles_added=3, mentions_added=3, claims_added=3)
    assert second == StoreStats(articles_unchanged=3)


def test_reconciled_support_does_not_grow_on_a_rerun(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        store.add_outcomes(DUMP_A)
        once = [fact_to_json(f) for f in reconcile(store.claims()).facts]
        store.add_outcomes(DUMP_A)
        twice = [fact_to_json(f) for f in reconcile(store.claims()).facts]
    assert once == twice


def test_a_duplicate_id_within_one_call_keeps_the_last_record(tmp_path: Path) -> None:
    old = record("a1", [make_claim("Nordlys", value=100.0)], text="old text")
    new = record("a1", [make_claim("Nordlys", value=200.0)], text="new text")
    with open_store(tmp_path) as store:
        stats = store.add_outcomes([old, new])
        assert [c.value for c in store.claims()] == [200.0]
    assert stats.articles_added == 1


CHANGES = {
    "new text hash": (
        record("a1", [make_claim("Nordlys", value=100.0)], text="first version"),
        record("a1", [make_claim("Nordlys", value=120.0)], text="corrected version"),
    ),
    "no hash, corrected figure": (
        record("a1", [make_claim("Nordlys", value=100.0)], text="same words", with_sha1=False),
        record("a1", [make_claim("Nordlys", value=120.0)], text="same words", with_sha1=False),
    ),
    "same text, new analysis": (
        record("a1", [make_claim("Nordlys", value=100.0)], text="same words"),
        record("a1", [make_claim("Nordlys", value=120.0)], text="same words"),
    ),
    "quarantined, then analysed": (
        record("a1", status="quarantined"),
        record("a1", [make_claim("Nordlys", value=120.0)]),
    ),
}


@pytest.mark.parametrize(("old", "new"), CHANGES.values(), ids=list(CHANGES))
def test_a_changed_article_replaces_its_claims(
    tmp_path: Path, old: dict[str, Any], new: dict[str, Any]
) -> None:
    with open_store(tmp_path) as store:
        store.add_outcomes([old, DUMP_B[1]])
        stats = store.add_outcomes([new])
        assert [c.value for c in store.claims() if c.subject == "Nordlys"] == [120.0]
        assert store.counts()["articles"] == 2
        assert store.counts()["claims"] == 2
        assert store.counts()["mentions"] == 2
    assert stats.articles_replaced == 1
    assert stats.claims_removed == len(old["claims"])
    assert stats.claims_added == 1


def test_keys_depend_on_content_not_on_source_path() -> None:
    moved = record("a1", [make_claim("Nordlys")], with_sha1=False)
    moved["row"] = {**moved["row"], "source": "another-dump.jsonl:7"}
    original = record("a1", [make_claim("Nordlys")], with_sha1=False)
    assert text_key(moved) == text_key(original)
    assert analysis_key(moved) == analysis_key(original)
    assert text_key(record("a1", text="x")) != text_key(record("a1", text="y"))


# --------------------------------------------------------------------------- accumulation


def test_two_dumps_accumulate(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        store.add_outcomes(DUMP_A)
    with open_store(tmp_path) as store:
        stats = store.add_outcomes(DUMP_B)
        assert list(store.claims()) == claims_of([*DUMP_A, *DUMP_B])
        from_store = reconcile(store.claims())
    assert stats.articles_added == 2
    both = reconcile(claims_of([*DUMP_A, *DUMP_B]))
    assert [fact_to_json(f) for f in from_store.facts] == [fact_to_json(f) for f in both.facts]
    norway = [f for f in from_store.facts if f.predicate == "power_capacity"]
    assert len(norway) == 1
    assert {e.article_id for e in norway[0].evidence} | {
        e.article_id for a in norway[0].alternatives for e in a.evidence
    } == {"a1", "a2", "b1"}


def test_checkpoint_records_go_straight_into_the_store(tmp_path: Path) -> None:
    checkpoint = Checkpoint(tmp_path / "run", resume=False)
    for r in DUMP_A:
        checkpoint.append(r)
    checkpoint.close()
    with open_store(tmp_path) as store:
        store.add_outcomes(checkpoint)
        assert list(store.claims()) == claims_of(DUMP_A)


def test_fingerprints_are_kept_for_analysed_articles(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        store.add_outcomes([*DUMP_A, *DUMP_B])
        fps = store.fingerprints()
    assert sorted(fps) == ["a1", "a2", "b1", "b2"]
    assert fps["a1"] == tuple(DUMP_A[0]["fingerprint"])


def _texts_with_copies(n: int, seed: int, exact: float = 0.0) -> dict[str, str]:
    """``n`` random texts: a share ``exact`` of them copies of another, and about a
    third near-copies (a word changed)."""
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(400)]
    texts: dict[str, str] = {}
    for i in range(n):
        if texts and rng.random() < exact:
            texts[f"t{i:03d}"] = rng.choice(list(texts.values()))
            continue
        if texts and rng.random() < 0.33:
            words = rng.choice(list(texts.values())).split()
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
        else:
            words = [rng.choice(vocabulary) for _ in range(rng.randint(3, 120))]
        texts[f"t{i:03d}"] = " ".join(words)
    return texts


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize(
    ("fetch", "band_pass", "memory", "mixed", "exact"),
    [(10_000, 32_768, 64, False, 0.0), (7, 5, 1, True, 0.25)],
)
def test_near_duplicates_in_sql_equal_duplicate_groups(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    seed: int,
    fetch: int,
    band_pass: int,
    memory: int,
    mixed: bool,
    exact: float,
) -> None:
    """Read in batches of ``fetch`` rows, sorted ``band_pass`` rows a file (two files a
    scan when that is small), with DuckDB starting at ``memory`` MB; ``mixed`` adds
    fingerprints of another length and values past 32 bits; ``exact`` is the share of
    texts copied whole (folded into one row before any banding).

    The dump is added at the store's usual limit, and the store opened again at
    ``memory`` MB: every statement of ``near_duplicates`` runs again with more memory
    when DuckDB runs out, but an atomic ``add_outcomes`` cannot (E606), and the 150
    articles in one transaction need about as much as 1 MB, more or less from one run
    to the next.
    """
    monkeypatch.setattr("pipeline.store.FETCH", fetch)
    monkeypatch.setattr("pipeline.store.BAND_PASS", band_pass)
    monkeypatch.setattr("pipeline.store.SPREAD_FILES", 2 if band_pass < 10 else 16)
    texts = _texts_with_copies(150, seed, exact)
    dump = [record(aid, text=text) for aid, text in texts.items()]
    for i, (r, text) in enumerate(zip(dump, texts.values(), strict=True)):
        r["fingerprint"] = list(article_fingerprint(text))
        if mixed and i % 5 == 0:
            r["fingerprint"] = r["fingerprint"][:32]
        if mixed and i > 100 and i % 3 == 0:
            r["fingerprint"] = [v + 2**40 for v in r["fingerprint"]]
    with open_store(tmp_path) as store:
        store.add_outcomes(dump)
        full = duplicate_groups(store.fingerprints())
    monkeypatch.setattr("pipeline.store.MEMORY_LIMIT_MB", memory)
    with open_store(tmp_path) as store:
        assert store.memory_limit_mb == memory
        found = store.near_duplicates()
    assert {aid: found.get(aid, aid) for aid in full} == full
    assert any(rep != aid for aid, rep in found.items())
    assert len(found) < len(full)


@pytest.mark.parametrize("chunk", [7, 100])
def test_many_articles_across_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr("pipeline.store.CHUNK", chunk)
    dump = [
        record(f"art{i:03d}", [make_claim(SUBJECTS[i % len(SUBJECTS)], article=f"art{i:03d}")])
        for i in range(450)
    ]
    with open_store(tmp_path) as store:
        assert store.add_outcomes(dump).claims_added == 450
        again = store.add_outcomes([*dump[::-1], *dump[:10]])
        assert store.counts()["claims"] == 450
        assert list(store.claims()) == claims_of(dump)
    assert again == StoreStats(articles_unchanged=450)


@pytest.mark.parametrize("atomic", [True, False])
def test_an_id_given_again_later_in_one_call_counts_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, atomic: bool
) -> None:
    monkeypatch.setattr("pipeline.store.CHUNK", 2)
    first = [record(f"a{i}", [make_claim("Nordlys", article=f"a{i}")]) for i in range(3)]
    changed = record("a0", [make_claim("Nordlys", value=9.0, article="a0")])
    with open_store(tmp_path) as store:
        stats = store.add_outcomes([*first, changed], atomic=atomic)
        assert stats.articles_added == 3
        assert stats.articles_replaced == 0
        assert [c.value for c in store.claims() if c.evidence.article_id == "a0"] == [9.0]
        assert store.add_outcomes([changed], atomic=atomic) == StoreStats(articles_unchanged=1)


# --------------------------------------------------------------------------- blocks


BLOCK_DUMP = [
    record(
        f"s{i}",
        [
            make_claim(name, article=f"s{i}", value=100.0 + i),
            make_claim(name, "jobs", float(i), article=f"s{i}", start=50, unit="job"),
        ],
    )
    for i, name in enumerate(SUBJECTS * 2)
]


@pytest.mark.parametrize("per_query", [1, 5, 50_000])
def test_blocks_by_subject_are_complete_and_disjoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, per_query: int
) -> None:
    monkeypatch.setattr("pipeline.store.BLOCK_CLAIMS", per_query)
    with open_store(tmp_path) as store:
        store.add_outcomes(BLOCK_DUMP)
        names = store.subject_names()
        blocks = list(store.claims_by_subject())
        everything = list(store.claims())
    canon = [{names[c.subject] for c in block} for block in blocks]
    assert all(len(c) == 1 for c in canon)
    flat = [next(iter(c)) for c in canon]
    assert len(flat) == len(set(flat))
    assert Counter(c for b in blocks for c in b) == Counter(everything)
    assert names["Stargate Norway"] == names["stargate norway"]


@pytest.mark.parametrize("per_query", [1, 5, 50_000])
@pytest.mark.parametrize("per_predicate", [False, True])
def test_blockwise_reconciliation_equals_reconcile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, per_predicate: bool, per_query: int
) -> None:
    """However few claims one sorting query may hold, the blocks and facts are the same."""
    monkeypatch.setattr("pipeline.store.BLOCK_CLAIMS", per_query)
    with open_store(tmp_path) as store:
        store.add_outcomes(BLOCK_DUMP)
        blocks = list(store.claims_by_subject(per_predicate=per_predicate))
        blockwise = list(reconcile_groups(blocks, subjects=store.subject_names()))
        whole = reconcile(store.claims())
    assert len(blocks) == len(whole.facts) if per_predicate else len(blocks) < len(whole.facts)
    facts = sorted((f for f, _ in blockwise), key=lambda f: f.fact_id)
    assert [fact_to_json(f) for f in facts] == [fact_to_json(f) for f in whole.facts]


@pytest.mark.parametrize(
    ("counts", "budget", "expected"),
    [
        ([], 10, []),
        ([("a", 3), ("b", 3), ("c", 3)], 6, [(("a",), ("b",)), (("c",), ("c",))]),
        ([("a", 9), ("b", 1)], 5, [(("a",), ("a",)), (("b",), ("b",))]),
        ([("a", "x", 2), ("a", "y", 2)], 10, [(("a", "x"), ("a", "y"))]),
    ],
)
def test_key_ranges_cover_every_key_once(
    counts: list[tuple[Any, ...]], budget: int, expected: list[tuple[Any, ...]]
) -> None:
    assert list(_key_ranges(counts, budget)) == expected


@pytest.mark.parametrize(
    ("rows", "per_pass", "passes"), [(0, 5, 0), (1, 5, 1), (5, 5, 1), (6, 5, 2), (99, 10, 10)]
)
def test_hash_ranges_cover_every_64_bit_hash_once(rows: int, per_pass: int, passes: int) -> None:
    ranges = _hash_ranges(rows, per_pass)
    assert len(ranges) == passes
    if ranges:
        assert ranges[0][0] == 0
        assert ranges[-1][1] == 2**64 - 1
    for (_, high), (low, _) in itertools.pairwise(ranges):
        assert low == high + 1
    assert all(low <= high for low, high in ranges)


# A sort of about 50 MB of strings: more than a few MB of DuckDB memory can hold.
_BIG_SORT = "SELECT repeat('x', 500) || i::VARCHAR FROM range(100000) t(i) ORDER BY 1 DESC"


def test_a_query_out_of_memory_is_run_again_with_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("pipeline.store.MEMORY_LIMIT_MB", 2)
    with open_store(tmp_path) as store:
        assert store.memory_limit_mb == 2
        first = next(store._stream(_BIG_SORT))
        assert store.memory_limit_mb > 2
        assert first == ("x" * 500 + "99999",)
        limit = store.con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    assert limit != "1.9 MiB"
    assert "DuckDB's limit is now" in caplog.text


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (duckdb.OutOfMemoryException("Out of Memory Error: failed to allocate"), True),
        (OSError("Out of Memory Error: could not allocate block of size 256.0 KiB"), True),
        (OSError("No space left on device"), False),
        (duckdb.IOException("Out of Memory Error"), False),
    ],
)
def test_out_of_memory_is_told_from_other_errors(error: Exception, expected: bool) -> None:
    """An Arrow reader of a DuckDB result raises running out of memory as an OSError."""
    assert _out_of_memory(error) is expected


def test_blocks_are_the_same_when_the_store_starts_with_little_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(tmp_path / "a") as store:
        store.add_outcomes(BLOCK_DUMP)
        expected = list(store.claims_by_subject(per_predicate=True))
    monkeypatch.setattr("pipeline.store.MEMORY_LIMIT_MB", 1)
    with open_store(tmp_path / "b") as store:
        store.add_outcomes(BLOCK_DUMP, atomic=False)
        assert list(store.claims_by_subject(per_predicate=True)) == expected
        assert store.memory_limit_mb > 1


def test_a_query_out_of_memory_at_the_ceiling_is_a_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pipeline.store.MEMORY_LIMIT_MB", 2)
    monkeypatch.setattr("pipeline.store.MEMORY_MAX_MB", 4)
    with (
        open_store(tmp_path) as store,
        pytest.raises(StoreError, match=r"out of DuckDB's memory \(4 MB\)"),
    ):
        next(store._stream(_BIG_SORT))


def test_an_empty_store_has_no_blocks(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        assert list(store.claims_by_subject()) == []
        assert list(store.claims()) == []
        assert store.fingerprints() == {}


# --------------------------------------------------------------------------- facts and runs


def test_record_facts_replaces_the_fact_set_and_logs_runs(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        store.add_outcomes(DUMP_A)
        first = [fact_to_json(f) for f in reconcile(store.claims()).facts]
        store.record_facts(first, "run-1", command=["newsfacts", "run", "a"])
        store.add_outcomes(DUMP_B)
        second = [fact_to_json(f) for f in reconcile(store.claims()).facts]
        store.record_facts(second, "run-2", counts={"facts": len(second)})
    with open_store(tmp_path) as store:
        assert store.facts() == sorted(second, key=lambda f: f["fact_id"])
        runs = store.runs()
    assert [r["run_id"] for r in runs] == ["run-1", "run-2"]
    assert runs[0]["command"] == ["newsfacts", "run", "a"]
    assert runs[0]["counts"]["claims"] == 3
    assert runs[0]["counts"]["facts"] == len(first)
    assert runs[1]["counts"] == {"facts": len(second)}


# --------------------------------------------------------------------------- errors and schema


def test_schema_version_is_recorded(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        assert store.meta()["schema_version"] == str(SCHEMA_VERSION)


@pytest.mark.parametrize("version", [str(SCHEMA_VERSION + 1), "0"])
def test_a_store_of_another_schema_version_raises(tmp_path: Path, version: str) -> None:
    FactStore(tmp_path / "facts.duckdb").close()
    con = duckdb.connect(str(tmp_path / "facts.duckdb"))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [version])
    con.close()
    with pytest.raises(StoreError, match=rf"E600|schema version {version}"):
        FactStore(tmp_path / "facts.duckdb")


def test_a_foreign_duckdb_file_raises(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "other.duckdb"))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="not a newsfacts fact store"):
        FactStore(tmp_path / "other.duckdb")


def test_a_file_that_is_not_duckdb_raises(tmp_path: Path) -> None:
    (tmp_path / "dump.jsonl").write_text('{"text": "x"}\n', encoding="utf-8")
    with pytest.raises(StoreError, match="Cannot open fact store"):
        FactStore(tmp_path / "dump.jsonl")


@pytest.mark.parametrize(
    ("bad", "detail"),
    [({"mentions": []}, "no row"), ({"row": {"article_id": "x"}}, "status"), ([1], "JSON object")],
)
def test_a_malformed_record_raises_and_adds_nothing(tmp_path: Path, bad: Any, detail: str) -> None:
    with open_store(tmp_path) as store:
        with pytest.raises(StoreError, match=f"record 1 .*{detail}"):
            store.add_outcomes([DUMP_A[0], bad])
        assert store.counts()["articles"] == 0


def test_without_atomic_whole_chunks_are_kept_and_a_second_call_completes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pipeline.store.CHUNK", 2)
    good = [record(f"g{i}", [make_claim("Nordlys", article=f"g{i}")]) for i in range(5)]
    with open_store(tmp_path) as store:
        with pytest.raises(StoreError, match="record 5 "):
            store.add_outcomes([*good, {"mentions": []}], atomic=False)
        assert store.counts()["articles"] == 4  # two whole chunks; the third never committed
        again = store.add_outcomes(good, atomic=False)
        assert again == StoreStats(
            articles_added=1, articles_unchanged=4, mentions_added=1, claims_added=1
        )
        assert store.counts()["claims"] == 5


def test_a_closed_store_raises(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.close()
    with pytest.raises(StoreError, match="is closed"):
        list(store.claims())


@pytest.mark.parametrize(("first", "then", "ok"), [("USD", "USD", True), ("USD", "EUR", False)])
def test_the_store_pins_its_currency(tmp_path: Path, first: str, then: str, ok: bool) -> None:
    with open_store(tmp_path) as store:
        store.add_outcomes(DUMP_A, currency=first)
        if ok:
            assert store.add_outcomes(DUMP_B, currency=then).articles_added == 2
        else:
            with pytest.raises(StoreError, match="normalised to USD"):
                store.add_outcomes(DUMP_B, currency=then)
            assert store.counts()["articles"] == 3
        assert store.meta()["currency"] == first


@pytest.mark.parametrize(("field", "bad"), [("value", "290 MW"), ("confidence", [0.5])])
def test_a_claim_of_the_wrong_type_raises_and_rolls_back(
    tmp_path: Path, field: str, bad: Any
) -> None:
    broken = record("x1", [make_claim("Nordlys", article="x1")])
    broken["claims"][0][field] = bad
    with open_store(tmp_path) as store:
        with pytest.raises(StoreError, match="malformed"):
            store.add_outcomes([DUMP_A[0], broken])
        assert store.counts() == dict.fromkeys(
            ("articles", "mentions", "claims", "facts", "runs"), 0
        )


def test_integer_figures_come_back_as_floats(tmp_path: Path) -> None:
    r = record("i1", [make_claim("Nordlys", article="i1")])
    r["claims"][0]["value"] = 230
    with open_store(tmp_path) as store:
        store.add_outcomes([r])
        (got,) = store.claims()
    assert isinstance(got.value, float)
    assert got.value == 230.0


# --------------------------------------------------------------------------- provenance


def titled(r: dict[str, Any], title: str | None, url: str | None) -> dict[str, Any]:
    """``r`` whose articles.jsonl row carries ``title`` and ``url``."""
    return {**r, "row": {**r["row"], "title": title, "url": url}}


def _sources_of(claims: Sequence[Claim]) -> dict[str, tuple[str | None, str | None]]:
    return {c.evidence.article_id: (c.evidence.title, c.evidence.url) for c in claims}


TITLES = {
    "a1": ("Stargate Norway à Narvik", "https://example.com/a1"),
    "a2": ("Nordlys lève 1 milliard", None),
}
TITLED_A = [titled(r, *TITLES.get(r["row"]["article_id"], (None, None))) for r in DUMP_A]


@pytest.mark.parametrize("read", ["claims", "blocks", "blocks_per_predicate"])
def test_claims_read_back_carry_their_articles_title_and_url(tmp_path: Path, read: str) -> None:
    with open_store(tmp_path) as store:
        store.add_outcomes(TITLED_A)
        if read == "claims":
            claims = list(store.claims())
        else:
            per_predicate = read == "blocks_per_predicate"
            blocks = store.claims_by_subject(per_predicate=per_predicate)
            claims = [c for block in blocks for c in block]
        columns = {r[0] for r in store.con.execute("DESCRIBE claims").fetchall()}
    assert _sources_of(claims) == TITLES

    def where(c: Claim) -> tuple[str, int]:
        return c.evidence.article_id, c.evidence.start

    assert sorted(claims, key=where) == sorted(claims_of(DUMP_A), key=where)
    assert not {"title", "url"} & columns  # kept once per article, not per claim


@pytest.mark.parametrize("title", ["Un titre", None])
def test_fact_ids_do_not_depend_on_titles(tmp_path: Path, title: str | None) -> None:
    with open_store(tmp_path / "plain") as plain, open_store(tmp_path / "titled") as other:
        plain.add_outcomes(DUMP_A)
        other.add_outcomes([titled(r, title, "https://example.com/x") for r in DUMP_A])
        ids = [f.fact_id for f in reconcile(plain.claims()).facts]
        assert [f.fact_id for f in reconcile(other.claims()).facts] == ids


def test_stored_articles_rows_carry_title_and_url(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        store.add_outcomes(TITLED_A)
        rows = {a["article_id"]: (a["title"], a["url"]) for a in store.articles()}
    assert rows == {**TITLES, "q1": (None, None)}


@pytest.mark.parametrize(
    ("then", "expected"),
    [
        (("New title", "https://example.com/new"), ("New title", "https://example.com/new")),
        (
            (None, "https://example.com/new"),
            ("Stargate Norway à Narvik", "https://example.com/new"),
        ),
        ((None, None), ("Stargate Norway à Narvik", "https://example.com/a1")),
    ],
)
def test_an_unchanged_article_takes_the_provenance_given_again(
    tmp_path: Path, then: tuple[str | None, str | None], expected: tuple[str, str]
) -> None:
    """Same content: the article is not replaced (no support added), but a title or url
    given again replaces the stored one; one not given keeps it."""
    with open_store(tmp_path) as store:
        store.add_outcomes(TITLED_A)
        stats = store.add_outcomes([titled(DUMP_A[0], *then)])
        claims = list(store.claims())
        row = next(a for a in store.articles() if a["article_id"] == "a1")
    assert stats == StoreStats(articles_unchanged=1)
    assert _sources_of(claims)["a1"] == expected
    assert (row["title"], row["url"]) == expected


def test_provenance_in_claims_does_not_change_the_analysis_key() -> None:
    bare = record("a1", [make_claim("Nordlys", article="a1")])
    for claim in bare["claims"]:
        claim["evidence"].pop("title", None)
        claim["evidence"].pop("url", None)
    with_provenance = record("a1", [make_claim("Nordlys", article="a1")])
    for claim in with_provenance["claims"]:
        claim["evidence"].update(title="T", url="https://example.com")
    assert analysis_key(bare) == analysis_key(with_provenance)
    assert text_key(bare) == text_key(with_provenance)


def _as_version_1(path: Path) -> None:
    """Make the store at ``path`` look as a schema-version-1 store (no title, no url)."""
    con = duckdb.connect(str(path))
    con.execute("ALTER TABLE articles DROP COLUMN title")
    con.execute("ALTER TABLE articles DROP COLUMN url")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()


def test_a_version_1_store_is_migrated_in_place(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        store.add_outcomes(DUMP_A)
    _as_version_1(tmp_path / "facts.duckdb")
    with open_store(tmp_path) as store:
        assert store.meta()["schema_version"] == str(SCHEMA_VERSION) == "2"
        assert list(store.claims()) == claims_of(DUMP_A)
        assert all(c.evidence.title is None for c in store.claims())
        stats = store.add_outcomes([*TITLED_A, *DUMP_B])
        assert _sources_of(list(store.claims()))["a1"] == TITLES["a1"]
    assert stats == StoreStats(
        articles_added=2, articles_unchanged=3, mentions_added=2, claims_added=2
    )


def test_a_failed_migration_is_a_store_error_and_changes_nothing(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        store.add_outcomes(DUMP_A)
    path = tmp_path / "facts.duckdb"
    _as_version_1(path)
    con = duckdb.connect(str(path))
    con.execute("ALTER TABLE articles ADD COLUMN url VARCHAR")  # the second step will fail
    con.close()
    with pytest.raises(StoreError, match=r"schema version 1 and could not be brought up to 2"):
        FactStore(path)
    con = duckdb.connect(str(path))
    version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    columns = {r[0] for r in con.execute("DESCRIBE articles").fetchall()}
    con.close()
    assert version == [("1",)]
    assert "title" not in columns


LONE = "\ud800"


@pytest.mark.parametrize("where", ["article_id", "title", "sentence", "subject"])
def test_lone_surrogates_are_stored_as_replacement_characters(tmp_path: Path, where: str) -> None:
    aid = f"s{LONE}" if where == "article_id" else "s1"
    subject = f"Nordlys {LONE}" if where == "subject" else "Nordlys"
    r = titled(record(aid, [make_claim(subject, article=aid)], text="Un texte."), "T", None)
    if where == "title":
        r = titled(r, f"Titre {LONE}", None)
    if where == "sentence":
        r["claims"][0]["evidence"]["sentence"] = f"Phrase {LONE}."
    with open_store(tmp_path) as store:
        assert store.add_outcomes([r]).claims_added == 1
        assert store.add_outcomes([r]) == StoreStats(articles_unchanged=1)
        (claim,) = store.claims()
        (row,) = store.articles()
    shown: str | None = {
        "article_id": claim.evidence.article_id,
        "title": claim.evidence.title,
        "sentence": claim.evidence.sentence,
        "subject": claim.subject,
    }[where]
    assert shown is not None
    assert "\ufffd" in shown
    assert LONE not in json.dumps(row, ensure_ascii=False)
    assert row["article_id"] == claim.evidence.article_id
