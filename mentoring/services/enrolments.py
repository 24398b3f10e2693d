"""Enrolling people by hand, editing and withdrawing an enrolment."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.dispatch import Signal

from accounts.models import Profile, User
from mentoring.models import Cohort, Enrolment
from mentoring.services.invitations import invitations_cancel


class EnrolmentRefused(Exception):
    """The change cannot be made; the message says why and nothing was changed."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class NewParticipant:
    email: str
    full_name: str
    side: str
    capacity: int = 1
    job_title: str = ""
    department: str = ""
    location: str = ""
    manager_email: str = ""
    timezone: str = ""


# Sent inside the withdrawal's transaction with ``enrolment``; receivers return a list of notes
# for HR. The pairing app ends the person's pairs here (the core does not import pairing).
enrolment_withdrawn = Signal()


def _active_pair_count(enrolment: Enrolment) -> int:
    # Reverse relations of the pairing app's Pair: counted without importing it.
    return (
        enrolment.pairs_as_junior.filter(status="active").count()
        + enrolment.pairs_as_senior.filter(status="active").count()
    )


def participant_add(*, cohort: Cohort, person: NewParticipant) -> tuple[Enrolment, bool]:
    """Enrol one person by hand. A new email creates the user (no usable password: they set
    one from the invitation) and their profile; a known one keeps their profile and only has
    blanks filled. Returns the enrolment and whether the user is new.

    Two people adding the same new person at once (or a double-clicked button) race to create
    the same user or enrolment; the loser's write fails on a unique constraint. It is tried
    again once, when it sees the winner's rows and answers as for anybody already enrolled."""
    for attempt in (1, 2):
        try:
            return _participant_add(cohort=cohort, person=person)
        except IntegrityError:
            if attempt == 2:
                raise EnrolmentRefused(
                    f"{person.email} was being added by someone else at the same moment; "
                    "look for them in the cohort's people before trying again.",
                    field="email",
                ) from None
    raise AssertionError("unreachable")


@transaction.atomic
def _participant_add(*, cohort: Cohort, person: NewParticipant) -> tuple[Enrolment, bool]:
    if cohort.archived_at or cohort.status == Cohort.Status.CLOSED:
        raise EnrolmentRefused(f"{cohort.name} is closed; nobody can join it.")
    email = person.email.strip().lower()
    manager = None
    if person.manager_email:
        manager = User.objects.filter(email__iexact=person.manager_email.strip()).first()
        if manager is None:
            raise EnrolmentRefused(
                "Nobody with that email is known yet: add the manager first or leave it blank.",
                field="manager_email",
            )
        if manager.email == email:
            raise EnrolmentRefused("A person cannot be their own manager.", field="manager_email")
    found = User.objects.filter(email__iexact=email).first()
    created = found is None
    user = found or User.objects.create_user(email=email)  # unusable password until they accept
    profile, _ = Profile.objects.get_or_create(user=user, defaults={"full_name": person.full_name})
    changed = []
    for field, value in (
        ("full_name", person.full_name),
        ("job_title", person.job_title),
        ("department", person.department),
        ("location", person.location),
        ("timezone", person.timezone),
    ):
        if value and (created or not getattr(profile, field)):
            setattr(profile, field, value)
            changed.append(field)
    if manager is not None and (created or profile.manager_id is None):
        profile.manager = manager
        changed.append("manager")
    if changed:
        profile.save()
    enrolment = Enrolment.objects.filter(cohort=cohort, user=user).first()
    if enrolment is not None and enrolment.status == Enrolment.Status.ACTIVE:
        raise EnrolmentRefused(
            f"{email} is already enrolled in {cohort.name} as a {enrolment.side}.", field="email"
        )
    if enrolment is None:
        enrolment = Enrolment.objects.create(
            cohort=cohort, user=user, side=person.side, capacity=person.capacity
        )
    else:  # back from withdrawal
        enrolment.side, enrolment.capacity = person.side, person.capacity
        enrolment.status = Enrolment.Status.ACTIVE
        enrolment.save(update_fields=["side", "capacity", "status"])
    return enrolment, created


@transaction.atomic
def enrolment_update(*, enrolment: Enrolment, side: str, capacity: int, status: str) -> list[str]:
    """Change side, capacity or status. Withdrawing ends the person's active pairs (their
    partners then need a re-match) and drops invitation emails not yet sent. Returns notes
    for HR about what else happened."""
    notes: list[str] = []
    paired = _active_pair_count(enrolment)
    if side != enrolment.side and paired:
        raise EnrolmentRefused(
            "This person is paired: end the pair before moving them to the other side.",
            field="side",
        )
    if status == Enrolment.Status.ACTIVE and capacity < paired:
        raise EnrolmentRefused(
            f"This person has {paired} active partners; capacity cannot be lower than that.",
            field="capacity",
        )
    if status == Enrolment.Status.WITHDRAWN and enrolment.status != status:
        for _receiver, answer in enrolment_withdrawn.send(sender=Enrolment, enrolment=enrolment):
            notes.extend(answer or [])
        if invitations_cancel(enrolment=enrolment):
            notes.append("The invitation email that was still waiting will not be sent.")
    enrolment.side, enrolment.capacity, enrolment.status = side, capacity, status
    enrolment.save(update_fields=["side", "capacity", "status"])
    return notes
