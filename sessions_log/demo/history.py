"""What each demo pair has done since it was paired, as plain rows: agreement acceptances,
goals, meetings and the sessions logged at them (skills each way, shared summary, private
notes), fit checks and pulses. Nothing is written here (see store.py), so a large demo builds
tuples, not model instances."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sessions_log.demo.pairs import PairToSeed
from sessions_log.demo.texts import GOALS, PRIVATE_NOTES, PROGRESS, PULSE_COMMENTS, SUMMARIES


@dataclass(frozen=True)
class MeetingRow:
    pair_id: int
    starts_at: datetime
    location: str
    duration_minutes: int
    proposed_by_id: int


@dataclass(frozen=True)
class LogRow:
    pair_id: int
    held_on: date
    logged_by_id: int
    minutes: int
    direction: str
    shared_summary: str
    meeting: int  # index in History.meetings
    skills: list[tuple[int, str]]  # (skill id, "reverse" or "forward")
    notes: list[tuple[int, str]]  # (author, body)


@dataclass
class History:
    acceptances: list[tuple[int, int]] = field(default_factory=list)  # (pair, user)
    # (pair, owner, direction, title, progress note, status)
    goals: list[tuple[int, int, str, str, str, str]] = field(default_factory=list)
    meetings: list[MeetingRow] = field(default_factory=list)
    logs: list[LogRow] = field(default_factory=list)
    fit_checks: list[tuple[int, int, str]] = field(default_factory=list)  # (pair, person, answer)
    # (pair, person, period, score, comment)
    pulses: list[tuple[int, int, int, int, str]] = field(default_factory=list)


def pair_histories(
    pairs: list[PairToSeed], demo_ids: set, rng: random.Random, now: datetime, today: date
) -> History:
    history = History()
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
        _one_pair(history, pair, style, is_demo, rng, now, today)
    return history


def _one_pair(
    history: History,
    pair: PairToSeed,
    style: str,
    is_demo: bool,
    rng: random.Random,
    now: datetime,
    today: date,
) -> None:
    members = (pair.junior_id, pair.senior_id)
    accepted = members if style != "never" or rng.random() < 0.5 else members[:1]
    history.acceptances += [(pair.pk, user) for user in accepted]
    for owner, direction in ((pair.senior_id, "reverse"), (pair.junior_id, "forward")):
        for title in rng.sample(GOALS[direction], 2 if is_demo else rng.randint(0, 2)):
            history.goals.append(
                (
                    pair.pk,
                    owner,
                    direction,
                    title,
                    rng.choice(PROGRESS),
                    rng.choice(["open", "in_progress", "in_progress", "achieved"]),
                )
            )
    if style == "never":
        return
    count = _sessions(history, pair, style, is_demo, members, rng, now, today)
    if style == "regular" and (is_demo or rng.random() < 0.8):
        starts = datetime.combine(
            today + timedelta(days=rng.randint(1, 14)),
            time(rng.choice([9, 11, 14])),
            tzinfo=UTC,
        )
        history.meetings.append(
            MeetingRow(pair.pk, starts, "https://meet.example.com/twoway", 45, rng.choice(members))
        )
    if count:
        for person in members:
            if is_demo or rng.random() < 0.85:
                answer = (
                    "yes"
                    if is_demo
                    else rng.choices(["yes", "not_sure", "no"], weights=[75, 18, 7])[0]
                )
                history.fit_checks.append((pair.pk, person, answer))
    days = (now - pair.published_at).days
    periods = 0 if days < 30 else (days - 30) // 60 + 1
    for period in range(periods):
        for person in members:
            if is_demo or rng.random() < 0.8:
                score = rng.choices([1, 2, 3, 4, 5], weights=[3, 7, 20, 40, 30])[0]
                history.pulses.append((pair.pk, person, period, score, rng.choice(PULSE_COMMENTS)))


def _sessions(
    history: History,
    pair: PairToSeed,
    style: str,
    is_demo: bool,
    members: tuple[int, int],
    rng: random.Random,
    now: datetime,
    today: date,
) -> int:
    """Sessions about every two weeks since pairing; quiet pairs stopped after a few. Returns
    how many were logged."""
    moment = pair.published_at + timedelta(days=rng.randint(3, 10))
    count, limit = 0, (rng.randint(1, 2) if style == "quiet" else 99)
    while moment.date() < today and count < limit:
        starts = datetime.combine(moment.date(), time(rng.choice([9, 11, 13, 15]), 0), tzinfo=UTC)
        if starts >= now:
            break
        history.meetings.append(
            MeetingRow(
                pair.pk,
                starts,
                rng.choice(["Café, floor 2", "https://meet.example.com/twoway", "Room 4.12"]),
                rng.choice([45, 60]),
                rng.choice(members),
            )
        )
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
        minutes = rng.choice([30, 45, 45, 60, 60, 75, 90])
        summary = rng.choice(SUMMARIES[direction]).format(skill=topic)
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
        history.logs.append(
            LogRow(
                pair.pk,
                starts.date(),
                logger,
                minutes,
                direction,
                summary,
                len(history.meetings) - 1,
                each_way,
                notes,
            )
        )
        count += 1
        moment += timedelta(days=rng.randint(10, 18))
    return count
