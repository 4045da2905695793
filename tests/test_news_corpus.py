"""Integrity of the annotated news corpus (``corpus/news``): see its README."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pipeline.evaluate.news_gold import (
    ArticleGold,
    article_problems,
    cluster_problems,
    iter_articles,
    iter_clusters,
    splits,
)

ROOT = Path(__file__).resolve().parents[1] / "corpus" / "news"
SPLITS = splits(ROOT)
ARTICLES = [a for split in SPLITS for a in iter_articles(ROOT, split)]
CLUSTERS = [c for split in SPLITS for c in iter_clusters(ROOT, split)]


def _id(a: ArticleGold) -> str:
    return f"{a.split}/{a.article_id}"


@pytest.mark.parametrize("article", ARTICLES, ids=_id)
def test_article_gold_is_sound(article: ArticleGold) -> None:
    assert article_problems(article) == []


@pytest.mark.parametrize("split", SPLITS)
def test_every_text_has_gold(split: str) -> None:
    texts = {p.relative_to(ROOT / "text" / split) for p in (ROOT / "text" / split).rglob("*.txt")}
    golds = {
        a.path.relative_to(ROOT / "gold" / split).with_suffix(".txt")
        for a in ARTICLES
        if a.split == split
    }
    assert sorted(texts - golds) == []


@pytest.mark.parametrize("cluster", CLUSTERS, ids=lambda c: f"{c.split}/{c.path.stem}")
def test_cluster_gold_is_sound(cluster: object) -> None:
    from pipeline.evaluate.news_gold import ClusterGold

    assert isinstance(cluster, ClusterGold)
    articles = {a.article_id: a for a in ARTICLES if a.split == cluster.split}
    assert cluster_problems(cluster, articles) == []


def test_slugs_are_unique_across_splits() -> None:
    twice = [k for k, n in Counter(a.path.stem for a in ARTICLES).items() if n > 1]
    assert twice == []


def test_clustered_articles_have_a_cluster_file() -> None:
    named = {(a.split, a.gold["cluster"]) for a in ARTICLES if a.gold["cluster"]}
    files = {(c.split, c.path.stem) for c in CLUSTERS}
    assert sorted(named - files) == []
