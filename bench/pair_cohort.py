"""`pair_cohort --json` on a 3,000 x 2,500 cohort must take at most 1.5x a bare scipy solve of
the same problem (load the rows, score every pair, solve with linear_sum_assignment)."""

from __future__ import annotations

import io
import json
import random
import time

BUDGET_RATIO = 1.5
JUNIORS, SENIORS = 3000, 2500
SLUG = "bench-pairing"


def _build() -> None:
    """A cohort with realistic skills, departments, time zones and reporting lines."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import Profile, ProfileSkill, Skill, User, skill_key
    from mentoring.models import Cohort, Enrolment, Programme

    rng = random.Random(4)
    programme = Programme.objects.create(name="Bench", slug="bench")
    cohort = Cohort.objects.create(programme=programme, name="Bench", slug=SLUG, status="pairing")
    reverse_names = [f"Digital skill {i}" for i in range(25)]
    forward_names = [f"Leadership skill {i}" for i in range(20)]
    Skill.objects.bulk_create(
        [Skill(name=n, key=skill_key(n)) for n in reverse_names + forward_names]
    )
    skills = dict(Skill.objects.values_list("name", "pk"))
    password = make_password(None)
    emails = [f"s{i:05d}@bench.example" for i in range(SENIORS)] + [
        f"j{i:05d}@bench.example" for i in range(JUNIORS)
    ]
    User.objects.bulk_create([User(email=e, password=password) for e in emails], batch_size=2000)
    ids = dict(User.objects.values_list("email", "pk"))
    zones = ["Europe/London", "Europe/Berlin", "America/New_York", "Asia/Singapore"]
    profiles = []
    for e in emails:
        senior = e.startswith("s")
        boss = None
        if not senior:
            boss = ids[emails[rng.randrange(SENIORS)]]
        elif rng.random() < 0.5:
            boss = ids[emails[rng.randrange(SENIORS)]]
            boss = None if boss == ids[e] else boss
        profiles.append(
            Profile(
                user_id=ids[e],
                full_name=e.split("@")[0],
                department=f"Dept {rng.randrange(10)}",
                location=f"City {rng.randrange(7)}",
                timezone=rng.choice(zones),
                grade=rng.randint(6, 9) if senior else rng.randint(1, 4),
                manager_id=boss,
            )
        )
    Profile.objects.bulk_create(profiles, batch_size=2000)
    profile_of = dict(Profile.objects.values_list("user_id", "pk"))
    rows = []
    for e in emails:
        gives, wants = (
            (forward_names, reverse_names) if e.startswith("s") else (reverse_names, forward_names)
        )
        for kind, names, k in (
            ("teach", gives, rng.randint(2, 4)),
            ("learn", wants, rng.randint(2, 3)),
        ):
            for name in rng.sample(names, k):
                rows.append(
                    ProfileSkill(
                        profile_id=profile_of[ids[e]],
                        skill_id=skills[name],
                        kind=kind,
                        level=rng.randint(1, 3),
                    )
                )
    ProfileSkill.objects.bulk_create(rows, batch_size=5000)
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                cohort=cohort, user_id=ids[e], side="senior" if e.startswith("s") else "junior"
            )
            for e in emails
        ],
        batch_size=2000,
    )


def _bare_scipy() -> tuple[float, int]:
    """The same problem with nothing around it: the rows, a dense score matrix, one scipy call."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    from accounts.models import Profile, ProfileSkill
    from mentoring.models import Enrolment

    started = time.perf_counter()
    people = list(
        Enrolment.objects.filter(cohort__slug=SLUG, status="active").values_list(
            "pk", "user_id", "side", "user__profile__department", "user__profile__location"
        )
    )
    juniors = [p for p in people if p[2] == "junior"]
    seniors = [p for p in people if p[2] == "senior"]
    skill_ids = sorted(set(ProfileSkill.objects.values_list("skill_id", flat=True)))
    column = {s: i for i, s in enumerate(skill_ids)}
    teach: dict[int, dict[int, int]] = {}
    learn: dict[int, dict[int, int]] = {}
    for user_id, skill_id, kind, level in ProfileSkill.objects.filter(
        profile__user__enrolments__cohort__slug=SLUG
    ).values_list("profile__user_id", "skill_id", "kind", "level"):
        (teach if kind == "teach" else learn).setdefault(user_id, {})[skill_id] = level
    boss = dict(Profile.objects.filter(manager__isnull=False).values_list("user_id", "manager_id"))

    def matrix(side, table):
        m = np.zeros((len(side), len(skill_ids)))
        for row, person in enumerate(side):
            for skill_id, level in table.get(person[1], {}).items():
                m[row, column[skill_id]] = level
        return m

    reverse = matrix(juniors, teach) @ matrix(seniors, learn).T
    forward = matrix(seniors, teach) @ matrix(juniors, learn).T
    forward = forward.T
    dept_j = np.array([hash((p[3] or "").casefold()) for p in juniors])
    dept_s = np.array([hash((p[3] or "").casefold()) for p in seniors])
    loc_j = np.array([hash((p[4] or "").casefold()) for p in juniors])
    loc_s = np.array([hash((p[4] or "").casefold()) for p in seniors])
    score = (
        3 * reverse
        + 2 * forward
        + 2 * (forward > 0)
        + (dept_j[:, None] != dept_s[None, :])
        + (loc_j[:, None] != loc_s[None, :])
    )
    eligible = reverse > 0
    senior_col = {p[1]: c for c, p in enumerate(seniors)}
    junior_row = {p[1]: r for r, p in enumerate(juniors)}
    for row, person in enumerate(juniors):  # reporting lines, either way
        current, seen = boss.get(person[1]), {person[1]}
        while current is not None and current not in seen:
            if current in senior_col:
                eligible[row, senior_col[current]] = False
            seen.add(current)
            current = boss.get(current)
    for col, person in enumerate(seniors):
        current, seen = boss.get(person[1]), {person[1]}
        while current is not None and current not in seen:
            if current in junior_row:
                eligible[junior_row[current], col] = False
            seen.add(current)
            current = boss.get(current)
    weight = np.where(eligible, score + 1_000_000, 0)
    rows, cols = linear_sum_assignment(weight, maximize=True)
    chosen = weight[rows, cols] > 0
    total = int((weight[rows, cols][chosen] - 1_000_000).sum())
    return time.perf_counter() - started, total


def run() -> bool:
    from bench import _django

    _django.setup("pairing")
    from django.core.management import call_command

    _build()
    # Best of five for each side, interleaved: the machine is shared, and a burst of someone
    # else's work during one side's turn should not decide.
    scipy_seconds, scipy_total, seconds = float("inf"), None, float("inf")
    for _ in range(5):
        took, scipy_total = _bare_scipy()
        scipy_seconds = min(scipy_seconds, took)
        out = io.StringIO()
        started = time.perf_counter()
        call_command("pair_cohort", SLUG, "--json", stdout=out)
        seconds = min(seconds, time.perf_counter() - started)
    result = json.loads(out.getvalue())
    ratio = seconds / scipy_seconds
    same = result["total_score"] == scipy_total
    ok = ratio <= BUDGET_RATIO and same
    print(
        f"pair_cohort: db={_django.database_label()} n={JUNIORS}x{SENIORS} "
        f"seconds={seconds:.2f} scipy_seconds={scipy_seconds:.2f} ratio={ratio:.2f} "
        f"pairs={len(result['pairs'])} total={result['total_score']} "
        f"{'same total as scipy' if same else f'scipy total {scipy_total} DIFFERS'} "
        f"budget={BUDGET_RATIO} {'ok' if ok else 'OVER'}"
    )
    return ok
