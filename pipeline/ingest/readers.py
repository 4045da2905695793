"""One reader per input form: each turns a file into Article and Quarantine records.

Readers never raise on bad content: whatever cannot be read becomes a
:class:`~pipeline.types.Quarantine` with a reason (the messages ``E100``-``E118`` of
:class:`~pipeline.errors.Errors`), placed where the problem is (``dump.jsonl:12``).
Records are streamed: line by line, array element by array element, Parquet batch by
batch, WARC record by WARC record. Gzip compression is recognised by its magic bytes,
whatever the file name says. Ids are not made unique here (see :mod:`pipeline.ingest`).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import re
import zlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import trafilatura
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from pipeline.errors import Errors
from pipeline.ingest.dateline import find_published
from pipeline.ingest.decode import decode_bytes, decode_line, is_binary
from pipeline.ingest.walk import FileRef
from pipeline.types import Article, Quarantine

__all__ = ["clean_lang", "clean_published", "open_binary", "read_file", "record_to_article"]

Record = Article | Quarantine

TEXT_FIELDS: tuple[str, ...] = ("text", "content", "body")
_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF = 8192
_PARQUET_BATCH_ROWS = 512
_MAX_CONTROL_CHARS = 0.05
_DETAIL_CHARS = 120
_HASH_HEX = 16
_LANG = re.compile(r"([a-z]{2})(?:[-_][a-z0-9]{1,8})*", re.IGNORECASE)
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_WS = re.compile(r"\s*")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
# htmldate reads the page's metadata only: guessing from running text is the dateline's job.
_HTML_DATE_PARAMS: dict[str, Any] = {"extensive_search": False, "original_date": True}


Stream = io.BufferedReader | gzip.GzipFile


def open_binary(path: Path) -> io.BufferedReader:
    """The one place files are opened (binary, buffered)."""
    return path.open("rb")


def _short(detail: object) -> str:
    text = " ".join(str(detail).split())
    return text if len(text) <= _DETAIL_CHARS else text[: _DETAIL_CHARS - 1] + "…"


def _oserror(e: OSError) -> str:
    return _short(e.strerror or e)


def text_hash(text: str) -> str:
    """A stable id for a record without one: the first 16 hex digits of its SHA-1."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()[
        :_HASH_HEX
    ]


