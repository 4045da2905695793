"""``--engine ray`` gives the same outcomes as the local engine, in the same order.

Ray is the optional extra ``ray`` (not in ``dev``): the tests that start Ray skip when
it is not installed; the codec and windowing tests always run.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from pipeline.analyse import ArticleOutcome, analyse_batch
from pipeline.distributed import ray_engine
from pipeline.errors import UsageError
from pipeline.ingest import iter_articles
from pipeline.runner import BATCH_SIZE, _batches
from pipeline.types import Article, Claim, Evidence, Normalized, Qualifiers, Quarantine

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "sample"
FIELDS = ("row", "mentions", "claims", "fingerprint", "error")
Results = list[tuple[list[Quarantine], list[ArticleOutcome]]]


QUARANTINED = Quarantine("broken-record", "dump.jsonl", "empty text")


def _records() -> list[Article | Quarantine]:
    """The corpus with a quarantined record in the middle (it must keep its place)."""
    records: list[Article | Quarantine] = list(iter_articles([CORPUS]))
    records.insert(len(records) // 2, QUARANTINED)
    return records


@cache
def local_results() -> Results:
    return [
        (q, analyse_batch(a, lang="auto", currency="USD", model=None))
        for q, a in _batches(_records(), BATCH_SIZE)
    ]


@cache
def ray_results() -> Results:
    pytest.importorskip("ray", reason="Ray is the optional extra 'ray'")
    return list(
        ray_engine.ray_outcomes(
            _batches(_records(), 4), lang="auto", currency="USD", model=None, workers=2
        )
    )


def _flat(results: Results, name: str) -> list[Any]:
    return [getattr(o, name) for _, outcomes in results for o in outcomes]


def _article(i: int, text: str = "x") -> Article:
    return Article(id=f"a{i}", text=text, source="s", published="2025-01-02", lang="fr")


CLAIM = Claim(
    subject="Nordlys",
    subject_type="project",
    predicate="power_capacity",
    value=230.0,
    value_max=None,
    unit="MW",
    normalized=Normalized(230.0, None, "MW"),
    qualifiers=Qualifiers(stage="initial", approx=True),
    evidence=Evidence("a1", 3, 9, "230 MW", "It has 230 MW.", 230.0, "MW", 4),
    published="2025-10-15",
    source_key="a1",
    confidence=0.8,
    extra=(("k", "v"),),
)


@pytest.mark.parametrize(
    "outcome",
    [
        ArticleOutcome(row={"article_id": "a1", "status": "ok"}),
        ArticleOutcome(
            row={"article_id": "a1", "status": "ok"},
            mentions=({"text": "230 MW", "value": 230.0},),
            claims=(CLAIM,),
            fingerprint=(1, 2, 3),
            text_sha1="0a1b2c",
            seconds={"nlp": 0.5},
        ),
        ArticleOutcome(row={"article_id": "a2", "status": "quarantined"}, error="boom"),
    ],
)
def test_outcome_codec_round_trips(outcome: ArticleOutcome) -> None:
    assert ray_engine.outcome_from_json(ray_engine.outcome_to_json(outcome)) == outcome


@pytest.mark.parametrize("article", [_article(1), Article("b", "t", "src", None, None, "T", "u")])
def test_article_codec_round_trips(article: Article) -> None:
    from dataclasses import asdict

    assert ray_engine.article_from_json(asdict(article)) == article


@pytest.mark.parametrize(
    ("sizes", "window", "expected"),
    [
        ([2, 2, 2], 4, [[2, 2], [2]]),
        ([5], 2, [[5]]),
        ([1, 0, 1], 2, [[1, 0, 1]]),
        ([], 3, []),
    ],
)
def test_windows_group_whole_batches(
    sizes: list[int], window: int, expected: list[list[int]]
) -> None:
    none: list[Quarantine] = []
    batches = iter([(none, [_article(i) for i in range(n)]) for n in sizes])
    got = [[len(a) for _, a in w] for w in ray_engine._windows(batches, window)]
    assert got == expected


@pytest.mark.parametrize(("workers", "window"), [(0, 10), (2, 0)])
def test_bad_settings_are_usage_errors(workers: int, window: int) -> None:
    with pytest.raises(UsageError, match="Invalid Ray engine setting"):
        next(
            ray_engine.ray_outcomes(
                iter([]), lang="fr", currency="USD", model=None, workers=workers, window=window
            )
        )


@pytest.mark.parametrize("missing", ["ray"])
def test_missing_ray_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, missing: str) -> None:
    monkeypatch.setitem(sys.modules, missing, None)
    with pytest.raises(UsageError, match="optional extra 'ray'"):
        next(ray_engine.ray_outcomes(iter([]), lang="fr", currency="USD", model=None))


@pytest.mark.parametrize("n", [1, 3])
def test_quarantine_only_batches_start_no_ray(n: int) -> None:
    pytest.importorskip("ray", reason="Ray is the optional extra 'ray'")
    none: list[Article] = []
    batches = iter([([QUARANTINED], none) for _ in range(n)])
    got = list(ray_engine.ray_outcomes(batches, lang="fr", currency="USD", model=None))
    assert got == [([QUARANTINED], [])] * n
    assert not sys.modules["ray"].is_initialized()


@pytest.mark.slow
@pytest.mark.parametrize("field", FIELDS)
def test_ray_outcomes_equal_local(field: str) -> None:
    assert _flat(ray_results(), field) == _flat(local_results(), field)


@pytest.mark.slow
@pytest.mark.parametrize("what", ["quarantines", "article order"])
def test_ray_keeps_input_order(what: str) -> None:
    ray, local = ray_results(), local_results()
    if what == "quarantines":
        assert [q for qs, _ in ray for q in qs] == [QUARANTINED]
        assert [q for qs, _ in local for q in qs] == [QUARANTINED]
    else:
        ids = [r["article_id"] for r in _flat(ray, "row")]
        assert ids == [r["article_id"] for r in _flat(local, "row")]
        assert len(ids) == len(_records()) - 1
