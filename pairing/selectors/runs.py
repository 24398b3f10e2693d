"""Reads comparing two runs and exporting one."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Count,
    Q,
)

from pairing.models import PairingRun, Proposal
from pairing.selectors.board import Bucket, score_distribution


@dataclass(frozen=True)
class RunComparison:
    first: PairingRun
    second: PairingRun
    first_distribution: list[Bucket]
    second_distribution: list[Bucket]
    same_pairs: int
    only_first: list[Proposal]
    only_second: list[Proposal]
    only_first_count: int
    only_second_count: int
    first_locked: int
    second_locked: int
    parameter_changes: list[tuple[str, object, object]]


DIFF_SHOWN = 100


def compare_runs(first: PairingRun, second: PairingRun) -> RunComparison:
    a = set(Proposal.objects.filter(run=first).values_list("junior_id", "senior_id"))
    b = set(Proposal.objects.filter(run=second).values_list("junior_id", "senior_id"))
    only_a, only_b = a - b, b - a

    def listed(run: PairingRun, keys: set[tuple[int, int]]) -> list[Proposal]:
        if not keys:
            return []
        wanted = Q()
        for junior_id, senior_id in sorted(keys)[:DIFF_SHOWN]:
            wanted |= Q(junior_id=junior_id, senior_id=senior_id)
        return list(
            Proposal.objects.filter(run=run)
            .filter(wanted)
            .select_related("junior__user__profile", "senior__user__profile")
            .order_by("-score", "pk")
        )

    changes = []
    for name in sorted(set(first.weights) | set(second.weights)):
        if first.weights.get(name) != second.weights.get(name):
            changes.append((f"weight: {name}", first.weights.get(name), second.weights.get(name)))
    for name in ("min_grade_gap", "must_differ_department", "max_timezone_diff_hours"):
        if first.rules.get(name) != second.rules.get(name):
            changes.append((name.replace("_", " "), first.rules.get(name), second.rules.get(name)))
    # Locks set on a run's board are not in the rules saved with it (those are the rules it was
    # computed under), so the locked pairs a run holds are counted from its proposals.
    excluded = len(first.rules.get("excluded", [])), len(second.rules.get("excluded", []))
    if excluded[0] != excluded[1]:
        changes.append(("excluded pairs", *excluded))
    locked = dict(
        Proposal.objects.filter(run__in=[first, second], locked=True)
        .order_by()
        .values_list("run_id")
        .annotate(n=Count("pk"))
    )
    return RunComparison(
        first=first,
        second=second,
        first_distribution=score_distribution(first),
        second_distribution=score_distribution(second),
        same_pairs=len(a & b),
        only_first=listed(first, only_a),
        only_second=listed(second, only_b),
        only_first_count=len(only_a),
        only_second_count=len(only_b),
        first_locked=locked.get(first.pk, 0),
        second_locked=locked.get(second.pk, 0),
        parameter_changes=changes,
    )


# ---- Export ------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "junior_name",
    "junior_email",
    "junior_department",
    "senior_name",
    "senior_email",
    "senior_department",
    "score",
    "reverse",
    "forward",
    "junior_gives",
    "senior_gives",
    "locked",
    "set_by_hand",
    "rule_warnings",
)


def run_export_rows(run: PairingRun):
    """A run's proposals as rows for a spreadsheet, best first (one query, streamed)."""
    proposals = (
        Proposal.objects.filter(run=run)
        .select_related("junior__user__profile", "senior__user__profile")
        .order_by("-score", "pk")
    )
    for p in proposals.iterator(chunk_size=1000):
        junior, senior = p.junior.user, p.senior.user
        yield {
            "junior_name": junior.full_name,
            "junior_email": junior.email,
            "junior_department": junior.profile.department,
            "senior_name": senior.full_name,
            "senior_email": senior.email,
            "senior_department": senior.profile.department,
            "score": str(p.score),
            "reverse": str(p.reverse),
            "forward": str(p.forward),
            "junior_gives": "; ".join(
                f"{f['skill']} ({f['teach']}x{f['learn']})" for f in p.reverse_flows
            ),
            "senior_gives": "; ".join(
                f"{f['skill']} ({f['teach']}x{f['learn']})" for f in p.forward_flows
            ),
            "locked": "yes" if p.locked else "",
            "set_by_hand": "yes" if p.by_hand else "",
            "rule_warnings": "; ".join(p.warnings),
        }
