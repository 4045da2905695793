"""Ingest on a hostile dump: every bad case is quarantined once, nothing raises."""

from __future__ import annotations

import gzip
import io
import json
import random
import zlib
from collections import Counter
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.ingest import SkippedFile, iter_articles, readers
from pipeline.types import Article, Quarantine

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