def clean_published(value: object) -> str | None:
    """An ISO date (``YYYY-MM-DD``) or datetime string, or ``None`` when invalid."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if _DATE_ONLY.fullmatch(text):
            return dt.date.fromisoformat(text).isoformat()
        return dt.datetime.fromisoformat(text).isoformat()
    except ValueError:
        return None


def clean_lang(value: object) -> str | None:
    """The ISO 639-1 code of a language tag (``"fr"``, ``"fr-FR"``, ``"EN_us"``), or None."""
    if not isinstance(value, str):
        return None
    m = _LANG.fullmatch(value.strip())
    return m.group(1).lower() if m else None


def _optional_str(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _record_id(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _looks_binary(text: str) -> bool:
    sample = text[:_SNIFF]
    if "\x00" in sample:
        return True
    return len(_CONTROL_CHARS.findall(sample)) > _MAX_CONTROL_CHARS * len(sample)


def make_article(
    text: str,
    *,
    record_id: str | None,
    source: str,
    published: str | None = None,
    lang: str | None = None,
    title: str | None = None,
    url: str | None = None,
) -> Record:
    """An Article, or the Quarantine of a text that is empty or binary."""
    if not text.strip():
        return Quarantine(record_id or text_hash(source), source, Errors.E100, published, lang)
    if _looks_binary(text):
        return Quarantine(record_id or text_hash(text), source, Errors.E101, published, lang)
    if published is None:
        published = find_published(text, lang=lang)
    return Article(record_id or text_hash(text), text, source, published, lang, title, url)


def _text_value(obj: Mapping[str, Any]) -> tuple[bool, object]:
    for name in TEXT_FIELDS:
        value = obj.get(name)
        if value is not None:
            return True, value
    return False, None


def record_to_article(obj: object, *, source: str, position_id: str) -> Record:
    """One JSON object or table row to a record; ``position_id`` names it when it has no id."""
    if not isinstance(obj, Mapping):
        return Quarantine(position_id, source, Errors.E106)
    record_id = _record_id(obj.get("id"))
    published = clean_published(obj.get("published"))
    lang = clean_lang(obj.get("lang"))
    found, value = _text_value(obj)
    if isinstance(value, bytes):
        value = decode_bytes(value).text
        if value is None:
            return Quarantine(record_id or position_id, source, Errors.E102, published, lang)
    if not found:
        return Quarantine(record_id or position_id, source, Errors.E104, published, lang)
    if not isinstance(value, str):
        return Quarantine(record_id or position_id, source, Errors.E105, published, lang)
    if not value.strip():
        return Quarantine(record_id or position_id, source, Errors.E100, published, lang)
    return make_article(
        value,
        record_id=record_id,
        source=source,
        published=published,
        lang=lang,
        title=_optional_str(obj.get("title")),
        url=_optional_str(obj.get("url")),
    )


def _html_article(html: str, *, record_id: str, source: str, url: str | None) -> Record:
    """The main text of an HTML page (trafilatura), with its title and date when found."""
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params=_HTML_DATE_PARAMS,
        )
    except (ValueError, TypeError, AttributeError, RecursionError, UnicodeError):
        doc = None
    text = getattr(doc, "text", None) if doc is not None else None
    if not isinstance(text, str) or not text.strip():
        return Quarantine(record_id, source, Errors.E115)
    return make_article(
        text,
        record_id=record_id,
        source=source,
        published=clean_published(getattr(doc, "date", None)),
        title=_optional_str(getattr(doc, "title", None)),
        url=url,
    )


def _maybe_gunzip(raw: io.BufferedReader) -> Stream:
    if raw.peek(2)[:2] == _GZIP_MAGIC:
        return gzip.GzipFile(fileobj=raw, mode="rb")
    return raw


def _read_all(ref: FileRef) -> bytes | str:
    """The whole (decompressed) content of a file, or the reason it cannot be had."""
    with open_binary(ref.path) as raw:
        stream = _maybe_gunzip(raw)
        try:
            return stream.read()
        except EOFError as e:
            return Errors.E107.format(detail=_short(e))
        except (gzip.BadGzipFile, zlib.error) as e:
            return Errors.E109.format(detail=_short(e))


def _decode_file(ref: FileRef) -> str | Quarantine:
    """The decoded text of a whole file, or its Quarantine."""
    data = _read_all(ref)
    if isinstance(data, str):
        return Quarantine(ref.file_id, str(ref.path), data)
    decoded = decode_bytes(data)
    if decoded.text is None:
        return Quarantine(ref.file_id, str(ref.path), decoded.reason or Errors.E102)
    return decoded.text


def _read_whole(ref: FileRef) -> Iterator[Record]:
    """The whole file as one article (``.txt``, ``.md``) or one page (``.html``)."""
    source = str(ref.path)
    text = _decode_file(ref)
    if isinstance(text, Quarantine):
        yield text
    elif ref.form == "html":
        yield _html_article(text, record_id=ref.file_id, source=source, url=None)
    else:
        yield make_article(text, record_id=ref.file_id, source=source)


def _json_error(e: ValueError | RecursionError) -> str:
    if isinstance(e, json.JSONDecodeError):
        return Errors.E103.format(detail=f"{e.msg} (line {e.lineno}, column {e.colno})")
    if isinstance(e, RecursionError):
        return Errors.E103.format(detail="nested too deeply")
    return Errors.E103.format(detail=_short(e))


def _read_jsonl(ref: FileRef) -> Iterator[Record]:
    """One JSON object a line; blank lines are not records."""
    source = str(ref.path)
    lineno = 0
    with open_binary(ref.path) as raw:
        stream = _maybe_gunzip(raw)
        try:
            if is_binary(stream.peek(_SNIFF)[:_SNIFF]):
                yield Quarantine(ref.file_id, source, Errors.E101)
                return
            for lineno, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                here = f"{source}:{lineno}"
                try:
                    obj = json.loads(decode_line(line))
                except (ValueError, RecursionError) as e:
                    yield Quarantine(f"{ref.file_id}:{lineno}", here, _json_error(e))
                    continue
                yield record_to_article(obj, source=here, position_id=f"{ref.file_id}:{lineno}")
        except EOFError as e:
            at = f"{ref.file_id}:{lineno + 1}"
            yield Quarantine(at, f"{source}:{lineno + 1}", Errors.E107.format(detail=_short(e)))
        except (gzip.BadGzipFile, zlib.error) as e:
            at = f"{ref.file_id}:{lineno + 1}"
            yield Quarantine(at, f"{source}:{lineno + 1}", Errors.E109.format(detail=_short(e)))


def _skip_ws(text: str, pos: int) -> int:
    m = _WS.match(text, pos)
    return m.end() if m else pos


def _json_values(text: str) -> Iterator[tuple[int, object] | str]:
    """``(index, value)`` for each element of a top-level array (one for an object),
    then a quarantine reason if the document breaks; elements before it are kept."""
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    in_array = text.startswith("[", pos)
    if in_array:
        pos = _skip_ws(text, pos + 1)
    index = 0
    while not (in_array and text.startswith("]", pos)):
        index += 1
        try:
            value, pos = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError) as e:
            yield _json_error(e)
            return
        yield index, value
        pos = _skip_ws(text, pos)
        if not in_array:
            break
        if text.startswith(",", pos):
            pos = _skip_ws(text, pos + 1)
        elif not text.startswith("]", pos):
            yield Errors.E103.format(detail=f"expected ',' or ']' after element {index}")
            return
    if in_array:
        pos = _skip_ws(text, pos + 1)
    if pos < len(text):
        yield Errors.E103.format(detail="extra data after the top-level value")


def _read_json(ref: FileRef) -> Iterator[Record]:
    """An array of objects (streamed element by element once decoded) or one object."""
    source = str(ref.path)
    text = _decode_file(ref)
    if isinstance(text, Quarantine):
        yield text
        return
    last = 0
    for item in _json_values(text):
        if isinstance(item, str):
            at = last + 1
            yield Quarantine(f"{ref.file_id}#{at}", f"{source}#{at}", item)
            return
        last, value = item
        here = f"{source}#{last}"
        yield record_to_article(value, source=here, position_id=f"{ref.file_id}#{last}")


def _read_parquet(ref: FileRef) -> Iterator[Record]:
    """One row a record, read batch by batch."""
    source = str(ref.path)
    row = 0
    with open_binary(ref.path) as raw:
        try:
            table = pq.ParquetFile(raw)
            for batch in table.iter_batches(batch_size=_PARQUET_BATCH_ROWS):
                for obj in batch.to_pylist():
                    row += 1
                    yield record_to_article(
                        obj, source=f"{source}#row {row}", position_id=f"{ref.file_id}#row{row}"
                    )
        except (pa.ArrowException, ValueError, OSError) as e:
            where = source if row == 0 else f"{source}#row {row + 1}"
            yield Quarantine(
                f"{ref.file_id}#row{row + 1}", where, Errors.E111.format(detail=_short(e))
            )


class _GzipGuard:
    """A gzip stream that ends quietly at a break and remembers it.

    warcio treats any early end of data as the end of the archive; reading through
    this guard lets the reader tell a truncated file from a complete one.
    """

    def __init__(self, stream: gzip.GzipFile) -> None:
        self._stream = stream
        self.error: str | None = None

    def read(self, size: int = -1) -> bytes:
        if self.error is not None:
            return b""
        try:
            return self._stream.read1(size if size and size > 0 else io.DEFAULT_BUFFER_SIZE)
        except EOFError as e:
            self.error = Errors.E107.format(detail=_short(e))
        except (gzip.BadGzipFile, zlib.error) as e:
            self.error = Errors.E109.format(detail=_short(e))
        return b""


def _http_html(record: Any) -> tuple[str, str | None] | None:
    """``(uri, declared charset)`` of a successful HTML response record, else None."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    ctype = record.http_headers.get_header("Content-Type") or ""
    status = record.http_headers.get_statuscode() or ""
    if "html" not in ctype.lower() or not status.startswith("2"):
        return None
    m = _CHARSET.search(ctype)
    headers = record.rec_headers
    uri = headers.get_header("WARC-Target-URI") or headers.get_header("WARC-Record-ID") or ""
    return uri, (m.group(1) if m else None)


