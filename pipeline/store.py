"""The fact store: articles, mentions and claims kept across runs in one DuckDB file.

A run's outcome records (see :mod:`pipeline.checkpoint`: ``row``, ``mentions``,
``claims``, ``fingerprint``) are added with :meth:`FactStore.add_outcomes`. An article
is keyed by its id and its content: the text key (``text_sha1`` when the record or its
row carries one, else a digest of the fingerprint, mentions and claims) and the
analysis key (a digest of the mentions and claims). An article already stored with the
same keys is left alone, so running the same dump again adds no support; an article
whose text or analysis changed replaces its old row, mentions and claims. Ids are
unique in the store, so a claim never counts twice.

Reconciliation then reads every stored claim back, block by block
(:meth:`FactStore.claims_by_subject`, for
:func:`pipeline.reconcile.reconcile_groups`), with the near-duplicates among every
stored article (:meth:`FactStore.near_duplicates`, found in DuckDB without holding the
fingerprints); :meth:`FactStore.record_facts` keeps the latest fact set and one line
per run in ``runs``.

Columns are typed (DOUBLE values, INTEGER offsets, qualifiers and evidence as columns);
rows go in as Arrow batches, a few thousand articles at a time. The schema is
versioned in ``meta``: a file written by a newer schema raises :class:`StoreError`
(E600) rather than being misread; one written by an older schema is migrated in place
when it is opened (``MIGRATIONS``).

An article's provenance, its ``title`` and ``url``, is kept once, in ``articles``, never
per claim; claims read back carry it in their evidence. DuckDB finds it for one block
query at a time (the articles scanned against that query's article ids), so Python
never holds every article's title. An article stored again unchanged takes the
provenance given this time where it is known. Strings are stored as valid UTF-8: a
lone surrogate that reaches the store becomes U+FFFD.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import marshal
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from itertools import chain, groupby, islice, pairwise, repeat
from pathlib import Path
from types import TracebackType
from typing import Any, Final

import duckdb
import numpy as np
import pyarrow as pa
from rapidfuzz import fuzz

from pipeline.errors import Errors, StoreError
from pipeline.reconcile.duplicates import BandRows, band_starts, linked_rows, whole_buckets
from pipeline.reconcile.subjects import AliasTable, cluster_subjects
from pipeline.report.jsonl import safe_text
from pipeline.types import Claim, Evidence, Normalized, Qualifiers

__all__ = [
    "DEFAULT_STORE",
    "SCHEMA_VERSION",
    "FactStore",
    "StoreError",
    "StoreStats",
    "analysis_key",
    "text_key",
]

log = logging.getLogger("newsfacts")

# 2: ``articles`` gained ``title`` and ``url`` (a version-1 store is migrated on open).
SCHEMA_VERSION: Final = 2
DEFAULT_STORE: Final = Path("outputs/newsfacts.duckdb")
CHUNK: Final = 2000
FETCH: Final = 10_000
# Claims sorted by one query of claims_by_subject: the sort's memory follows this, not
# the number of stored claims (a block larger than this is still read whole).
BLOCK_CLAIMS: Final = 50_000
# DuckDB's working memory, in MB. Its buffer pool otherwise grows to most of the
# machine's memory while a large dump goes in, and keeps every page it has read or
# written while under its limit; past this one it evicts pages (they are in the
# database file) or spills sorts to disk. At 100,000 articles, 64 MB rather than 128
# lowers the run's peak by about 40 MB and is no slower. A query that cannot run in it
# (a sort of one very large block) is retried with the limit doubled, up to
# ``MEMORY_MAX_MB``.
MEMORY_LIMIT_MB: Final = 64
# Rows of fingerprints sorted at once by near_duplicates (see FactStore._banded), and
# the files one scan spreads them over (so one scan joins at most 16 × 32,768 rows).
BAND_PASS: Final = 32_768
SPREAD_FILES: Final = 16
MEMORY_MAX_MB: Final = 4096
_NONE: Final[tuple[str, ...]] = ()
_MAGIC: Final = b"DUCK"
_MAGIC_START: Final = 8
_MAGIC_END: Final = 12

Scorer = Callable[..., float]
Column = tuple[str, str, pa.DataType]

_STR = pa.string()
_F64 = pa.float64()
_I32 = pa.int32()
_BOOL = pa.bool_()
_STRS = pa.list_(pa.string())
_TS = pa.timestamp("us")


@dataclass(frozen=True, slots=True)
class StoreStats:
    """What one :meth:`FactStore.add_outcomes` call changed."""

    articles_added: int = 0
    articles_replaced: int = 0
    articles_unchanged: int = 0
    mentions_added: int = 0
    claims_added: int = 0
    claims_removed: int = 0


# --------------------------------------------------------------------------- schema

ARTICLES: Final[tuple[Column, ...]] = (
    ("article_id", "VARCHAR NOT NULL", _STR),
    ("text_key", "VARCHAR NOT NULL", _STR),
    ("analysis_key", "VARCHAR NOT NULL", _STR),
    ("source", "VARCHAR", _STR),
    ("lang", "VARCHAR", _STR),
    ("published", "VARCHAR", _STR),
    ("status", "VARCHAR NOT NULL", _STR),
    ("reason", "VARCHAR", _STR),
    ("n_mentions", "INTEGER", _I32),
    ("n_facts", "INTEGER", _I32),
    ("fingerprint", "BIGINT[]", pa.list_(pa.int64())),
    ("row_json", "VARCHAR NOT NULL", _STR),
    ("added_at", "TIMESTAMP NOT NULL", _TS),
    ("title", "VARCHAR", _STR),
    ("url", "VARCHAR", _STR),
)

MENTIONS: Final[tuple[Column, ...]] = (
    ("article_id", "VARCHAR NOT NULL", _STR),
    ("seq", "INTEGER NOT NULL", _I32),
    ("start_char", "INTEGER", _I32),
    ("end_char", "INTEGER", _I32),
    ("text", "VARCHAR", _STR),
    ("kind", "VARCHAR", _STR),
    ("value", "DOUBLE", _F64),
    ("value_max", "DOUBLE", _F64),
    ("unit", "VARCHAR", _STR),
    ("approx", "BOOLEAN", _BOOL),
    ("bound", "VARCHAR", _STR),
    ("normalized_value", "DOUBLE", _F64),
    ("normalized_value_max", "DOUBLE", _F64),
    ("normalized_unit", "VARCHAR", _STR),
    ("date", "VARCHAR", _STR),
    ("sentence", "VARCHAR", _STR),
    ("flags", "VARCHAR[]", _STRS),
)

CLAIMS: Final[tuple[Column, ...]] = (
    ("article_id", "VARCHAR NOT NULL", _STR),
    ("seq", "INTEGER NOT NULL", _I32),
    ("subject", "VARCHAR NOT NULL", _STR),
    ("subject_type", "VARCHAR NOT NULL", _STR),
    ("predicate", "VARCHAR NOT NULL", _STR),
    ("value", "DOUBLE NOT NULL", _F64),
    ("value_max", "DOUBLE", _F64),
    ("unit", "VARCHAR NOT NULL", _STR),
    ("normalized_value", "DOUBLE NOT NULL", _F64),
    ("normalized_value_max", "DOUBLE", _F64),
    ("normalized_unit", "VARCHAR NOT NULL", _STR),
    ("rate_date", "VARCHAR", _STR),
    ("stage", "VARCHAR", _STR),
    ("time_qualifier", "VARCHAR", _STR),
    ("approx", "BOOLEAN NOT NULL", _BOOL),
    ("bound", "VARCHAR", _STR),
    ("counterparty", "VARCHAR", _STR),
    ("location", "VARCHAR", _STR),
    ("scope", "VARCHAR", _STR),
    ("evidence_article_id", "VARCHAR NOT NULL", _STR),
    ("start_char", "INTEGER NOT NULL", _I32),
    ("end_char", "INTEGER NOT NULL", _I32),
    ("evidence_text", "VARCHAR NOT NULL", _STR),
    ("sentence", "VARCHAR NOT NULL", _STR),
    ("evidence_value", "DOUBLE NOT NULL", _F64),
    ("evidence_unit", "VARCHAR NOT NULL", _STR),
    ("sentence_start", "INTEGER NOT NULL", _I32),
    ("published", "VARCHAR", _STR),
    ("source_key", "VARCHAR", _STR),
    ("confidence", "DOUBLE NOT NULL", _F64),
    ("extra_keys", "VARCHAR[] NOT NULL", _STRS),
    ("extra_values", "VARCHAR[] NOT NULL", _STRS),
)

FACTS: Final[tuple[Column, ...]] = (
    ("fact_id", "VARCHAR NOT NULL", _STR),
    ("run_id", "VARCHAR NOT NULL", _STR),
    ("subject", "VARCHAR", _STR),
    ("subject_type", "VARCHAR", _STR),
    ("predicate", "VARCHAR", _STR),
    ("value", "DOUBLE", _F64),
    ("value_max", "DOUBLE", _F64),
    ("unit", "VARCHAR", _STR),
    ("normalized_value", "DOUBLE", _F64),
    ("normalized_value_max", "DOUBLE", _F64),
    ("normalized_unit", "VARCHAR", _STR),
    ("status", "VARCHAR", _STR),
    ("confidence", "DOUBLE", _F64),
    ("row_json", "VARCHAR NOT NULL", _STR),
)

RUNS: Final[tuple[Column, ...]] = (
    ("run_id", "VARCHAR NOT NULL", _STR),
    ("command", "VARCHAR[] NOT NULL", _STRS),
    ("time", "TIMESTAMP NOT NULL", _TS),
    ("counts_json", "VARCHAR NOT NULL", _STR),
)

TABLES: Final[dict[str, tuple[Column, ...]]] = {
    "articles": ARTICLES,
    "mentions": MENTIONS,
    "claims": CLAIMS,
    "facts": FACTS,
    "runs": RUNS,
}

# From one schema version to the next: the statements that bring a store up to it.
MIGRATIONS: Final[dict[int, tuple[str, ...]]] = {
    2: (
        "ALTER TABLE articles ADD COLUMN title VARCHAR",
        "ALTER TABLE articles ADD COLUMN url VARCHAR",
    ),
}


def _qualified(alias: str, names: Iterable[str]) -> str:
    return ", ".join(f"{alias}.{name}" for name in names)


# What a chunk's articles are looked up and refreshed by.
_INCOMING: Final[tuple[Column, ...]] = tuple(
    column
    for column in ARTICLES
    if column[0] in {"article_id", "text_key", "analysis_key", "title", "url"}
)
# Whether an incoming article ``i`` gives a title or url other than its stored row ``a``'s.
_NEW_PROVENANCE: Final = (
    "((i.title IS NOT NULL AND a.title IS DISTINCT FROM i.title) OR "
    "(i.url IS NOT NULL AND a.url IS DISTINCT FROM i.url))"
)
_CLAIM_NAMES: Final = tuple(name for name, _, _ in CLAIMS[2:])
_ORDER_NAMES: Final = ("subject", "predicate", "article_id", "start_char", "seq")
# A claims row ``c`` as _claim_of reads it; ``s``, its article, gives its provenance.
_CLAIM_SELECT: Final = _qualified("c", _CLAIM_NAMES)
_CLAIM_ORDER: Final = _qualified("c", _ORDER_NAMES)
_SOURCES: Final = "LEFT JOIN articles s ON s.article_id = c.evidence_article_id"
_EVIDENCE_ARTICLE: Final = _CLAIM_NAMES.index("evidence_article_id")
_NO_SOURCE: Final[tuple[str | None, str | None]] = (None, None)


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _ddl(table: str, columns: Sequence[Column]) -> str:
    body = ", ".join(f'"{name}" {sql}' for name, sql, _ in columns)
    return f"CREATE TABLE {table} ({body})"


def _clean(value: Any) -> Any:
    """``value`` with every string in it made valid UTF-8 (:func:`safe_text`)."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _arrow(columns: Sequence[Column], data: Mapping[str, list[Any]]) -> pa.Table:
    """An Arrow table of ``data`` in the column types (ints become doubles where declared).

    Arrow refuses a string that is not valid UTF-8: only then are the strings cleaned
    (a lone surrogate becomes U+FFFD) and the table built again.
    """
    schema = pa.schema([(name, kind) for name, _, kind in columns])
    try:
        try:
            return pa.Table.from_pydict(dict(data), schema=schema)
        except UnicodeEncodeError:
            cleaned = {name: [_clean(v) for v in column] for name, column in data.items()}
            return pa.Table.from_pydict(cleaned, schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
        raise StoreError(Errors.E603.format(index="batch", detail=e)) from e


# --------------------------------------------------------------------------- keys


def _digest(obj: list[Any]) -> str:
    """SHA-1 of ``obj`` marshalled in format 2 (no back-references, so content-only).

    Records read from JSON give the same bytes for the same content; a key that changes
    (another Python, dict keys in another order) only makes the article be replaced
    again, never counted twice.
    """
    return hashlib.sha1(marshal.dumps(obj, 2), usedforsecurity=False).hexdigest()


_PROVENANCE: Final = frozenset({"title", "url"})


def _without_provenance(claims: list[Any]) -> list[Any]:
    """``claims`` (JSON dicts) with no ``title``/``url`` in their evidence: the article's
    provenance is not what its analysis gave, and a key must not change with it."""
    if not any(
        type(c) is dict and type(e := c.get("evidence")) is dict and ("title" in e or "url" in e)
        for c in claims
    ):
        return claims
    out: list[Any] = []
    for claim in claims:
        evidence = claim.get("evidence") if isinstance(claim, dict) else None
        if isinstance(evidence, dict):
            bare = {k: v for k, v in evidence.items() if k not in _PROVENANCE}
            out.append({**claim, "evidence": bare})
        else:
            out.append(claim)
    return out


def analysis_key(record: Mapping[str, Any]) -> str:
    """Digest of what the analysis gave: status, reason, language, date, mentions, claims
    (not the article's title and url, which are its provenance)."""
    row = record["row"]
    return _digest(
        [
            row.get("status"),
            row.get("reason"),
            row.get("lang"),
            row.get("published"),
            record.get("mentions") or [],
            _without_provenance(record.get("claims") or []),
        ]
    )


def text_key(record: Mapping[str, Any], *, analysis: str | None = None) -> str:
    """The article's content key: its text SHA-1 when given, else a digest of its products.

    The fallback digests the fingerprint with the analysis key (``analysis`` when already
    computed), because a MinHash alone may not change when one figure of a long text is
    corrected.
    """
    sha = record.get("text_sha1") or record["row"].get("text_sha1")
    if isinstance(sha, str) and sha:
        return f"sha1:{sha}"
    products = analysis if analysis is not None else analysis_key(record)
    return f"digest:{_digest([list(record.get('fingerprint') or ()), products])}"


# --------------------------------------------------------------------------- rows


def _opt_float(x: Any) -> float | None:
    return None if x is None else float(x)


def _check_record(index: int, record: Any) -> dict[str, Any]:
    """``record`` checked, as a dict whose article id is valid UTF-8 (the id it is stored
    and looked up under)."""
    if not isinstance(record, Mapping):
        raise StoreError(Errors.E603.format(index=index, detail="not a JSON object"))
    row = record.get("row")
    if not isinstance(row, Mapping) or not isinstance(row.get("article_id"), str):
        raise StoreError(Errors.E603.format(index=index, detail="no row with an article_id"))
    if not isinstance(row.get("status"), str):
        raise StoreError(Errors.E603.format(index=index, detail="row without a status"))
    checked = dict(record)
    article_id = safe_text(row["article_id"])
    if article_id is not row["article_id"]:
        checked["row"] = {**row, "article_id": article_id}
    return checked


def _optional_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _article_values(record: Mapping[str, Any], now: dt.datetime) -> dict[str, Any]:
    row = record["row"]
    analysis = analysis_key(record)
    return {
        "article_id": row["article_id"],
        "text_key": text_key(record, analysis=analysis),
        "analysis_key": analysis,
        "source": row.get("source"),
        "lang": row.get("lang"),
        "published": row.get("published"),
        "status": row["status"],
        "reason": row.get("reason"),
        "n_mentions": row.get("n_mentions"),
        "n_facts": row.get("n_facts"),
        "fingerprint": [int(x) for x in record.get("fingerprint") or ()],
        "row_json": json.dumps(row, ensure_ascii=False, sort_keys=True),
        "added_at": now,
        "title": _optional_text(row.get("title")),
        "url": _optional_text(row.get("url")),
    }


def _mention_values(article_id: str, seq: int, m: Mapping[str, Any]) -> tuple[Any, ...]:
    n = m.get("normalized")
    return (
        article_id,
        seq,
        m.get("start"),
        m.get("end"),
        m.get("text"),
        m.get("kind"),
        _opt_float(m.get("value")),
        _opt_float(m.get("value_max")),
        m.get("unit"),
        bool(m.get("approx", False)),
        m.get("bound"),
        None if n is None else float(n["value"]),
        None if n is None else _opt_float(n.get("value_max")),
        None if n is None else n.get("unit"),
        m.get("date"),
        m.get("sentence"),
        [str(f) for f in m.get("flags") or ()],
    )


def _claim_values(article_id: str, seq: int, c: Mapping[str, Any]) -> tuple[Any, ...]:
    """One claims row; numbers are cast by the Arrow column types (see :func:`_arrow`)."""
    n, q, e = c["normalized"], c["qualifiers"], c["evidence"]
    extra = c.get("extra") or ()
    return (
        article_id,
        seq,
        c["subject"],
        c["subject_type"],
        c["predicate"],
        c["value"],
        c.get("value_max"),
        c["unit"],
        n["value"],
        n.get("value_max"),
        n["unit"],
        n.get("rate_date"),
        q.get("stage"),
        q.get("time"),
        q.get("approx", False),
        q.get("bound"),
        q.get("counterparty"),
        q.get("location"),
        q.get("scope"),
        e["article_id"],
        e["start"],
        e["end"],
        e["text"],
        e["sentence"],
        e["value"],
        e["unit"],
        e.get("sentence_start", 0),
        c.get("published"),
        c.get("source_key"),
        c.get("confidence", 0.5),
        [str(k) for k, _ in extra] if extra else _NONE,
        [str(v) for _, v in extra] if extra else _NONE,
    )


def _claim_of(r: Sequence[Any], source: tuple[str | None, str | None] = _NO_SOURCE) -> Claim:
    """A :class:`Claim` from a row of ``SELECT {_CLAIM_SELECT}``, its evidence with its
    article's ``source`` (title, url)."""
    return Claim(
        subject=r[0],
        subject_type=r[1],
        predicate=r[2],
        value=r[3],
        value_max=r[4],
        unit=r[5],
        normalized=Normalized(value=r[6], value_max=r[7], unit=r[8], rate_date=r[9]),
        qualifiers=Qualifiers(
            stage=r[10],
            time=r[11],
            approx=r[12],
            bound=r[13],
            counterparty=r[14],
            location=r[15],
            scope=r[16],
        ),
        evidence=Evidence(
            article_id=r[17],
            start=r[18],
            end=r[19],
            text=r[20],
            sentence=r[21],
            value=r[22],
            unit=r[23],
            sentence_start=r[24],
            title=source[0],
            url=source[1],
        ),
        published=r[25],
        source_key=r[26],
        confidence=r[27],
        extra=tuple(zip(r[28], r[29], strict=True)),
    )


def _columns(names: Sequence[Column], rows: Sequence[tuple[Any, ...]]) -> dict[str, list[Any]]:
    if not rows:
        return {name: [] for name, _, _ in names}
    return {
        name: list(col) for (name, _, _), col in zip(names, zip(*rows, strict=True), strict=True)
    }


def _fact_values(f: Mapping[str, Any], run_id: str) -> tuple[Any, ...]:
    n = f.get("normalized") or {}
    return (
        str(f["fact_id"]),
        run_id,
        f.get("subject"),
        f.get("subject_type"),
        f.get("predicate"),
        _opt_float(f.get("value")),
        _opt_float(f.get("value_max")),
        f.get("unit"),
        _opt_float(n.get("value")),
        _opt_float(n.get("value_max")),
        n.get("unit"),
        f.get("status"),
        _opt_float(f.get("confidence")),
        json.dumps(f, ensure_ascii=False, sort_keys=True),
    )


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _check_header(path: Path) -> None:
    """Refuse an existing file that is not a DuckDB database (DuckDB would open some).

    DuckDB can open other formats (a JSON lines dump, for instance) as a database; a
    store path given by mistake must fail rather than read or write such a file.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(_MAGIC_END)
    except FileNotFoundError:
        return
    except OSError as e:
        raise StoreError(Errors.E601.format(path=path, detail=e)) from e
    if head and head[_MAGIC_START:_MAGIC_END] != _MAGIC:
        raise StoreError(Errors.E601.format(path=path, detail="not a DuckDB database file"))


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _from_key(columns: Sequence[str], way: str) -> str:
    """SQL for "``columns``, compared in order, are ``way`` (``>`` or ``<``) or equal to
    the key given as parameters" (row values cannot be range-compared in DuckDB)."""
    head, *rest = columns
    if not rest:
        return f"{head} {way}= ?"
    return f"({head} {way} ? OR ({head} = ? AND {_from_key(rest, way)}))"


def _key_params(key: Sequence[Any]) -> list[Any]:
    """The parameters of :func:`_from_key` for ``key``: every value but the last twice."""
    return [v for value in key[:-1] for v in (value, value)] + [key[-1]]


def _key_ranges(
    counted: Iterable[tuple[Any, ...]], budget: int
) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...]]]:
    """``(first key, last key)`` of consecutive runs of ``(*key, count)`` rows (in key
    order) whose counts add up to about ``budget``; every key is in exactly one run."""
    low: tuple[Any, ...] | None = None
    high: tuple[Any, ...] = ()
    held = 0
    for *key, n in counted:
        if low is not None and held + int(n) > budget:
            yield low, high
            low, held = None, 0
        if low is None:
            low = tuple(key)
        high = tuple(key)
        held += int(n)
    if low is not None:
        yield low, high


