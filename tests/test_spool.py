"""The output spool: rows come back whole, sorted or selected by their keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.report.spool import OutputSpool


def _fact(fid: str, n_articles: int, **extra: Any) -> dict[str, Any]:
    quote = "3 milliards d'euros — « lancé »"
    return {
        "fact_id": fid,
        "subject": "Nordlys",
        "status": "single",
        "evidence": [{"article_id": f"a{i}", "quote": quote} for i in range(n_articles)],
        **extra,
    }


def test_rows_come_back_whole_in_fact_id_order(tmp_path: Path) -> None:
    rows = [_fact("f3", 1), _fact("f1", 2, note="é" * 10_000), _fact("f2", 3)]
    with OutputSpool(tmp_path / "spool.duckdb") as spool:
        for row in rows:
            spool.add("facts", row)
        got = list(spool.sorted_rows("facts"))
    assert got == sorted(rows, key=lambda r: r["fact_id"])


def test_best_takes_the_most_cited_and_returns_them_by_fact_id(tmp_path: Path) -> None:
    with OutputSpool(tmp_path / "spool.duckdb") as spool:
        for fid, n in (("f4", 5), ("f1", 1), ("f3", 5), ("f2", 9)):
            spool.add("conflicts", _fact(fid, n))
        best = spool.best("conflicts", 3, trim=lambda r: {"fact_id": r["fact_id"]})
    assert best == [{"fact_id": "f2"}, {"fact_id": "f3"}, {"fact_id": "f4"}]


def test_rows_added_while_reading_are_kept(tmp_path: Path) -> None:
    with OutputSpool(tmp_path / "spool.duckdb") as spool:
        for fid in ("f1", "f2", "f3"):
            spool.add("facts", _fact(fid, 1))
        reading = spool.sorted_rows("facts")
        assert next(reading)["fact_id"] == "f1"
        spool.add("facts", _fact("f0", 2))
        assert [r["fact_id"] for r in reading] == ["f2", "f3"]
        assert [r["fact_id"] for r in spool.sorted_rows("facts")] == ["f0", "f1", "f2", "f3"]
        assert spool.count("facts") == 4


def test_closing_removes_the_scratch_files(tmp_path: Path) -> None:
    with OutputSpool(tmp_path / "spool.duckdb") as spool:
        spool.add("facts", _fact("f1", 1))
        assert spool.count("facts") == 1
    assert list(tmp_path.iterdir()) == []
