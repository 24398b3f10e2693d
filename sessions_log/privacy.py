"""The sessions app's share of a person's data (registered from SessionsLogConfig.ready()).

A private note is its author's alone, here too: the download holds the person's own notes and
never their partner's."""

from __future__ import annotations

from django.db.models import Q

from mentoring.models import OutboxMessage
from mentoring.privacy.registry import Datum, Erasure, Part, register
from pairing.models import Pair
from sessions_log.models import (
    AgreementAcceptance,
    FitCheck,
    Goal,
    ImpactSurvey,
    Meeting,
    PrivateNote,
    Pulse,
    Reflection,
    SessionLog,
)

REMOVED_GOAL = "A goal (text removed)"


def _pair_ids(user) -> list[int]:
    return list(
        Pair.objects.filter(Q(junior__user=user) | Q(senior__user=user)).values_list(
            "pk", flat=True
        )
    )


def export_sessions(user) -> dict:
    pair_ids = _pair_ids(user)
    own_notes = dict(
        PrivateNote.objects.filter(author=user, session_log__pair_id__in=pair_ids).values_list(
            "session_log_id", "body"
        )
    )
    logs = SessionLog.objects.filter(pair_id__in=pair_ids).prefetch_related(
        "skills_reverse", "skills_forward"
    )
    impact_fields = list(ImpactSurvey.AREAS)
    return {
        "meetings": [
            {
                "pair": meeting.pair_id,
                "starts_at": meeting.starts_at,
                "duration_minutes": meeting.duration_minutes,
                "location": meeting.location,
                "status": meeting.status,
            }
            for meeting in Meeting.objects.filter(pair_id__in=pair_ids)
        ],
        "sessions": [
            {
                "pair": log.pair_id,
                "held_on": log.held_on,
                "minutes": log.minutes,
                "direction": log.direction,
                "skills_junior_to_senior": sorted(s.name for s in log.skills_reverse.all()),
                "skills_senior_to_junior": sorted(s.name for s in log.skills_forward.all()),
                "shared_summary": log.shared_summary,
                "logged_by_you": log.logged_by_id == user.pk,
                "your_private_note": own_notes.get(log.pk, ""),
            }
            for log in logs
        ],
        "goals": [
            {
                "pair": goal.pair_id,
                "yours": goal.owner_id == user.pk,
                "direction": goal.direction,
                "title": goal.title,
                "status": goal.status,
                "due_on": goal.due_on,
                "progress_percent": goal.progress,
                "progress_note": goal.progress_note,
            }
            for goal in Goal.objects.filter(pair_id__in=pair_ids)
        ],
        "agreements_accepted": [
            {"pair": row.pair_id, "accepted_at": row.accepted_at}
            for row in AgreementAcceptance.objects.filter(user=user)
        ],
        "fit_checks": [
            {"pair": row.pair_id, "answer": row.answer, "comment": row.comment}
            for row in FitCheck.objects.filter(respondent=user)
        ],
        "pulses": [
            {"pair": row.pair_id, "period": row.period, "score": row.score, "comment": row.comment}
            for row in Pulse.objects.filter(respondent=user)
        ],
        "impact_surveys": [
            {
                "cohort": survey.enrolment.cohort.name,
                "stage": survey.stage,
                **{area: getattr(survey, area) for area in impact_fields},
            }
            for survey in ImpactSurvey.objects.filter(enrolment__user=user).select_related(
                "enrolment__cohort"
            )
        ],
        "reflections": [
            {"pair": row.pair_id, "reflection": row.reflection, "thank_you_written": row.thank_you}
            for row in Reflection.objects.filter(author=user)
        ],
        "thank_yous_received": [
            {"pair": row.pair_id, "thank_you": row.thank_you}
            for row in Reflection.objects.filter(pair_id__in=pair_ids)
            .exclude(author=user)
            .exclude(thank_you="")
        ],
        "emails_sent_to_you": [
            {
                "kind": row.kind,
                "due_at": row.due_at,
                "sent_at": row.sent_at,
                "skipped_reason": row.skipped_reason,
            }
            for row in OutboxMessage.objects.filter(recipient=user).order_by("due_at", "pk")
        ],
    }


def count_sessions(user) -> dict[str, int]:
    return {
        "private notes (deleted)": PrivateNote.objects.filter(author=user).count(),
        "shared summaries you wrote (cleared)": SessionLog.objects.filter(logged_by=user)
        .exclude(shared_summary="")
        .count(),
        "goals you set (text cleared)": Goal.objects.filter(owner=user).count(),
        "survey and fit-check comments (cleared, scores kept)": FitCheck.objects.filter(
            respondent=user
        )
        .exclude(comment="")
        .count()
        + Pulse.objects.filter(respondent=user).exclude(comment="").count(),
        "reflections and thank-yous you wrote (cleared)": Reflection.objects.filter(
            author=user
        ).count(),
        "emails sent to you (kept as counts, no content)": OutboxMessage.objects.filter(
            recipient=user
        ).count(),
    }


