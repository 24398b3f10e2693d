"""The demo's impact survey answers: baselines in every demo cohort; finals in the past
(closed) ones, mostly a little higher than the baseline."""

from __future__ import annotations

import random

from mentoring.demo import JUNIOR_EMAIL, SENIOR_EMAIL, DemoOrganisation
from mentoring.demo.bulk import insert
from mentoring.models import Enrolment
from sessions_log.models import ImpactSurvey


def seed_impact(org: DemoOrganisation, rng: random.Random) -> None:
    cohorts = [*org.current_cohorts, *org.past_cohorts]
    if ImpactSurvey.objects.filter(enrolment__cohort__in=cohorts).exists():
        return
    past = {cohort.pk for cohort in org.past_cohorts}
    enrolments = list(
        Enrolment.objects.filter(
            cohort__in=cohorts,
            status=Enrolment.Status.ACTIVE,
        ).values_list("pk", "cohort_id", "user__email")
    )
    demo = (JUNIOR_EMAIL, SENIOR_EMAIL)
    areas = list(ImpactSurvey.AREAS)
    rows = []
    for enrolment_id, cohort_id, email in enrolments:
        if email not in demo and rng.random() > 0.85:
            continue
        baseline = [rng.choices([1, 2, 3, 4, 5], weights=[8, 22, 35, 25, 10])[0] for _ in areas]
        rows.append((enrolment_id, "baseline", *baseline))
        if cohort_id in past and rng.random() < 0.75:
            final = [
                max(1, min(5, value + rng.choices([-1, 0, 1, 2], weights=[10, 40, 38, 12])[0]))
                for value in baseline
            ]
            rows.append((enrolment_id, "final", *final))
    insert(ImpactSurvey, ["enrolment_id", "stage", *areas], rows)
