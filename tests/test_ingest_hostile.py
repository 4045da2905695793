"""Ingest on a hostile dump: every bad case is quarantined once, nothing raises."""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import os
import random
import zlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.idset import IdSet
from pipeline.ingest import SkippedFile, iter_articles, readers
from pipeline.types import Article, Quarantine
from pipeline.utf8 import safe_text

Record = Article | Quarantine

SCRIPT_ONLY = "<html><head><style>p{}</style></head><body><script>var x=1;</script></body></html>"
PAGE = (
    "<html><head><title>Page {n}</title></head><body><nav>Menu</nav><article>"
    "<p>Article {n}: OpenAI annonce un centre de données de {n}00 MW en Norvège, "
    "avec un partenaire local et un financement privé de plusieurs milliards.</p>"
    "</article><footer>Tous droits réservés</footer></body></html>"
)


def line(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n"


def noisy_lines(n: int) -> bytes:
    """``n`` JSON lines that compress poorly, so that a cut lands mid-stream."""
    rng = random.Random(n)
    words = ["centre", "données", "GPU", "MW", "milliards", "Norvège", "OpenAI", "site"]
    return b"".join(
        line(
            {
                "id": f"g{i}",
                "text": " ".join(rng.choice(words) + str(rng.random()) for _ in range(30)),
            }
        )
        for i in range(n)
    )


def warc(n: int) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for i in range(1, n + 1):
        body = PAGE.format(n=i).encode("utf-8")
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(
                f"https://example.org/{i}",
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=headers,
            )
        )
    return out.getvalue()


JSONL_LINES = b"".join(
    [
        line({"id": "j1", "text": "Un texte correct."}),
        b'{"id": "j2", "text": \n',
        line([1, 2]),
        line({"id": "j4", "title": "pas de texte"}),
        line({"id": "j5", "text": 42}),
        line({"id": "j6", "text": " \n\t "}),
        b"\n",
        line({"id": "j8", "text": "a\u0000\u0001\u0002b"}),
        line("juste une chaîne"),
        b"[" * 100_000 + b"\n",
        '{"id": "j11", "text": "café crème"}\n'.encode("cp1252"),
        line({"id": "j12", "content": None, "body": "corps du texte"}),
    ]
)

# file name -> content; paths relative to the dump folder
FILES: dict[str, bytes] = {
    "good.txt": b"Un article correct.",
    "empty.txt": b"   \r\n\t  ",
    "binary.txt": b"PK\x03\x04\x00\x00\x14\x00\x08\x08" * 20,
    "undecodable.txt": bytes(range(128, 256)) * 4,
    "bad_utf16.txt": b"\xff\xfe\x00\xd8a\x00",
    "lines.jsonl": JSONL_LINES,
    "plain_named.jsonl.gz": line({"id": "p1", "text": "pas compressé"}),
    "corrupt.jsonl.gz": b"\x1f\x8b\x08\x00" + b"garbage" * 20,
    "broken.json": b'[{"id": "a1", "text": "x"}, {"id": "a2", "text": "y"}, {oops',
    "scalar.json": b"42",
    "trailing.json": b'{"id": "t1", "text": "z"} {"id": "t2"}',
    "bad.parquet": b"PAR1" + b"\x00garbage" * 10,
    "bad.warc": b"garbage that is not a WARC\r\n\r\n",
    "script.html": SCRIPT_ONLY.encode(),
    "blank.htm": b"",
    "unreadable.txt": b"never read",
    "sub/deep.md": b"# Titre\n\nTexte.",
    "notes.pdf": b"%PDF-1.7",
}

