from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.progress import estimate_records


def _jsonl(path: Path, n: int, *, final_newline: bool = True) -> None:
    body = "\n".join(json.dumps({"text": f"article {i}"}) for i in range(n))
    path.write_text(body + ("\n" if final_newline else ""), encoding="utf-8")


@pytest.mark.parametrize("final_newline", [True, False])
def test_jsonl_files_are_counted_by_lines(tmp_path: Path, final_newline: bool) -> None:
    _jsonl(tmp_path / "a.jsonl", 7, final_newline=final_newline)
    (tmp_path / "b.txt").write_text("one article", encoding="utf-8")
    (tmp_path / "c.html").write_text("<p>another</p>", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    assert estimate_records([tmp_path]) == 9


def test_parquet_rows_come_from_the_metadata(tmp_path: Path) -> None:
    pq.write_table(pa.table({"text": ["a", "b", "c"]}), tmp_path / "d.parquet")
    assert estimate_records([tmp_path]) == 3


@pytest.mark.parametrize("name", ["dump.jsonl.gz", "dump.json"])
def test_forms_that_cannot_be_counted_cheaply_give_none(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(gzip.compress(b"{}") if name.endswith(".gz") else b"[]")
    assert estimate_records([tmp_path]) is None


def test_estimate_matches_the_sample_corpus_reader(corpus_dir: Path) -> None:
    from pipeline.ingest import iter_articles

    assert estimate_records([corpus_dir]) == sum(1 for _ in iter_articles([corpus_dir]))
