"""Ingest: every input form, ids and sources, decoding, datelines, order."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.errors import InputError
from pipeline.ingest import SkippedFile, find_published, iter_articles
from pipeline.ingest.dateline import DATELINE_FILE, dateline_languages
from pipeline.ingest.readers import clean_lang, clean_published, text_hash
from pipeline.lang import load_lang_file
from pipeline.types import Article, Quarantine

Record = Article | Quarantine

FR_TEXT = "OpenAI annonce un centre de données de 230 MW en Norvège."
EN_TEXT = "Nvidia will ship 100,000 GPUs to the new site next year."

PAGE = """<html lang="fr"><head><title>Centre de données | Le Site</title>
<meta property="article:published_time" content="2025-10-03T08:00:00+02:00">
</head><body>
<nav><ul><li><a href="/">Accueil</a></li><li><a href="/tech">Rubrique Tech</a></li></ul></nav>
<article><h1>Centre de données</h1>
<p>OpenAI annonce un centre de données de 230 MW en Norvège, avec un partenaire local.</p>
<p>La capacité doit ensuite atteindre 520 MW, selon le communiqué publié jeudi.</p>
</article>
<footer><p>Mentions légales. Tous droits réservés. Nous contacter.</p></footer>
</body></html>"""


def read(inputs: list[Path], skipped: list[SkippedFile] | None = None) -> list[Record]:
    return list(iter_articles(inputs, skipped=skipped))


def jsonl_bytes(rows: Sequence[object]) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in rows)


def warc_bytes(pages: list[tuple[str, str, str]]) -> bytes:
    """A gzipped WARC: one ``response`` per (uri, content type, body), plus a request."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for uri, ctype, body in pages:
        payload = body.encode("utf-8")
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            uri, "response", payload=io.BytesIO(payload), length=len(payload), http_headers=headers
        )
        writer.write_record(record)
        request = StatusAndHeaders(
            "GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True
        )
        writer.write_record(
            writer.create_warc_record(
                uri, "request", payload=io.BytesIO(b""), length=0, http_headers=request
            )
        )
    return out.getvalue()


def parquet_file(path: Path, rows: list[dict[str, object]]) -> None:
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=1)


# ---------------------------------------------------------------- every form


def make_jsonl(tmp: Path) -> Path:
    path = tmp / "dump.jsonl"
    path.write_bytes(
        jsonl_bytes(
            [
                {"id": "a1", "text": FR_TEXT, "published": "2025-10-03", "lang": "fr"},
                {"content": EN_TEXT, "title": "GPUs", "url": "https://example.org/gpu"},
            ]
        )
    )
    return path


def make_jsonl_gz(tmp: Path) -> Path:
    path = tmp / "dump.jsonl.gz"
    rows = [{"id": "a1", "text": FR_TEXT, "published": "2025-10-03", "lang": "fr"}]
    rows.append({"body": EN_TEXT, "title": "GPUs", "url": "https://example.org/gpu"})
    path.write_bytes(gzip.compress(jsonl_bytes(rows)))
    return path


def make_ndjson(tmp: Path) -> Path:
    path = tmp / "dump.ndjson"
    rows = [{"id": "a1", "text": FR_TEXT, "published": "2025-10-03", "lang": "fr"}]
    rows.append({"text": EN_TEXT, "title": "GPUs", "url": "https://example.org/gpu"})
    path.write_bytes(jsonl_bytes(rows))
    return path


def make_json_array(tmp: Path) -> Path:
    path = tmp / "dump.json"
    rows = [{"id": "a1", "text": FR_TEXT, "published": "2025-10-03", "lang": "fr"}]
    rows.append({"text": EN_TEXT, "title": "GPUs", "url": "https://example.org/gpu"})
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def make_parquet(tmp: Path) -> Path:
    path = tmp / "dump.parquet"
    parquet_file(
        path,
        [
            {
                "id": "a1",
                "text": FR_TEXT,
                "published": dt.date(2025, 10, 3),
                "lang": "fr",
                "title": None,
                "url": None,
            },
            {"id": None, "text": EN_TEXT, "title": "GPUs", "url": "https://example.org/gpu"},
        ],
    )
    return path