EXPECTED: dict[str, str] = {
    "good.txt": "ok",
    "empty.txt": "empty text",
    "binary.txt": "binary content",
    "undecodable.txt": "undecodable bytes",
    "bad_utf16.txt": "undecodable bytes",
    "lines.jsonl:1": "ok",
    "lines.jsonl:2": "malformed JSON",
    "lines.jsonl:3": "not a JSON object",
    "lines.jsonl:4": "no text field",
    "lines.jsonl:5": "text is not a string",
    "lines.jsonl:6": "empty text",
    "lines.jsonl:8": "binary content",
    "lines.jsonl:9": "not a JSON object",
    "lines.jsonl:10": "malformed JSON",
    "lines.jsonl:11": "ok",
    "lines.jsonl:12": "ok",
    "plain_named.jsonl.gz:1": "ok",
    "corrupt.jsonl.gz:1": "corrupt gzip",
    "broken.json#1": "ok",
    "broken.json#2": "ok",
    "broken.json#3": "malformed JSON",
    "scalar.json#1": "not a JSON object",
    "trailing.json#1": "ok",
    "trailing.json#2": "malformed JSON",
    "bad.parquet": "unreadable parquet",
    "bad.warc#record 1": "malformed WARC",
    "script.html": "empty text",
    "blank.htm": "empty text",
    "unreadable.txt": "unreadable file",
    "alias/deep.md": "ok",  # "alias" links to "sub" and comes first in sorted order
}


def member_ends(data: bytes) -> list[int]:
    """Offsets where each gzip member of ``data`` ends."""
    ends: list[int] = []
    rest = data
    while rest:
        unzip = zlib.decompressobj(31)
        unzip.decompress(rest)
        ends.append(len(data) - len(unzip.unused_data))
        rest = unzip.unused_data
    return ends


