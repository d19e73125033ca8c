"""Markdown rendering of the evaluation report (figures beside the peer's)."""

from __future__ import annotations

from models.evaluation import targets
from models.evaluation.functional.run import markdown as functional_markdown
from models.evaluation.loso import markdown as loso_markdown


def _f(v, digits: int = 3) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def _blended(report: dict) -> bool:
    return (report.get("scorer") or {}).get("name") == targets.BLENDED


def _headline(report: dict) -> list[str]:
    """ROC-AUC per source and category: ours (the served scorer), the linear model alone when
    an encoder was blended in, the peer and the peer's recipe."""
    both = _blended(report)
    lines = [
        "| source | category | n | ours ROC-AUC |"
        + (" linear only |" if both else "")
        + " peer ROC-AUC | peer's recipe on our data |",
        "|---|---|---|---|---|---|" + ("---|" if both else ""),
    ]
    for src, cats in report["per_source_auc"].items():
        for cat, v in cats.items():
            lines.append(
                f"| {src} | {cat} | {v['n']} | {_f(v['ours'])} |"
                + (f" {_f(v.get('linear'))} |" if both else "")
                + f" {_f(v['peer'])} | {_f(v.get('peer_recipe'))} |"
            )
    return lines


# Rows of the sets the peer says it was trained on (data READMEs in ../shared/data).
KAGGLE_TRAIN_ROWS = 159_571
DAVIDSON_ROWS = 24_783


def peer_training(report: dict) -> list[str]:
    """What the peer was trained on, and why some of its test figures are not like for like."""
    info = report.get("peer_training")
    if not info:
        return []
    lines = ["## What the peer was trained on", ""]
    n = info.get("corpus_size")
    if n:
        lines.append(
            f"- Its vectorizer's idf says it was fitted on **{n:,} documents**: the labelled "
            f"Kaggle Jigsaw training set ({KAGGLE_TRAIN_ROWS:,} Wikipedia talk comments) plus "
            f"all of Davidson ({DAVIDSON_ROWS:,} tweets) make "
            f"{KAGGLE_TRAIN_ROWS + DAVIDSON_ROWS:,}. So it has seen our Davidson test split. "
            "The Wikipedia sample comes from the same Wikipedia Talk annotations (Wulczyn et "
            f"al. 2017) as the Kaggle training set, so it has seen {KAGGLE_TRAIN_ROWS:,} "
            "comments like it, probably these among them."
        )
    overlap = info.get("kaggle_overlap")
    if overlap:
        tr, te = overlap["kaggle_train"], overlap["kaggle_test"]
        lines.append(
            f"- Our Jigsaw sample comes from the Kaggle **test** set: it holds "
            f"{te['in_our_sample']} of the {te['rows']} Kaggle-test rows in jigsaw-toxic-mini "
            f"({te['toxic_in_our_sample']} of their {te['toxic']} toxic ones) and "
            f"{tr['in_our_sample']} of its {tr['rows']} Kaggle-train rows. The peer never saw "
            "those comments; we have no Kaggle-train comments to train on."
        )
    if info.get("recipe_train_rows"):
        lines.append(
            f'- "Peer\'s recipe on our data": its vectorizer and model settings fitted on our '
            f"{info['recipe_train_rows']:,} training rows of {', '.join(info['recipe_sources'])}"
            " (the data it names, as far as we hold it). That is its method without its data."
        )
    seen = info.get("seen_test_rows")
    if seen:
        lines.append(
            f"- What seeing the test rows is worth, measured: the peer's recipe scores "
            f"{_f(seen['without'])} ROC-AUC on the {seen['n']:,} rows of {seen['source']}'s test "
            f"split when fitted on our train split, and {_f(seen['with'])} when those test rows "
            "are in its training data too, as they were in the peer's."
        )
    return [*lines, ""]