# What warcio may raise on a damaged archive (it does not wrap its parsing errors).
_WARC_ERRORS = (
    ArchiveLoadFailed,
    StatusAndHeadersParserException,
    ValueError,
    AttributeError,
    TypeError,
    KeyError,
    IndexError,
    EOFError,
    zlib.error,
)


def _cut_short(record: Any) -> bool:
    """True when a WARC record's block ends before its declared length."""
    stream = record.raw_stream
    stream.read()
    return bool(getattr(stream, "limit", 0))


def _read_warc(ref: FileRef) -> Iterator[Record]:
    """One article per successful HTML ``response`` record; other records are ignored."""
    source = str(ref.path)
    number = 0
    with open_binary(ref.path) as raw:
        stream = _maybe_gunzip(raw)
        guard = _GzipGuard(stream) if isinstance(stream, gzip.GzipFile) else None
        try:
            for record in ArchiveIterator(guard or stream):
                number += 1
                if record.format != "warc":
                    here = f"{source}#record {number}"
                    reason = Errors.E110.format(detail=f"not a WARC record ({record.format})")
                    yield Quarantine(f"{ref.file_id}#record{number}", here, reason)
                    return
                found = _http_html(record)
                if found is None:
                    continue
                uri, charset = found
                body = record.content_stream().read()
                here = f"{source}#record {number}"
                record_id = uri or f"{ref.file_id}#record{number}"
                if _cut_short(record):
                    cut = Errors.E110.format(detail="record cut short")
                    yield Quarantine(record_id, here, guard.error if guard and guard.error else cut)
                    return
                decoded = decode_bytes(body, declared=charset)
                if decoded.text is None:
                    yield Quarantine(record_id, here, decoded.reason or Errors.E102)
                    continue
                yield _html_article(decoded.text, record_id=record_id, source=here, url=uri or None)
        except _WARC_ERRORS as e:
            at = number + 1
            reason = guard.error if guard and guard.error else Errors.E110.format(detail=_short(e))
            yield Quarantine(f"{ref.file_id}#record{at}", f"{source}#record {at}", reason)
            return
    if guard is not None and guard.error is not None:
        at = number + 1
        yield Quarantine(f"{ref.file_id}#record{at}", f"{source}#record {at}", guard.error)


_READERS: dict[str, Callable[[FileRef], Iterator[Record]]] = {
    "text": _read_whole,
    "html": _read_whole,
    "jsonl": _read_jsonl,
    "json": _read_json,
    "parquet": _read_parquet,
    "warc": _read_warc,
}


def read_file(ref: FileRef) -> Iterator[Record]:
    """Every record of one file; a file that cannot be opened is one Quarantine."""
    try:
        yield from _READERS[ref.form](ref)
    except OSError as e:
        yield Quarantine(ref.file_id, str(ref.path), Errors.E108.format(detail=_oserror(e)))
