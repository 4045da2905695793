"""Predicate classifier and stage/time qualifiers on plain strings (no spaCy model)."""

from __future__ import annotations

import pytest

from pipeline.facts.predicates import (
    PREDICATES,
    classify,
    cue_hits,
    features,
    predicate_model,
    score_predicates,
)
from pipeline.facts.qualifiers import find_stage, find_time
from pipeline.facts.text import fold, line_bounds
from pipeline.types import Kind, Mention, Normalized, Quantity


def _mention(
    text: str, figure: str, kind: Kind, unit: str | None, *, date: str | None = None
) -> Mention:
    start = text.index(figure)
    value = None if kind == "date" else 1.0
    q = Quantity(start, start + len(figure), figure, kind, value, unit=unit, date=date)
    norm = None if value is None else Normalized(1.0, None, unit or "")
    return Mention("a", q, norm, text, 0)


def _predicate(text: str, figure: str, kind: Kind, unit: str | None, lang: str) -> str:
    m = _mention(text, figure, kind, unit)
    folded = fold(text)
    feats = features(kind=kind, unit=unit, start=m.start, end=m.end, cues=cue_hits(folded, lang))
    return classify(feats, kind)[0]


@pytest.mark.parametrize(
    ("lang", "text", "figure", "kind", "unit", "expected"),
    [
        (
            "fr",
            "Le groupe va investir 4 milliards d'euros en France.",
            "4 milliards d'euros",
            "money",
            "EUR",
            "investment",
        ),
        (
            "fr",
            "Oracle a signé un contrat de 30 milliards de dollars.",
            "30 milliards de dollars",
            "money",
            "USD",
            "contract_value",
        ),
        (
            "fr",
            "Microsoft a scellé un accord de 6 milliards de dollars.",
            "6 milliards de dollars",
            "money",
            "USD",
            "deal_value",
        ),
        (
            "fr",
            "La start-up a levé 600 millions d’euros auprès de fonds.",
            "600 millions d’euros",
            "money",
            "EUR",
            "funding",
        ),
        (
            "fr",
            "La jeune pousse est désormais valorisée 12 milliards d'euros.",
            "12 milliards d'euros",
            "money",
            "EUR",
            "valuation",
        ),
        (
            "fr",
            "Le chiffre d'affaires a atteint 3 milliards de dollars.",
            "3 milliards de dollars",
            "money",
            "USD",
            "revenue",
        ),
        (
            "fr",
            "L'investissement inclut une mise de fonds propre de 250 millions de dollars.",
            "250 millions de dollars",
            "money",
            "USD",
            "equity",
        ),
        ("fr", "Le site aura une capacité de 230 MW.", "230 MW", "power", "MW", "power_capacity"),
        (
            "fr",
            "Le projet embarquera 100 000 GPU Nvidia.",
            "100 000 GPU",
            "count",
            "gpu",
            "gpu_count",
        ),
        ("fr", "Le projet créera 3000 emplois.", "3000 emplois", "count", "job", "jobs"),
        (
            "fr",
            "Le groupe veut former 1 million de personnes.",
            "1 million de personnes",
            "count",
            "person",
            "people_trained",
        ),
        (
            "fr",
            "Il compte soutenir 2 500 startups françaises.",
            "2 500 startups",
            "count",
            "startup",
            "startups_supported",
        ),
        ("fr", "Le site couvre 2 250 acres.", "2 250 acres", "area", "m2", "area"),
        ("fr", "Il a reçu 5 milliards d'euros.", "5 milliards d'euros", "money", "EUR", "other"),
        (
            "en",
            "Meta will invest $600 billion in US infrastructure.",
            "$600 billion",
            "money",
            "USD",
            "investment",
        ),
        (
            "en",
            "Oracle signed a $30 billion cloud contract with OpenAI.",
            "$30 billion",
            "money",
            "USD",
            "contract_value",
        ),
        (
            "en",
            "Anthropic raised $13 billion in a Series F round.",
            "$13 billion",
            "money",
            "USD",
            "funding",
        ),
        (
            "en",
            "The startup is now valued at $183 billion.",
            "$183 billion",
            "money",
            "USD",
            "valuation",
        ),
        (
            "en",
            "Microsoft struck a $6 billion deal with Nscale.",
            "$6 billion",
            "money",
            "USD",
            "deal_value",
        ),
        ("en", "The facility will host 100,000 GPUs.", "100,000 GPUs", "count", "gpu", "gpu_count"),
        ("en", "The campus will have a capacity of 5 GW.", "5 GW", "power", "MW", "power_capacity"),
        ("en", "Quarterly revenue reached $30 billion.", "$30 billion", "money", "USD", "revenue"),
        # Money paid to fund something is funding ("fund" as a verb, like "financer").
        (
            "en",
            "Nexa will pay €40m upfront to help fund the licensing work.",
            "€40m",
            "money",
            "EUR",
            "funding",
        ),
        (
            "fr",
            "Nexa versera 40 millions d'euros pour aider à financer les travaux.",
            "40 millions d'euros",
            "money",
            "EUR",
            "funding",
        ),
    ],
)
def test_predicate_from_cues(
    lang: str, text: str, figure: str, kind: Kind, unit: str, expected: str
) -> None:
    assert _predicate(text, figure, kind, unit, lang) == expected