def _bias(report: dict) -> list[str]:
    lines = [
        "| set | model | overall AUC | subgroup (power mean) | BPSN | BNSP | combined "
        "| worst BPSN |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, by_model in report["bias"].items():
        for model, m in by_model.items():
            pm = m["power_means"]
            worst = m["worst_bpsn"]
            lines.append(
                f"| {name} | {model} | {_f(m['overall_auc'])} | {_f(pm['subgroup_auc'])} | "
                f"{_f(pm['bpsn_auc'])} | {_f(pm['bnsp_auc'])} | {_f(m['combined'])} | "
                f"{worst['identity']} {_f(worst['auc'])} |"
            )
    mention_rows = [
        f"| {name} | {model} | {_mention(m, 'with_identity')} | {_mention(m, 'without')} |"
        for name, by_model in report["bias"].items()
        for model, m in by_model.items()
        if all(
            (m.get("by_mention") or {}).get(k, {}).get("auc") for k in ("with_identity", "without")
        )
    ]
    if mention_rows:
        lines += ["", "ROC-AUC on the rows that mention an identity term and on the rest:", ""]
        lines += ["| set | model | with an identity term | without |", "|---|---|---|---|"]
        lines += mention_rows
    templ = report["bias"].get("identity-bias-templates", {}).get("ours")
    if templ:
        lines += ["", "Per identity on the templates (ours):", ""]
        lines += [
            "| identity | rows | subgroup AUC | BPSN AUC | BNSP AUC |",
            "|---|---|---|---|---|",
        ]
        for term, v in sorted(templ["per_identity"].items()):
            lines.append(
                f"| {term} | {v['rows']} | {_f(v['subgroup_auc'])} | {_f(v['bpsn_auc'])} | "
                f"{_f(v['bnsp_auc'])} |"
            )
    return lines


def generalisation(report: dict) -> list[str]:
    """The functional suite beside the peer, and leave-one-source-out beside the baseline."""
    lines: list[str] = []
    suite = report.get("functional")
    if suite:
        linear = (
            " Linear only: the same rules and policy with the linear model's scores, without the "
            "encoder."
            if suite.get("linear")
            else ""
        )
        lines += [
            "## Functional suite (models/evaluation/functional/)",
            "",
            "Pass: approved when the guidelines approve, not approved when they hold or reject. "
            f"Baseline column: the peer's one probability read as each category it covers.{linear}",
            "",
            *functional_markdown(
                suite["ours"], suite.get("peer"), {"linear only": suite.get("linear")}
            ),
            "",
        ]
    loso = report.get("loso")
    if loso:
        s = loso["ours"]["settings"]
        lines += [
            "## Leave-one-source-out",
            "",
            f"Each source scored by a model trained without it ({s['rows_per_source']:,} rows "
            f"per source, {s['word_features']:,} word and {s['char_features']:,} character "
            "features), beside the in-source test figure and the baseline recipe (no synthetic "
            "sentences, no concept markers) left out the same way."
            + (
                " Linear recipe only: retraining the encoder once per source is out of reach "
                "here, so these figures are the linear tier's, not the blend's."
                if _blended(report)
                else ""
            ),
            "",
            *loso_markdown(loso["ours"], loso.get("baseline")),
            "",
        ]
    return lines


def _mention(m: dict, key: str) -> str:
    part = m["by_mention"][key]
    return f"{_f(part['auc'])} ({part['rows']:,} rows)"


def _thresholds(report: dict) -> list[str]:
    lines = []
    for cat, by_model in report["thresholds"].items():
        lines += [
            f"### {cat}",
            "",
            "| model | threshold | held | false pos. | false neg. | precision | recall |",
        ]
        lines.append("|---|---|---|---|---|---|---|")
        for model, rows in by_model.items():
            for r in rows or []:
                lines.append(
                    f"| {model} | {r['threshold']} | {r['held_share']:.1%} | "
                    f"{r['false_positives']} | {r['false_negatives']} | "
                    f"{_f(r['precision'])} | {_f(r['recall'])} |"
                )
        lines.append("")
    return lines


def _encoder_speed(report: dict) -> list[str]:
    """The encoder's share of comments, what both tiers cost together, its memory."""
    enc, lin = report["speed"].get("encoder"), report["speed"].get("ours")
    if not enc or not lin:
        return []
    share = enc["encoder_share"]
    both = 1 / (1 / lin["comments_per_cpu_second"] + share / enc["comments_per_cpu_second"])
    gate = "no gate" if enc.get("gate") is None else targets.gate_text(enc["gate"])
    mb = (report.get("scorer") or {}).get("encoder", {}).get("resident_mb")
    memory = (
        f" Loading the encoder and scoring one batch added {mb:.0f} MB of resident memory to "
        "this process."
        if mb is not None
        else ""
    )
    return [
        "",
        f"The encoder scores {share:.0%} of the comments ({gate}); both tiers together: about "
        f"{both:,.0f} comments per CPU second (computed from the two rows above).{memory}",
    ]


def render(report: dict, plots: list[str]) -> str:
    model = report.get("model", {})
    peer = report["peer"]
    lines = [
        f"# Evaluation report: model {model.get('version', '(unsaved)')}",
        "",
        f"Peer: {peer['name']} {peer['version']}"
        if peer
        else "Peer: not measured (alt-profanity-check "
        "not installed, or --no-peer; install requirements-eval.txt).",
        "",
    ]
    lines += [targets.measured_with(report), ""]
    if report.get("targets"):
        checks = [targets.Check(**c) for c in report["targets"]]
        lines += ["## Targets", "", *targets.markdown(checks), ""]
    if report["missing_sources"]:
        lines += ["Missing data sources (not measured):", ""]
        lines += [f"- {name}: {origin}" for name, origin in report["missing_sources"]]
        lines.append("")
    if model.get("sources"):
        lines += [
            "## Trained on",
            "",
            "| source | licence | class | train rows |",
            "|---|---|---|---|",
        ]
        for name, s in model["sources"].items():
            lines.append(
                f"| {name} | {s['licence']} | {s['licence_class']} | {s['rows']['train']} |"
            )
        lines.append("")
    lines += ["## Test ROC-AUC per source and category", "", *_headline(report), ""]
    lines += peer_training(report)
    lines += generalisation(report)
    lines += ["## Bias (toxicity score)", "", *_bias(report), ""]
    sf = report["span_f1"]
    lines += ["## Evidence spans", ""]
    if sf:
        lines.append(
            f"SemEval-2021 Task 5 character F1 on {sf['n']} toxic-spans test posts: "
            f"**{_f(sf['ours'])}** (the peer gives no spans)."
        )
    lines += ["", "## Evasion (recall of held-out toxic comments at 0.5)", ""]
    lines += ["| perturbation | ours | peer |", "|---|---|---|"]
    for kind, v in report["evasion"].items():
        if kind != "n":
            lines.append(f"| {kind} | {_f(v['ours'])} | {_f(v.get('peer'))} |")
    lines += [
        "",
        f"({report['evasion']['n']} comments; each kind disguises the model's own top "
        "evidence words.)",
        "",
    ]
    lines += [
        "## Speed (one core, normalisation included)",
        "",
        "| model | comments/s (batches, wall) | comments per CPU second | single median ms "
        "| single p95 ms |",
        "|---|---|---|---|---|",
    ]
    names = {"ours": "ours, linear tier" if _blended(report) else "ours"}
    names["encoder"] = "ours, encoder tier (tokenising and ONNX Runtime, all its threads)"
    for name, s in report["speed"].items():
        if s:
            lines.append(
                f"| {names.get(name, name)} | {s['comments_per_second']:.0f} "
                f"| {s.get('comments_per_cpu_second', float('nan')):.0f} "
                f"| {s['single_median_ms']:.2f} "
                f"| {s['single_p95_ms']:.2f} |"
            )
    lines += _encoder_speed(report)
    lines += [
        "",
        "## Thresholds: share held and mistakes per candidate threshold",
        "",
        *_thresholds(report),
    ]
    if plots:
        lines += ["## Plots", ""] + [f"![{p}]({p})" for p in plots]
    return "\n".join(lines) + "\n"
