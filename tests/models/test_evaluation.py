import json
from pathlib import Path

import numpy as np

from models import datasets
from models.evaluation import bias, evasion, peer_check, spans, speed
from models.evaluation.report import evaluate
from models.normalize import normalize


def test_span_f1_follows_semeval_rules() -> None:
    assert spans.span_f1(set(), set()) == 1.0
    assert spans.span_f1({1}, set()) == 0.0
    assert spans.span_f1({1, 2}, {2, 3}) == 0.5


def test_power_mean_is_pulled_towards_the_worst() -> None:
    assert bias.power_mean([0.9, 0.9]) == 0.9 or abs(bias.power_mean([0.9, 0.9]) - 0.9) < 1e-12
    assert bias.power_mean([0.5, 1.0]) < 0.6


def test_bias_metrics_per_identity() -> None:
    texts = ["gay person is great", "gay person is awful", "tall person is great"] * 10
    texts += ["tall person is awful"] * 10
    y = np.array([0, 1, 0] * 10 + [1] * 10)
    p = y * 0.8 + 0.1
    m = bias.bias_metrics(texts, y, p, min_rows=5)
    assert m["per_identity"]["gay"]["bpsn_auc"] == 1.0
    assert m["combined"] == 1.0


def test_bias_metrics_split_rows_by_identity_mention() -> None:
    texts = ["gay and proud", "gay people are vile", "nice day", "you are vile", "good point"]
    y = np.array([0, 1, 0, 1, 0])
    p = np.array([0.9, 0.8, 0.1, 0.7, 0.2])  # ranks the identity rows wrongly, the rest rightly
    split = bias.bias_metrics(texts, y, p, min_rows=1)["by_mention"]
    assert split["with_identity"] == {"rows": 2, "auc": 0.0}
    assert split["without"] == {"rows": 3, "auc": 1.0}


def test_every_perturbation_survives_normalisation() -> None:
    text = "You are a stupid idiot"
    for kind in evasion.PERTURBATIONS:
        disguised = evasion.perturb(text, [(10, 22)], kind)
        assert disguised != text
        assert "stupid idiot" in normalize(disguised).text, kind


def test_speed_reports_throughput_and_latency(small_classifier) -> None:
    result = speed(small_classifier, ["hello there"] * 50, batch_size=10, singles=5)
    assert result["comments_per_second"] > 0 and result["single_median_ms"] > 0
    assert result["comments_per_cpu_second"] > 0


def test_report_is_written_without_the_peer(small_classifier, data_dir: Path, tmp_path) -> None:
    report = evaluate(small_classifier, data_dir, tmp_path, use_peer=False, limit=60, loso=False)
    assert report["peer"] is None
    assert "not installed" in (tmp_path / "report.md").read_text()
    assert json.loads((tmp_path / "report.json").read_text())["per_source_auc"]


def test_corpus_size_is_read_off_a_fitted_vectorizers_idf() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(400)]
    for n_docs, min_df in ((1_234, 0.001), (3_001, 2)):
        docs = [" ".join(rng.choice(words, size=12)) for _ in range(n_docs)]
        vectorizer = TfidfVectorizer(min_df=min_df).fit(docs)
        assert peer_check.corpus_size(vectorizer) == n_docs
    assert peer_check.corpus_size(TfidfVectorizer(smooth_idf=False).fit(docs)) is None


def test_kaggle_overlap_counts_rows_of_each_split_in_our_sample(data_dir: Path) -> None:
    mini = data_dir / "jigsaw-toxic-mini"
    test_rows = list(datasets._read(mini / "test_proced.csv"))
    toxic = [r["comment_text"] for r in test_rows if r["toxic"] == "1"][:3]
    # Whitespace and case do not hide a row.
    sample = [t.upper() + "  " for t in toxic] + ["not in either file"]
    overlap = peer_check.kaggle_overlap(data_dir, sample)
    assert overlap["kaggle_test"]["in_our_sample"] == 3
    assert overlap["kaggle_test"]["toxic_in_our_sample"] == 3
    assert overlap["kaggle_test"]["rows"] == len(test_rows)
    assert overlap["kaggle_train"]["in_our_sample"] == 0


class _FakePeerModule:
    """Stands in for alt-profanity-check: a fitted vectorizer and model, and predict_prob."""

    def __init__(self) -> None:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        texts = ["you idiot", "thanks a lot", "shut up moron", "nice point", "idiot moron"] * 4
        # Marker words in 0..6 of every 7 documents give the idf enough distinct values.
        texts = [t + "".join(f" k{j}" for j in range(i % 7)) for i, t in enumerate(texts)]
        self.vectorizer = TfidfVectorizer().fit(texts)
        self.model = CalibratedClassifierCV(LinearSVC(), cv=2).fit(
            self.vectorizer.transform(texts), [1, 0, 1, 0, 1] * 4
        )

    def predict_prob(self, texts):
        return self.model.predict_proba(self.vectorizer.transform(texts))[:, 1]


