"""Writes of applications: HR's call and questions, a person's application, HR's decisions.

Approval enrols the person through the same service as adding them by hand and invites them
through the invitation service, so an approved applicant is indistinguishable from an imported
one. Emails go through the outbox (kinds registered in emails.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Profile, User
from accounts.services import SkillRefused, profile_skill_add
from mentoring import outbox
from mentoring.applications.models import Application, ApplicationCall, Question
from mentoring.models import Cohort, Enrolment
from mentoring.services.enrolments import EnrolmentRefused, NewParticipant, participant_add
from mentoring.services.invitations import InvitationRefused, invitations_send

RECEIVED = "application_received"
DECIDED = "application_decided"
LINK_SALT = "twoway.applications.invite"
MAX_QUESTIONS = 30


class ApplicationRefused(Exception):
    """The change cannot be made; the message says why and nothing was changed."""


# ---- HR: the call and its questions ------------------------------------------------------


def call_for(cohort: Cohort) -> ApplicationCall:
    call, _ = ApplicationCall.objects.get_or_create(cohort=cohort)
    return call


@transaction.atomic
def call_save(
    *,
    cohort: Cohort,
    is_open: bool,
    closes_at: datetime | None,
    junior_places: int,
    senior_places: int,
    introduction: str = "",
) -> ApplicationCall:
    if is_open and (cohort.archived_at or cohort.status == Cohort.Status.CLOSED):
        raise ApplicationRefused(f"{cohort.name} is closed; it cannot take applications.")
    call = call_for(cohort)
    call.is_open, call.closes_at = is_open, closes_at
    call.junior_places, call.senior_places = junior_places, senior_places
    call.introduction = introduction
    call.save()
    return call


def question_add(
    *,
    call: ApplicationCall,
    kind: str,
    label: str,
    help_text: str = "",
    choices: str = "",
    required: bool = True,
) -> Question:
    if call.questions.count() >= MAX_QUESTIONS:
        raise ApplicationRefused(f"A form holds at most {MAX_QUESTIONS} questions.")
    last = call.questions.order_by("-position").values_list("position", flat=True).first()
    return Question.objects.create(
        call=call,
        kind=kind,
        label=label,
        help_text=help_text,
        choices=choices,
        required=required,
        position=(last or 0) + 1,
    )


def question_move(*, question: Question, up: bool) -> None:
    """Swap with the neighbour above or below."""
    siblings = list(question.call.questions.order_by("position", "pk"))
    index = siblings.index(question)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, item in enumerate(siblings, start=1):
        if item.position != position:
            Question.objects.filter(pk=item.pk).update(position=position)


def link_token(call: ApplicationCall) -> str:
    """The signed part of the invite link: names the cohort and the link's version, so
    "new link" (a version bump) revokes every link handed out before."""
    return signing.dumps({"c": call.cohort_id, "v": call.link_version}, salt=LINK_SALT)


def call_for_token(token: str) -> ApplicationCall | None:
    try:
        data = signing.loads(token, salt=LINK_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        return None
    call = (
        ApplicationCall.objects.select_related("cohort__programme")
        .filter(cohort_id=data["c"])
        .first()
    )
    if call is None or call.link_version != data.get("v"):
        return None
    return call


def link_renew(*, call: ApplicationCall) -> ApplicationCall:
    ApplicationCall.objects.filter(pk=call.pk).update(link_version=call.link_version + 1)
    call.refresh_from_db(fields=["link_version"])
    return call


# ---- The applicant --------------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    """Who applies: a signed-in user, or a name and email given through an invite link."""

    user: User | None = None
    email: str = ""
    full_name: str = ""


def application_submit(
    *,
    call: ApplicationCall,
    applicant: Applicant,
    side: str,
    capacity: int,
    answers: list[dict],
    now: datetime | None = None,
) -> tuple[Application, bool]:
    """Record one application per person and cohort. A second submit (a double click, a
    second tab) gets the first application back, unchanged. Returns it and whether it is new."""
    for attempt in (1, 2):
        try:
            return _submit(call, applicant, side, capacity, answers, now or timezone.now())
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _submit(
    call: ApplicationCall,
    applicant: Applicant,
    side: str,
    capacity: int,
    answers: list[dict],
    now: datetime,
) -> tuple[Application, bool]:
    cohort = call.cohort
    user = applicant.user or _user_for(applicant)
    existing = Application.objects.filter(cohort=cohort, user=user).first()
    if existing is not None:
        return existing, False
    if not call.accepting(now) or cohort.archived_at or cohort.status == Cohort.Status.CLOSED:
        raise ApplicationRefused(f"{cohort.name} is not taking applications any more.")
    if Enrolment.objects.filter(cohort=cohort, user=user, status=Enrolment.Status.ACTIVE).exists():
        raise ApplicationRefused(f"You are already taking part in {cohort.name}.")
    if side not in Enrolment.Side.values:
        raise ApplicationRefused("Choose the side you would take part on.")
    with transaction.atomic():  # the loser of a race fails here and is retried once
        application = Application.objects.create(
            cohort=cohort, user=user, side=side, capacity=capacity, answers=answers
        )
    outbox.schedule(
        recipient=user,
        kind=RECEIVED,
        due_at=now,
        dedupe_key=f"{RECEIVED}:{application.pk}",
        payload={"application": application.pk},
    )
    return application, True


def _user_for(applicant: Applicant) -> User:
    """The account for an email given through an invite link: an existing one, or a new one
    without a password (they set one from the invitation, as imported people do)."""
    email = applicant.email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email)
    Profile.objects.get_or_create(user=user, defaults={"full_name": applicant.full_name})
    return user


# ---- HR's decisions -------------------------------------------------------------------


def _locked(application: Application) -> Application:
    return (
        # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer join to
        # the applicant's user; only the application row needs the lock.
        Application.objects.select_for_update(of=("self",))
        .select_related("cohort", "user__profile")
        .get(pk=application.pk)
    )


def free_places(call: ApplicationCall, side: str) -> int:
    taken = Enrolment.objects.filter(
        cohort_id=call.cohort_id, side=side, status=Enrolment.Status.ACTIVE
    ).count()
    return max(0, call.places_for(side) - taken)


@transaction.atomic
def application_approve(*, application: Application, by: User) -> Application:
    """Enrol the applicant with the side, capacity and skills they gave, and invite them.
    Approving twice changes nothing the second time."""
    application = _locked(application)
    if application.state == Application.State.APPROVED:
        return application
    if application.state == Application.State.DECLINED:
        raise ApplicationRefused("This application was declined; it cannot be approved now.")
    cohort = application.cohort
    call = call_for(cohort)
    if free_places(call, application.side) <= 0:
        raise ApplicationRefused(
            f"All {call.places_for(application.side)} {application.side} places are taken: "
            "wait-list the application, or add places."
        )
    user = application.user
    profile = getattr(user, "profile", None)
    enrolment = Enrolment.objects.filter(
        cohort=cohort, user=user, status=Enrolment.Status.ACTIVE
    ).first()
    if enrolment is None:
        try:
            enrolment, _ = participant_add(
                cohort=cohort,
                person=NewParticipant(
                    email=user.email,
                    full_name=(profile.full_name if profile else "") or user.email,
                    side=application.side,
                    capacity=application.capacity,
                ),
            )
        except EnrolmentRefused as exc:
            raise ApplicationRefused(str(exc)) from None
    _add_skills(user, application.answers)
    application.state = Application.State.APPROVED
    application.enrolment = enrolment
    application.decided_at, application.decided_by = timezone.now(), by
    application.save(update_fields=["state", "enrolment", "decided_at", "decided_by"])
    try:
        invitations_send(cohort=cohort, enrolment_ids=[enrolment.pk])
    except InvitationRefused as exc:
        raise ApplicationRefused(str(exc)) from None
    return application


def _add_skills(user: User, answers: list[dict]) -> None:
    profile, _ = Profile.objects.get_or_create(user=user, defaults={"full_name": ""})
    for answer in answers:
        kind = {"teach": "teach", "learn": "learn"}.get(answer.get("kind", ""))
        if kind is None:
            continue
        for name, level in answer.get("value") or []:
            try:
                profile_skill_add(profile=profile, kind=kind, level=int(level), name=str(name))
            except SkillRefused:
                continue  # more skills than a profile holds: the person edits them later


def _decide(application: Application, state: str, by: User, note: str) -> Application:
    application = _locked(application)
    if application.state == state:
        return application
    if application.state == Application.State.APPROVED:
        raise ApplicationRefused(
            "This application was approved: withdraw the person from the cohort instead."
        )
    application.state, application.note = state, note
    application.decided_at, application.decided_by = timezone.now(), by
    application.save(update_fields=["state", "note", "decided_at", "decided_by"])
    outbox.schedule(
        recipient=application.user,
        kind=DECIDED,
        due_at=timezone.now(),
        dedupe_key=f"{DECIDED}:{application.pk}:{state}",
        payload={"application": application.pk, "state": state},
    )
    return application


@transaction.atomic
def application_decline(*, application: Application, by: User, note: str = "") -> Application:
    return _decide(application, Application.State.DECLINED, by, note)


@transaction.atomic
def application_waitlist(*, application: Application, by: User) -> Application:
    return _decide(application, Application.State.WAITLISTED, by, "")


@transaction.atomic
def take_next_from_wait_list(*, cohort: Cohort, side: str, by: User) -> Application | None:
    """Approve the earliest wait-listed application of this side, if a place is free: the
    wait list is served in the order people applied."""
    call = call_for(cohort)
    Cohort.objects.select_for_update().filter(pk=cohort.pk).first()  # one taker at a time
    if free_places(call, side) <= 0:
        raise ApplicationRefused(f"No {side} place is free yet.")
    nxt = (
        Application.objects.filter(cohort=cohort, side=side, state=Application.State.WAITLISTED)
        .order_by("created_at", "pk")
        .first()
    )
    if nxt is None:
        return None
    return application_approve(application=nxt, by=by)
