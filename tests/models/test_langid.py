"""Language identification on short comments, and the language rule built on it."""

from __future__ import annotations

import pytest

from models.langid import SUPPORTED_LANGUAGES, identify
from models.langid_eval import SAMPLES
from models.policy import LanguageRule
from models.rules.language import language_findings

NON_ENGLISH = [
    "Das ist doch eine Frechheit von der Regierung.",
    "Le gouvernement se moque de nous encore une fois.",
    "Los precios de la luz están por las nubes.",
    "Il sindaco dovrebbe dimettersi subito.",
    "O governo só pensa em aumentar os impostos.",
    "Ik ben het helemaal met je eens.",
    "Это позор, никто ничего не делает.",
    "这篇文章写得很好，谢谢分享。",
]
ENGLISH = [
    "lol the minister clearly never read the report",
    "Not surprised at all tbh",
    "THIS GOVERNMENT COULDN'T RUN A BATH",
    "Pathetic response from the police.",
    "Source? This sounds made up. https://example.com/x",
]


@pytest.mark.parametrize("text", NON_ENGLISH)
def test_non_english_comments_are_held(text: str) -> None:
    [finding] = language_findings(text, LanguageRule())
    assert (finding.guideline, finding.action) == ("language", "hold")


@pytest.mark.parametrize("text", ENGLISH)
def test_english_comments_pass(text: str) -> None:
    assert language_findings(text, LanguageRule()) == []


@pytest.mark.parametrize(
    "text", ["lol", "so true", "rubbish", "merci beaucoup", "1600 Pennsylvania Ave", "👍👍👍"]
)
def test_texts_too_short_or_too_vague_to_judge_are_not_held(text: str) -> None:
    assert language_findings(text, LanguageRule()) == []


def test_allowed_languages_come_from_the_policy() -> None:
    french = "Le gouvernement se moque de nous encore une fois."
    assert language_findings(french, LanguageRule(allowed=("en", "fr"))) == []
    assert language_findings(french, LanguageRule(action="allow")) == []


def test_evaluation_set_is_classified_as_labelled() -> None:
    """The figures in models/langid.py's docstring; a model change that breaks them shows here."""
    flagged_wrongly = [
        (lang, text)
        for lang, text in SAMPLES
        if (found := identify(text)) is not None and found.foreign != (lang != "en")
    ]
    assert flagged_wrongly == []


def test_supported_languages_match_the_installed_model() -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    labels = set(LanguageIdentifier.from_model_file(MODEL_FILE).nb_classes)
    assert labels - {"zxx"} == SUPPORTED_LANGUAGES


def test_only_plain_english_skips_the_model() -> None:
    from models.langid import looks_english

    foreign = [text for lang, text in SAMPLES if lang != "en"] + NON_ENGLISH
    assert not [text for text in foreign if looks_english(text)]
    assert looks_english("I think that you should read the report before you comment on it.")
    assert looks_english("THEY WOULD HAVE KNOWN ABOUT THE RISKS, WHICH IS THE POINT")
    # Words English shares with other languages do not settle it, nor a few English words
    # inside a comment in another language.
    mixed = [
        "We hebben het er niet over, maar het is zo",
        "Yo he visto a la gente como si fuera un no",
        "Her er det ikke noe som er bra",
        "Ich habe gesagt: I think so, aber er hat nicht zugehört",
        "Io sono d'accordo, a me piace like this",
        "My jesteśmy za, ale oni nie",
    ]
    assert not [text for text in mixed if looks_english(text)]
    assert looks_english("This child is so spoiled")
    assert looks_english("Who would vote for him if he lied to us?")
    # A quote in English inside a comment in another language is not enough.
    assert not looks_english(
        "El ministro dijo 'the people have spoken' pero nadie le cree en el pueblo, "
        "y los precios siguen subiendo cada semana sin que nadie haga nada."
    )