FORMS: dict[str, tuple[Callable[[Path], Path], list[str]]] = {
    "jsonl": (make_jsonl, [":1", ":2"]),
    "jsonl.gz": (make_jsonl_gz, [":1", ":2"]),
    "ndjson": (make_ndjson, [":1", ":2"]),
    "json array": (make_json_array, ["#1", "#2"]),
    "parquet": (make_parquet, ["#row 1", "#row 2"]),
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_record_forms(tmp_path: Path, form: str) -> None:
    make, positions = FORMS[form]
    path = make(tmp_path)
    records = read([path])
    assert all(isinstance(r, Article) for r in records)
    first, second = (r for r in records if isinstance(r, Article))
    assert [r.source for r in records] == [f"{path}{p}" for p in positions]
    assert (first.id, first.text, first.published, first.lang) == (
        "a1",
        FR_TEXT,
        "2025-10-03",
        "fr",
    )
    assert (second.id, second.text) == (text_hash(EN_TEXT), EN_TEXT)
    assert (second.title, second.url) == ("GPUs", "https://example.org/gpu")


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"id": "one", "text": FR_TEXT}, [("one", "ok")]),
        ({"id": 7, "body": EN_TEXT}, [("7", "ok")]),
        ({"title": "no text"}, [("solo#1", "no text field")]),
    ],
)
def test_json_single_object(
    tmp_path: Path, payload: object, expected: list[tuple[str, str]]
) -> None:
    path = tmp_path / "solo.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    records = read([path])
    got = [(r.id, r.reason if isinstance(r, Quarantine) else "ok") for r in records]
    assert got == expected
    assert [r.source for r in records] == [f"{path}#1"]


@pytest.mark.parametrize("ctype", ["text/html; charset=utf-8", "text/html"])
def test_warc_html_responses(tmp_path: Path, ctype: str) -> None:
    path = tmp_path / "crawl.warc.gz"
    pages = [
        ("https://example.org/a", ctype, PAGE),
        ("https://example.org/logo.png", "image/png", "not a page"),
        ("https://example.org/b", ctype, PAGE.replace("230 MW", "240 MW")),
    ]
    path.write_bytes(warc_bytes(pages))
    records = read([path])
    assert all(isinstance(r, Article) for r in records)
    articles = [r for r in records if isinstance(r, Article)]
    assert [a.id for a in articles] == ["https://example.org/a", "https://example.org/b"]
    assert [a.url for a in articles] == ["https://example.org/a", "https://example.org/b"]
    # records: 1 response a, 2 request, 3 png response, 4 request, 5 response b, 6 request
    assert [a.source for a in articles] == [f"{path}#record 1", f"{path}#record 5"]
    assert "240 MW" in articles[1].text
    assert "Accueil" not in articles[0].text