@pytest.mark.parametrize("kind", ["money", "power", "energy", "count", "area", "percent"])
def test_scores_only_allowed_predicates(kind: str) -> None:
    model = predicate_model()
    scores = score_predicates({"bias": 1.0, f"kind:{kind}": 1.0}, kind)
    assert set(scores) == set(model.allowed[kind])
    assert all(p in PREDICATES for p in scores)


@pytest.mark.parametrize(
    ("text", "figures", "expected"),
    [
        ("La seconde compte investir 4 milliards d'euros.", ["4 milliards d'euros"], "investment"),
        (
            "Nvidia (+1,20% à 181,50 dollars) a publié ses comptes.",
            ["+1,20%", "181,50 dollars"],
            "stock_price",
        ),
    ],
)
def test_near_percent_feature(text: str, figures: list[str], expected: str) -> None:
    last = figures[-1]
    m = _mention(text, last, "money", "USD")
    near = len(figures) > 1
    feats = features(
        kind="money",
        unit="USD",
        start=m.start,
        end=m.end,
        cues=cue_hits(fold(text), "fr"),
        near_percent=near,
    )
    assert classify(feats, "money")[0] == expected


def test_cues_fade_with_distance() -> None:
    text = "Un accord a été signé. " + "x " * 200 + "Il a reçu 5 milliards d'euros."
    m = _mention(text, "5 milliards d'euros", "money", "EUR")
    feats = features(
        kind="money", unit="EUR", start=m.start, end=m.end, cues=cue_hits(fold(text), "fr")
    )
    assert "cue:deal_value" not in feats
    assert classify(feats, "money") == ("other", 0.3)


STAGE_FR = (
    "Le campus démarrera avec une capacité initiale de 230 MW, extensible à 520 MW, "
    "et accueillera 100 000 GPU d'ici 2027."
)
STAGE_EN = (
    "The campus will start at 200 MW initially and could reach 1 GW, with up to 400,000 GPUs."
)


