"""A disk spool for the output rows of a run: facts and conflicts, in any number.

Reconciliation yields rows one subject block at a time, in no useful order; the
outputs want them sorted by ``fact_id``, and the HTML report wants a bounded selection
(the best-supported ones) and a few totals. :class:`OutputSpool` keeps the rows on
disk instead of in a Python list, so the run's memory does not grow with the number of
facts: each row's JSON is appended to a scratch file, and a scratch DuckDB table keeps
its sort keys and where it lies. Sorting and selecting read keys only (a fact cited by
thousands of articles is a row of a megabyte, which DuckDB would otherwise have to sort
within its memory limit); rows are then read back one at a time, in order, and the
totals are SQL aggregates.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Literal

import duckdb
import pyarrow as pa

from pipeline.report.jsonl import dumps, safe_text, utf8

__all__ = ["OutputSpool", "Table", "articles_of"]

Table = Literal["facts", "conflicts"]
TABLES: Final[tuple[Table, ...]] = ("facts", "conflicts")
CHUNK: Final = 5000
FETCH: Final = 5000
MEMORY_LIMIT: Final = "256MB"
_SCHEMA: Final = pa.schema(
    [
        ("fact_id", pa.string()),
        ("subject", pa.string()),
        ("status", pa.string()),
        ("n_articles", pa.int64()),
        ("offset", pa.int64()),
        ("length", pa.int64()),
    ]
)


def articles_of(row: Mapping[str, Any]) -> set[str]:
    """Ids of the articles a fact or conflict row cites (evidence and candidates)."""
    found: set[str] = set()
    items: list[Any] = list(row.get("evidence") or ())
    for key in ("alternatives", "candidates"):
        for alt in row.get(key) or ():
            if isinstance(alt, Mapping):
                items.extend(alt.get("evidence") or ())
                found.update(str(a) for a in alt.get("articles") or ())
    for item in items:
        if isinstance(item, Mapping) and item.get("article_id") is not None:
            found.add(str(item["article_id"]))
    return found


class OutputSpool:
    """Fact and conflict rows of one run, kept in a scratch DuckDB file until written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.unlink(missing_ok=True)
        self._con = duckdb.connect(str(path))
        self._con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        self._con.execute("SET preserve_insertion_order = false")
        for table in TABLES:
            self._con.execute(
                f"CREATE TABLE {table} (fact_id VARCHAR, subject VARCHAR, status VARCHAR, "
                'n_articles BIGINT, "offset" BIGINT, length BIGINT)'
            )
        self._pending: dict[Table, list[tuple[str, str, str, int, int, int]]] = {
            t: [] for t in TABLES
        }
        self._rows_path = path.with_name(path.name + ".rows")
        self._rows_file = self._rows_path.open("w+b")
        self._end = 0

    def __enter__(self) -> OutputSpool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._con.close()
        self._rows_file.close()
        self._rows_path.unlink(missing_ok=True)
        self.path.unlink(missing_ok=True)
        Path(f"{self.path}.wal").unlink(missing_ok=True)

    # ----------------------------------------------------------------- writing

    def add(self, table: Table, row: Mapping[str, Any]) -> None:
        """Keep one SPEC row (a facts.jsonl or conflicts.jsonl line); a lone surrogate in
        any of its strings is kept as U+FFFD (see :func:`pipeline.report.jsonl.utf8`)."""
        data = utf8(dumps(row))
        if self._rows_file.tell() != self._end:  # a reader moved it
            self._rows_file.seek(self._end)
        self._rows_file.write(data)
        pending = self._pending[table]
        pending.append(
            (
                safe_text(str(row["fact_id"])),
                safe_text(str(row.get("subject", ""))),
                str(row.get("status", "")),
                len(articles_of(row)),
                self._end,
                len(data),
            )
        )
        self._end += len(data)
        if len(pending) >= CHUNK:
            self._flush(table)

    def _flush(self, table: Table) -> None:
        pending = self._pending[table]
        if not pending:
            return
        batch = pa.Table.from_pylist(
            [dict(zip(_SCHEMA.names, r, strict=True)) for r in pending], schema=_SCHEMA
        )
        self._con.register("_batch", batch)
        try:
            self._con.execute(f"INSERT INTO {table} SELECT * FROM _batch")  # noqa: S608
        finally:
            self._con.unregister("_batch")
        pending.clear()

    def _flush_all(self) -> None:
        for table in TABLES:
            self._flush(table)

    # ----------------------------------------------------------------- reading

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        """The rows whose ``(offset, length)`` ``sql`` selects, in its order."""
        self._flush_all()
        self._rows_file.flush()
        cur = self._con.cursor()
        try:
            cur.execute(sql, list(params))
            while batch := cur.fetchmany(FETCH):
                for offset, length in batch:
                    self._rows_file.seek(offset)
                    row: dict[str, Any] = json.loads(self._rows_file.read(length))
                    yield row
        finally:
            cur.close()

    def _scalar(self, sql: str) -> int:
        self._flush_all()
        found = self._con.execute(sql).fetchone()
        return int(found[0]) if found and found[0] is not None else 0

    def count(self, table: Table) -> int:
        return self._scalar(f"SELECT count(*) FROM {table}")  # noqa: S608

    def subjects(self) -> int:
        """Distinct subjects among the facts."""
        return self._scalar("SELECT count(DISTINCT subject) FROM facts")

    def statuses(self) -> dict[str, int]:
        """Facts per status (``single``, ``agreed``, ``conflict``)."""
        self._flush_all()
        rows = self._con.execute("SELECT status, count(*) FROM facts GROUP BY status").fetchall()
        return {str(s): int(n) for s, n in sorted(rows)}

    def sorted_rows(self, table: Table) -> Iterator[dict[str, Any]]:
        """Every row of ``table``, ordered by fact id, fetched in batches."""
        yield from self._rows(f'SELECT "offset", length FROM {table} ORDER BY fact_id')  # noqa: S608

    def best(
        self,
        table: Table,
        limit: int,
        *,
        trim: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> list[dict[str, Any]]:
        """The ``limit`` rows cited by the most articles (ties by fact id), by fact id;
        each passed through ``trim`` as it is read (to keep only what will be shown)."""
        sql = (
            f'SELECT "offset", length FROM (SELECT fact_id, "offset", length FROM {table} '  # noqa: S608
            "ORDER BY n_articles DESC, fact_id LIMIT ?) ORDER BY fact_id"
        )
        rows = self._rows(sql, (limit,))
        return [trim(r) for r in rows] if trim is not None else list(rows)