def erase_sessions(user, erasure: Erasure) -> None:
    PrivateNote.objects.filter(author=user).delete()
    SessionLog.objects.filter(logged_by=user).update(shared_summary="")
    Goal.objects.filter(owner=user).update(title=REMOVED_GOAL, progress_note="")
    FitCheck.objects.filter(respondent=user).update(comment="")
    Pulse.objects.filter(respondent=user).update(comment="")
    Reflection.objects.filter(author=user).update(reflection="", thank_you="")
    Meeting.objects.filter(proposed_by=user).update(location="")
    OutboxMessage.objects.filter(recipient=user).update(payload={}, last_error="")
    _scrub_partner_text(_pair_ids(user), erasure)


def _scrub_partner_text(pair_ids: list[int], erasure: Erasure) -> None:
    """What the partner wrote stays theirs, but not the erased person's name in it."""
    for model, field in (
        (SessionLog, "shared_summary"),
        (Goal, "title"),
        (Goal, "progress_note"),
        (Reflection, "thank_you"),
        (Reflection, "reflection"),
        (PrivateNote, "body"),
        (Meeting, "location"),
    ):
        pair_filter = (
            {"session_log__pair_id__in": pair_ids}
            if model is PrivateNote
            else {"pair_id__in": pair_ids}
        )
        for pk, text in model.objects.filter(**pair_filter).values_list("pk", field):
            if erasure.mentions(text):
                model.objects.filter(pk=pk).update(**{field: erasure.scrub(text)})


def purge_sessions(cohort_ids: list[int]) -> dict[str, int]:
    in_cohorts = {"pair__cohort_id__in": cohort_ids}
    deleted, _ = PrivateNote.objects.filter(session_log__pair__cohort_id__in=cohort_ids).delete()
    return {
        "private notes": deleted,
        "shared summaries": SessionLog.objects.filter(**in_cohorts)
        .exclude(shared_summary="")
        .update(shared_summary=""),
        "goals": Goal.objects.filter(**in_cohorts).update(title=REMOVED_GOAL, progress_note=""),
        "survey comments": FitCheck.objects.filter(**in_cohorts)
        .exclude(comment="")
        .update(comment="")
        + Pulse.objects.filter(**in_cohorts).exclude(comment="").update(comment=""),
        "reflections and thank-yous": Reflection.objects.filter(**in_cohorts).update(
            reflection="", thank_you=""
        ),
        "meeting places": Meeting.objects.filter(**in_cohorts)
        .exclude(location="")
        .update(location=""),
    }


INVENTORY = (
    Datum(
        "Meetings",
        "date and time, length, place or video link, who proposed it",
        "the two partners; HR as counts",
        "until the retention purge (place cleared)",
    ),
    Datum(
        "Session logs",
        "date, minutes, direction, skills covered each way",
        "the two partners; HR and managers as aggregates only",
        "kept without names for the figures",
    ),
    Datum(
        "Shared summaries",
        "free text about a session",
        "the two partners, nobody else",
        "until erased or the retention purge",
    ),
    Datum(
        "Private notes",
        "free text",
        "their author only (not the partner, HR, managers, the admin or any export)",
        "until erased or the retention purge",
    ),
    Datum(
        "Goals",
        "what each partner wants to learn, the date to reach it by, progress, status, "
        "progress note",
        "the two partners; HR as counts",
        "until erased or purged (text cleared, status kept)",
    ),
    Datum(
        "Fit check, pulse and impact surveys",
        "answers 1–5 and optional comments",
        "the respondent; HR (fit check, pulse comments); managers as aggregates of 5 or more",
        "scores kept without names; comments cleared on erasure or purge",
    ),
    Datum(
        "Reflections and thank-yous",
        "reflection (author only), thank-you (the partner reads it)",
        "the author; the partner (thank-you only)",
        "until erased or purged",
    ),
    Datum(
        "Dashboard rosters",
        "per enrolment: cohort, side, department and its impact survey changes; per pair: "
        "both members' departments and whether each is counted (no names, no text)",
        "nobody directly: the dashboard's counts (managers: groups of five or more)",
        "rewritten from the rows they mirror at the next dashboard view, gone with them",
    ),
    Datum(
        "Outbox (emails)",
        "recipient, kind, due and sent times, ids of what it is about",
        "HR (delivery problems)",
        "kept without content; an erased person's rows point at their placeholder",
    ),
)


def register_part() -> None:
    register(
        Part(
            name="sessions",
            order=10,
            export=export_sessions,
            count=count_sessions,
            erase=erase_sessions,
            purge=purge_sessions,
            inventory=INVENTORY,
        )
    )