def cut_inside_member(data: bytes, index: int) -> bytes:
    """``data`` cut in the middle of gzip member ``index`` (0-based): a detectable break."""
    ends = [0, *member_ends(data)]
    return data[: (ends[index] + ends[index + 1]) // 2]


def build_dump(root: Path) -> Path:
    dump = root / "dump"
    for name, data in FILES.items():
        path = dump / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    cut = gzip.compress(noisy_lines(40))
    (dump / "cut.jsonl.gz").write_bytes(cut[: len(cut) // 2])
    (dump / "cut.warc.gz").write_bytes(cut_inside_member(warc(4), 2))
    (dump / "sub" / "loop").symlink_to("..")
    (dump / "sub" / "self").symlink_to("self")
    (dump / "dangling.txt").symlink_to("nowhere.txt")
    (dump / "alias").symlink_to("sub")
    return dump


def refuse_unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root here, where chmod cannot make a file unreadable."""
    real_open = readers.open_binary

    def fake(path: Path) -> io.BufferedReader:
        if path.name == "unreadable.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path)

    monkeypatch.setattr(readers, "open_binary", fake)


def outcome(record: Record) -> str:
    return "ok" if isinstance(record, Article) else record.reason.split(":")[0]


def relative(source: str, dump: Path) -> str:
    return source.removeprefix(f"{dump}/")


def test_hostile_dump(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dump = build_dump(tmp_path)
    refuse_unreadable(monkeypatch)
    skipped: list[SkippedFile] = []
    records = list(iter_articles([dump], skipped=skipped))

    by_source = Counter(relative(r.source, dump) for r in records)
    assert max(by_source.values()) == 1, "a record appears twice"
    assert len({r.id for r in records}) == len(records), "ids are not unique"
    got = {relative(r.source, dump): outcome(r) for r in records}
    for source, expected in EXPECTED.items():
        assert got.get(source) == expected, source

    # the truncated files: every record before the break, then one quarantine
    n_cut = 0
    for name, ok_prefix in (("cut.jsonl.gz:", "g"), ("cut.warc.gz#record ", "https://")):
        mine = [r for r in records if relative(r.source, dump).startswith(name)]
        n_cut += len(mine)
        *kept, last = mine
        assert kept, f"nothing was kept before the break in {name}"
        assert all(isinstance(r, Article) and r.id.startswith(ok_prefix) for r in kept)
        assert isinstance(last, Quarantine)
        assert last.reason.startswith("truncated gzip: ")
    assert len(records) == len(EXPECTED) + n_cut, "an unexpected record"

    reasons = {relative(s.path, dump): s.reason for s in skipped}
    assert reasons == {
        "alias/loop": "symlink loop",
        "alias/self": "symlink loop",
        "dangling.txt": "broken symlink",
        "notes.pdf": "unknown extension .pdf",
        "sub": f"already read through another path: {dump}/alias",
    }


def test_hostile_reasons_have_details(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dump = build_dump(tmp_path)
    refuse_unreadable(monkeypatch)
    reasons = {
        relative(r.source, dump): r.reason
        for r in iter_articles([dump])
        if isinstance(r, Quarantine)
    }
    assert reasons["lines.jsonl:2"].startswith("malformed JSON: Expecting value")
    assert reasons["lines.jsonl:10"] == "malformed JSON: nested too deeply"
    assert reasons["unreadable.txt"] == "unreadable file: Permission denied"
    assert reasons["broken.json#3"].startswith("malformed JSON: ")


GARBAGE_NAMES = [
    "x.txt",
    "x.md",
    "x.html",
    "x.jsonl",
    "x.jsonl.gz",
    "x.ndjson",
    "x.json",
    "x.parquet",
    "x.warc",
    "x.warc.gz",
]


@pytest.mark.parametrize("name", GARBAGE_NAMES)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_bytes_never_raise(tmp_path: Path, name: str, seed: int) -> None:
    rng = random.Random(seed)
    data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4000)))
    if name.endswith(".gz") and seed == 3:
        data = gzip.compress(data)
    path = tmp_path / name
    path.write_bytes(data)
    records = list(iter_articles([path]))
    assert records, "a file vanished without a record"
    assert all(isinstance(r, Article | Quarantine) for r in records)


@pytest.mark.parametrize("fraction", [0.1, 0.3, 0.5, 0.7, 0.9, 0.99])
@pytest.mark.parametrize("name", ["x.jsonl.gz", "x.warc.gz", "x.json", "x.parquet"])
def test_truncated_files_never_raise(tmp_path: Path, name: str, fraction: float) -> None:
    if name == "x.warc.gz":
        data = warc(3)
    elif name == "x.jsonl.gz":
        data = gzip.compress(noisy_lines(20))
    elif name == "x.json":
        data = json.dumps([{"id": f"r{i}", "text": "texte"} for i in range(20)]).encode()
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        sink = io.BytesIO()
        pq.write_table(pa.Table.from_pylist([{"text": f"t{i}"} for i in range(50)]), sink)
        data = sink.getvalue()
    path = tmp_path / name
    path.write_bytes(data[: max(1, int(len(data) * fraction))])
    records = list(iter_articles([path]))
    assert records
    if name != "x.warc.gz":  # a WARC cut between two gzip members is a valid shorter WARC
        assert isinstance(records[-1], Quarantine)


@pytest.mark.parametrize("member", [0, 1, 2, 3])
def test_warc_cut_inside_a_record(tmp_path: Path, member: int) -> None:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(cut_inside_member(warc(4), member))
    records = list(iter_articles([path]))
    assert [r.id for r in records[:-1]] == [
        f"https://example.org/{i}" for i in range(1, member + 1)
    ]
    assert all(isinstance(r, Article) for r in records[:-1])
    last = records[-1]
    assert isinstance(last, Quarantine)
    assert last.reason.startswith("truncated gzip: ")
    assert last.source == f"{path}#record {member + 1}"


# ------------------------------------------------------- bounded reading (issue 16)

GOOD = [{"id": f"g{i}", "text": f"Article {i} : un texte ordinaire."} for i in range(6)]


def good_lines(start: int, stop: int) -> bytes:
    return b"".join(line(GOOD[i]) for i in range(start, stop))


def articles_and_quarantines(records: list[Record]) -> tuple[list[Article], list[Quarantine]]:
    return (
        [r for r in records if isinstance(r, Article)],
        [r for r in records if isinstance(r, Quarantine)],
    )


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
@pytest.mark.parametrize("name", ["d.jsonl", "d.jsonl.gz"])
@pytest.mark.parametrize("where", [0, 3, 6])
def test_a_line_past_the_limit_is_quarantined_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, name: str, where: int
) -> None:
    monkeypatch.setattr(readers, "MAX_RECORD_BYTES", 200)
    monkeypatch.setattr(readers, "_CHUNK", chunk)
    big = line({"id": "big", "text": "x" * 500})
    path = write(tmp_path / name, good_lines(0, where) + big + good_lines(where, 6))
    articles, quarantines = articles_and_quarantines(list(iter_articles([path])))
    assert [a.id for a in articles] == [g["id"] for g in GOOD]
    assert [a.text for a in articles] == [g["text"] for g in GOOD]
    (q,) = quarantines
    size = len(big) - 1
    assert q.reason == f"record too large: {size:,} bytes (limit 200)"
    assert (q.id, q.source) == (f"d:{where + 1}", f"{path}:{where + 1}")


@pytest.mark.parametrize("chunk", [1, 5, 64])
@pytest.mark.parametrize("extra", [-1, 0, 1])
def test_the_record_limit_is_exact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, extra: int
) -> None:
    data = line({"id": "r", "text": "y" * 100})
    monkeypatch.setattr(readers, "MAX_RECORD_BYTES", len(data) - 1 - extra)
    monkeypatch.setattr(readers, "_CHUNK", chunk)
    (record,) = iter_articles([write(tmp_path / "d.jsonl", data)])
    assert isinstance(record, Article if extra <= 0 else Quarantine)


LINES_WITH_BLANKS = [
    b"",
    b"   ",
    b"\x00\x00",
    b'  {"id": "a", "text": "un"}',
    b"\t\r",
    b'{"id": "b", "text": "deux"}\r',
    b"",
    b"\x00" + b'{"id": "c", "text": "trois"}',
    b'{"id": "d", "text": "quatre"}',
]


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 1 << 20])
@pytest.mark.parametrize("last_newline", [True, False])
@pytest.mark.parametrize("name", ["d.jsonl", "d.ndjson.gz"])
def test_lines_are_numbered_whatever_the_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, last_newline: bool, name: str
) -> None:
    monkeypatch.setattr(readers, "_CHUNK", chunk)
    data = b"\n".join(LINES_WITH_BLANKS) + (b"\n" if last_newline else b"")
    path = write(tmp_path / name, data)
    records = list(iter_articles([path]))
    assert [(r.id, r.source, outcome(r)) for r in records] == [
        ("a", f"{path}:4", "ok"),
        ("b", f"{path}:6", "ok"),
        ("c", f"{path}:8", "ok"),
        ("d", f"{path}:9", "ok"),
    ]


@pytest.mark.parametrize("name", ["bomb.jsonl.gz", "bomb.jsonl"])
def test_a_sea_of_blank_lines_is_skipped(tmp_path: Path, name: str) -> None:
    blanks = 3_000_000
    path = write(tmp_path / name, b"\n" * blanks + b" \x00\r\n" * 1000 + good_lines(0, 1))
    (record,) = iter_articles([path])
    assert isinstance(record, Article)
    assert record.source == f"{path}:{blanks + 1000 + 1}"


def test_a_real_50_mb_line_is_quarantined(tmp_path: Path) -> None:
    big = b'{"id": "big", "text": "' + b"z" * 50_000_000 + b'"}\n'
    path = write(tmp_path / "d.jsonl", good_lines(0, 3) + big + good_lines(3, 6))
    records = list(iter_articles([path]))
    assert [outcome(r) for r in records] == ["ok"] * 3 + ["record too large"] + ["ok"] * 3
    assert isinstance(records[3], Quarantine)
    assert records[3].reason == f"record too large: {len(big) - 1:,} bytes (limit 20,000,000)"


@pytest.mark.parametrize("name", ["d.jsonl", "d.jsonl.gz"])
def test_a_record_of_3_million_characters_is_read_whole(tmp_path: Path, name: str) -> None:
    text = ("Un paragraphe d'un rapport annuel, été 2025, 12 MW.\n\n" * 60_000)[:3_000_000]
    data = json.dumps({"id": "long", "text": text}).encode() + b"\n"  # \u00e9 escapes
    path = write(tmp_path / name, data + good_lines(0, 1))
    long, good = list(iter_articles([path]))
    assert isinstance(long, Article)
    assert long.text == text
    assert isinstance(good, Article)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("big.txt", b"Un texte. " * 50),
        ("big.md", b"# Titre\n\n" + b"Un texte. " * 50),
        ("big.html", b"<html><body><p>" + b"Un texte. " * 50 + b"</p></body></html>"),
    ],
)
@pytest.mark.parametrize("compressed", [False, True])
def test_a_whole_file_past_the_limit_is_quarantined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, data: bytes, compressed: bool
) -> None:
    monkeypatch.setattr(readers, "MAX_RECORD_BYTES", 300)
    monkeypatch.setattr(readers, "_CHUNK", 64)
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if compressed else data)
    (record,) = iter_articles([path])
    assert isinstance(record, Quarantine)
    assert record.reason == f"record too large: {len(data):,} bytes (limit 300)"
    assert (record.id, record.source) == (path.stem, str(path))


def test_a_json_file_past_its_limit_is_one_quarantine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = json.dumps(GOOD).encode()
    monkeypatch.setattr(readers, "MAX_JSON_FILE_BYTES", len(data) - 1)
    path = write(tmp_path / "d.json", data)
    (record,) = iter_articles([path])
    assert isinstance(record, Quarantine)
    assert record.reason == (
        f"JSON file too large to read whole: {len(data):,} bytes "
        f"(limit {len(data) - 1:,}); use JSON lines"
    )


CAP_REASON = "file too large: more than 1,000 bytes once decompressed; the rest is not read"


@pytest.mark.parametrize("chunk", [16, 1 << 20])
def test_a_gzip_stops_at_the_decompressed_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(readers, "MAX_DECOMPRESSED_BYTES", 1000)
    monkeypatch.setattr(readers, "_CHUNK", chunk)
    data = b"".join(line({"id": f"n{i}", "text": "t" * 20}) for i in range(100))
    path = write(tmp_path / "d.jsonl.gz", data)
    *kept, last = iter_articles([path])
    assert all(isinstance(r, Article) for r in kept)
    assert len(kept) <= 1000 // len(line({"id": "n1", "text": "t" * 20}))
    assert [r.id for r in kept] == [f"n{i}" for i in range(len(kept))]
    assert isinstance(last, Quarantine)
    assert last.reason == CAP_REASON
    assert last.source == f"{path}:{len(kept) + 1}"


@pytest.mark.parametrize("name", ["x.txt", "x.json", "x.warc.gz"])
def test_other_compressed_forms_stop_at_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setattr(readers, "MAX_DECOMPRESSED_BYTES", 1000)
    path = tmp_path / name
    if name == "x.warc.gz":
        path.write_bytes(warc(20))
    else:
        path.write_bytes(gzip.compress(json.dumps(GOOD * 10).encode()))
    records = list(iter_articles([path]))
    last = records[-1]
    assert isinstance(last, Quarantine)
    assert last.reason == CAP_REASON
    assert len(records) < 20


def test_a_warc_body_past_the_limit_is_quarantined_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = len(PAGE.format(n=9).encode("utf-8"))
    monkeypatch.setattr(readers, "MAX_RECORD_BYTES", limit)
    path = tmp_path / "c.warc.gz"
    path.write_bytes(warc(12))  # pages 10-12 are 3 bytes longer than page 9
    records = list(iter_articles([path]))
    assert [outcome(r) for r in records] == ["ok"] * 9 + ["record too large"] * 3
    assert isinstance(records[9], Quarantine)
    assert records[9].reason == f"record too large: {limit + 3:,} bytes (limit {limit:,})"


# ---------------------------------------------- binary content judged per line


BAD_LINES = {
    "utf-16 with BOM": json.dumps({"id": "u", "text": "UTF-16"}).encode("utf-16") + b"\n",
    "utf-16-le newline": (json.dumps({"id": "u", "text": "UTF-16"}) + "\n").encode("utf-16-le"),
    "nul bytes": b'{"id": "u", "text": "a\x00\x00\x00b"}\n',
    "random bytes": bytes(random.Random(4).randrange(256) for _ in range(9000)).replace(b"\n", b"")
    + b"\n",
}


@pytest.mark.parametrize("bad", sorted(BAD_LINES))
@pytest.mark.parametrize("where", [0, 50, 100])
@pytest.mark.parametrize("name", ["d.jsonl", "d.jsonl.gz"])
def test_a_binary_line_is_judged_alone(tmp_path: Path, bad: str, where: int, name: str) -> None:
    good = [line({"id": f"g{i}", "text": f"Article {i}."}) for i in range(100)]
    data = b"".join([*good[:where], BAD_LINES[bad], *good[where:]])
    path = write(tmp_path / name, data)
    articles, quarantines = articles_and_quarantines(list(iter_articles([path])))
    assert [a.id for a in articles] == [f"g{i}" for i in range(100)]
    (q,) = quarantines
    assert q.source == f"{path}:{where + 1}"
    assert outcome(q) in {"binary content", "malformed JSON"}


# ------------------------------------------------------ lone surrogates (issue 16)


def all_strings_encode(records: Sequence[Record | SkippedFile]) -> None:
    for record in records:
        for value in dataclasses.astuple(record):
            if isinstance(value, str):
                value.encode("utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("abc", "abc"),
        ("café 😀", "café 😀"),
        ("a\ud800b", "a\ufffdb"),
        ("\udce9t\udce9", "\ufffdt\ufffd"),
        ("\ud83d\ude00", "\ufffd\ufffd"),
    ],
)
def test_safe_text(text: str, expected: str) -> None:
    safe = safe_text(text)
    assert safe == expected
    assert len(safe) == len(text)
    assert safe.encode("utf-8").decode("utf-8") == safe
    assert safe_text(safe) == safe


SURROGATE_FIELDS = ["text", "id", "title", "url", "published", "lang", "content"]
SURROGATE = '"Le \\ud800 centre \\udfff de données"'
SAFE = "Le \ufffd centre \ufffd de données"


@pytest.mark.parametrize("field", SURROGATE_FIELDS)
@pytest.mark.parametrize("text", ['"Un texte."', "42"])
@pytest.mark.parametrize("name", ["d.jsonl", "d.jsonl.gz", "d.json"])
def test_lone_surrogates_never_reach_a_record(
    tmp_path: Path, field: str, text: str, name: str
) -> None:
    fields = {"id": '"s1"', "text": text, field: SURROGATE}
    if field == "content":
        del fields["text"]
    obj = "{" + ", ".join(f'"{k}": {v}' for k, v in fields.items()) + "}"
    twin = obj.replace('"s1"', '"s2"').replace("\\ud800", "\\udbff")
    data = (f"[{obj}, {twin}]" if name == "d.json" else f"{obj}\n{twin}\n").encode()
    records = list(iter_articles([write(tmp_path / name, data)]))
    assert len(records) == 2
    all_strings_encode(records)
    first = records[0]
    ok = field in ("text", "content") or text != "42"
    assert isinstance(first, Article if ok else Quarantine)
    if isinstance(first, Article) and field in ("text", "content", "title", "url"):
        assert getattr(first, "text" if field == "content" else field) == SAFE
    if field == "id":
        assert [r.id for r in records] == [SAFE, f"{SAFE}~2"]


@pytest.mark.parametrize("name", ["caf\xe9.txt", "caf\xe9.jsonl", "caf\xe9.pdf", "d\xe9p/x.txt"])
def test_a_file_name_that_is_not_utf8(tmp_path: Path, name: str) -> None:
    raw = os.fsencode(tmp_path) + b"/" + name.encode("latin-1")
    if b"/" in name.encode("latin-1"):
        os.mkdir(raw.rsplit(b"/", 1)[0])
    with open(raw, "wb") as out:
        out.write(line({"text": "Un texte."}) if name.endswith(".jsonl") else b"Un texte.")
    skipped: list[SkippedFile] = []
    records = list(iter_articles([tmp_path], skipped=skipped))
    all_strings_encode([*records, *skipped])
    shown = name.replace("\xe9", "\ufffd")
    if name.endswith(".pdf"):
        assert not records
        assert [s.path for s in skipped] == [f"{tmp_path}/{shown}"]
    else:
        (record,) = records
        assert isinstance(record, Article)
        assert record.source.startswith(f"{tmp_path}/{shown}")
        if name.endswith(".txt"):
            assert record.id == shown.removesuffix(".txt")


# ------------------------------------------- folder walks skip newsfacts runs


RUN_FILES = {
    "work and run.json": ["run.json", ".newsfacts-work/outcomes.jsonl"],
    "outputs and run.json": ["run.json", "articles.jsonl", "facts.jsonl", "report.html"],
    "cut short in the final phase": [".newsfacts-work/outcomes.jsonl", "articles.jsonl"],
}


def fill(folder: Path, names: Sequence[str]) -> None:
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(line({"id": name, "text": "Une sortie de newsfacts : 37 faits."}))


@pytest.mark.parametrize("kind", sorted(RUN_FILES))
@pytest.mark.parametrize("given", [False, True])
def test_a_run_folder_is_not_read(tmp_path: Path, kind: str, given: bool) -> None:
    dump = tmp_path / "dump"
    fill(dump, ["a.txt", "z.txt"])
    fill(dump / "run-1", RUN_FILES[kind])
    skipped: list[SkippedFile] = []
    inputs = [dump / "run-1"] if given else [dump]
    ids = [r.id for r in iter_articles(inputs, skipped=skipped)]
    assert ids == ([] if given else ["a", "z"])
    assert skipped == [SkippedFile(str(dump / "run-1"), "a newsfacts run folder")]


@pytest.mark.parametrize("names", [["run.json"], ["facts.jsonl", "articles.jsonl"]])
def test_a_folder_with_some_output_names_is_still_read(tmp_path: Path, names: list[str]) -> None:
    fill(tmp_path, names)
    skipped: list[SkippedFile] = []
    records = list(iter_articles([tmp_path], skipped=skipped))
    assert len(records) == len(names)
    assert skipped == []


def test_a_work_folder_is_never_read(tmp_path: Path) -> None:
    fill(tmp_path, ["a.txt", ".newsfacts-work/outcomes.jsonl", "sub/.newsfacts-work/x.jsonl"])
    skipped: list[SkippedFile] = []
    assert [r.id for r in iter_articles([tmp_path], skipped=skipped)] == ["a"]
    assert skipped == [
        SkippedFile(str(tmp_path / ".newsfacts-work"), "a newsfacts work folder"),
        SkippedFile(str(tmp_path / "sub" / ".newsfacts-work"), "a newsfacts work folder"),
    ]


@pytest.mark.parametrize("through_link", [False, True])
def test_the_runs_own_outputs_are_excluded(tmp_path: Path, through_link: bool) -> None:
    dump = tmp_path / "dump"
    fill(dump, ["a.txt", "out/report.html", "out/partial.jsonl", "store.duckdb"])
    out, store = dump / "out", dump / "store.duckdb"
    if through_link:
        (dump / "b-link").symlink_to(out)
        out = dump / "b-link"
    skipped: list[SkippedFile] = []
    ids = [r.id for r in iter_articles([dump], skipped=skipped, exclude=[out, store])]
    assert ids == ["a"]
    reasons = {s.path: s.reason for s in skipped}
    assert reasons[str(store)] == "the run's own output file"
    assert reasons[str(dump / "b-link" if through_link else out)] == "the run's own output folder"


def test_an_excluded_input_and_a_missing_exclude(tmp_path: Path) -> None:
    fill(tmp_path, ["out/a.txt", "in/b.txt"])
    skipped: list[SkippedFile] = []
    exclude = [tmp_path / "out", tmp_path / "not-yet"]
    records = list(
        iter_articles([tmp_path / "out", tmp_path / "in"], skipped=skipped, exclude=exclude)
    )
    assert [r.id for r in records] == ["b"]
    assert skipped == [SkippedFile(str(tmp_path / "out"), "the run's own output folder")]


# ------------------------------------------------------- ids made unique in linear time


@pytest.mark.parametrize("n", [10, 1000])
def test_one_id_repeated_costs_linear_lookups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n: int
) -> None:
    data = line({"id": "x~3", "text": "tôt"}) + b"".join(
        line({"id": "x", "text": "Bref."}) for _ in range(n)
    )
    path = write(tmp_path / "d.jsonl.gz", data)
    calls = 0
    real_add = IdSet.add

    def counting_add(self: IdSet, article_id: str) -> bool:
        nonlocal calls
        calls += 1
        return real_add(self, article_id)

    monkeypatch.setattr(IdSet, "add", counting_add)
    ids = [r.id for r in iter_articles([path])]
    assert ids == ["x~3", "x", "x~2", *(f"x~{k}" for k in range(4, n + 2))]
    assert calls <= 2 * (n + 1) + 1


# ---------------------------------------------- quarantined records keep provenance


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({}, "no text field"),
        ({"text": 42}, "text is not a string"),
        ({"text": "  "}, "empty text"),
        ({"text": "a\u0000\u0001\u0002b"}, "binary content"),
    ],
)
def test_a_quarantined_record_keeps_its_title_and_url(
    tmp_path: Path, fields: dict[str, object], reason: str
) -> None:
    obj = {"id": "q", "title": "Un titre", "url": "https://example.org/q", **fields}
    (record,) = iter_articles([write(tmp_path / "d.jsonl", line(obj))])
    assert isinstance(record, Quarantine)
    assert (record.reason, record.title, record.url) == (reason, "Un titre", obj["url"])
