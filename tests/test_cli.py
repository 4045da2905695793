"""End to end: ``newsfacts run`` on the sample corpus, the seeds and a hostile dump.

One run per input set (module-scoped), then many checks on its outputs: every SPEC
file and field, offsets into the article text, every input accounted for.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pipeline.cli.main import main
from pipeline.ingest import iter_articles
from pipeline.rundir import Lock, verify_manifest

PROJECT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT / "corpus" / "sample"
SEEDS = PROJECT.parent / "shared" / "seeds"

KINDS = {"money", "power", "energy", "count", "percent", "area", "duration", "date"}
MENTION_KEYS = {
    "article_id",
    "start",
    "end",
    "text",
    "kind",
    "value",
    "value_max",
    "unit",
    "approx",
    "bound",
    "normalized",
    "date",
    "sentence",
}
ARTICLE_KEYS = {"article_id", "source", "lang", "published", "status", "n_mentions", "n_facts"}
FACT_KEYS = {
    "fact_id",
    "subject",
    "subject_type",
    "predicate",
    "value",
    "value_max",
    "unit",
    "normalized",
    "qualifiers",
    "status",
    "confidence",
    "evidence",
    "alternatives",
}
CONFLICT_KEYS = {
    "conflict_id",
    "fact_id",
    "subject",
    "predicate",
    "unit",
    "candidates",
    "resolution",
    "spread",
}
EVIDENCE_KEYS = {"article_id", "start", "end", "text", "sentence", "value", "unit"}
OUTPUTS = ("articles.jsonl", "mentions.jsonl", "facts.jsonl", "conflicts.jsonl")


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _run(inputs: tuple[str, ...], out: str, *extra: str) -> int:
    return main(["run", *inputs, "--out", out, "--quiet", *extra])


def _texts(inputs: list[Path]) -> dict[str, str]:
    from pipeline.types import Article

    return {r.id: r.text for r in iter_articles(inputs) if isinstance(r, Article)}


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus-run")
    assert _run((str(CORPUS),), str(out)) == 0
    return out


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    out = tmp_path_factory.mktemp("seeds-run")
    assert _run((str(seeds_dir),), str(out)) == 0
    return out


def _check_shapes(out: Path, texts: dict[str, str]) -> None:
    for name in (*OUTPUTS, "run.json", "report.html"):
        assert (out / name).is_file(), name
    assert not list(out.glob(".*.partial")), "a temporary file was left behind"
    articles = _rows(out / "articles.jsonl")
    ids = [a["article_id"] for a in articles]
    assert len(ids) == len(set(ids)), "an article appears twice"
    for a in articles:
        assert ARTICLE_KEYS <= set(a)
        assert a["status"] in ("ok", "quarantined")
        if a["status"] == "quarantined":
            assert a["reason"]
    for m in _rows(out / "mentions.jsonl"):
        assert set(m) - {"flags"} == MENTION_KEYS
        assert m["kind"] in KINDS
        text = texts[m["article_id"]]
        assert text[m["start"] : m["end"]] == m["text"]
        assert m["text"] in m["sentence"]
        assert m["bound"] in (None, "min", "max")
        if m["kind"] == "date":
            assert m["normalized"] is None
        elif m["normalized"] is not None:
            assert set(m["normalized"]) == {"value", "value_max", "unit"}
    for f in _rows(out / "facts.jsonl"):
        assert set(f) == FACT_KEYS
        assert f["status"] in ("single", "agreed", "conflict")
        assert 0.0 <= f["confidence"] <= 1.0
        assert {"stage", "time", "approx", "bound"} <= set(f["qualifiers"])
        assert f["evidence"]
        for e in f["evidence"]:
            assert EVIDENCE_KEYS <= set(e)
            assert texts[e["article_id"]][e["start"] : e["end"]] == e["text"]
        if f["status"] == "conflict":
            assert f["alternatives"]
    facts = {f["fact_id"] for f in _rows(out / "facts.jsonl")}
    for c in _rows(out / "conflicts.jsonl"):
        assert CONFLICT_KEYS <= set(c)
        assert c["fact_id"] in facts
        assert len(c["candidates"]) >= 2
        assert {"value", "rule", "explanation"} <= set(c["resolution"])
        assert c["spread"] >= 0.0
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["counts"]["articles_read"] == len(articles)
    assert run["command"][:2] == ["newsfacts", "run"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "http://" not in html.split("<body", 1)[-1].replace("http://www.w3.org", "")


@pytest.mark.slow
def test_corpus_run_writes_every_spec_file(corpus_run: Path) -> None:
    _check_shapes(corpus_run, _texts([CORPUS]))


@pytest.mark.slow
def test_corpus_run_processes_french_and_english(corpus_run: Path) -> None:
    articles = _rows(corpus_run / "articles.jsonl")
    langs = {a["lang"] for a in articles if a["status"] == "ok"}
    assert {"fr", "en"} <= langs
    assert all(a["status"] == "ok" for a in articles)


@pytest.mark.slow
def test_seeds_run_writes_every_spec_file(seeds_run: Path, seeds_dir: Path) -> None:
    _check_shapes(seeds_run, _texts([seeds_dir]))
    articles = _rows(seeds_run / "articles.jsonl")
    assert len(articles) == len(list(seeds_dir.glob("*.txt")))


@pytest.mark.slow
def test_same_inputs_give_the_same_outputs(tmp_path: Path, corpus_run: Path) -> None:
    out = tmp_path / "again"
    assert main(["run", str(CORPUS), "--out", str(out), "--quiet"]) == 0
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (corpus_run / name).read_bytes(), name


def _hostile_dump(root: Path) -> None:
    """Write every kind of bad input the ingest stage must quarantine or skip."""
    (root / "ok.txt").write_text("OpenAI investit 1 milliard de dollars en Norvège.", "utf-8")
    (root / "empty.txt").write_text("   \n\t", encoding="utf-8")
    (root / "binary.txt").write_bytes(b"\x00\x01\x02\x03PNG\x00\x00\xff\xfe" * 20)
    (root / "legacy.txt").write_bytes(
        "La société a levé 3 millions d'euros à Orléans.".encode("cp1252")
    )
    lines = [
        json.dumps({"id": "good", "text": "Nscale va déployer 100 000 GPU d'ici fin 2026."}),
        "{not json",
        json.dumps({"id": "notext", "title": "sans texte"}),
        json.dumps({"id": "numtext", "text": 42}),
        json.dumps(["an", "array"]),
        json.dumps(
            {
                "id": "de",
                "text": "Das Rechenzentrum kostet eine Milliarde Euro und "
                "soll im nächsten Jahr in Betrieb gehen, sagte der Vorstand.",
            }
        ),
    ]
    (root / "dump.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    payload = "\n".join(
        json.dumps({"id": f"gz{i}", "text": f"La start-up a recruté {i + 10} personnes."})
        for i in range(50)
    ).encode("utf-8")
    blob = gzip.compress(payload)
    (root / "cut.jsonl.gz").write_bytes(blob[: len(blob) // 2])
    (root / "notes.pdf").write_bytes(b"%PDF-1.4")
    loop = root / "loop"
    loop.mkdir()
    os.symlink(root, loop / "back")


@pytest.mark.slow
def test_hostile_dump_is_fully_accounted_for(tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    dump.mkdir()
    _hostile_dump(dump)
    out = tmp_path / "out"
    assert main(["run", str(dump), "--out", str(out), "--quiet"]) == 0
    articles = _rows(out / "articles.jsonl")
    by_id = {a["article_id"]: a for a in articles}
    assert by_id["ok"]["status"] == "ok"
    assert by_id["good"]["status"] == "ok"
    assert by_id["legacy"]["status"] == "ok"
    reasons = " | ".join(a.get("reason", "") for a in articles)
    for family in (
        "empty",
        "binary",
        "malformed JSON",
        "no text",
        "not a string",
        "not a JSON object",
        "truncated gzip",
        "unsupported language: de",
    ):
        assert family in reasons, family
    assert any(a["article_id"].startswith("gz") and a["status"] == "ok" for a in articles)
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert any("notes.pdf" in s["path"] for s in run["skipped_files"])
    mentions = _rows(out / "mentions.jsonl")
    texts = _texts([dump])
    for m in mentions:
        assert texts[m["article_id"]][m["start"] : m["end"]] == m["text"]


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["run"], 2),
        (["run", "corpus"], 2),
        (["frobnicate"], 2),
        (["run", "no/such/dir", "--out", "{tmp}"], 2),
        (["run", "corpus", "--out", "{tmp}", "--lang", "xx"], 2),
        (["run", "corpus", "--out", "{tmp}", "--currency", "XYZ"], 2),
        (["run", "corpus", "--out", "{tmp}", "--workers", "0"], 2),
        (["conflicts", "{tmp}"], 2),
        (["facts", "{tmp}"], 2),
        (["evaluate"], 2),
        (["run", "corpus", "--out", "{tmp}", "--model", "{tmp}"], 2),
        (["run", "corpus", "--out", "{tmp}", "--model", "no/such/model"], 2),
        (["evaluate", "{tmp}"], 2),
    ],
)
def test_usage_errors_exit_2_without_traceback(
    argv: list[str], code: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(args) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err


@pytest.mark.slow
@pytest.mark.parametrize("command", ["conflicts", "facts"])
def test_report_commands_read_a_run(
    command: str, corpus_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, str(corpus_run), "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x]
    expected = _rows(corpus_run / f"{command}.jsonl")
    assert lines == expected
    assert main([command, str(corpus_run)]) == 0


@pytest.mark.slow
def test_store_rerun_adds_no_support(tmp_path: Path) -> None:
    store = tmp_path / "facts.duckdb"
    dump = CORPUS / "en"
    outs = [tmp_path / "first", tmp_path / "second", tmp_path / "plain"]
    for out in outs[:2]:
        assert main(["run", str(dump), "--out", str(out), "--quiet", f"--store={store}"]) == 0
    assert main(["run", str(dump), "--out", str(outs[2]), "--quiet"]) == 0
    second = json.loads((outs[1] / "run.json").read_text(encoding="utf-8"))["store"]
    assert second["articles_added"] == 0
    assert second["claims_added"] == 0
    facts = [(out / "facts.jsonl").read_bytes() for out in outs]
    assert facts[0] == facts[1] == facts[2]


def test_store_path_must_be_a_duckdb_file(tmp_path: Path) -> None:
    code = main(["run", str(CORPUS), "--out", str(tmp_path), "--store", "x.jsonl"])
    assert code == 2


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--out", "{file}"], "is a file, not a folder"),
        (["--out", "{file}/sub"], "is not writable"),
        (["--out", "{tmp}/out", "--store={tmp}/dir.duckdb"], "is not a file"),
        (["--out", "{tmp}/out", "--store={file}/x.duckdb"], "is a file, not a folder"),
        (["--out", "{tmp}/locked"], "is in use by another newsfacts run"),
    ],
    ids=["out-is-a-file", "out-under-a-file", "store-is-a-folder", "store-under-a-file", "locked"],
)
def test_bad_outputs_are_refused_before_the_analysis(
    argv: list[str], said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    (tmp_path / "dir.duckdb").mkdir()
    (tmp_path / "locked").mkdir()
    args = [
        a.replace("{file}", str(tmp_path / "file")).replace("{tmp}", str(tmp_path)) for a in argv
    ]
    with Lock(tmp_path / "locked", option="--out"):
        assert main(["run", str(CORPUS), "--quiet", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("newsfacts: error: ")
    assert err.count("\n") == 1
    assert said in err


@pytest.mark.parametrize("files", [[], ["notes.pdf", "scan.pdf", "a.docx", "b.xlsx"]])
def test_inputs_without_any_article_are_not_a_success(
    files: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dump, out = tmp_path / "dump", tmp_path / "out"
    dump.mkdir()
    for name in files:
        (dump / name).write_bytes(b"%PDF-1.4")
    assert main(["run", str(dump), "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"newsfacts: warning: no article found in the inputs ({len(files)} files")
    for name in sorted(files)[:3]:  # folders are walked in sorted order
        assert name in err
    assert ("…" in err) == (len(files) > 3)
    assert verify_manifest(out) == []
    skipped = json.loads((out / "run.json").read_text(encoding="utf-8"))["skipped_files"]
    assert len(skipped) == len(files)


def _fake_run(folder: Path, rows: int) -> Path:
    """A run folder whose facts and conflicts files are long enough to fill a pipe."""
    folder.mkdir()
    for name in ("facts.jsonl", "conflicts.jsonl"):
        line = {"subject": "Nscale", "predicate": "investment", "pad": "x" * 200}
        text = "".join(json.dumps({**line, "n": i}) + "\n" for i in range(rows))
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("command", ["facts", "conflicts"])
def test_a_closed_pipe_ends_the_command_quietly(command: str, tmp_path: Path) -> None:
    folder = _fake_run(tmp_path / "run", rows=5_000)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", command, str(folder), "--json"],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    assert json.loads(proc.stdout.readline())["n"] == 0
    proc.stdout.close()  # what `| head -1` does
    _, err = proc.communicate(timeout=120)
    assert err.decode() == ""
    assert proc.returncode == 0


@pytest.mark.slow
def test_ray_engine_writes_the_same_outputs(tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="Ray is the optional extra 'ray'")
    dump = CORPUS / "en"
    local, ray = tmp_path / "local", tmp_path / "ray"
    assert main(["run", str(dump), "--out", str(local), "--quiet"]) == 0
    assert main(["run", str(dump), "--out", str(ray), "--quiet", "--engine", "ray"]) == 0
    for name in OUTPUTS:
        assert (ray / name).read_bytes() == (local / name).read_bytes(), name
