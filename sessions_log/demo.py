"""Demo sessions for `seed_demo`: months of meetings and session logs in both directions, shared
summaries and private notes, goals, fit checks, pulses, impact surveys and pending reminders.

Works on whatever active published pairs the demo cohorts have. A pair that already has an
agreement acceptance is left alone, so a second run adds nothing; everything is bulk-inserted.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.models import Profile, ProfileSkill
from mentoring.demo import JUNIOR_EMAIL, SENIOR_EMAIL, DemoOrganisation
from mentoring.models import Cohort, Enrolment, OutboxMessage
from pairing.models import Pair
from sessions_log import plan_demo, reminders, services
from sessions_log.models import (
    AgreementAcceptance,
    FitCheck,
    Goal,
    ImpactSurvey,
    Meeting,
    PrivateNote,
    Pulse,
    SessionLog,
)

SUMMARIES = {
    "reverse": [
        "We set up {skill} together and tried it on a real piece of work.",
        "Walked through how my team actually uses {skill} day to day; lots of questions.",
        "Hands-on hour on {skill}: first attempt done, homework agreed.",
        "Looked at what good {skill} looks like from the outside; picked two things to try.",
    ],
    "forward": [
        "Talked through {skill}: a real situation and how to approach it next week.",
        "Stories about {skill} from twenty years of getting it wrong and right.",
        "Prepared for a conversation that needs {skill}; role-played the hard part.",
        "Mapped who matters for {skill} and how to get on their radar.",
    ],
    "both": [
        "Swapped: {skill} one way, then what the other side of the organisation sees.",
        "Half and half today, starting with {skill}; both left with something to try.",
    ],
}
PRIVATE_NOTES = [
    "I was more nervous than I expected; it got easier after ten minutes.",
    "Must remember to follow up on the thing about my manager.",
    "I underestimated how much I take for granted here.",
    "Felt a bit rushed. Ask for a longer slot next time.",
    "Really useful. I want to try this with my own team.",
    "Not sure I explained it well; bring an example next time.",
]
GOALS = {
    "reverse": [
        "Post on LinkedIn every week without agonising",
        "Use generative AI for first drafts",
        "Understand what our graduates actually want from us",
        "Build my own simple dashboard",
        "Stop dreading TikTok",
    ],
    "forward": [
        "Get better at negotiating for my team's budget",
        "Understand how decisions are really made at the top",
        "Present to senior leaders with confidence",
        "Plan my next career step",
        "Handle difficult conversations calmly",
    ],
}
PROGRESS = [
    "Tried it twice so far.",
    "Good start; need practice.",
    "Done, and it worked!",
    "Stalled a bit during the busy season.",
    "",
]
PULSE_COMMENTS = [
    "",
    "",
    "",
    "Finding the time is hard.",
    "Really valuable so far.",
    "We keep having to reschedule.",
]


@dataclass
class _PairRow:
    pk: int
    cohort_id: int
    published_at: datetime
    junior_id: int
    senior_id: int
    junior_enrolment: int
    senior_enrolment: int
    reverse_skills: list[int] = field(default_factory=list)
    forward_skills: list[int] = field(default_factory=list)
    skill_names: dict[int, str] = field(default_factory=dict)


def seed_sessions(org: DemoOrganisation, *, seed: int = 2026) -> None:
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    cohorts = list(
        Cohort.objects.filter(pk__in=[org.current.pk, org.past.pk], status=Cohort.Status.ACTIVE)
    )
    with transaction.atomic():
        pairs = _pairs(cohorts, now)
        demo_ids = set(org.emails.get(e) for e in (JUNIOR_EMAIL, SENIOR_EMAIL))
        _seed_pairs(pairs, demo_ids, rng, now, today)
        _seed_impact(org, rng, today)
    with transaction.atomic():
        services.schedule_surveys_due(now=now)


def _pairs(cohorts: list[Cohort], now: datetime) -> list[_PairRow]:
    rows: list[_PairRow] = []
    for cohort in cohorts:
        start = cohort.starts_on or (now.date() - timedelta(days=90))
        # Published pairs of the demo cohort met from about a week after the cohort started.
        published = datetime.combine(start + timedelta(days=7), time(9), tzinfo=UTC)
        (
            Pair.objects.filter(
                cohort=cohort, status=Pair.Status.ACTIVE, published_at__gt=published
            )
            .exclude(agreement_acceptances__isnull=False)
            .update(published_at=min(published, now))
        )
        fresh = (
            Pair.objects.filter(
                cohort=cohort, status=Pair.Status.ACTIVE, published_at__isnull=False
            )
            .exclude(pk__in=AgreementAcceptance.objects.values("pair_id"))
            .values_list(
                "pk",
                "cohort_id",
                "published_at",
                "junior__user_id",
                "senior__user_id",
                "junior_id",
                "senior_id",
            )
        )
        rows += [
            _PairRow(pk, cohort_id, at, junior, senior, junior_enrolment, senior_enrolment)
            for pk, cohort_id, at, junior, senior, junior_enrolment, senior_enrolment in fresh
            if at is not None  # always: the query keeps published pairs only
        ]
    if not rows:
        return rows
    user_ids = {r.junior_id for r in rows} | {r.senior_id for r in rows}
    profile_of = dict(Profile.objects.filter(user_id__in=user_ids).values_list("pk", "user_id"))
    teach: dict[int, set[int]] = {}
    learn: dict[int, set[int]] = {}
    names: dict[int, str] = {}
    for profile_id, skill_id, kind, name in ProfileSkill.objects.filter(
        profile_id__in=profile_of
    ).values_list("profile_id", "skill_id", "kind", "skill__name"):
        (teach if kind == "teach" else learn).setdefault(profile_of[profile_id], set()).add(
            skill_id
        )
        names[skill_id] = name
    for row in rows:
        reverse = teach.get(row.junior_id, set()) & learn.get(row.senior_id, set())
        forward = teach.get(row.senior_id, set()) & learn.get(row.junior_id, set())
        row.reverse_skills = sorted(reverse or teach.get(row.junior_id, set()))
        row.forward_skills = sorted(forward or teach.get(row.senior_id, set()))
        row.skill_names = names
    return rows


def _seed_pairs(
    pairs: list[_PairRow], demo_ids: set, rng: random.Random, now: datetime, today: date
) -> None:
    acceptances, goals, fit_checks, pulses = [], [], [], []
    meetings: list[Meeting] = []
    # Each log with its meeting, its skills each way and the private notes on it.
    logs: list[tuple[SessionLog, Meeting, list[tuple[int, str]], list[tuple[int, str]]]] = []
    for index, pair in enumerate(pairs):
        is_demo = pair.junior_id in demo_ids and pair.senior_id in demo_ids
        # About one pair in eight has gone quiet and one in sixteen never got going.
        style = (
            "regular"
            if is_demo
            else "quiet"
            if index % 8 == 3
            else "never"
            if index % 16 == 6
            else "regular"
        )
        members = (pair.junior_id, pair.senior_id)
        accepted = members if style != "never" or rng.random() < 0.5 else members[:1]
        acceptances += [AgreementAcceptance(pair_id=pair.pk, user_id=u) for u in accepted]
        for owner, direction in ((pair.senior_id, "reverse"), (pair.junior_id, "forward")):
            for title in rng.sample(GOALS[direction], 2 if is_demo else rng.randint(0, 2)):
                goals.append(
                    Goal(
                        pair_id=pair.pk,
                        owner_id=owner,
                        direction=direction,
                        title=title,
                        progress_note=rng.choice(PROGRESS),
                        status=rng.choice(["open", "in_progress", "in_progress", "achieved"]),
                    )
                )
        if style == "never":
            continue
        # Sessions about every two weeks since pairing; quiet pairs stopped after a few.
        moment = pair.published_at + timedelta(days=rng.randint(3, 10))
        count, limit = 0, (rng.randint(1, 2) if style == "quiet" else 99)
        while moment.date() < today and count < limit:
            starts = datetime.combine(
                moment.date(), time(rng.choice([9, 11, 13, 15]), 0), tzinfo=UTC
            )
            if starts >= now:
                break
            meeting = Meeting(
                pair_id=pair.pk,
                starts_at=starts,
                location=rng.choice(
                    ["Café, floor 2", "https://meet.example.com/twoway", "Room 4.12"]
                ),
                duration_minutes=rng.choice([45, 60]),
                proposed_by_id=rng.choice(members),
            )
            meetings.append(meeting)
            direction = rng.choices(["reverse", "forward", "both"], weights=[45, 30, 25])[0]
            skill_pool = (
                pair.reverse_skills
                if direction == "reverse"
                else pair.forward_skills
                if direction == "forward"
                else pair.reverse_skills + pair.forward_skills
            )
            skills = rng.sample(skill_pool, min(len(skill_pool), rng.randint(1, 2)))
            topic = (
                pair.skill_names.get(skills[0], "new ways of working")
                if skills
                else "new ways of working"
            )
            logger = rng.choice(members)
            log = SessionLog(
                pair_id=pair.pk,
                held_on=starts.date(),
                logged_by_id=logger,
                minutes=rng.choice([30, 45, 45, 60, 60, 75, 90]),
                direction=direction,
                shared_summary=rng.choice(SUMMARIES[direction]).format(skill=topic),
            )
            notes = [(logger, rng.choice(PRIVATE_NOTES))] if is_demo or rng.random() < 0.45 else []
            partner = members[1] if logger == members[0] else members[0]
            if is_demo or rng.random() < 0.2:
                notes.append((partner, rng.choice(PRIVATE_NOTES)))
            # A "both ways" session's skill went the way its teacher goes.
            each_way = [
                (
                    skill,
                    "forward"
                    if direction == "forward" or skill not in pair.reverse_skills
                    else "reverse",
                )
                for skill in skills
            ]
            logs.append((log, meeting, each_way, notes))
            count += 1
            moment += timedelta(days=rng.randint(10, 18))
        if style == "regular" and (is_demo or rng.random() < 0.8):
            starts = datetime.combine(
                today + timedelta(days=rng.randint(1, 14)),
                time(rng.choice([9, 11, 14])),
                tzinfo=UTC,
            )
            meetings.append(
                Meeting(
                    pair_id=pair.pk,
                    starts_at=starts,
                    duration_minutes=45,
                    location="https://meet.example.com/twoway",
                    proposed_by_id=rng.choice(members),
                )
            )
        if count:
            for person in members:
                if is_demo or rng.random() < 0.85:
                    answer = (
                        "yes"
                        if is_demo
                        else rng.choices(["yes", "not_sure", "no"], weights=[75, 18, 7])[0]
                    )
                    fit_checks.append(
                        FitCheck(pair_id=pair.pk, respondent_id=person, answer=answer)
                    )
        days = (now - pair.published_at).days
        periods = 0 if days < 30 else (days - 30) // 60 + 1
        for period in range(periods):
            for person in members:
                if is_demo or rng.random() < 0.8:
                    score = rng.choices([1, 2, 3, 4, 5], weights=[3, 7, 20, 40, 30])[0]
                    pulses.append(
                        Pulse(
                            pair_id=pair.pk,
                            respondent_id=person,
                            period=period,
                            score=score,
                            comment=rng.choice(PULSE_COMMENTS),
                        )
                    )

    AgreementAcceptance.objects.bulk_create(acceptances, batch_size=2000)
    # Accepted when the pair was published, not when the demo was seeded.
    AgreementAcceptance.objects.filter(pair_id__in=[p.pk for p in pairs]).update(
        accepted_at=Subquery(Pair.objects.filter(pk=OuterRef("pair_id")).values("published_at")[:1])
    )
    Goal.objects.bulk_create(goals, batch_size=2000)
    Meeting.objects.bulk_create(meetings, batch_size=2000)
    for log, held_at, _, _ in logs:
        log.meeting_id = held_at.pk
    SessionLog.objects.bulk_create([entry[0] for entry in logs], batch_size=2000)
    for way in ("reverse", "forward"):
        through = getattr(SessionLog, f"skills_{way}").through
        through.objects.bulk_create(
            [
                through(sessionlog_id=log.pk, skill_id=skill)
                for log, _, each_way, _ in logs
                for skill, skill_way in each_way
                if skill_way == way
            ],
            batch_size=5000,
        )
    PrivateNote.objects.bulk_create(
        [
            PrivateNote(session_log_id=log.pk, author_id=author, body=body)
            for log, _, _, notes in logs
            for author, body in notes
        ],
        batch_size=5000,
    )
    FitCheck.objects.bulk_create(fit_checks, batch_size=2000)
    Pulse.objects.bulk_create(pulses, batch_size=2000)
    plan_demo.seed_plan_progress(
        [entry[0] for entry in logs],
        {p.pk: p.cohort_id for p in pairs},
        {p.pk: (p.junior_id, p.senior_id) for p in pairs},
        rng,
    )
    _meeting_reminders([m for m in meetings if m.starts_at > now], pairs, now)


def _meeting_reminders(upcoming: list[Meeting], pairs: list[_PairRow], now: datetime) -> None:
    """The T-24h / T-1h rows for upcoming meetings, built the way sessions_log.reminders keys
    them, in one insert."""
    members = {p.pk: (p.junior_id, p.senior_id) for p in pairs}
    zones = dict(
        Profile.objects.filter(
            user_id__in={u for m in upcoming for u in members[m.pair_id]}
        ).values_list("user_id", "timezone")
    )
    rows = []
    for meeting in upcoming:
        for person in members[meeting.pair_id]:
            zone = reminders.zone_named(zones.get(person)).key
            for label, due_at in reminders.meeting_reminder_times(meeting.starts_at, zone):
                if due_at > now:
                    rows.append(
                        OutboxMessage(
                            recipient_id=person,
                            kind=reminders.MEETING_REMINDER,
                            due_at=due_at,
                            dedupe_key=f"{reminders.meeting_prefix(meeting)}{meeting.sequence}:"
                            f"{person}:{label}",
                            payload={
                                "meeting_id": meeting.pk,
                                "label": label,
                                "sequence": meeting.sequence,
                            },
                        )
                    )
    OutboxMessage.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)


def _seed_impact(org: DemoOrganisation, rng: random.Random, today: date) -> None:
    """Baselines for both cohorts; finals for the closed one, mostly a little higher."""
    if ImpactSurvey.objects.filter(enrolment__cohort__in=[org.current, org.past]).exists():
        return
    enrolments = list(
        Enrolment.objects.filter(
            cohort__in=[org.current, org.past],
            status=Enrolment.Status.ACTIVE,
        ).values_list("pk", "cohort_id", "user__email")
    )
    demo = (JUNIOR_EMAIL, SENIOR_EMAIL)
    rows = []
    for enrolment_id, cohort_id, email in enrolments:
        if email not in demo and rng.random() > 0.85:
            continue
        baseline = {
            area: rng.choices([1, 2, 3, 4, 5], weights=[8, 22, 35, 25, 10])[0]
            for area in ImpactSurvey.AREAS
        }
        rows.append(ImpactSurvey(enrolment_id=enrolment_id, stage="baseline", **baseline))
        if cohort_id == org.past.pk and rng.random() < 0.75:
            final = {
                area: max(
                    1, min(5, value + rng.choices([-1, 0, 1, 2], weights=[10, 40, 38, 12])[0])
                )
                for area, value in baseline.items()
            }
            rows.append(ImpactSurvey(enrolment_id=enrolment_id, stage="final", **final))
    ImpactSurvey.objects.bulk_create(rows, batch_size=2000)
