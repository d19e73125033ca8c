"""Leave-one-source-out: a left-out source is scored by a model that never saw it."""

from __future__ import annotations

from pathlib import Path

from models.evaluation import loso


def test_a_left_out_source_is_scored_by_a_model_trained_without_it(data_dir: Path, monkeypatch):
    trained_without: list[frozenset] = []
    real_train = loso.train

    def spy(*args, **kwargs):
        trained_without.append(frozenset(kwargs.get("exclude", ())))
        return real_train(*args, **kwargs)

    monkeypatch.setattr(loso, "train", spy)
    sources = ["youtube-spam", "youtube-spam-extra", "ethos"]
    result = loso.leave_one_source_out(
        data_dir,
        sources=sources,
        rows_per_source=150,
        scored_rows=300,
        params={"described_examples": 300, "synthetic_per_kind": 50},
    )
    assert trained_without == [frozenset(), {"youtube-spam"}, {"youtube-spam-extra"}]
    table = result["sources"]
    assert table["youtube-spam"]["kind"] == "left out"
    assert table["ethos"]["kind"] == "evaluation only"
    assert 0.5 < table["youtube-spam"]["unseen"]["spam"] <= 1.0
    assert set(table["ethos"]["unseen"]) == {"toxicity", "identity_attack"}
    means = [sum(v["unseen"].values()) / len(v["unseen"]) for v in table.values()]
    assert abs(result["mean"] - sum(means) / len(means)) < 1e-9
    assert any("mean" in line for line in loso.markdown(result, before=result))


def test_training_leaves_an_excluded_source_out(data_dir: Path) -> None:
    from models.training import train

    result = train(data_dir, max_rows_per_source=100, exclude={"youtube-spam"})
    assert "youtube-spam" not in result.metadata["sources"]
    assert result.metadata["excluded_sources"] == ["youtube-spam"]
