from pathlib import Path

from models import datasets
from models.categories import CATEGORIES

EVAL_ONLY = {"ethos", "identity-bias-templates", "wikipedia-toxicity-sample"}


def test_every_source_records_origin_citation_and_licence() -> None:
    for src in datasets.SOURCES.values():
        assert src.origin and src.citation and src.licence and src.licence_class
        assert src.use in {"train", "negatives", "eval", "schema"}


def test_evaluation_only_sets_are_never_trainable() -> None:
    everything = {s.licence_class for s in datasets.SOURCES.values()}
    for name in EVAL_ONLY | {"sfu-news-comments-toxicity", "jigsaw-toxic-mini"}:
        assert not datasets.SOURCES[name].trainable(everything)


def test_default_licences_leave_out_restricted_sets() -> None:
    for name in ("conan-counter-speech", "ruddit", "sfu-news-comments-toxicity"):
        assert not datasets.SOURCES[name].trainable(datasets.DEFAULT_LICENCES)


def test_missing_sources_names_each_absent_source(tmp_path: Path) -> None:
    missing = dict(datasets.missing_sources(tmp_path))
    assert set(missing) == set(datasets.SOURCES)
    assert all(missing.values())


def test_nothing_missing_in_the_shared_data(data_dir: Path) -> None:
    assert datasets.missing_sources(data_dir) == []


def test_split_is_deterministic_and_keeps_duplicates_together() -> None:
    assert datasets.split_of("Some  comment", 0) == datasets.split_of("some comment", 0)
    splits = {datasets.split_of(f"comment {i}") for i in range(200)}
    assert splits == {"train", "validation", "test"}


def test_labels_use_known_categories_only(data_dir: Path) -> None:
    for name in datasets.SOURCES:
        for ex in datasets.load(name, data_dir, max_rows=50):
            assert set(ex.labels) <= set(CATEGORIES)
            assert all(v in (0.0, 1.0) for v in ex.labels.values())


def test_max_rows_gives_a_stable_subset(data_dir: Path) -> None:
    a = datasets.load("jigsaw-toxic-mini", data_dir, max_rows=20)
    b = datasets.load("jigsaw-toxic-mini", data_dir, max_rows=20)
    assert len(a) == 20 and a == b


def test_a_non_toxic_comment_is_no_toxic_subtype(data_dir: Path) -> None:
    for ex in datasets.load("jigsaw-toxic-binary-sample", data_dir, max_rows=100):
        if ex.labels["toxicity"] == 0.0:
            assert ex.labels["insult"] == ex.labels["identity_attack"] == 0.0


def test_toxic_span_gold_has_all_splits(data_dir: Path) -> None:
    gold = datasets.toxic_span_gold(data_dir)
    assert set(gold) == set(datasets.SPLITS)
    text, chars = next((t, g) for t, g in gold["test"] if g)
    assert max(chars) < len(text)
