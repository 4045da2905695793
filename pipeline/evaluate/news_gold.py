"""The annotated news corpus (``corpus/news``): loading its gold and checking it.

The layout and the meaning of every field are in ``corpus/news/README.md``. The
checks here are what makes the gold trustworthy enough to train and judge on: offsets
that slice the text, kinds, units and predicates from the canonical lists, every fact
pointing at a mention, every cluster member pointing at a fact of its article.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from pipeline.types import KINDS
from pipeline.types import PREDICATES as ALL_PREDICATES

__all__ = [
    "ArticleGold",
    "ClusterGold",
    "article_problems",
    "cluster_problems",
    "iter_articles",
    "iter_clusters",
    "splits",
]

Row = dict[str, Any]

PREDICATES = frozenset(ALL_PREDICATES)
MONEY_PREDICATES = frozenset(
    {"investment", "deal_value", "contract_value", "funding", "revenue", "valuation", "stock_price"}
)
# equity is money (an amount paid for a stake) or a percent (the stake itself)
KIND_OF_PREDICATE: Mapping[str, frozenset[str]] = {
    **{p: frozenset({"money"}) for p in MONEY_PREDICATES},
    "equity": frozenset({"money", "percent"}),
    "power_capacity": frozenset({"power"}),
    "energy": frozenset({"energy"}),
    "area": frozenset({"area"}),
    "gpu_count": frozenset({"count"}),
    "jobs": frozenset({"count"}),
    "people_trained": frozenset({"count"}),
    "startups_supported": frozenset({"count"}),
    "data_center_count": frozenset({"count"}),
}
COUNT_UNITS: Mapping[str, frozenset[str]] = {
    "gpu_count": frozenset({"gpu", "chip", "accelerator"}),
    "jobs": frozenset({"job", "employee", "person"}),
    "people_trained": frozenset({"person", "student", "engineer"}),
    "startups_supported": frozenset({"startup", "company"}),
    "data_center_count": frozenset({"data_center", "ai_factory", "site"}),
}
FIXED_UNITS = {"power": "MW", "energy": "MWh", "percent": "%", "area": "m2"}
DURATION_UNITS = frozenset({"year", "month", "day"})
STAGES = frozenset({"initial", "target", "maximum", "current"})
BASES = frozenset({"total", "per_partner", "per_year", "increment", "cumulative"})
SUBJECT_TYPES = frozenset(
    {"company", "project", "site", "programme", "event", "public_body", "country", "other"}
)
VOICES = frozenset({"wire", "trade", "regional", "financial", "press_release", "analysis"})
STORIES = frozenset(
    {
        "funding",
        "datacenter",
        "energy",
        "contract",
        "acquisition",
        "programme",
        "results",
        "stock",
        "forecast",
    }
)
RELATIONS = frozenset(
    {"agree", "disagreement", "stage", "time", "part_whole", "scope", "rounding", "correction"}
)
SLOTS = ("target", "scope", "basis", "deal")
ARTICLE_KEYS = frozenset(
    {"article_id", "lang", "published", "title", "voice", "story", "cluster"}
    | {"subjects", "mentions", "facts"}
)
MENTION_KEYS = frozenset(
    {"start", "end", "text", "kind", "value", "value_max", "unit", "approx", "bound", "date"}
)
FACT_KEYS = frozenset({"start", "end", "subject", "predicate", "stage", "time", "negated", *SLOTS})
ISO_DATE = re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?|-Q[1-4]|-H[12])?")
DAY = re.compile(r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])")
CURRENCY = re.compile(r"[A-Z]{3}")
COUNT_UNIT = re.compile(r"[a-z]+(?:_[a-z]+)*")
WORD = re.compile(r"\w+(?:['’-]\w+)*")
MIN_WORDS, MAX_WORDS = 250, 900


@dataclass(frozen=True, slots=True)
class ArticleGold:
    split: str
    path: Path
    text: str
    gold: Row

    @property
    def article_id(self) -> str:
        return str(self.gold["article_id"])


@dataclass(frozen=True, slots=True)
class ClusterGold:
    split: str
    path: Path
    gold: Row


def splits(root: Path) -> list[str]:
    """The splits of the corpus rooted at ``root`` (``corpus/news``), sorted."""
    text = root / "text"
    return sorted(p.name for p in text.iterdir() if p.is_dir()) if text.is_dir() else []


def iter_articles(root: Path, split: str) -> Iterator[ArticleGold]:
    """Every article of a split that has a gold file, in path order."""
    for gold_path in sorted((root / "gold" / split).glob("*/*.json")):
        if gold_path.parent.name == "clusters":
            continue
        rel = gold_path.relative_to(root / "gold" / split).with_suffix(".txt")
        text_path = root / "text" / split / rel
        text = text_path.read_text(encoding="utf-8") if text_path.is_file() else ""
        yield ArticleGold(split, gold_path, text, json.loads(gold_path.read_text("utf-8")))


def iter_clusters(root: Path, split: str) -> Iterator[ClusterGold]:
    for path in sorted((root / "gold" / split / "clusters").glob("*.json")):
        yield ClusterGold(split, path, json.loads(path.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- checks


def _mention_problems(m: Row, text: str) -> list[str]:
    where = f"mention {m.get('start')}:{m.get('end')} {m.get('text')!r}"
    if set(m) != MENTION_KEYS:
        return [f"{where}: keys {sorted(set(m) ^ MENTION_KEYS)} differ"]
    out: list[str] = []
    if text[m["start"] : m["end"]] != m["text"]:
        out.append(f"{where}: text[start:end] is {text[m['start'] : m['end']]!r}")
    kind = m["kind"]
    if kind not in KINDS:
        return [*out, f"{where}: unknown kind {kind!r}"]
    if kind == "date":
        if not (isinstance(m["date"], str) and ISO_DATE.fullmatch(m["date"])):
            out.append(f"{where}: a date mention needs an ISO date, got {m['date']!r}")
        return out
    if m["date"] is not None:
        out.append(f"{where}: only date mentions carry a date")
    value, value_max = m["value"], m["value_max"]
    if not isinstance(value, int | float) or not math.isfinite(value):
        out.append(f"{where}: value {value!r} is not a number")
    elif value_max is not None and not value_max > value:
        out.append(f"{where}: value_max {value_max!r} is not above value {value!r}")
    unit = m["unit"]
    if kind == "money" and not (isinstance(unit, str) and CURRENCY.fullmatch(unit)):
        out.append(f"{where}: money needs an ISO 4217 unit, got {unit!r}")
    elif kind in FIXED_UNITS and unit != FIXED_UNITS[kind]:
        out.append(f"{where}: {kind} is in {FIXED_UNITS[kind]}, got {unit!r}")
    elif kind == "duration" and unit not in DURATION_UNITS:
        out.append(f"{where}: duration unit {unit!r}")
    elif kind == "count" and not (isinstance(unit, str) and COUNT_UNIT.fullmatch(unit)):
        out.append(f"{where}: a count needs a singular English noun, got {unit!r}")
    if m["bound"] not in (None, "min", "max"):
        out.append(f"{where}: bound {m['bound']!r}")
    if not isinstance(m["approx"], bool):
        out.append(f"{where}: approx must be true or false")
    return out


def _fact_problems(f: Row, mentions: Mapping[tuple[int, int], Row], names: set[str]) -> list[str]:
    where = f"fact {f.get('start')}:{f.get('end')} {f.get('subject')!r} {f.get('predicate')!r}"
    if set(f) != FACT_KEYS:
        return [f"{where}: keys {sorted(set(f) ^ FACT_KEYS)} differ"]
    out: list[str] = []
    m = mentions.get((f["start"], f["end"]))
    if m is None:
        return [f"{where}: no mention at these offsets"]
    predicate = f["predicate"]
    if predicate not in PREDICATES:
        out.append(f"{where}: unknown predicate")
    elif predicate in KIND_OF_PREDICATE and m["kind"] not in KIND_OF_PREDICATE[predicate]:
        out.append(f"{where}: a {m['kind']} mention cannot be {predicate}")
    elif predicate in COUNT_UNITS and m["unit"] not in COUNT_UNITS[predicate]:
        out.append(f"{where}: {predicate} counts {sorted(COUNT_UNITS[predicate])}, not {m['unit']}")
    if m["kind"] == "date":
        out.append(f"{where}: a date is not a fact's figure")
    if f["subject"] not in names:
        out.append(f"{where}: subject is not among the article's subjects")
    if f["stage"] not in (None, *STAGES):
        out.append(f"{where}: stage {f['stage']!r}")
    if f["time"] is not None and not ISO_DATE.fullmatch(str(f["time"])):
        out.append(f"{where}: time {f['time']!r} is not an ISO date")
    if f["basis"] not in (None, *BASES):
        out.append(f"{where}: basis {f['basis']!r}")
    for slot in ("target", "scope", "deal"):
        value = f[slot]
        if value is not None and not (isinstance(value, str) and value.strip()):
            out.append(f"{where}: {slot} must be a non-empty string or null")
    if not isinstance(f["negated"], bool):
        out.append(f"{where}: negated must be true or false")
    return out


def article_problems(article: ArticleGold) -> list[str]:
    """Everything wrong with one article's gold (empty when it is sound)."""
    g, text = article.gold, article.text
    if not text:
        return ["no text file beside the gold"]
    if set(g) != ARTICLE_KEYS:
        return [f"keys {sorted(set(g) ^ ARTICLE_KEYS)} differ"]
    lang, slug = article.path.parent.name, article.path.stem
    out: list[str] = []
    if g["article_id"] != f"{lang}/{slug}" or g["lang"] != lang:
        out.append(f"article_id/lang {g['article_id']!r}/{g['lang']!r} do not match the path")
    if not (isinstance(g["published"], str) and DAY.fullmatch(g["published"])):
        out.append(f"published {g['published']!r} is not YYYY-MM-DD")
    if g["title"] != text.split("\n", 1)[0].strip():
        out.append("title is not the first line of the text")
    if g["voice"] not in VOICES:
        out.append(f"voice {g['voice']!r}")
    if g["story"] not in STORIES:
        out.append(f"story {g['story']!r}")
    words = len(WORD.findall(text))
    if not MIN_WORDS <= words <= MAX_WORDS:
        out.append(f"{words} words, outside {MIN_WORDS}-{MAX_WORDS}")
    names: set[str] = set()
    for s in g["subjects"]:
        if s.get("type") not in SUBJECT_TYPES or not s.get("name"):
            out.append(f"subject {s!r}: needs a name and a type among {sorted(SUBJECT_TYPES)}")
        names.add(str(s.get("name")))
    mentions: dict[tuple[int, int], Row] = {}
    spans: list[tuple[int, int]] = []
    for m in g["mentions"]:
        out.extend(_mention_problems(m, text))
        mentions[(m.get("start", -1), m.get("end", -1))] = m
        spans.append((m.get("start", -1), m.get("end", -1)))
    spans.sort()
    out.extend(f"mentions {a} and {b} overlap" for a, b in pairwise(spans) if b[0] < a[1])
    seen: set[tuple[int, int]] = set()
    for f in g["facts"]:
        out.extend(_fact_problems(f, mentions, names))
        key = (f.get("start", -1), f.get("end", -1))
        if key in seen:
            out.append(f"fact at {key} annotated twice")
        seen.add(key)
    return out


