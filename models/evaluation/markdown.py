"""Markdown rendering of the evaluation report (figures beside the peer's)."""

from __future__ import annotations


def _f(v, digits: int = 3) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def _headline(report: dict) -> list[str]:
    lines = ["| source | category | n | ours ROC-AUC | peer ROC-AUC |", "|---|---|---|---|---|"]
    for src, cats in report["per_source_auc"].items():
        for cat, v in cats.items():
            lines.append(f"| {src} | {cat} | {v['n']} | {_f(v['ours'])} | {_f(v['peer'])} |")
    return lines


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
    for name, s in report["speed"].items():
        if s:
            lines.append(
                f"| {name} | {s['comments_per_second']:.0f} "
                f"| {s.get('comments_per_cpu_second', float('nan')):.0f} "
                f"| {s['single_median_ms']:.2f} "
                f"| {s['single_p95_ms']:.2f} |"
            )
    lines += [
        "",
        "## Thresholds: share held and mistakes per candidate threshold",
        "",
        *_thresholds(report),
    ]
    if plots:
        lines += ["## Plots", ""] + [f"![{p}]({p})" for p in plots]
    return "\n".join(lines) + "\n"
