"""Annotation round trip: run folder → Label Studio / JSONL tasks → training set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli.main import main
from pipeline.train.annotations import (
    FIGURE,
    AnnotatedSpan,
    Example,
    check_example,
    read_examples,
    write_examples,
)
from pipeline.train.labelstudio import task_from_example, tasks_to_examples
from pipeline.train.spans import name_spans

TEXT = "Veltria investit 2 milliards d'euros dans Boreal One, près de Bergen."
EXAMPLE = Example(
    id="a1",
    text=TEXT,
    lang="fr",
    labels=("ORG", "PROJECT"),
    spans=(
        AnnotatedSpan(0, 7, "Veltria", "ORG"),
        AnnotatedSpan(17, 36, "2 milliards d'euros", FIGURE, "money", 2e9, "EUR", "investment"),
        AnnotatedSpan(42, 52, "Boreal One", "PROJECT"),
    ),
)


def _run_dir(root: Path) -> Path:
    inputs = root / "in"
    inputs.mkdir()
    (inputs / "a1.txt").write_text(TEXT, encoding="utf-8")
    run = root / "run"
    run.mkdir()
    (run / "run.json").write_text(json.dumps({"options": {"inputs": [str(inputs)]}}))
    (run / "articles.jsonl").write_text(
        json.dumps({"article_id": "a1", "status": "ok", "lang": "fr"}) + "\n"
    )
    mention = {
        "article_id": "a1",
        "start": 17,
        "end": 36,
        "text": "2 milliards d'euros",
        "kind": "money",
        "value": 2e9,
        "unit": "EUR",
    }
    (run / "mentions.jsonl").write_text(json.dumps(mention) + "\n")
    fact = {
        "subject": "Boreal One",
        "subject_type": "project",
        "predicate": "investment",
        "evidence": [{"article_id": "a1", "start": 17, "end": 36}],
    }
    (run / "facts.jsonl").write_text(json.dumps(fact) + "\n")
    return run


@pytest.mark.parametrize("example", [EXAMPLE])
def test_labelstudio_round_trip_is_lossless(example: Example) -> None:
    task = task_from_example(example)
    result = task["predictions"][0]["result"]
    assert {r["from_name"] for r in result} == {"entity", "figure", "predicate"}
    assert all(r["type"] == "labels" and r["to_name"] == "text" for r in result)
    assert tasks_to_examples([json.loads(json.dumps(task))]) == [example]


@pytest.mark.parametrize("example", [EXAMPLE])
def test_jsonl_round_trip_is_lossless(tmp_path: Path, example: Example) -> None:
    write_examples([example], tmp_path / "d.jsonl")
    assert list(read_examples(tmp_path / "d.jsonl")) == [example]


@pytest.mark.parametrize(
    ("span", "detail"),
    [
        (AnnotatedSpan(0, 6, "Veltria", "ORG"), "!="),
        (AnnotatedSpan(60, 90, "x", "ORG"), "outside"),
        (AnnotatedSpan(7, 17, " investit ", "ORG"), "white space"),
    ],
)
def test_bad_spans_are_reported_with_their_task(span: AnnotatedSpan, detail: str) -> None:
    problems = check_example(Example("t9", TEXT, (span,)))
    assert len(problems) == 1
    assert problems[0].task_id == "t9"
    assert detail in str(problems[0])


@pytest.mark.parametrize("fmt", ["labelstudio", "jsonl"])
def test_cli_export_then_import(tmp_path: Path, fmt: str) -> None:
    run = _run_dir(tmp_path)
    out = tmp_path / ("tasks.json" if fmt == "labelstudio" else "tasks.jsonl")
    assert main(["annotate", "export", str(run), "--format", fmt, "--out", str(out)]) == 0
    data = tmp_path / "data.jsonl"
    assert main(["annotate", "import", str(out), "--out", str(data)]) == 0
    (ex,) = read_examples(data)
    assert [(s.text, s.label, s.predicate) for s in ex.spans] == [
        ("2 milliards d'euros", FIGURE, "investment"),
        ("Boreal One", "PROJECT", None),
    ]


@pytest.mark.parametrize("keep_good", [False, True])
def test_cli_import_bad_span_fails_with_list(
    tmp_path: Path, keep_good: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    task = task_from_example(EXAMPLE)
    task["predictions"][0]["result"][0]["value"]["end"] = 5
    src = tmp_path / "tasks.json"
    src.write_text(json.dumps([task]))
    out = tmp_path / "data.jsonl"
    argv = ["annotate", "import", str(src), "--out", str(out)] + (
        ["--keep-good"] if keep_good else []
    )
    assert main(argv) == 1
    assert "a1" in capsys.readouterr().err
    assert out.exists() is keep_good
    if keep_good:
        (ex,) = read_examples(out)
        assert len(ex.spans) == len(EXAMPLE.spans) - 1


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        (
            "Amazon Web Services et Amazon",
            {"ORG": ["Amazon", "Amazon Web Services"]},
            [(0, 19), (23, 29)],
        ),
        ("Rana et Ranavik", {"LOC": ["Rana"]}, [(0, 4)]),
    ],
)
def test_name_spans_longest_first_whole_words(
    text: str, names: dict[str, list[str]], expected: list[tuple[int, int]]
) -> None:
    assert [(s.start, s.end) for s in name_spans(text, names)] == expected