def cluster_problems(cluster: ClusterGold, articles: Mapping[str, ArticleGold]) -> list[str]:
    """Everything wrong with one cluster's gold, given the split's articles by id."""
    g = cluster.gold
    out: list[str] = []
    if g.get("cluster") != cluster.path.stem:
        out.append("cluster name does not match the file name")
    members_of: Sequence[str] = g.get("articles", [])
    if len(members_of) < 2:
        out.append("a cluster has at least two articles")
    for article_id in members_of:
        a = articles.get(article_id)
        if a is None:
            out.append(f"article {article_id} is not in the split")
        elif a.gold.get("cluster") != g.get("cluster"):
            out.append(f"article {article_id} does not name this cluster")
    for fact in g.get("facts", []):
        where = f"fact {fact.get('subject')!r} {fact.get('predicate')!r}"
        if fact.get("relation") not in RELATIONS:
            out.append(f"{where}: relation {fact.get('relation')!r}")
        for member in fact.get("members", []):
            a = articles.get(member.get("article_id"))
            located = (member.get("start"), member.get("end"))
            if a is None or member.get("article_id") not in members_of:
                out.append(f"{where}: member article {member.get('article_id')} not in cluster")
            elif not any((f["start"], f["end"]) == located for f in a.gold["facts"]):
                out.append(f"{where}: no fact at {located} in {member.get('article_id')}")
    return out
