"""A top-up run (DESIGN.md "Pairing score") on a 10,000-person cohort whose pairs are published
and where 500 people have a free place: load, solve around the fixed pairs and store the
proposals in at most 1 s (the same path as `pair_cohort --json` and the board's runs)."""

from __future__ import annotations

import random
import time

BUDGET_SECONDS = 1.0
PEOPLE, FREE = 10_000, 500
SLUG = "bench-top-up"


def _build() -> None:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import Profile, ProfileSkill, Skill, User, skill_key
    from mentoring.models import Cohort, Enrolment, Programme
    from pairing.models import Pair

    rng = random.Random(10)
    programme = Programme.objects.create(name="Bench top-up", slug="bench-top-up")
    cohort = Cohort.objects.create(programme=programme, name="Top-up", slug=SLUG, status="active")
    names = [f"Top-up skill {i}" for i in range(40)]
    Skill.objects.bulk_create([Skill(name=n, key=skill_key(n)) for n in names])
    skills = list(Skill.objects.filter(name__in=names).values_list("pk", flat=True))
    half = PEOPLE // 2
    emails = [f"tj{i:05d}@bench.example" for i in range(half)] + [
        f"ts{i:05d}@bench.example" for i in range(half)
    ]
    password = make_password(None)
    User.objects.bulk_create([User(email=e, password=password) for e in emails], batch_size=2000)
    ids = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    Profile.objects.bulk_create(
        [
            Profile(
                user_id=ids[e],
                full_name=e.split("@")[0],
                department=f"Dept {rng.randrange(10)}",
                location=f"City {rng.randrange(7)}",
                timezone="Europe/London",
            )
            for e in emails
        ],
        batch_size=2000,
    )
    profile_of = dict(Profile.objects.filter(user_id__in=ids.values()).values_list("user_id", "pk"))
    rows = []
    for e in emails:
        for kind in ("teach", "learn"):
            for skill in rng.sample(skills, 3):
                rows.append(
                    ProfileSkill(
                        profile_id=profile_of[ids[e]],
                        skill_id=skill,
                        kind=kind,
                        level=rng.randint(1, 3),
                    )
                )
    ProfileSkill.objects.bulk_create(rows, batch_size=5000)
    Enrolment.objects.bulk_create(
        [
            Enrolment(cohort=cohort, user_id=ids[e], side="junior" if e[1] == "j" else "senior")
            for e in emails
        ],
        batch_size=2000,
    )
    enrolment_of = dict(Enrolment.objects.filter(cohort=cohort).values_list("user_id", "pk"))
    juniors = [enrolment_of[ids[e]] for e in emails[:half]]
    seniors = [enrolment_of[ids[e]] for e in emails[half:]]
    rng.shuffle(juniors)
    rng.shuffle(seniors)
    paired = half - FREE // 2  # the rest of each side is free: late joiners, ended pairs
    now = timezone.now()
    Pair.objects.bulk_create(
        [
            Pair(cohort=cohort, junior_id=j, senior_id=s, published_at=now)
            for j, s in zip(juniors[:paired], seniors[:paired], strict=True)
        ],
        batch_size=2000,
    )


def run() -> bool:
    from bench import _django

    _django.setup("pairing")
    from mentoring.models import Cohort
    from pairing.services import compute_run

    _build()
    cohort = Cohort.objects.get(slug=SLUG)
    seconds, result = float("inf"), None
    for _ in range(3):  # best of three: the machine is shared
        started = time.perf_counter()
        result = compute_run(cohort=cohort)
        seconds = min(seconds, time.perf_counter() - started)
    assert result is not None  # the loop above ran
    ok = result.top_up and result.status == "done" and seconds <= BUDGET_SECONDS
    print(
        f"pair_top_up: db={_django.database_label()} people={PEOPLE} free={FREE} "
        f"seconds={seconds:.2f} new_pairs={result.pairs_count} total={result.total_score} "
        f"{'top-up' if result.top_up else 'NOT A TOP-UP'} budget={BUDGET_SECONDS} "
        f"{'ok' if ok else 'OVER'}"
    )
    return ok
