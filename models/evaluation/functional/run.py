"""Run the functional suite through the same decision a worker makes (rules, policy, scores)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from models.classifier import Classifier
from models.decide import decide
from models.evaluation.functional.cases import Case, all_cases, functionalities
from models.normalize import normalize
from models.policy import DEFAULT_POLICY, Policy
from models.rules import find_rules

# Functionalities where an approval is the failure a newsroom cannot accept (issue 20's targets).
NEVER_APPROVED = (
    "threat_direct", "threat_conditional", "violence_public_figure", "violence_group", "doxxing",
    "dehumanise_group", "dehumanise_nationality", "masked_profanity", "masked_profanity_repeated",
)  # fmt: skip


@dataclass
class SuiteResult:
    per_functionality: dict[str, dict] = field(default_factory=dict)
    failures: list[dict] = field(default_factory=list)

    @property
    def overall(self) -> float:
        n = sum(f["n"] for f in self.per_functionality.values())
        return sum(f["passed"] for f in self.per_functionality.values()) / n if n else 0.0

    @property
    def worst(self) -> tuple[str, float]:
        name = min(self.per_functionality, key=lambda k: self.per_functionality[k]["rate"])
        return name, self.per_functionality[name]["rate"]

    @property
    def never_approved_violations(self) -> int:
        return sum(
            self.per_functionality[n]["approved"]
            for n in NEVER_APPROVED
            if n in self.per_functionality
        )

    def to_dict(self) -> dict:
        name, rate = self.worst
        return {
            "overall": self.overall,
            "worst": {"functionality": name, "rate": rate},
            "never_approved_violations": self.never_approved_violations,
            "per_functionality": self.per_functionality,
            "failures": self.failures,
        }


def actions(clf: Classifier, texts: Sequence[str], policy: Policy = DEFAULT_POLICY) -> list[str]:
    """The action a worker would take on each text (no author history)."""
    scores = clf.score(list(texts))
    out = []
    for text, s in zip(texts, scores, strict=True):
        findings = find_rules(text, policy, normalize(text))
        out.append(decide(s, policy, findings=findings).action)
    return out


def passed(case: Case, action: str) -> bool:
    return (action == "approve") == (case.gold == "approve")


def run_suite(
    clf: Classifier, cases: Sequence[Case] | None = None, policy: Policy = DEFAULT_POLICY
) -> SuiteResult:
    cases = list(all_cases() if cases is None else cases)
    got = actions(clf, [c.text for c in cases], policy)
    result = SuiteResult()
    order = [f.name for f in functionalities()]
    for case, action in zip(cases, got, strict=True):
        row = result.per_functionality.setdefault(
            case.functionality,
            {"gold": case.gold, "n": 0, "passed": 0, "approved": 0, "exact": 0},
        )
        row["n"] += 1
        row["passed"] += passed(case, action)
        row["approved"] += action == "approve"
        row["exact"] += action == case.gold
        if not passed(case, action):
            result.failures.append({"functionality": case.functionality, "text": case.text,
                                    "gold": case.gold, "got": action})  # fmt: skip
    for row in result.per_functionality.values():
        row["rate"] = row["passed"] / row["n"]
    result.per_functionality = dict(
        sorted(result.per_functionality.items(), key=lambda kv: order.index(kv[0]))
    )
    return result


def markdown(
    result: dict, before: dict | None = None, beside: dict[str, dict] | None = None
) -> list[str]:
    """The per-functionality table of a result dict, with a pass-rate column for each result
    in `beside` (column name: result), then the baseline's (`before`), when given."""
    columns = {f"{k} pass rate": v for k, v in (beside or {}).items() if v}
    if before:
        columns["baseline pass rate"] = before
    head = "| functionality | gold | n | pass rate | approved |" + "".join(
        f" {c} |" for c in columns
    )
    lines = [head, "|---|---|---|---|---|" + "---|" * len(columns)]
    for name, row in result["per_functionality"].items():
        line = f"| {name} | {row['gold']} | {row['n']} | {row['rate']:.0%} | {row['approved']} |"
        for other in columns.values():
            b = other["per_functionality"].get(name)
            line += f" {b['rate']:.0%} |" if b else " – |"
        lines.append(line)
    total = f"| **overall** | | | **{result['overall']:.1%}** | |"
    total += "".join(f" {other['overall']:.1%} |" for other in columns.values())
    return [*lines, total]
