"""Evaluation: score runs against gold files, and the extractors against peer suites.

* :func:`score_mentions` — the pure mention scorer (overlap, kind, value, unit).
* :func:`evaluate_run` / :func:`evaluate_facts` — a run directory against gold JSONL.
* :func:`score_news_run` / :func:`score_news` — a run against a split of the annotated
  news corpus (mentions, facts per figure, subject and money predicate accuracy).
* :mod:`pipeline.evaluate.peers` — third-party test suites mapped to our scope.
"""

from __future__ import annotations

from pipeline.evaluate.mentions import Counts, Scores, mentions_match, score_mentions
from pipeline.evaluate.news_score import NewsScores, score_news, score_news_run
from pipeline.evaluate.runs import evaluate_facts, evaluate_run, score_facts

__all__ = [
    "Counts",
    "NewsScores",
    "Scores",
    "evaluate_facts",
    "evaluate_run",
    "mentions_match",
    "score_facts",
    "score_mentions",
    "score_news",
    "score_news_run",
]