@pytest.mark.parametrize("name", ["page.html", "page.htm", "PAGE.HTML"])
def test_html_boilerplate_removed(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(PAGE, encoding="utf-8")
    (article,) = read([path])
    assert isinstance(article, Article)
    assert article.id == Path(name).stem
    assert article.source == str(path)
    assert "230 MW en Norvège" in article.text
    assert "520 MW" in article.text
    for boilerplate in ("Accueil", "Rubrique Tech", "Tous droits réservés"):
        assert boilerplate not in article.text
    assert article.title is not None
    assert "Centre de données" in article.title
    assert article.published == "2025-10-03"


@pytest.mark.parametrize(
    ("name", "data", "text"),
    [
        ("bom.txt", b"\xef\xbb\xbf" + FR_TEXT.encode("utf-8"), FR_TEXT),
        ("crlf.txt", b"Ligne un\r\nLigne deux\r\n", "Ligne un\r\nLigne deux\r\n"),
        (
            "legacy.txt",
            "Élève à l'école : 1,2 milliard d'€ — déjà « reçu ».".encode("cp1252"),
            "Élève à l'école : 1,2 milliard d'€ — déjà « reçu ».",
        ),
        (
            "latin1.md",
            "# Titre\n\nCoût : 3 000 €, réservé.".encode("cp1252"),
            "# Titre\n\nCoût : 3 000 €, réservé.",
        ),
        ("utf16.txt", "Bonjour à tous".encode("utf-16"), "Bonjour à tous"),
        ("plain.md", EN_TEXT.encode("utf-8"), EN_TEXT),
    ],
)
def test_text_decoding(tmp_path: Path, name: str, data: bytes, text: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    (article,) = read([path])
    assert isinstance(article, Article)
    assert article.text == text
    assert (article.id, article.source) == (Path(name).stem, str(path))


# ---------------------------------------------------------------- ids and sources


def test_ids_relative_to_the_folder_given(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "fr" / "tech").mkdir(parents=True)
    (root / "fr" / "tech" / "one.txt").write_text(FR_TEXT, encoding="utf-8")
    (root / "two.md").write_text(EN_TEXT, encoding="utf-8")
    records = read([root, root / "two.md"])
    assert [r.id for r in records] == ["fr/tech/one", "two"]
    assert [r.source for r in records] == [str(root / "fr/tech/one.txt"), str(root / "two.md")]


def test_repeated_ids_get_suffixes(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes(
        jsonl_bytes(
            [{"id": "x", "text": "one"}, {"id": "x", "text": "two"}, {"id": "x~2", "text": "3"}]
        )
    )
    (tmp_path / "x.txt").write_text("four", encoding="utf-8")
    records = read([tmp_path])
    assert [(r.id, r.text) for r in records if isinstance(r, Article)] == [
        ("x", "one"),
        ("x~2", "two"),
        ("x~2~2", "3"),
        ("x~3", "four"),
    ]


@pytest.mark.parametrize("text", [FR_TEXT, EN_TEXT, "é", "a\r\nb"])
def test_hash_ids_are_stable(tmp_path: Path, text: str) -> None:
    expected = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    (tmp_path / "d.jsonl").write_bytes(jsonl_bytes([{"text": text}]))
    assert text_hash(text) == expected
    assert [r.id for r in read([tmp_path])] == [expected]
    assert [r.id for r in read([tmp_path])] == [expected]


def test_order_is_deterministic(tmp_path: Path) -> None:
    names = ["b/z.txt", "a.txt", "b/a.txt", "c.jsonl", "B.txt", "a/b.txt"]
    for name in reversed(names):
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"text of {name}", encoding="utf-8")
    first = read([tmp_path])
    assert first == read([tmp_path])
    assert [r.id for r in first] == ["B", "a/b", "a", "b/a", "b/z", "c:1"]


def test_missing_input_raises(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        iter_articles([tmp_path / "nope.jsonl"])


def test_unknown_extension_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.7")
    (tmp_path / "README").write_text("no extension", encoding="utf-8")
    skipped: list[SkippedFile] = []
    assert read([tmp_path], skipped) == []
    assert skipped == [
        SkippedFile(str(tmp_path / "README"), "unknown extension (none)"),
        SkippedFile(str(tmp_path / "notes.pdf"), "unknown extension .pdf"),
    ]


# ---------------------------------------------------------------- record fields


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-10-03", "2025-10-03"),
        (" 2025-10-03 ", "2025-10-03"),
        ("2025-10-03T08:00:00", "2025-10-03T08:00:00"),
        ("2025-10-03T08:00:00Z", "2025-10-03T08:00:00+00:00"),
        ("2025-10-03 08:00", "2025-10-03T08:00:00"),
        ("2025-02-30", None),
        ("03/10/2025", None),
        ("yesterday", None),
        (20251003, None),
        (None, None),
    ],
)
def test_clean_published(value: object, expected: str | None) -> None:
    assert clean_published(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("fr", "fr"), ("EN", "en"), ("fr-FR", "fr"), ("en_US", "en"), ("french", None), (3, None)],
)
def test_clean_lang(value: object, expected: str | None) -> None:
    assert clean_lang(value) == expected


def test_published_from_dateline_when_record_has_none(tmp_path: Path) -> None:
    (tmp_path / "d.jsonl").write_bytes(
        jsonl_bytes(
            [
                {"id": "a", "text": "Paris, le 3 octobre 2025 — " + FR_TEXT},
                {"id": "b", "text": "Paris, le 3 octobre 2025 — x", "published": "2024-01-02"},
                {"id": "c", "text": "03/10/2025 — " + EN_TEXT, "lang": "en"},
                {"id": "d", "text": "03/10/2025 — " + EN_TEXT},
            ]
        )
    )
    got = [(r.id, r.published) for r in read([tmp_path])]
    assert got == [("a", "2025-10-03"), ("b", "2024-01-02"), ("c", "2025-03-10"), ("d", None)]


# ---------------------------------------------------------------- datelines