def test_report_shows_the_peers_recipe_fitted_on_our_data(
    small_classifier, data_dir: Path, tmp_path, monkeypatch
) -> None:
    from models.evaluation import report as report_module
    from models.evaluation.peer import Peer

    fake = _FakePeerModule()
    monkeypatch.setattr(report_module, "load_peer", lambda: Peer(fake))
    report = evaluate(small_classifier, data_dir, tmp_path, limit=60, loso=False)
    davidson = report["per_source_auc"]["davidson-hate-offensive"]["toxicity"]
    # Refitted on our train split, the recipe ranks far better than the 20-sentence fake.
    assert davidson["peer_recipe"] > davidson["peer"]
    assert 0.5 < davidson["peer_recipe"] <= 1.0
    training = report["peer_training"]
    assert training["corpus_size"] == 20
    assert training["recipe_train_rows"] > 1000  # every train row of Jigsaw and Davidson
    assert training["kaggle_overlap"]["kaggle_train"]["in_our_sample"] == 0
    markdown = (tmp_path / "report.md").read_text()
    assert "fitted on **20 documents**" in markdown
    assert "## Targets" in markdown and report["targets"]
    assert "peer's recipe on our data" in markdown
    # Fitted on the very rows it is tested on, the recipe ranks them better than unseen ones.
    seen = training["seen_test_rows"]
    assert seen["source"] == "davidson-hate-offensive" and seen["n"] > 100
    assert seen["with"] > seen["without"]
    assert "What seeing the test rows is worth" in markdown
    assert "mention an identity term" in markdown


def test_targets_are_checked_against_the_figures() -> None:
    from models.evaluation import targets

    report = {
        "per_source_auc": {
            "jigsaw-toxic-binary-sample": {"toxicity": {"ours": 0.96, "peer": 0.95}},
            "davidson-hate-offensive": {"toxicity": {"ours": 0.98, "peer": 0.99}},
            "sms-spam": {"spam": {"ours": 0.99, "peer": None}},  # no peer: no comparison
        },
        "bias": {
            "identity-bias-templates": {
                "ours": {"combined": 0.95, "worst_bpsn": {"identity": "gay", "auc": 0.79}}
            }
        },
        "span_f1": {"n": 10, "ours": 0.56},
        "evasion": {"n": 5, "clean": {"ours": 0.80}, "spaced": {"ours": 0.76}},
        "speed": {"ours": {"comments_per_cpu_second": 3500.0, "single_median_ms": 0.3}},
    }
    checks = {c.target: c.met for c in targets.check(report)}
    assert checks["jigsaw-toxic-binary-sample toxicity: ROC-AUC ≥ 0.95"] is True
    assert checks["jigsaw-toxic-binary-sample toxicity: ROC-AUC ≥ peer"] is True
    assert checks["davidson-hate-offensive toxicity: ROC-AUC ≥ peer"] is False
    assert not any(t.startswith("sms-spam") for t in checks)
    assert checks["identity templates: combined bias ≥ 0.9"] is True
    assert checks["identity templates: every identity's BPSN AUC ≥ 0.8"] is False
    assert checks["toxic spans: character F1 ≥ 0.55"] is True
    evasion = next(t for t in checks if t.startswith("evasion"))
    assert checks[evasion] is False  # 4 points below clean
    assert [checks[t] for t in checks if t.startswith("speed")] == [True, True]
    assert targets.markdown(targets.check(report))[-1] == "6 of 9 targets met."


def test_the_report_and_the_model_card_carry_the_functional_suite(
    small_classifier, data_dir: Path, tmp_path
) -> None:
    from models.evaluation import model_card

    report = evaluate(small_classifier, data_dir, tmp_path, use_peer=False, limit=60, loso=False)
    suite = report["functional"]["ours"]
    assert len(suite["per_functionality"]) >= 25 and 0 < suite["overall"] <= 1
    targets_named = {c["target"] for c in report["targets"]}
    assert any(t.startswith("functional suite") for t in targets_named)
    text = (tmp_path / "report.md").read_text()
    assert "## Functional suite" in text and "dehumanise_nationality" in text
    card = model_card.render(report)
    assert "## Intended use" in card and "## Limits" in card and "threat_direct" in card