def _out_of_memory(error: BaseException) -> bool:
    """Whether ``error`` is DuckDB running out of memory (an Arrow reader of a DuckDB
    result raises it as an OSError)."""
    return isinstance(error, duckdb.OutOfMemoryException) or (
        isinstance(error, OSError) and str(error).startswith("Out of Memory Error")
    )


def _hash_ranges(rows: int, per_pass: int) -> list[tuple[int, int]]:
    """Ranges of 64-bit hashes (inclusive) that split ``rows`` rows keyed by a hash into
    passes of about ``per_pass`` (none for no row)."""
    passes = -(-rows // per_pass)
    edges = [i * 2**64 // passes for i in range(passes)] + [2**64]
    return [(low, high - 1) for low, high in pairwise(edges)]


# --------------------------------------------------------------------------- the store


class FactStore:
    """Articles, mentions, claims and the latest facts of every run, in one DuckDB file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        _check_header(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._con: duckdb.DuckDBPyConnection | None = duckdb.connect(
                str(self.path), config={"memory_limit": f"{MEMORY_LIMIT_MB}MB"}
            )
            self.memory_limit_mb = MEMORY_LIMIT_MB
        except (OSError, duckdb.Error) as e:
            raise StoreError(Errors.E601.format(path=self.path, detail=e)) from e
        try:
            self._open_schema()
        except BaseException:
            self.close()
            raise

    # ----------------------------------------------------------------- lifecycle

    def __enter__(self) -> FactStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The open connection (raises :class:`StoreError` E604 once closed)."""
        if self._con is None:
            raise StoreError(Errors.E604.format(path=self.path))
        return self._con

    def _open_schema(self) -> None:
        """Create the tables of a new store; check (and migrate) an existing one's."""
        con = self.con
        listed = self._arrow(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'",
            on=con,
        )
        tables = {str(name) for name in listed.column(0).to_pylist()}
        if not tables:
            con.begin()
            con.execute(
                "CREATE TABLE meta (key VARCHAR NOT NULL, value VARCHAR NOT NULL)"
            ).fetchall()
            for name, columns in TABLES.items():
                con.execute(_ddl(name, columns)).fetchall()
            con.execute(
                "INSERT INTO meta VALUES ('schema_version', ?), ('created', ?)",
                [str(SCHEMA_VERSION), _utcnow().isoformat(timespec="seconds")],
            ).fetchall()
            con.commit()
            return
        if "meta" not in tables:
            raise StoreError(Errors.E602.format(path=self.path, tables=", ".join(sorted(tables))))
        found = self.meta().get("schema_version")
        if found is not None and found.isdigit() and 1 <= int(found) < SCHEMA_VERSION:
            self._migrate(int(found))
        elif found != str(SCHEMA_VERSION):
            raise StoreError(
                Errors.E600.format(path=self.path, found=found, supported=SCHEMA_VERSION)
            )

    def _migrate(self, found: int) -> None:
        """Bring a store of schema version ``found`` up to ``SCHEMA_VERSION``, in one
        transaction (an error leaves it as it was: StoreError E607)."""
        con = self.con
        con.begin()
        try:
            for version in range(found + 1, SCHEMA_VERSION + 1):
                for sql in MIGRATIONS[version]:
                    con.execute(sql).fetchall()
            con.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)]
            ).fetchall()
            con.commit()
        except duckdb.Error as e:
            with suppress(duckdb.Error):
                con.rollback()
            raise StoreError(
                Errors.E607.format(
                    path=self.path, found=found, supported=SCHEMA_VERSION, detail=_first_line(e)
                )
            ) from e
        log.info(
            "fact store %s: schema version %d brought up to %d", self.path, found, SCHEMA_VERSION
        )

    # ----------------------------------------------------------------- reading

    def meta(self) -> dict[str, str]:
        """The ``meta`` table as a dict (``schema_version``, ``created``, ``currency``...)."""
        rows = self.con.execute("SELECT key, value FROM meta").fetchall()
        return {str(k): str(v) for k, v in rows}

    def counts(self) -> dict[str, int]:
        """Rows per table: articles, mentions, claims, facts, runs."""
        out: dict[str, int] = {}
        for name in TABLES:
            rows = self.con.execute(f"SELECT count(*) FROM {name}").fetchall()  # noqa: S608
            out[name] = int(rows[0][0])
        return out

    @contextmanager
    def _registered(
        self, name: str, table: pa.Table, *, on: duckdb.DuckDBPyConnection | None = None
    ) -> Iterator[None]:
        """``table`` as the view ``name`` (on the connection ``on``, else the store's)
        for the statements inside.

        When one of them fails, its transaction is aborted and DuckDB refuses even the
        unregistering: that error would hide the first one, so it is dropped (the
        rollback removes the view).
        """
        con = self.con if on is None else on
        con.register(name, table)
        try:
            yield
        except BaseException:
            with suppress(duckdb.Error):
                con.unregister(name)
            raise
        con.unregister(name)

    def _memory_error(self, error: Exception) -> StoreError:
        """StoreError (E606) for ``error`` at the current memory limit."""
        return StoreError(
            Errors.E606.format(
                path=self.path, limit=self.memory_limit_mb, detail=_first_line(error)
            )
        )

    def _more_memory(self, error: Exception) -> None:
        """Double DuckDB's memory limit after ``error``; raise StoreError (E606) when it
        is already at ``MEMORY_MAX_MB``."""
        if self.memory_limit_mb >= MEMORY_MAX_MB:
            raise self._memory_error(error) from error
        self.memory_limit_mb = min(2 * self.memory_limit_mb, MEMORY_MAX_MB)
        self.con.execute(f"SET memory_limit = '{self.memory_limit_mb}MB'").fetchall()
        log.warning(
            "fact store %s: a query needed more memory; DuckDB's limit is now %d MB",
            self.path,
            self.memory_limit_mb,
        )

    def _execute(
        self, sql: str, params: Sequence[Any] = (), *, on: duckdb.DuckDBPyConnection
    ) -> None:
        """Run one statement on ``on``, again with more memory if DuckDB runs out."""
        while True:
            try:
                on.execute(sql, list(params)).fetchall()
                return
            except duckdb.OutOfMemoryException as e:
                self._more_memory(e)

    def _stream(
        self,
        sql: str,
        *,
        views: Mapping[str, pa.Table] | None = None,
        params: Sequence[Any] = (),
    ) -> Iterator[tuple[Any, ...]]:
        """Rows of ``sql`` fetched in batches on a cursor of its own (with its views).

        A query that runs out of DuckDB's memory before its first rows (sorts and
        groupings do all their work then) is run again with more (``_more_memory``).
        """
        while True:
            cur = self.con.cursor()
            try:
                for name, table in (views or {}).items():
                    cur.register(name, table)
                try:
                    cur.execute(sql, list(params))
                    rows = cur.fetchmany(FETCH)
                except duckdb.OutOfMemoryException as e:
                    self._more_memory(e)
                    continue
                while rows:
                    yield from rows
                    rows = cur.fetchmany(FETCH)
                return
            finally:
                cur.close()

    def claims(self) -> Iterator[Claim]:
        """Every stored claim, ordered by subject, predicate, article id and offset, its
        evidence with its article's title and url."""
        sql = (
            f"SELECT {_CLAIM_SELECT}, s.title, s.url FROM claims c {_SOURCES} "  # noqa: S608
            f"ORDER BY {_CLAIM_ORDER}"
        )
        width = len(_CLAIM_NAMES)
        for r in self._stream(sql):
            yield _claim_of(r[:width], (r[width], r[width + 1]))

    def subject_names(
        self, *, scorer: Scorer = fuzz.token_sort_ratio, aliases: AliasTable | None = None
    ) -> dict[str, str]:
        """Surface subject → canonical subject over every stored claim (as ``reconcile``)."""
        counted = self._stream("SELECT subject, count(*) FROM claims GROUP BY subject")
        names = chain.from_iterable(repeat(str(s), int(n)) for s, n in counted)
        return cluster_subjects(names, scorer=scorer, aliases=aliases)

    def claims_by_subject(
        self,
        *,
        scorer: Scorer = fuzz.token_sort_ratio,
        aliases: AliasTable | None = None,
        per_predicate: bool = False,
    ) -> Iterator[list[Claim]]:
        """Blocks of claims, one per canonical subject (complete and disjoint).

        The blocks are what :func:`pipeline.reconcile.reconcile_groups` expects; give it
        ``subjects=store.subject_names()`` (same ``scorer``/``aliases``) so that names are
        canonicalised as :func:`pipeline.reconcile.reconcile` would over all claims.
        ``per_predicate`` cuts finer, one block per subject, predicate and normalised
        unit — the groups reconciliation resolves independently — so that the largest
        block in memory is one fact's claims, not a much-cited company's. Evidence
        carries its article's title and url; Python holds those of one query's articles
        at a time (at most ``BLOCK_CLAIMS``), never every article's.
        """
        names = self.subject_names(scorer=scorer, aliases=aliases)
        mapping = pa.Table.from_pydict(
            {"subject": list(names), "canonical": list(names.values())},
            schema=pa.schema([("subject", _STR), ("canonical", _STR)]),
        )
        views = {"_subject_names": mapping}
        cut = "canonical, predicate, normalized_unit" if per_predicate else "canonical"
        width = 3 if per_predicate else 1
        named = (
            "(SELECT coalesce(m.canonical, c.subject) AS canonical, c.* "
            "FROM claims c LEFT JOIN _subject_names m USING (subject))"
        )
        count = f"SELECT {cut}, count(*) FROM {named} GROUP BY ALL ORDER BY {cut}"  # noqa: S608
        ranges = list(_key_ranges(self._stream(count, views=views), BLOCK_CLAIMS))
        columns = [f"c.{name}" for name in cut.split(", ")]
        keys = ", ".join(columns)
        within = f"{_from_key(columns, '>')} AND {_from_key(columns, '<')}"
        sql = (
            f"SELECT {keys}, {_CLAIM_SELECT} FROM {named} c "  # noqa: S608
            f"WHERE {within} ORDER BY {keys}, {_CLAIM_ORDER}"
        )
        # The provenance of the range's articles, when they have one (none is looked for
        # in a store that holds none): DuckDB hashes the range's article ids and scans
        # the articles against them. A join in the range query itself would hash every
        # article (their titles) for each range.
        known = (
            "SELECT s.article_id, s.title, s.url FROM articles s "  # noqa: S608
            "WHERE (s.title IS NOT NULL OR s.url IS NOT NULL) AND s.article_id IN "
            f"(SELECT c.evidence_article_id FROM {named} c WHERE {within})"
        )
        provenance = self._arrow(
            "SELECT EXISTS (SELECT 1 FROM articles WHERE title IS NOT NULL OR url IS NOT NULL)",
            on=self.con,
        )
        any_known = bool(provenance.column(0)[0].as_py())
        for low, high in ranges:
            params = (*_key_params(low), *_key_params(high))
            sources = {
                str(aid): (title, url)
                for aid, title, url in (
                    self._stream(known, views=views, params=params) if any_known else ()
                )
            }
            rows = self._stream(sql, views=views, params=params)
            for _, block in groupby(rows, key=lambda r: r[:width]):
                yield [
                    _claim_of(r[width:], sources.get(r[width + _EVIDENCE_ARTICLE], _NO_SOURCE))
                    for r in block
                ]

    def fingerprints(self) -> dict[str, tuple[int, ...]]:
        """Article id → MinHash fingerprint, for every stored article that has one."""
        rows = self._stream(
            "SELECT article_id, fingerprint FROM articles WHERE len(fingerprint) > 0"
        )
        return {str(aid): tuple(int(x) for x in fp) for aid, fp in rows}

    def near_duplicates(self, *, threshold: float = 0.8) -> dict[str, str]:
        """Article id → representative, for the stored articles whose near-duplicate group
        starts with another article (the others are their own, as in ``duplicate_groups``).

        Nothing here holds every fingerprint, or anything else per article, in Python.
        For each fingerprint length, DuckDB finds the exact copies (``_fold_copies``)
        and the LSH buckets that rows share (``_banded``); those rows come back bucket by
        bucket with their fingerprints, and
        :func:`~pipeline.reconcile.duplicates.linked_rows` compares them a slab at a
        time, keeping only the rows it links. Rows are the articles' ``rowid``s: the
        ids are read back only for the articles in a group (``_representatives``).
        """
        lengths = self._arrow(
            "SELECT DISTINCT len(fingerprint) FROM articles WHERE len(fingerprint) > 0 ORDER BY 1",
            on=self.con,
        )
        out: dict[str, str] = {}
        for length in lengths.column(0).to_pylist():
            # A temporary table lives on the connection that made it: one cursor for all.
            cur = self.con.cursor()
            try:
                self._fold_copies(int(length), on=cur)
                banded = whole_buckets(self._banded(int(length), on=cur))
                out.update(self._representatives(linked_rows(banded, threshold=threshold), on=cur))
            finally:
                cur.close()
        return out

    def _fold_copies(self, length: int, *, on: duckdb.DuckDBPyConnection) -> None:
        """``_later``: every article with a fingerprint of ``length`` values that another
        has too (``row``) and the first of those copies (``first``), on the connection
        ``on``.

        Only fingerprints whose hash recurs are compared, in passes of about
        ``BAND_PASS`` rows, each a range of hashes: no grouping ever holds every
        fingerprint.
        """
        self._execute(
            "CREATE TEMP TABLE _repeated AS SELECT hash(fingerprint) AS digest, "
            "count(*) AS n FROM articles WHERE len(fingerprint) = ? "
            "GROUP BY digest HAVING count(*) > 1",
            [length],
            on=on,
        )
        self._execute("CREATE TEMP TABLE _later (row BIGINT, first BIGINT)", on=on)
        repeated = self._arrow("SELECT coalesce(sum(n), 0) FROM _repeated", on=on)
        for low, high in _hash_ranges(int(repeated.column(0)[0].as_py()), BAND_PASS):
            self._execute(
                "INSERT INTO _later SELECT row, first FROM (SELECT rowid AS row, "
                "min(rowid) OVER (PARTITION BY fingerprint) AS first FROM articles "
                "WHERE len(fingerprint) = ? AND hash(fingerprint) BETWEEN ? AND ? "
                "AND hash(fingerprint) IN (SELECT digest FROM _repeated)) WHERE row <> first",
                [length, low, high],
                on=on,
            )

    def _banded(self, length: int, *, on: duckdb.DuckDBPyConnection) -> Iterator[BandRows]:
        """The fingerprints of ``length`` values (but for ``_later`` copies, on the
        connection ``on``) that share a band's values with another, in bucket order.

        A bucket is a band and a 64-bit hash of its values (a collision only adds pairs
        to compare). DuckDB finds the shared buckets from narrow (row, bucket) rows.
        Their rows then need their fingerprints, bucket by bucket, and a sort of that
        many wide rows is more than DuckDB can do in its memory limit; so a scan spreads
        them over files of about ``BAND_PASS`` rows, by range of bucket hashes
        (``_spread``), and each file is read back and sorted on its own.
        """
        starts = band_starts(length)
        self._execute(
            "CREATE TEMP TABLE _keys AS SELECT a.rowid AS row, "
            "hash(b.start, a.fingerprint[b.start + 1 : b.start + ?]) AS bucket "
            "FROM articles a CROSS JOIN range(?, ?, ?) b(start) "
            "WHERE len(a.fingerprint) = ? AND a.rowid NOT IN (SELECT row FROM _later)",
            [starts.step, starts.start, starts.stop, starts.step, length],
            on=on,
        )
        # Two statements: as one, the grouping and the join outgrow the limit together.
        self._execute(
            "CREATE TEMP TABLE _buckets AS SELECT bucket FROM _keys "
            "GROUP BY bucket HAVING count(*) > 1",
            on=on,
        )
        self._execute(
            "CREATE TEMP TABLE _shared AS SELECT bucket, row FROM _keys "
            "SEMI JOIN _buckets USING (bucket)",
            on=on,
        )
        self._execute("DROP TABLE _keys", on=on)
        shared = self._arrow("SELECT count(*) FROM _shared", on=on).column(0)[0].as_py()
        fits = (
            self._arrow(
                "SELECT coalesce(min(list_min(fingerprint)) >= 0 AND "
                "max(list_max(fingerprint)) <= 4294967295, true) "
                "FROM articles WHERE len(fingerprint) = ?",
                [length],
                on=on,
            )
            .column(0)[0]
            .as_py()
        )
        record = np.dtype(
            [
                ("bucket", np.uint64),
                ("row", np.int64),
                ("sig", np.uint32 if fits else np.int64, (length,)),
            ]
        )
        ranges = _hash_ranges(shared, BAND_PASS)
        with tempfile.TemporaryDirectory(prefix="newsfacts-bands-", dir=self.path.parent) as tmp:
            for first in range(0, len(ranges), SPREAD_FILES):
                part = ranges[first : first + SPREAD_FILES]
                yield from self._spread(part, record, Path(tmp), on=on)

    def _spread(
        self,
        ranges: Sequence[tuple[int, int]],
        record: np.dtype[Any],
        folder: Path,
        *,
        on: duckdb.DuckDBPyConnection,
    ) -> Iterator[BandRows]:
        """The ``_shared`` rows whose bucket lies in ``ranges``, with their fingerprints:
        written by one scan to one file of ``record`` rows per range in ``folder`` (the
        scan again, with more memory, if DuckDB runs out), then read back a file at a
        time, sorted by bucket and row."""
        paths = [folder / f"{i}.bin" for i in range(len(ranges))]
        highs = np.array([high for _, high in ranges], dtype=np.uint64)
        length = record["sig"].shape[0]
        sql = (
            "SELECT s.bucket, s.row, a.fingerprint FROM _shared s "
            "JOIN articles a ON a.rowid = s.row WHERE s.bucket BETWEEN ? AND ?"
        )
        while True:
            try:
                with ExitStack() as stack:
                    files = [stack.enter_context(path.open("wb")) for path in paths]
                    reader = on.sql(sql, params=[ranges[0][0], ranges[-1][1]])
                    for batch in reader.to_arrow_reader(FETCH):
                        rows = np.empty(batch.num_rows, dtype=record)
                        rows["bucket"] = batch.column(0).to_numpy()
                        rows["row"] = batch.column(1).to_numpy()
                        rows["sig"] = batch.column(2).flatten().to_numpy().reshape(-1, length)
                        part = np.searchsorted(highs, rows["bucket"])  # first range to hold it
                        order = np.argsort(part, kind="stable")
                        ends = np.cumsum(np.bincount(part, minlength=len(paths))).tolist()
                        for index, (lo, hi) in enumerate(pairwise([0, *ends])):
                            if hi > lo:
                                rows[order[lo:hi]].tofile(files[index])
                break
            except (duckdb.OutOfMemoryException, OSError) as e:
                if not _out_of_memory(e):
                    raise
                self._more_memory(e)
        for path in paths:
            rows = np.fromfile(path, dtype=record)
            path.unlink()
            rows = rows[np.lexsort((rows["row"], rows["bucket"]))]
            yield BandRows(rows["bucket"], rows["row"], rows["sig"])

    def _representatives(
        self, linked: Mapping[int, int], *, on: duckdb.DuckDBPyConnection
    ) -> dict[str, str]:
        """Article id → the smallest id of its group, for the articles of a group that
        starts with another: rows ``linked`` to a root, those roots, and the ``_later``
        copies of any of them (or of a fingerprint with no near-duplicate)."""
        group = dict(linked)
        group.update((root, root) for root in linked.values())
        later = self._arrow("SELECT row, first FROM _later", on=on)
        for row, first in zip(
            later.column(0).to_pylist(), later.column(1).to_pylist(), strict=True
        ):
            group[row] = group.setdefault(first, first)
        if not group:
            return {}
        wanted = pa.table({"row": pa.array(list(group), type=pa.int64())})
        with self._registered("_wanted", wanted, on=on):
            ids = self._arrow(
                "SELECT w.row, a.article_id FROM _wanted w JOIN articles a ON a.rowid = w.row",
                on=on,
            )
        id_of = dict(zip(ids.column(0).to_pylist(), ids.column(1).to_pylist(), strict=True))
        smallest: dict[int, str] = {}
        for row, root in group.items():
            if root not in smallest or id_of[row] < smallest[root]:
                smallest[root] = id_of[row]
        return {
            id_of[row]: smallest[root]
            for row, root in group.items()
            if id_of[row] != smallest[root]
        }

    def _arrow(
        self, sql: str, params: Sequence[Any] = (), *, on: duckdb.DuckDBPyConnection
    ) -> pa.Table:
        """The result of ``sql`` on the connection ``on`` as one Arrow table (a small
        one: counts, ids), again with more memory if DuckDB runs out."""
        while True:
            try:
                return on.sql(sql, params=list(params)).to_arrow_table()
            except duckdb.OutOfMemoryException as e:
                self._more_memory(e)

    def articles(self) -> Iterator[dict[str, Any]]:
        """The stored articles.jsonl rows, ordered by article id, each with the article's
        latest known ``title`` and ``url``."""
        sql = "SELECT row_json, title, url FROM articles ORDER BY article_id"
        for row, title, url in self._stream(sql):
            parsed: dict[str, Any] = json.loads(row)
            parsed["title"], parsed["url"] = title, url
            yield parsed

    def facts(self) -> list[dict[str, Any]]:
        """The facts of the latest reconciliation (SPEC dicts), ordered by fact id."""
        rows = self.con.execute("SELECT row_json FROM facts ORDER BY fact_id").fetchall()
        return [json.loads(r[0]) for r in rows]

    def runs(self) -> list[dict[str, Any]]:
        """One dict per recorded run, oldest first."""
        rows = self.con.execute("SELECT run_id, command, time, counts_json FROM runs ORDER BY time")
        return [
            {"run_id": r, "command": list(c), "time": t.isoformat(), "counts": json.loads(n)}
            for r, c, t, n in rows.fetchall()
        ]

    # ----------------------------------------------------------------- writing

    def add_outcomes(
        self,
        records: Iterable[Mapping[str, Any]],
        *,
        currency: str | None = None,
        atomic: bool = True,
        mentions: bool = True,
    ) -> StoreStats:
        """Add the outcome records of one run; return what changed.

        ``currency`` (the run's ``--currency``) is pinned in ``meta`` by the first run
        that gives one: money normalised to another currency would not reconcile with the
        stored claims, so a different one raises :class:`StoreError` (E605).

        ``atomic`` makes the whole call one transaction: an error adds nothing. DuckDB
        keeps an open transaction's rows in memory, so for a large dump pass
        ``atomic=False``: every ``CHUNK`` records are then committed as they go (an
        article always with its mentions and claims), memory stays flat, and after an
        interruption the same call again completes the store without counting twice.

        ``mentions=False`` leaves the mentions table alone: for a scratch store that is
        only reconciled and then thrown away (reconciliation reads claims and
        fingerprints), it saves a third of the time and most of the writing. An article
        stored so is never given its mentions later, so do not keep such a store.
        """
        con = self.con
        totals: list[tuple[int, ...]] = []
        # The ids this call has added so far, kept by DuckDB (within its memory limit)
        # rather than in a Python set that would grow with the dump.
        con.execute("CREATE OR REPLACE TEMP TABLE _added_ids (article_id VARCHAR)").fetchall()
        con.begin()
        try:
            if currency is not None:
                self._pin_currency(currency)
                if not atomic:
                    con.commit()
                    con.begin()
            chunk: dict[str, dict[str, Any]] = {}
            for index, record in enumerate(records):
                checked = _check_record(index, record)
                aid = checked["row"]["article_id"]
                chunk.pop(aid, None)
                chunk[aid] = checked
                if len(chunk) >= CHUNK:
                    totals.append(self._add_chunk_in_memory(chunk, mentions, atomic))
                    chunk = {}
                    if not atomic:
                        con.commit()
                        con.begin()
            if chunk:
                totals.append(self._add_chunk_in_memory(chunk, mentions, atomic))
            con.commit()
        except BaseException:
            con.rollback()
            raise
        finally:
            con.execute("DROP TABLE IF EXISTS _added_ids").fetchall()
        return StoreStats(*(sum(column) for column in zip(*totals, strict=True)))

    def _add_chunk_in_memory(
        self, chunk: Mapping[str, dict[str, Any]], mentions: bool, atomic: bool
    ) -> tuple[int, ...]:
        """``_add_chunk`` in the chunk's own transaction (``atomic=False``), redone with
        more memory when DuckDB runs out; an atomic call cannot redo its earlier chunks
        and raises StoreError (E606)."""
        while True:
            try:
                return self._add_chunk(chunk, mentions=mentions)
            except duckdb.OutOfMemoryException as e:
                if atomic:
                    raise self._memory_error(e) from e
                self.con.rollback()
                self._more_memory(e)
                self.con.begin()

    def _pin_currency(self, currency: str) -> None:
        known = self.meta().get("currency")
        if known is None:
            self.con.execute("INSERT INTO meta VALUES ('currency', ?)", [currency]).fetchall()
        elif known != currency:
            raise StoreError(Errors.E605.format(path=self.path, known=known, given=currency))

    def _add_chunk(
        self, chunk: Mapping[str, dict[str, Any]], *, mentions: bool = True
    ) -> tuple[int, ...]:
        """Store one chunk of records (distinct ids); return its :class:`StoreStats` fields.

        The temporary table ``_added_ids`` holds the ids of this call's earlier chunks: an id
        given again is not counted twice as an article (its rows are still replaced when
        they changed). The chunk's ids join it in the chunk's transaction. An unchanged
        article whose title or url is given and differs takes the new ones.
        """
        con = self.con
        now = _utcnow()
        articles = [_article_values(r, now) for r in chunk.values()]
        keys = _arrow(_INCOMING, {name: [a[name] for a in articles] for name, _, _ in _INCOMING})
        with self._registered("_incoming", keys):
            stored = con.execute(
                "SELECT i.article_id, a.text_key = i.text_key AND a.analysis_key = i.analysis_key, "  # noqa: S608
                f"{_NEW_PROVENANCE} FROM _incoming i JOIN articles a USING (article_id)"
            ).fetchall()
            if any(same and newer for _, same, newer in stored):
                con.execute(
                    "UPDATE articles a SET title = coalesce(i.title, a.title), "  # noqa: S608
                    "url = coalesce(i.url, a.url) FROM _incoming i "
                    "WHERE a.article_id = i.article_id AND a.text_key = i.text_key "
                    f"AND a.analysis_key = i.analysis_key AND {_NEW_PROVENANCE}"
                ).fetchall()
            added = con.execute(
                "SELECT article_id FROM _incoming JOIN _added_ids USING (article_id)"
            )
            earlier = {str(aid) for (aid,) in added.fetchall()}
            con.execute("INSERT INTO _added_ids SELECT article_id FROM _incoming").fetchall()
        same = {str(aid) for aid, equal, _ in stored if equal}
        changed = sorted(str(aid) for aid, equal, _ in stored if not equal)
        removed = self._remove(changed)
        fresh = [a for a in articles if a["article_id"] not in same]
        mention_rows: list[tuple[Any, ...]] = []
        claims: list[tuple[Any, ...]] = []
        for a in fresh:
            record = chunk[a["article_id"]]
            aid = a["article_id"]
            if mentions:
                mention_rows.extend(
                    _mention_values(aid, i, m) for i, m in enumerate(record.get("mentions") or ())
                )
            claims.extend(
                _claim_values(aid, i, c) for i, c in enumerate(record.get("claims") or ())
            )
        self._insert("articles", ARTICLES, {n: [a[n] for a in fresh] for n, _, _ in ARTICLES})
        self._insert("mentions", MENTIONS, _columns(MENTIONS, mention_rows))
        self._insert("claims", CLAIMS, _columns(CLAIMS, claims))
        return (
            len(fresh) - len(changed),
            len(set(changed) - earlier),
            len(same - earlier),
            len(mention_rows),
            len(claims),
            removed,
        )

    def _remove(self, article_ids: Sequence[str]) -> int:
        """Delete the rows of ``article_ids`` from every article table; return claims gone."""
        if not article_ids:
            return 0
        con = self.con
        ids = pa.Table.from_pydict(
            {"article_id": list(article_ids)}, schema=pa.schema([("article_id", _STR)])
        )
        con.register("_gone", ids)
        try:
            removed = 0
            for table in ("claims", "mentions", "articles"):
                row = con.execute(
                    f"DELETE FROM {table} WHERE article_id IN (SELECT article_id FROM _gone)"  # noqa: S608
                ).fetchall()
                if table == "claims":
                    removed = int(row[0][0])
        finally:
            con.unregister("_gone")
        return removed

    def _insert(self, table: str, columns: Sequence[Column], data: Mapping[str, list[Any]]) -> None:
        if not next(iter(data.values()), []):
            return
        batch = _arrow(columns, data)
        with self._registered("_batch", batch):
            self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _batch").fetchall()  # noqa: S608

    def record_facts(
        self,
        facts: Iterable[Mapping[str, Any]],
        run_id: str,
        *,
        command: Sequence[str] = (),
        counts: Mapping[str, int] | None = None,
    ) -> None:
        """Replace the stored fact set with ``facts`` and add a line to ``runs``.

        ``facts`` may be a stream: it is inserted ``CHUNK`` rows at a time. ``counts``
        defaults to the facts and conflicts given and the store's row counts.
        """
        con = self.con
        con.begin()
        try:
            con.execute("DELETE FROM facts").fetchall()
            n_facts = n_conflicts = 0
            for chunk in _chunks(facts, CHUNK):
                n_facts += len(chunk)
                n_conflicts += sum(1 for f in chunk if f.get("status") == "conflict")
                rows = [_fact_values(f, run_id) for f in chunk]
                self._insert("facts", FACTS, _columns(FACTS, rows))
            tally = (
                dict(counts)
                if counts is not None
                else self._default_counts(facts=n_facts, conflicts=n_conflicts)
            )
            self._insert(
                "runs",
                RUNS,
                {
                    "run_id": [run_id],
                    "command": [[str(a) for a in command]],
                    "time": [_utcnow()],
                    "counts_json": [json.dumps(tally, sort_keys=True)],
                },
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise

    def _default_counts(self, *, facts: int, conflicts: int) -> dict[str, int]:
        stored = self.counts()
        return {
            "articles": stored["articles"],
            "mentions": stored["mentions"],
            "claims": stored["claims"],
            "facts": facts,
            "conflicts": conflicts,
        }
