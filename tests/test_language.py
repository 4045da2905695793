"""Language identification: clear paragraphs are identified, short or unclear text is None."""

from __future__ import annotations

import time

import pytest

from pipeline.ingest import detect_language
from pipeline.ingest.language import DETECTED_LANGUAGES

PARAGRAPHS = [
    (
        "fr",
        "Le groupe américain a annoncé jeudi la construction d'un nouveau centre de données "
        "dans le nord du pays, un investissement de plusieurs milliards d'euros qui doit "
        "créer des centaines d'emplois d'ici la fin de l'année prochaine.",
    ),
    ("fr", "La mise en service du site est prévue pour l'automne, selon la direction."),
    (
        "en",
        "The company said on Thursday that it would build a new data center in the north of "
        "the country, a multibillion-dollar investment expected to create hundreds of jobs "
        "by the end of next year.",
    ),
    ("en", "The new campus should be up and running by the autumn, the board said."),
    (
        "de",
        "Das Unternehmen kündigte am Donnerstag den Bau eines neuen Rechenzentrums im Norden "
        "des Landes an, eine Investition in Milliardenhöhe, die bis Ende nächsten Jahres "
        "Hunderte von Arbeitsplätzen schaffen soll.",
    ),
    ("de", "Der neue Standort soll im Herbst in Betrieb gehen, teilte der Vorstand mit."),
    ("es", "La empresa anunció el jueves la construcción de un nuevo centro de datos."),
    ("it", "L'azienda ha annunciato giovedì la costruzione di un nuovo centro dati nel nord."),
]

UNSURE = ["", "   ", "12 345", "3,5 %", "GPU", "Microsoft", "OpenAI Nvidia", "—", "2025-10-03"]


@pytest.mark.parametrize(("lang", "text"), PARAGRAPHS)
def test_paragraph_language(lang: str, text: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize("text", UNSURE)
def test_unsure_is_none(text: str) -> None:
    assert detect_language(text) is None


def test_mixed_figures_do_not_confuse() -> None:
    text = "Le site de 230 MW coûtera 1,2 milliard d'euros, avec 100 000 GPU et 2 000 emplois."
    assert detect_language(text) == "fr"


@pytest.mark.parametrize("lang", DETECTED_LANGUAGES)
def test_detected_languages_are_iso_639_1(lang: str) -> None:
    assert len(lang) == 2
    assert lang.islower()


def test_a_long_article_is_fast() -> None:
    text = " ".join(text for _, text in PARAGRAPHS[:1]) * 120  # about 4,000 words
    detect_language("Le chat dort sur le canapé du salon.")  # builds the detector once
    start = time.perf_counter()
    assert detect_language(text) == "fr"
    assert time.perf_counter() - start < 1.0
