"""One reader per input form: each turns a file into Article and Quarantine records.

Readers never raise on bad content: whatever cannot be read becomes a
:class:`~pipeline.types.Quarantine` with a reason (the messages ``E100``-``E149`` of
:class:`~pipeline.errors.Errors`), placed where the problem is (``dump.jsonl:12``).
Records are streamed: line by line, array element by array element, Parquet batch by
batch, WARC record by WARC record. Gzip compression is recognised by its magic bytes,
whatever the file name says. Ids are not made unique here (see :mod:`pipeline.ingest`).

Reading is bounded in memory and time, whatever the input:

* JSON lines are read in chunks of ``_CHUNK`` bytes, never a whole line at once: a line
  longer than :data:`MAX_RECORD_BYTES` is skipped to its end without being held and
  quarantined alone (``record too large: 412,000,000 bytes (limit 20,000,000)``), as is
  a ``.txt``/``.md``/``.html`` file or a WARC response body past that size. Runs of
  blank lines are skipped in bulk, so a file of bare newlines reads at disk speed.
* Each line of a line-delimited file is judged on its own: a binary or undecodable
  line is quarantined alone, the lines around it are read.
* A record's text longer than :data:`MAX_RECORD_CHARS` is quarantined, whatever its form.
* A ``.json`` file is decoded whole, so one larger than :data:`MAX_JSON_FILE_BYTES` is
  one quarantine (JSON lines have no such limit).
* A compressed file stops at :data:`MAX_DECOMPRESSED_BYTES` of decompressed data (a
  decompression bomb): what was read is kept, the rest is one quarantine.
* Every string of every record read is valid UTF-8: lone surrogates are replaced by
  U+FFFD (:func:`~pipeline.utf8.safe_text`), code point for code point, so
  offsets into a text stay exact.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import hashlib
import io
import json
import os
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
from pipeline.utf8 import safe_text

__all__ = [
    "MAX_DECOMPRESSED_BYTES",
    "MAX_JSON_FILE_BYTES",
    "MAX_RECORD_BYTES",
    "MAX_RECORD_CHARS",
    "clean_lang",
    "clean_published",
    "open_binary",
    "read_file",
    "record_to_article",
    "utf8_record",
]

Record = Article | Quarantine

# The largest record read, in bytes as stored (decompressed): one JSON line, one text or
# HTML file, one WARC response body. 20 MB holds a text of 3,000,000 characters even
# when every one is written as a JSON \uXXXX escape (18 MB).
MAX_RECORD_BYTES = 20_000_000
# The longest text of a record, in characters (Parquet cells, JSON array elements...).
MAX_RECORD_CHARS = 20_000_000
# The largest .json file: it is decoded whole, then streamed element by element.
MAX_JSON_FILE_BYTES = 200_000_000
# The most data one compressed file may inflate to; the rest is not read.
MAX_DECOMPRESSED_BYTES = 10_000_000_000

TEXT_FIELDS: tuple[str, ...] = ("text", "content", "body")
_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF = 8192
_CHUNK = 1 << 20
# Blank bytes between lines (NUL too: the padding of a preallocated file, the second
# byte of a UTF-16 newline); a run of them is skipped in one step.
_BLANK_BYTES = b" \t\n\r\x0b\x0c\x00"
_BLANK = re.compile(rb"[ \t\n\r\x0b\x0c\x00]*")
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
    """An Article, or the Quarantine of a text that is empty, too long or binary."""
    reason = None
    blank = not text or text.isspace()
    if blank:
        reason = Errors.E100
    elif len(text) > MAX_RECORD_CHARS:
        reason = Errors.E120.format(size=len(text), limit=MAX_RECORD_CHARS)
    elif _looks_binary(text):
        reason = Errors.E101
    if reason is not None:
        at = record_id or text_hash(source if blank else text)
        return Quarantine(at, source, reason, published, lang, title=title, url=url)
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
    title, url = _optional_str(obj.get("title")), _optional_str(obj.get("url"))

    def quarantine(reason: str) -> Quarantine:
        at = record_id or position_id
        return Quarantine(at, source, reason, published, lang, title=title, url=url)

    found, value = _text_value(obj)
    if isinstance(value, bytes):
        value = decode_bytes(value).text
        if value is None:
            return quarantine(Errors.E102)
    if not found:
        return quarantine(Errors.E104)
    if not isinstance(value, str):
        return quarantine(Errors.E105)
    if not value.strip():
        return quarantine(Errors.E100)
    return make_article(
        value,
        record_id=record_id,
        source=source,
        published=published,
        lang=lang,
        title=title,
        url=url,
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
        return Quarantine(record_id, source, Errors.E115, url=url)
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


class _Guard:
    """A binary stream read a chunk at a time that ends quietly at a break and says why.

    A gzip stream that is cut short or corrupt, or that inflates past
    :data:`MAX_DECOMPRESSED_BYTES`, reads as ended; ``error`` then holds the quarantine
    reason. warcio treats any early end of data as the end of the archive; reading
    through this guard lets a reader tell a truncated file from a complete one.
    """

    def __init__(self, stream: Stream) -> None:
        self._stream = stream
        self._cap = MAX_DECOMPRESSED_BYTES if isinstance(stream, gzip.GzipFile) else None
        self.total = 0
        self.error: str | None = None

    def read(self, size: int = -1) -> bytes:
        if self.error is not None:
            return b""
        try:
            data = self._stream.read1(size if size and size > 0 else _CHUNK)
        except EOFError as e:
            self.error = Errors.E107.format(detail=_short(e))
            return b""
        except (gzip.BadGzipFile, zlib.error) as e:
            self.error = Errors.E109.format(detail=_short(e))
            return b""
        self.total += len(data)
        if self._cap is not None and self.total > self._cap:
            self.error = Errors.E121.format(limit=self._cap)
            return b""
        return data


def _gather(read: Callable[[int], bytes], limit: int) -> bytes | int:
    """Everything ``read`` gives when it is at most ``limit`` bytes, else its size.

    Past ``limit`` the rest is counted chunk by chunk, never held; counting stops at
    :data:`MAX_DECOMPRESSED_BYTES` (the size given is then a lower bound).
    """
    parts: list[bytes] = []
    held = 0
    while chunk := read(_CHUNK):
        held += len(chunk)
        if held > limit:
            parts = []
            while held <= MAX_DECOMPRESSED_BYTES and (chunk := read(_CHUNK)):
                held += len(chunk)
            return held
        parts.append(chunk)
    return b"".join(parts)


def _read_bounded(ref: FileRef, limit: int, too_large: str) -> bytes | str:
    """The whole (decompressed) content of a file of at most ``limit`` bytes, or the
    reason it cannot be had (``too_large`` is formatted with ``size`` and ``limit``)."""
    with open_binary(ref.path) as raw:
        stream = _maybe_gunzip(raw)
        if stream is raw and (size := os.fstat(raw.fileno()).st_size) > limit:
            return too_large.format(size=size, limit=limit)
        guard = _Guard(stream)
        data = _gather(guard.read, limit)
        if guard.error is not None:
            return guard.error
        if isinstance(data, int):
            return too_large.format(size=data, limit=limit)
        return data


def _decode_file(ref: FileRef, *, limit: int, too_large: str) -> str | Quarantine:
    """The decoded text of a whole file, or its Quarantine."""
    data = _read_bounded(ref, limit, too_large)
    if isinstance(data, str):
        return Quarantine(ref.file_id, str(ref.path), data)
    decoded = decode_bytes(data)
    if decoded.text is None:
        return Quarantine(ref.file_id, str(ref.path), decoded.reason or Errors.E102)
    return decoded.text


def _read_whole(ref: FileRef) -> Iterator[Record]:
    """The whole file as one article (``.txt``, ``.md``) or one page (``.html``)."""
    source = str(ref.path)
    text = _decode_file(ref, limit=MAX_RECORD_BYTES, too_large=Errors.E119)
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


def _all_blank(chunk: bytes) -> bool:
    """Whether a chunk holds blank bytes only (checked in bulk: a bomb of newlines)."""
    return (
        chunk[:1] in _BLANK_BYTES
        and chunk[-1:] in _BLANK_BYTES
        and not chunk.translate(None, _BLANK_BYTES)
    )


class _Lines:
    """The non-blank lines of a guarded stream, read in chunks of ``_CHUNK`` bytes.

    Iterating gives ``(line number, line)`` (1-based, blank lines counted), the line
    without its newline, or its size in bytes (an ``int``) when it is longer than
    ``limit``: such a line is counted to its end, never held. Runs of blank lines are
    skipped a chunk at a time. After the iteration, ``lineno`` is the number of the line
    where the stream ended (where a break, if any, happened).
    """

    def __init__(self, guard: _Guard, limit: int) -> None:
        self._guard = guard
        self._limit = limit
        self.lineno = 1

    def __iter__(self) -> Iterator[tuple[int, bytes | int]]:
        parts: list[bytes] = []
        held = 0
        over = -1  # the size so far of a line past the limit, else -1
        while chunk := self._guard.read(_CHUNK):
            if not parts and over < 0 and _all_blank(chunk):
                self.lineno += chunk.count(b"\n")
                continue
            pos, end = 0, len(chunk)
            while pos < end:
                if not parts and over < 0:
                    blank = _BLANK.match(chunk, pos)
                    stop = blank.end() if blank else pos
                    self.lineno += chunk.count(b"\n", pos, stop)
                    pos = stop
                    if pos == end:
                        break
                newline = chunk.find(b"\n", pos)
                cut = end if newline < 0 else newline
                if over >= 0:
                    over += cut - pos
                elif held + cut - pos > self._limit:
                    over, parts, held = held + cut - pos, [], 0
                else:
                    parts.append(chunk[pos:cut])
                    held += cut - pos
                if newline < 0:
                    break
                yield self.lineno, (over if over >= 0 else b"".join(parts))
                parts, held, over = [], 0, -1
                self.lineno += 1
                pos = newline + 1
        if self._guard.error is None and (parts or over >= 0):
            yield self.lineno, (over if over >= 0 else b"".join(parts))


def _line_record(line: bytes, *, record_id: str, source: str) -> Record:
    """One line of a line-delimited dump, judged on its own: a line that is not JSON is
    ``binary content`` when it looks binary (NUL bytes, control bytes), else malformed."""
    try:
        obj = json.loads(decode_line(line))
    except (ValueError, RecursionError) as e:
        reason = Errors.E101 if is_binary(line) else _json_error(e)
        return Quarantine(record_id, source, reason)
    return record_to_article(obj, source=source, position_id=record_id)


def _read_jsonl(ref: FileRef) -> Iterator[Record]:
    """One JSON object a line; blank lines are not records. Each line is judged alone."""
    source = str(ref.path)
    with open_binary(ref.path) as raw:
        guard = _Guard(_maybe_gunzip(raw))
        lines = _Lines(guard, MAX_RECORD_BYTES)
        for lineno, line in lines:
            here, at = f"{source}:{lineno}", f"{ref.file_id}:{lineno}"
            if isinstance(line, int):
                yield Quarantine(at, here, Errors.E119.format(size=line, limit=MAX_RECORD_BYTES))
            else:
                yield _line_record(line, record_id=at, source=here)
        if guard.error is not None:
            n = lines.lineno
            yield Quarantine(f"{ref.file_id}:{n}", f"{source}:{n}", guard.error)


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
    text = _decode_file(ref, limit=MAX_JSON_FILE_BYTES, too_large=Errors.E122)
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
    while stream.read(_CHUNK):
        pass
    return bool(getattr(stream, "limit", 0))


def _read_warc(ref: FileRef) -> Iterator[Record]:
    """One article per successful HTML ``response`` record; other records are ignored."""
    source = str(ref.path)
    number = 0
    with open_binary(ref.path) as raw:
        guard = _Guard(_maybe_gunzip(raw))
        try:
            for record in ArchiveIterator(guard):
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
                body = _gather(record.content_stream().read, MAX_RECORD_BYTES)
                here = f"{source}#record {number}"
                record_id = uri or f"{ref.file_id}#record{number}"
                if _cut_short(record):
                    cut = Errors.E110.format(detail="record cut short")
                    yield Quarantine(record_id, here, guard.error or cut)
                    return
                if isinstance(body, int):
                    too_large = Errors.E119.format(size=body, limit=MAX_RECORD_BYTES)
                    yield Quarantine(record_id, here, too_large)
                    continue
                decoded = decode_bytes(body, declared=charset)
                if decoded.text is None:
                    yield Quarantine(record_id, here, decoded.reason or Errors.E102)
                    continue
                yield _html_article(decoded.text, record_id=record_id, source=here, url=uri or None)
        except _WARC_ERRORS as e:
            at = number + 1
            reason = guard.error or Errors.E110.format(detail=_short(e))
            yield Quarantine(f"{ref.file_id}#record{at}", f"{source}#record {at}", reason)
            return
    if guard.error is not None:
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


_STR_FIELDS: dict[type, tuple[str, ...]] = {
    kind: tuple(f.name for f in dataclasses.fields(kind)) for kind in (Article, Quarantine)
}


def utf8_record(record: Record) -> Record:
    """``record`` with every string field made valid UTF-8 (see :func:`safe_text`)."""
    changes: dict[str, str] = {}
    for name in _STR_FIELDS[type(record)]:
        value = getattr(record, name)
        if isinstance(value, str) and not value.isascii():
            safe = safe_text(value)
            if safe is not value:
                changes[name] = safe
    if not changes:
        return record
    if isinstance(record, Article):
        return dataclasses.replace(record, **changes)
    return dataclasses.replace(record, **changes)


def _read(ref: FileRef) -> Iterator[Record]:
    try:
        yield from _READERS[ref.form](ref)
    except OSError as e:
        yield Quarantine(ref.file_id, str(ref.path), Errors.E108.format(detail=_oserror(e)))


def read_file(ref: FileRef) -> Iterator[Record]:
    """Every record of one file, its strings valid UTF-8; a file that cannot be opened is
    one Quarantine."""
    for record in _read(ref):
        yield utf8_record(record)
