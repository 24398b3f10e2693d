from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentoring.models import Cohort, Enrolment
from pairing.models import Pair, PairingRun, Proposal
from pairing.services import PairingRefused, PublishRefused, compute_run, pair_publish


class Command(BaseCommand):
    help = (
        "Compute a pairing run for a cohort and print the proposed pairs: a draft HR can "
        "review on the board unless --publish. On a cohort with published pairs it is a "
        "top-up run: only people with free places are paired, and only the new pairs print."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the cohort's slug")
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="print the result as JSON (DESIGN.md's shape)",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publish the run: create its pairs and email only the people in them",
        )

    def handle(self, *args, slug: str, as_json: bool, publish: bool, **options) -> None:
        cohort = Cohort.objects.select_related("programme").filter(slug=slug).first()
        if cohort is None:
            raise CommandError(f"No cohort with the slug {slug!r}.")
        try:
            run = compute_run(cohort=cohort)
        except PairingRefused as exc:
            raise CommandError(str(exc)) from None
        if run.status != PairingRun.Status.DONE:
            raise CommandError(f"Pairing failed: {run.error}")
        if publish:
            try:
                pair_publish(run=run, by=None)
            except PublishRefused as exc:
                raise CommandError(f"Not published: {exc}") from None
        result = result_as_dict(run)
        if as_json:
            self.stdout.write(json.dumps(result))
            return
        for pair in result["pairs"]:
            self.stdout.write(f"{pair['score']:>5}  {pair['junior']} -> {pair['senior']}")
        self.stdout.write(
            f"run {run.pk}: {len(result['pairs'])} pairs, total score {result['total_score']}, "
            f"{len(result['unmatched_juniors'])} juniors and "
            f"{len(result['unmatched_seniors'])} seniors without a partner "
            f"({run.duration_seconds:.2f}s)."
            + (
                " Published: each person in these pairs is emailed once."
                if publish
                else " Review it on the board; nothing was published."
            )
        )


def result_as_dict(run: PairingRun) -> dict:
    rows = (
        Proposal.objects.filter(run=run)
        .order_by("-score", "junior_id", "senior_id")
        .values_list("junior__user__email", "senior__user__email", "score", "reverse", "forward")
    )
    pairs = [
        {"junior": j, "senior": s, "score": score, "reverse": reverse, "forward": forward}
        for j, s, score, reverse, forward in rows
    ]
    # "Unmatched" means without any partner; a capacity-2 person with one partner is matched,
    # and so is anyone whose active pair a top-up kept.
    paired = {p["junior"] for p in pairs} | {p["senior"] for p in pairs}
    if run.top_up:
        for junior, senior in Pair.objects.filter(
            cohort=run.cohort_id, status=Pair.Status.ACTIVE
        ).values_list("junior__user__email", "senior__user__email"):
            paired.update((junior, senior))
    people = (
        Enrolment.objects.filter(cohort=run.cohort_id, status=Enrolment.Status.ACTIVE)
        .order_by("user__email")
        .values_list("user__email", "side")
    )
    return {
        "pairs": pairs,
        "total_score": run.total_score,
        "unmatched_juniors": [e for e, side in people if side == "junior" and e not in paired],
        "unmatched_seniors": [e for e, side in people if side == "senior" and e not in paired],
    }