@pytest.mark.parametrize(
    ("lang", "text", "figure", "kind", "unit", "expected"),
    [
        ("fr", STAGE_FR, "230 MW", "power", "MW", "initial"),
        ("fr", STAGE_FR, "520 MW", "power", "MW", "maximum"),
        ("fr", STAGE_FR, "100 000 GPU", "count", "gpu", "target"),
        (
            "fr",
            "Le campus devrait atteindre à terme 290 mégawatts.",
            "290 mégawatts",
            "power",
            "MW",
            "target",
        ),
        ("fr", "Dans un premier temps, le site offrira 50 MW.", "50 MW", "power", "MW", "initial"),
        ("fr", "Le site consomme actuellement 40 MW.", "40 MW", "power", "MW", "current"),
        ("fr", "Le site consomme 40 MW.", "40 MW", "power", "MW", None),
        ("en", STAGE_EN, "1 GW", "power", "MW", "maximum"),
        ("en", STAGE_EN, "up to 400,000 GPUs", "count", "gpu", "maximum"),
        ("en", "The facility will eventually reach 1.2 GW.", "1.2 GW", "power", "MW", "target"),
    ],
)
def test_stage(
    lang: str, text: str, figure: str, kind: Kind, unit: str, expected: str | None
) -> None:
    neighbours: tuple[tuple[str, Kind, str], ...] = (
        ("230 MW", "power", "MW"),
        ("520 MW", "power", "MW"),
        ("100 000 GPU", "count", "gpu"),
        ("1 GW", "power", "MW"),
        ("200 MW", "power", "MW"),
    )
    others = [_mention(text, f, k, u) for f, k, u in neighbours if f in text]
    m = _mention(text, figure, kind, unit)
    assert find_stage(fold(text), m, [*others, m], lang=lang) == expected


def test_stage_postposed_cue_en() -> None:
    m = _mention(STAGE_EN, "200 MW", "power", "MW")
    assert find_stage(fold(STAGE_EN), m, [m], lang="en") == "initial"


@pytest.mark.parametrize(
    ("text", "figure", "dates", "expected"),
    [
        (
            "En mai 2024, Oracle a conclu un contrat de 30 milliards de dollars.",
            "30 milliards de dollars",
            [("mai 2024", "2024-05")],
            "2024-05",
        ),
        (
            "Oracle a signé 30 milliards de dollars. Fin 2026, rien.",
            "30 milliards de dollars",
            [],
            None,
        ),
        (
            "En 2019 X, puis en 2023 Y a investi 2 milliards d'euros en 2024.",
            "2 milliards d'euros",
            [("2019", "2019"), ("2024", "2024")],
            "2024",
        ),
    ],
)
def test_time_is_nearest_date_of_sentence(
    text: str, figure: str, dates: list[tuple[str, str]], expected: str | None
) -> None:
    m = _mention(text, figure, "money", "EUR")
    others = [_mention(text, d, "date", None, date=iso) for d, iso in dates]
    assert find_time(m, [m, *others]) == expected


@pytest.mark.parametrize(
    ("text", "pos", "expected"),
    [
        ("Titre du jour\nCorps du texte.", 20, (14, 29)),  # a title line ends a sentence
        ("Le groupe a des\ncentres en France.", 20, (0, 34)),  # a wrapped line does not
        ("Un. Deux\n\nTrois quatre.", 2, (0, 8)),  # a paragraph break ends it
    ],
)
def test_line_bounds(text: str, pos: int, expected: tuple[int, int]) -> None:
    assert line_bounds(text, 0, len(text), pos) == expected


@pytest.mark.parametrize("text", ["L’État İstanbul ÉTÉ", "plain ascii", "ǅemal’s"])
def test_fold_keeps_offsets(text: str) -> None:
    folded = fold(text)
    assert len(folded) == len(text)
    assert "’" not in folded


def test_governing_verb_feature() -> None:
    """A cue on the verb that takes the figure outweighs a nearer cue of another predicate."""
    text = "Nexa is selling a 30% stake in its towers arm to Orka for €900m."
    m = _mention(text, "€900m", "money", "EUR")
    cues = cue_hits(fold(text), "en")
    plain = features(kind="money", unit="EUR", start=m.start, end=m.end, cues=cues)
    assert classify(plain, "money")[0] == "equity"
    governed = features(
        kind="money",
        unit="EUR",
        start=m.start,
        end=m.end,
        cues=cues,
        governing=frozenset({"deal_value"}),
    )
    assert governed["cue_verb:deal_value"] == 1.0
    assert classify(governed, "money")[0] == "deal_value"
