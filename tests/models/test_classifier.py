import pickle

from models.categories import CATEGORIES


def test_scores_every_category_as_a_probability(small_classifier) -> None:
    scores = small_classifier.score(["You are a stupid idiot", "Thanks for the article"])
    assert [set(s) for s in scores] == [set(CATEGORIES)] * 2
    assert all(0.0 <= v <= 1.0 for s in scores for v in s.values())


def test_insult_scores_above_civil_comment(small_classifier) -> None:
    rude = small_classifier.score_one("you are a stupid idiot and a moron")
    civil = small_classifier.score_one("I disagree with the minister's budget plan")
    assert rude["toxicity"] > civil["toxicity"]


def test_evasion_does_not_hide_an_insult(small_classifier) -> None:
    plain = small_classifier.score_one("you are an idiot")["toxicity"]
    hidden = small_classifier.score_one("you are an 1d10t")["toxicity"]
    assert abs(plain - hidden) < 1e-9


def test_empty_batch_and_empty_text(small_classifier) -> None:
    assert small_classifier.score([]) == []
    assert set(small_classifier.score_one("")) == set(CATEGORIES)


def test_evidence_spans_point_into_the_original_text(small_classifier) -> None:
    text = "Honestly, you are a f u c k i n g 1d10t."
    spans = small_classifier.evidence(text, "toxicity")
    assert spans
    for span in spans:
        assert text[span.start : span.end] == span.text
    assert any("1d10t" in s.text for s in spans)


def test_evidence_is_empty_for_text_without_words(small_classifier) -> None:
    assert small_classifier.evidence("   ", "toxicity") == []


def test_classifier_pickles(small_classifier) -> None:
    clone = pickle.loads(pickle.dumps(small_classifier))
    assert clone.score_one("idiot") == small_classifier.score_one("idiot")


def test_evidence_spans_leave_out_entity_punctuation_and_keep_entity_letters() -> None:
    from models.classifier import _trim

    text = "an &quot;idiot&quot; and a f&#117;cking &#8220;clown&#8221;!"
    assert _trim(text, 3, 20).text == "idiot"
    assert _trim(text, 27, 39).text == "f&#117;cking"
    assert _trim(text, 40, 60).text == "clown"


def test_evidence_after_a_batch_uses_its_rows_and_equals_evidence_alone(
    small_classifier, monkeypatch
) -> None:
    """The batch path keeps its feature rows: the evidence of a comment it just scored is not
    vectorised again, and is exactly what a fresh classifier finds for it alone."""
    texts = ["you are a stupid idiot", "Thanks for the article", "what a m0r0n, get lost"]
    fresh = pickle.loads(pickle.dumps(small_classifier))
    alone = {(t, c): fresh.evidence(t, c) for t in texts for c in CATEGORIES}
    small_classifier.score(texts)
    assert "_scored_rows" not in pickle.loads(pickle.dumps(small_classifier)).__dict__
    vectorised: list[int] = []
    transform = small_classifier.word_vectorizer.transform
    monkeypatch.setattr(
        small_classifier.word_vectorizer,
        "transform",
        lambda docs: vectorised.append(len(docs)) or transform(docs),
    )
    assert {(t, c): small_classifier.evidence(t, c) for t in texts for c in CATEGORIES} == alone
    assert vectorised == []


def test_word_contributions_add_up_to_the_linear_score(small_classifier) -> None:
    """Each feature's weight is shared among the words that produced it, none lost or counted
    twice: the words' contributions sum to the raw score less the intercept."""
    import numpy as np

    from models.normalize import normalize

    texts = ["you are a stupid idiot idiot", "Thanks for the article, well done", "m0r0n m0r0n"]
    raw = small_classifier.raw_scores(texts)
    for i, text in enumerate(texts):
        for k, category in enumerate(CATEGORIES):
            words = small_classifier.word_contributions(normalize(text), category)
            total = sum(s for _, _, s in words)
            assert np.isclose(total, raw[i, k] - small_classifier.intercept[k]), (text, category)


def test_word_contributions_are_the_same_in_any_order_of_asking(small_classifier) -> None:
    from models.normalize import normalize

    texts = ["you are a stupid idiot", "what a clown", "you are a stupid idiot"]
    fresh = pickle.loads(pickle.dumps(small_classifier))
    first = {(t, c): fresh.word_contributions(normalize(t), c) for t in texts for c in CATEGORIES}
    for c in reversed(CATEGORIES):
        for t in reversed(texts):
            assert small_classifier.word_contributions(normalize(t), c) == first[(t, c)]
    assert "_layout" not in pickle.loads(pickle.dumps(small_classifier)).__dict__
