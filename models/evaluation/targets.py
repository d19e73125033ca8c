"""The classifier's targets (issue "Classifier"), checked against one evaluation report.

Each check gives the figure measured, the target, and whether it is met, so `make evaluate`
answers "are we there?" in one table instead of leaving it to whoever reads the figures.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

JIGSAW = "jigsaw-toxic-binary-sample"
MIN_JIGSAW_AUC = 0.95
MIN_COMBINED_BIAS = 0.90
MIN_BPSN = 0.80
MIN_SPAN_F1 = 0.55
MAX_EVASION_GAP = 0.03
MIN_PER_CPU_SECOND = 3000.0
MAX_SINGLE_MS = 2.0
MIN_FUNCTIONAL = 0.85
MIN_FUNCTIONALITY = 0.70
MIN_LOSO_GAIN = 0.03
# report["scorer"]["name"]: the linear model alone, or the blend of both tiers a worker serves.
LINEAR, BLENDED = "linear", "linear+encoder"


@dataclass(frozen=True)
class Check:
    target: str
    measured: str
    met: bool | None  # None: not measured (data or peer missing)


def _f(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _at_least(value: float | None, bound: float) -> bool | None:
    return None if value is None else value >= bound


def gate_text(gate: dict | None) -> str:
    if gate is None:
        return "every comment"
    cats = ", ".join(gate.get("categories") or ()) or "any category"
    return f"comments with a linear probability in [{gate['low']}, {gate['high']}] ({cats})"


def measured_with(report: dict) -> str:
    """One sentence naming the scorer the report's figures come from."""
    scorer = report.get("scorer") or {"name": LINEAR}
    if scorer["name"] == BLENDED:
        enc = scorer.get("encoder") or {}
        which = gate_text(enc.get("gate"))
        return (
            f"Scorer measured: **{BLENDED}**, as workers serve this version: the linear model "
            f"blended with the {enc.get('variant', '?')} encoder ({enc.get('max_len', '?')} "
            f"tokens) on {which}. Evidence spans, leave-one-source-out and the linear speed "
            "targets are the linear tier's."
        )
    line = f"Scorer measured: **{LINEAR}** (the linear model alone)."
    if scorer.get("note"):
        line += f" Note: {scorer['note']}"
    return line


def _peer_checks(report: dict) -> list[Check]:
    """Ours against the peer on every source and category where both were measured."""
    out = []
    for source, cats in report.get("per_source_auc", {}).items():
        for cat, v in cats.items():
            if v.get("peer") is None or v.get("ours") is None:
                continue
            measured = f"ours {_f(v['ours'])}, peer {_f(v['peer'])}"
            if v.get("peer_recipe") is not None:
                measured += f" (peer's recipe on our data {_f(v['peer_recipe'])})"
            out.append(Check(f"{source} {cat}: ROC-AUC ≥ peer", measured, v["ours"] >= v["peer"]))
    return out


