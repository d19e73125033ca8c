"""The evaluation report for one model: JSON + Markdown + PNG plots, beside the peer."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
from sklearn.metrics import precision_recall_curve, roc_auc_score, roc_curve

from models import datasets
from models.classifier import Classifier
from models.encoder import artifacts
from models.encoder.serving import load_tiers
from models.evaluation import bias, evasion, generalisation, peer_check, spans, targets
from models.evaluation.loso import recipe_params
from models.evaluation.markdown import render
from models.evaluation.peer import PEER_CATEGORIES, Peer, load_peer
from models.evaluation.speed import encoder_speed, resident_mb, speed

THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def _auc(y: np.ndarray, p: np.ndarray) -> float | None:
    return float(roc_auc_score(y, p)) if y.size and 0 < y.sum() < y.size else None


def _test_sets(data_dir: Path, seed: int, limit: int | None) -> dict[str, list[datasets.Example]]:
    """Held-out test split of each trainable source, all rows of each evaluation-only one."""
    out = {}
    for src in datasets.SOURCES.values():
        if src.use in ("schema", "negatives") or src.name == "identity-bias-templates":
            continue
        if not datasets.available(src, data_dir):
            continue
        rows = datasets.load(src.name, data_dir, seed=seed)
        if src.use != "eval":
            rows = [r for r in rows if r.split == "test"]
        out[src.name] = rows[:limit]
    return out


def _per_source(
    clf: Classifier,
    peer: Peer | None,
    sets: dict,
    recipe: peer_check.Recipe | None = None,
    linear: Classifier | None = None,
) -> tuple[dict, dict]:
    """ROC-AUC per source and category of `clf` (and of `linear` beside it, when given)."""
    table: dict[str, dict] = {}
    curves: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray | None]] = {}
    for name, rows in sets.items():
        texts = [r.text for r in rows]
        ours = clf.probabilities(texts)
        theirs = peer.predict(texts) if peer else None
        remade = recipe.predict(texts) if recipe else None
        alone = linear.probabilities(texts) if linear is not None else None
        for k, cat in enumerate(clf.categories):
            idx = [i for i, r in enumerate(rows) if cat in r.labels]
            if not idx:
                continue
            y = np.array([rows[i].labels[cat] >= 0.5 for i in idx], dtype=int)
            ours_auc = _auc(y, ours[idx, k])
            if ours_auc is None:
                continue
            peer_auc = (
                _auc(y, theirs[idx]) if theirs is not None and cat in PEER_CATEGORIES else None
            )
            remade_too = remade is not None and peer_auc is not None
            recipe_auc = _auc(y, remade[idx]) if remade_too else None
            table.setdefault(name, {})[cat] = {
                "n": len(idx),
                "ours": ours_auc,
                "peer": peer_auc,
                "peer_recipe": recipe_auc,
            }
            if alone is not None:
                table[name][cat]["linear"] = _auc(y, alone[idx, k])
            y0, o0, t0 = curves.get(cat, (np.zeros(0), np.zeros(0), np.zeros(0)))
            curves[cat] = (
                np.concatenate([y0, y]),
                np.concatenate([o0, ours[idx, k]]),
                np.concatenate([t0, theirs[idx]]) if theirs is not None else None,
            )
    return table, curves


def _threshold_table(y: np.ndarray, p: np.ndarray) -> list[dict]:
    """For each threshold: share held (score >= t), and the mistakes that would be made."""
    rows = []
    for t in THRESHOLDS:
        flagged = p >= t
        rows.append(
            {
                "threshold": t,
                "held_share": float(flagged.mean()),
                "false_positives": int((flagged & (y == 0)).sum()),
                "false_negatives": int((~flagged & (y == 1)).sum()),
                "precision": float(y[flagged].mean()) if flagged.any() else None,
                "recall": float(flagged[y == 1].mean()) if (y == 1).any() else None,
            }
        )
    return rows


def _bias(clf: Classifier, peer: Peer | None, data_dir: Path, limit: int | None) -> dict:
    out: dict[str, dict] = {}
    k = clf.categories.index("toxicity")
    sets = {}
    if datasets.available(datasets.SOURCES["identity-bias-templates"], data_dir):
        rows = datasets.load("identity-bias-templates", data_dir)[:limit]
        sets["identity-bias-templates"] = [(r.text, r.labels["toxicity"]) for r in rows]
    wiki = data_dir / "wikipedia-toxicity-sample"
    for variant in ("nonfuzzed", "fuzzed"):
        path = wiki / f"toxicity_{variant}_testset.csv"
        if path.is_file():
            rows = list(datasets._read(path))[:limit]
            sets[f"wikipedia-{variant}"] = [
                (r["comment"], float(r["toxic"] == "True")) for r in rows
            ]
    for name, rows in sets.items():
        texts = [t for t, _ in rows]
        y = np.array([v for _, v in rows], dtype=int)
        out[name] = {"ours": bias.bias_metrics(texts, y, clf.probabilities(texts)[:, k])}
        if peer:
            out[name]["peer"] = bias.bias_metrics(texts, y, peer.predict(texts))
    return out


def _evasion(clf: Classifier, peer: Peer | None, sets: dict, limit: int) -> dict:
    """Recall at 0.5 on held-out toxic comments, clean and with each kind of disguise."""
    k = clf.categories.index("toxicity")
    pos = [
        r.text
        for name, rows in sets.items()
        if datasets.SOURCES[name].use != "eval"
        for r in rows
        if r.labels.get("toxicity") == 1.0
    ]
    rng = np.random.default_rng(0)
    pos = [pos[i] for i in sorted(rng.permutation(len(pos))[:limit])]
    variants = {"clean": pos, **evasion.evasion_set(clf, pos)}
    out = {}
    for kind, texts in variants.items():
        out[kind] = {"ours": float((clf.probabilities(texts)[:, k] >= 0.5).mean())}
        if peer:
            out[kind]["peer"] = float((peer.predict(texts) >= 0.5).mean())
    out["n"] = len(pos)
    return out


def _peer_training(
    parts: tuple | None, recipe: peer_check.Recipe | None, data_dir: Path, seed: int
) -> dict | None:
    """What the peer was trained on (see models/evaluation/peer_check.py); parts: its fitted
    (vectorizer, model)."""
    sample = datasets.SOURCES["jigsaw-toxic-binary-sample"]
    texts = []
    if datasets.available(sample, data_dir):
        texts = [r.text for r in datasets.load(sample.name, data_dir, seed=seed)]
    return {
        "corpus_size": peer_check.corpus_size(parts[0]) if parts else None,
        "kaggle_overlap": peer_check.kaggle_overlap(data_dir, texts) if texts else None,
        "recipe_sources": list(peer_check.RECIPE_SOURCES),
        "recipe_train_rows": recipe.rows if recipe else None,
        "seen_test_rows": (
            peer_check.seen_test_rows(recipe, parts, data_dir, seed) if parts and recipe else None
        ),
    }


def _recipe(parts: tuple | None, data_dir: Path, seed: int) -> peer_check.Recipe | None:
    return peer_check.Recipe(*parts).fit(data_dir, seed) if parts else None


def _span_f1(clf: Classifier, peer: Peer | None, data_dir: Path, limit: int | None) -> dict:
    if not datasets.available(datasets.SOURCES["toxic-spans-civil-comments"], data_dir):
        return {}
    posts = datasets.toxic_span_gold(data_dir)["test"][:limit]
    return {"n": len(posts), "ours": spans.mean_f1(clf, posts)}


def _served(classifier: Classifier, version_dir: Path | None, texts: list[str]) -> tuple:
    """(the scorer a worker uses for this version, what the report says about it)."""
    if version_dir is None:
        return classifier, {"name": targets.LINEAR, "note": None}
    before = resident_mb()
    served, why = load_tiers(classifier, version_dir)
    if served is classifier:
        note = f"encoder not loaded, the linear model measured alone: {why}" if why else None
        return classifier, {"name": targets.LINEAR, "note": note}
    served.probabilities(texts[:64])  # ONNX Runtime allocates on its first batches
    after = resident_mb()
    doc = artifacts.info(version_dir) or {}
    return served, {
        "name": targets.BLENDED,
        "note": None,
        "encoder": {
            "variant": doc.get("serve", "int8"),
            "max_len": doc.get("max_len"),
            "train_rows": (doc.get("rows") or {}).get("train"),
            "gate": None if served.gate is None else asdict(served.gate),
            "resident_mb": after - before if before is not None and after is not None else None,
        },
    }


def evaluate(
    classifier: Classifier,
    data_dir: Path,
    out_dir: Path,
    *,
    version_dir: Path | None = None,
    model_info: dict | None = None,
    use_peer: bool = True,
    limit: int | None = None,
    seed: int = 0,
    loso: bool = True,
) -> dict:
    """Measure everything, write report.json, report.md and plots/ into out_dir; return the dict.

    `version_dir` (the version's folder in the registry): when it holds an encoder that loads,
    the scores are the two tiers' blend a worker serves (models/encoder/serving.py), with the
    linear model's own figures beside them; evidence spans and leave-one-source-out stay the
    linear model's. `loso=False` leaves out leave-one-source-out (it retrains the recipe, a
    few minutes).
    """
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    peer = load_peer() if use_peer else None
    sets = _test_sets(data_dir, seed, limit)
    bench_texts = [r.text for rows in sets.values() for r in rows][:5000]
    served, scorer = _served(classifier, version_dir, bench_texts)
    linear = classifier if scorer["name"] == targets.BLENDED else None
    parts = peer.fitted_parts() if peer else None
    recipe = _recipe(parts, data_dir, seed)
    table, curves = _per_source(served, peer, sets, recipe, linear)
    thresholds = {
        cat: {
            "ours": _threshold_table(y, o),
            "peer": _threshold_table(y, t) if t is not None else None,
        }
        for cat, (y, o, t) in curves.items()
    }
    report = {
        "model": model_info or {},
        "scorer": scorer,
        "peer": {"name": Peer.name, "version": peer.version} if peer else None,
        "missing_sources": datasets.missing_sources(data_dir),
        "per_source_auc": table,
        "peer_training": _peer_training(parts, recipe, data_dir, seed) if peer else None,
        "thresholds": thresholds,
        "bias": _bias(served, peer, data_dir, limit),
        "span_f1": _span_f1(classifier, peer, data_dir, limit),
        "evasion": _evasion(served, peer, sets, limit=min(limit or 2000, 2000)),
        "speed": {
            "ours": speed(classifier, bench_texts),  # the linear tier
            "encoder": encoder_speed(served, bench_texts) if linear else None,
            "peer": speed(peer, bench_texts) if peer else None,
        },
    }
    report["functional"] = generalisation.functional(served, peer, linear)
    if loso:
        params = (model_info or {}).get("training", {}).get("params")
        report["loso"] = generalisation.loso(data_dir, recipe_params(params) if params else None)
    report["targets"] = targets.as_dicts(targets.check(report))
    (out_dir / "report.json").write_text(json.dumps(report, indent=2, default=str))
    plots = _plots(curves, report, out_dir / "plots")
    (out_dir / "report.md").write_text(render(report, plots))
    return report


def _plots(curves: dict, report: dict, plot_dir: Path) -> list[str]:
    """ROC and precision-recall per category, bias per identity, evasion recall."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    plot_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for cat, (y, ours, theirs) in curves.items():
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
        for label, p in (("ours", ours), ("alt-profanity-check", theirs)):
            if p is None or (cat not in PEER_CATEGORIES and label != "ours"):
                continue
            fpr, tpr, _ = roc_curve(y, p)
            prec, rec, _ = precision_recall_curve(y, p)
            ax1.plot(fpr, tpr, label=label)
            ax2.plot(rec, prec, label=label)
        ax1.set(title=f"{cat}: ROC", xlabel="false positive rate", ylabel="true positive rate")
        ax2.set(title=f"{cat}: precision-recall", xlabel="recall", ylabel="precision")
        ax1.legend()
        ax2.legend()
        fig.tight_layout()
        fig.savefig(plot_dir / f"curves_{cat}.png", dpi=80)
        plt.close(fig)
        written.append(f"plots/curves_{cat}.png")
    templ = report["bias"].get("identity-bias-templates")
    if templ:
        per = templ["ours"]["per_identity"]
        terms = sorted(per)
        fig, ax = plt.subplots(figsize=(12, 4))
        x = np.arange(len(terms))
        for i, key in enumerate(("subgroup_auc", "bpsn_auc", "bnsp_auc")):
            ax.bar(x + i * 0.27, [per[t][key] or 0 for t in terms], width=0.27, label=key)
        ax.axhline(0.8, color="grey", linestyle="--")
        ax.set_xticks(x + 0.27, terms, rotation=90)
        ax.set(ylim=(0.5, 1.0), title="Bias per identity (identity templates, ours)")
        ax.legend()
        fig.tight_layout()
        fig.savefig(plot_dir / "bias.png", dpi=80)
        plt.close(fig)
        written.append("plots/bias.png")
    ev = {k: v for k, v in report["evasion"].items() if k != "n"}
    fig, ax = plt.subplots(figsize=(9, 4))
    x = np.arange(len(ev))
    ax.bar(x - 0.2, [v["ours"] for v in ev.values()], width=0.4, label="ours")
    if report["peer"]:
        ax.bar(x + 0.2, [v.get("peer", 0) for v in ev.values()], width=0.4, label="peer")
    ax.set_xticks(x, list(ev), rotation=30)
    ax.set(ylim=(0, 1), title="Recall of toxic comments at 0.5, clean and disguised")
    ax.legend()
    fig.tight_layout()
    fig.savefig(plot_dir / "evasion.png", dpi=80)
    plt.close(fig)
    written.append("plots/evasion.png")
    return written