DATELINES = [
    # French
    ("Paris, le 3 octobre 2025 — OpenAI annonce", "2025-10-03"),
    ("PARIS, 3 oct. 2025 (AFP) - OpenAI annonce", "2025-10-03"),
    ("Publié le 16/10/2025 à 10h15, mis à jour le 17/10/2025", "2025-10-16"),
    ("Titre de l'article\nPublié le jeudi 16 octobre 2025\nTexte", "2025-10-16"),
    ("Mis en ligne le 1er février 2024 à 08:30", "2024-02-01"),
    ("Jeudi 16 octobre 2025 — Le texte commence", "2025-10-16"),
    ("Lyon, le 28 aout 2025 – Texte", "2025-08-28"),
    ("Le 3 décembre 2025 | Rédaction", "2025-12-03"),
    # English
    ("October 3, 2025 — Nvidia said", "2025-10-03"),
    ("SAN FRANCISCO, Oct. 3, 2025 (Reuters) - Nvidia said", "2025-10-03"),
    ("Published on Thursday, October 16th, 2025\nText", "2025-10-16"),
    ("By Jane Doe | Published: 2025-10-16T08:00:00Z", "2025-10-16"),
    ("Updated Sept. 2, 2025 at 10:15 am", "2025-09-02"),
    ("London, on 3 October 2025 — The company", "2025-10-03"),
    ("Posted 10/16/2025", "2025-10-16"),
    # any language
    ("2025-10-03\nText", "2025-10-03"),
    ("16/10/2025 — text", "2025-10-16"),
]

NOT_DATELINES = [
    "Le 3 octobre 2025, OpenAI a annoncé un centre de données.",
    "On October 3, 2025, Nvidia will open a site.",
    "Le site ouvrira le 3 octobre 2025.",
    "date 2024-05 (AOF) - Microsoft",
    "Publié le 31/02/2025",
    "03/10/2025 — ambiguous day and month",
    "Rien ici.",
    "",
]


@pytest.mark.parametrize(("text", "expected"), DATELINES)
def test_dateline(text: str, expected: str) -> None:
    assert find_published(text) == expected


@pytest.mark.parametrize("text", NOT_DATELINES)
def test_not_a_dateline(text: str) -> None:
    assert find_published(text) is None


@pytest.mark.parametrize(("lang", "expected"), [("fr", "2025-10-03"), ("en", "2025-03-10")])
def test_numeric_dateline_order_follows_the_language(lang: str, expected: str) -> None:
    assert find_published("03/10/2025 — texte", lang=lang) == expected


def test_dateline_far_from_the_start_is_ignored() -> None:
    assert find_published("x " * 300 + "\nPublié le 16/10/2025") is None


# ---------------------------------------------------------------- dateline data

DATELINE_KEYS = {"months", "weekdays", "ordinal_suffixes", "date_prefixes", "cues", "numeric_order"}


@pytest.mark.parametrize("lang", dateline_languages())
def test_dateline_data(lang: str) -> None:
    data = load_lang_file(lang, DATELINE_FILE)
    assert set(data) == DATELINE_KEYS
    assert sorted(data["months"]) == list(range(1, 13))
    words = [w.casefold() for month in data["months"].values() for w in month]
    assert len(words) == len(set(words)), "a month word is listed twice"
    for key in DATELINE_KEYS - {"months", "numeric_order"}:
        assert all(isinstance(w, str) and w.strip() == w and w for w in data[key]), key
    assert data["numeric_order"] in {"dmy", "mdy"}


def test_dateline_languages_include_fr_and_en() -> None:
    assert {"fr", "en"} <= set(dateline_languages())


# ---------------------------------------------------------------- shared seeds and inputs


def test_seeds_read_exactly(seeds_dir: Path, seed_texts: dict[str, str]) -> None:
    records = read([seeds_dir])
    assert all(isinstance(r, Article) for r in records)
    assert {r.id: r.text for r in records if isinstance(r, Article)} == seed_texts
    assert [r.source for r in records] == [str(seeds_dir / f"{i}.txt") for i in sorted(seed_texts)]


def test_a_file_given_twice_is_read_once(tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    path.write_text(FR_TEXT, encoding="utf-8")
    skipped: list[SkippedFile] = []
    assert [r.id for r in read([path, tmp_path], skipped)] == ["one"]
    assert skipped == [SkippedFile(str(path), f"already read through another path: {path}")]