def check(report: dict) -> list[Check]:
    checks: list[Check] = []
    jigsaw = report.get("per_source_auc", {}).get(JIGSAW, {}).get("toxicity")
    checks.append(
        Check(
            f"{JIGSAW} toxicity: ROC-AUC ≥ {MIN_JIGSAW_AUC}",
            _f(jigsaw["ours"]) if jigsaw else "not measured",
            _at_least(jigsaw["ours"], MIN_JIGSAW_AUC) if jigsaw else None,
        )
    )
    checks += _peer_checks(report)
    templates = report.get("bias", {}).get("identity-bias-templates", {}).get("ours")
    if templates:
        worst = templates["worst_bpsn"]
        checks.append(
            Check(
                f"identity templates: combined bias ≥ {MIN_COMBINED_BIAS}",
                _f(templates["combined"]),
                _at_least(templates["combined"], MIN_COMBINED_BIAS),
            )
        )
        checks.append(
            Check(
                f"identity templates: every identity's BPSN AUC ≥ {MIN_BPSN}",
                f"worst {worst['identity']} {_f(worst['auc'])}",
                _at_least(worst["auc"], MIN_BPSN),
            )
        )
    spans = report.get("span_f1") or {}
    checks.append(
        Check(
            f"toxic spans: character F1 ≥ {MIN_SPAN_F1}",
            _f(spans["ours"]) if spans else "not measured",
            _at_least(spans["ours"], MIN_SPAN_F1) if spans else None,
        )
    )
    evasion = report.get("evasion") or {}
    clean = evasion.get("clean", {}).get("ours")
    if clean is not None:
        kinds = {k: v["ours"] for k, v in evasion.items() if k not in ("n", "clean")}
        worst_kind = min(kinds, key=kinds.get) if kinds else None
        gap = clean - kinds[worst_kind] if worst_kind else 0.0
        checks.append(
            Check(
                f"evasion: every disguise's recall within {MAX_EVASION_GAP * 100:.0f} points "
                "of clean recall",
                f"clean {_f(clean)}, worst {worst_kind} {_f(kinds[worst_kind])}"
                if worst_kind
                else "no disguises measured",
                gap <= MAX_EVASION_GAP + 1e-9,
            )
        )
    speed = (report.get("speed") or {}).get("ours")
    if speed:
        per_cpu = speed.get("comments_per_cpu_second")
        checks.append(
            Check(
                f"speed (linear tier): ≥ {MIN_PER_CPU_SECOND:,.0f} comments per CPU second "
                "in batches",
                f"{per_cpu:,.0f}" if per_cpu else "not measured",
                _at_least(per_cpu, MIN_PER_CPU_SECOND),
            )
        )
        single = speed.get("single_median_ms")
        checks.append(
            Check(
                f"speed (linear tier): one comment ≤ {MAX_SINGLE_MS} ms median",
                "not measured" if single is None else f"{single:.2f} ms",
                None if single is None else single <= MAX_SINGLE_MS,
            )
        )
    encoder = (report.get("speed") or {}).get("encoder")
    if encoder:
        checks.append(
            Check(
                "encoder tier: comments per CPU second and share of comments reported",
                f"{encoder['comments_per_cpu_second']:,.0f} per CPU second, "
                f"{encoder['encoder_share']:.0%} of comments",
                True,
            )
        )
    return checks + _generalisation_checks(report)


def _generalisation_checks(report: dict) -> list[Check]:
    checks = []
    suite = (report.get("functional") or {}).get("ours")
    if suite:
        worst = suite["worst"]
        checks += [
            Check(
                f"functional suite: ≥ {MIN_FUNCTIONAL:.0%} overall",
                f"{suite['overall']:.1%}",
                suite["overall"] >= MIN_FUNCTIONAL,
            ),
            Check(
                f"functional suite: ≥ {MIN_FUNCTIONALITY:.0%} in every functionality",
                f"worst {worst['functionality']} {worst['rate']:.0%}",
                worst["rate"] >= MIN_FUNCTIONALITY,
            ),
            Check(
                "functional suite: no threat, dehumanisation or masked-profanity case approved",
                f"{suite['never_approved_violations']} approved",
                suite["never_approved_violations"] == 0,
            ),
        ]
    loso = report.get("loso") or {}
    ours, base = (loso.get("ours") or {}).get("mean"), (loso.get("baseline") or {}).get("mean")
    if ours is not None and base is not None:
        checks.append(
            Check(
                f"leave-one-source-out mean ROC-AUC ≥ baseline recipe + {MIN_LOSO_GAIN}",
                f"{ours:.3f} vs baseline {base:.3f} ({ours - base:+.3f})",
                ours - base >= MIN_LOSO_GAIN - 1e-9,
            )
        )
    return checks


def as_dicts(checks: list[Check]) -> list[dict]:
    return [asdict(c) for c in checks]


def markdown(checks: list[Check]) -> list[str]:
    mark = {True: "met", False: "**missed**", None: "not measured"}
    lines = ["| target | measured | |", "|---|---|---|"]
    lines += [f"| {c.target} | {c.measured} | {mark[c.met]} |" for c in checks]
    met = sum(c.met is True for c in checks)
    return [*lines, "", f"{met} of {len(checks)} targets met."]
