"""The dashboard keeps what depends on the roster alone (people, departments, each pair's
members) until the roster changes, and recomputes the pairs' activity on every cold render:
a logged session shows at once without the roster being read again, and every kind of roster
change (a department, a withdrawal, a pair ended or published in bulk) shows at once too."""

from __future__ import annotations

import io
import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.taxonomy import rename_skill
from mentoring.dashboard import cache as dashboard_cache
from mentoring.dashboard import roster, selectors
from mentoring.dashboard.scope import Scope
from mentoring.dashboard.selectors.census import roster_census
from mentoring.dashboard.tasks import rebuild_dashboard_rosters
from mentoring.models import Cohort, Enrolment
from mentoring.services.enrolments import enrolment_update
from mentoring.services.programmes import programme_archive
from pairing.models import Pair
from pairing.services import compute_run, pair_publish
from pairing.services.never_again import end_pair
from sessions_log.models import ImpactSurvey, SessionLog
from sessions_log.rollups import EnrolmentRoster, PairRoster, PairRosterMark
from tests import factories
from tests.pairing.factories import junior, pairing_cohort, senior

pytestmark = pytest.mark.django_db

EVERYONE = Scope(user_ids=None, names_visible=True, label="the whole programme")


def _pair(cohort, junior_dept: str, senior_dept: str):
    return factories.PairFactory(
        cohort=cohort,
        junior=factories.EnrolmentFactory(
            cohort=cohort,
            user=factories.UserFactory(profile__department=junior_dept),
            side="junior",
        ),
        senior=factories.EnrolmentFactory(
            cohort=cohort,
            user=factories.UserFactory(profile__department=senior_dept),
            side="senior",
        ),
    )


def _log(pair, minutes: int = 60) -> None:
    SessionLog.objects.create(
        pair=pair,
        held_on=timezone.localdate() - timedelta(days=2),
        minutes=minutes,
        direction="reverse",
    )


def _hours(board: selectors.Dashboard) -> dict[str, float]:
    return {row["name"]: row["hours"] for row in board.departments if row["hours"]}


@pytest.fixture
def cohort():
    return factories.CohortFactory(status="active")


def test_a_logged_session_shows_at_once_without_reading_the_roster_again(cohort):
    pair = _pair(cohort, "Sales", "Finance")
    _log(pair)
    assert selectors.build(EVERYONE, selectors.Filters()).sessions == 1
    _log(pair, minutes=30)
    with CaptureQueriesContext(connection) as queries:
        board = selectors.build(EVERYONE, selectors.Filters())
    assert (board.sessions, board.minutes) == (2, 90)
    assert _hours(board) == {"Sales": 1.5}
    statements = " ".join(q["sql"] for q in queries.captured_queries)
    assert 'sessions_log_pair_roster" (' not in statements  # not rebuilt
    assert "mentoring_enrolment" not in statements  # the roster's figures were kept


def test_a_department_change_moves_the_pairs_hours(cohort):
    pair = _pair(cohort, "Sales", "Finance")
    _log(pair)
    assert _hours(selectors.build(EVERYONE, selectors.Filters())) == {"Sales": 1.0}
    profile = pair.junior.user.profile
    profile.department = "Legal"
    profile.save()
    board = selectors.build(EVERYONE, selectors.Filters())
    assert _hours(board) == {"Legal": 1.0}
    legal = selectors.build(EVERYONE, selectors.Filters(department="legal"))
    assert (legal.sessions, legal.participants) == (1, 1)


def test_a_withdrawn_junior_hands_the_pairs_hours_to_the_senior(cohort):
    pair = _pair(cohort, "Sales", "Finance")
    _log(pair)
    assert _hours(selectors.build(EVERYONE, selectors.Filters())) == {"Sales": 1.0}
    enrolment_update(enrolment=pair.junior, side="junior", capacity=1, status="withdrawn")
    assert _hours(selectors.build(EVERYONE, selectors.Filters())) == {"Finance": 1.0}
    senior = Enrolment.objects.get(pk=pair.senior_id)
    enrolment_update(enrolment=senior, side="senior", capacity=1, status="withdrawn")
    board = selectors.build(EVERYONE, selectors.Filters())
    assert (board.sessions, board.participants) == (0, 0)  # neither member is counted now


def test_pairs_ended_or_published_in_bulk_show_at_the_next_cold_render(cohort):
    first = _pair(cohort, "Sales", "Finance")
    assert selectors.build(EVERYONE, selectors.Filters()).active_pairs == 1
    # Bulk writes send no signals: only a later session moves the dashboard's version.
    Pair.objects.filter(pk=first.pk).update(status=Pair.Status.ENDED, ended_at=timezone.now())
    dashboard_cache.bump_activity()
    board = selectors.build(EVERYONE, selectors.Filters())
    assert (board.active_pairs, board.ended_pairs) == (0, 1)
    second = _pair(cohort, "Sales", "Finance")
    Pair.objects.bulk_create(
        [
            Pair(
                cohort=cohort,
                junior=second.junior,
                senior=first.senior,
                published_at=timezone.now(),
            )
        ]
    )
    dashboard_cache.bump_activity()
    board = selectors.build(EVERYONE, selectors.Filters())
    assert (board.active_pairs, board.ended_pairs) == (2, 1)


def _roster_rows() -> list[tuple]:
    return list(PairRoster.objects.order_by("pair_id").values_list(*ROSTER_FIELDS))


ROSTER_FIELDS = [
    "pair_id",
    "status",
    "junior_counted",
    "senior_counted",
    "junior_department",
    "senior_department",
    "junior_user_id",
    "senior_user_id",
]


def test_a_render_after_a_write_rewrites_only_the_pairs_it_touched(cohort):
    pairs = [_pair(cohort, "Sales", "Finance") for _ in range(3)]
    selectors.build(EVERYONE, selectors.Filters())
    profile = pairs[1].junior.user.profile
    profile.department = "Legal"
    profile.save()
    with CaptureQueriesContext(connection) as queries:
        roster.ensure_fresh()
    statements = [q["sql"] for q in queries.captured_queries]
    assert not any(s.startswith("ANALYZE") for s in statements)
    writes = [s for s in statements if 'INTO "sessions_log_pair_roster" (' in s]
    assert len(writes) == 1 and "1 = 1" not in writes[0]  # the marked pair's rows, not all
    assert PairRoster.objects.get(pair=pairs[1]).junior_department == "Legal"
    assert not PairRosterMark.objects.exists()
    with CaptureQueriesContext(connection) as queries:
        roster.ensure_fresh()
    assert len(queries) == 1  # nothing marked since: one read, no write


def test_every_kind_of_write_leaves_the_rosters_as_a_whole_build_would(cohort):
    """A random mix of the writes the rosters follow; after each, a render's rosters equal
    ones built from scratch, and the census read from them equals the same figures counted
    directly from the enrolments, profiles and survey answers, for every kind of view."""
    rng = random.Random(5)
    pairs = [_pair(cohort, rng.choice(DEPTS), rng.choice(DEPTS)) for _ in range(6)]
    other = factories.CohortFactory(status="active", programme=cohort.programme)
    pairs += [_pair(other, rng.choice(DEPTS), rng.choice(DEPTS)) for _ in range(3)]
    selectors.build(EVERYONE, selectors.Filters())
    for step in range(40):
        pair = Pair.objects.get(pk=rng.choice(pairs).pk)
        move = step % 8
        if move == 0:
            profile = pair.senior.user.profile
            profile.department = rng.choice([*DEPTS, ""])
            profile.save()
        elif move == 1:
            status = rng.choice(["withdrawn", "active"])
            enrolment_update(enrolment=pair.junior, side="junior", capacity=1, status=status)
        elif move == 2 and pair.status == Pair.Status.ACTIVE:
            end_pair(pair=pair, reason="moved on")
        elif move == 3:
            target = Cohort.objects.get(pk=pair.cohort_id)
            target.archived_at = None if target.archived_at else timezone.now()
            target.save()
        elif move == 4:
            pairs.append(_pair(rng.choice([cohort, other]), rng.choice(DEPTS), "Data"))
        elif move == 5 and len(pairs) > 4:
            pairs.remove(pair)
            pair.delete()
        elif move == 6:  # the same person joins the other cohort too (or leaves it)
            there = other if pair.cohort_id == cohort.pk else cohort
            person = pair.junior.user
            found = Enrolment.objects.filter(cohort=there, user=person).first()
            if found:
                found.delete()
            else:
                factories.EnrolmentFactory(cohort=there, user=person, side="senior")
        elif move == 7:
            for stage in ("baseline", "final"):
                ImpactSurvey.objects.update_or_create(
                    enrolment=pair.senior,
                    stage=stage,
                    defaults={area: rng.randint(1, 5) for area in ImpactSurvey.AREAS},
                )
        roster.ensure_fresh()
        kept = _rows()
        assert not roster.rebuild(), f"step {step}: a whole build changed rows"
        assert kept == _rows()
        assert len(kept[0]) == Pair.objects.filter(published_at__isnull=False).count()
        for filters in (
            selectors.Filters(),
            selectors.Filters(programme=cohort.programme),
            selectors.Filters(cohort=other),
            selectors.Filters(department="sales"),
        ):
            assert _census(roster_census(EVERYONE, filters)) == _counted(filters), (step, filters)


def _rows() -> tuple[list[tuple], list[tuple]]:
    enrolments = EnrolmentRoster.objects.order_by("enrolment_id")
    return _roster_rows(), list(enrolments.values_list(*roster.ENROLMENT_COLUMNS))


def _census(found) -> tuple:
    return found.people, found.enrolments, found.juniors, found.impact


def _counted(filters) -> tuple:
    """The census's figures counted directly, one enrolment at a time."""
    people: dict[str, set[int]] = {}
    enrolled: dict[str, int] = {}
    juniors: dict[str, int] = {}
    impact: dict = {}
    for enrolment in selectors.enrolments_in_view(EVERYONE, filters).select_related(
        "user__profile"
    ):
        text = enrolment.user.profile.department
        named = text or "(none)"
        people.setdefault(named, set()).add(enrolment.user_id)
        enrolled[named] = enrolled.get(named, 0) + 1
        juniors[named] = juniors.get(named, 0) + (enrolment.side == "junior")
        answers = {a.stage: a for a in ImpactSurvey.objects.filter(enrolment=enrolment)}
        if len(answers) == 2:
            changes = [
                getattr(answers["final"], area) - getattr(answers["baseline"], area)
                for area in ImpactSurvey.AREAS
            ]
            n, sums, squares = impact.get(text, (0, [0] * 10, [0] * 10))
            impact[text] = (
                n + 1,
                [a + b for a, b in zip(sums, changes, strict=True)],
                [a + b * b for a, b in zip(squares, changes, strict=True)],
            )
    return {k: len(v) for k, v in people.items()}, enrolled, juniors, impact


DEPTS = ["Sales", "Finance", "Legal", "Data"]


def test_a_write_past_every_mark_is_caught_by_beats_whole_build(cohort):
    pair = _pair(cohort, "Sales", "Finance")
    _log(pair)
    assert _hours(_seen()) == {"Sales": 1.0}
    # A write past every signal (raw SQL, a bulk tool): no mark, no version moved.
    from accounts.models import Profile

    Profile.objects.filter(user_id=pair.junior.user_id).update(department="Legal")
    assert _hours(_seen()) == {"Sales": 1.0}  # the cached board, unaware
    assert rebuild_dashboard_rosters() is True  # beat's task: rows differed, versions moved
    assert _hours(_seen()) == {"Legal": 1.0}
    assert rebuild_dashboard_rosters() is False  # nothing differs now: the cache stays
    Profile.objects.filter(user_id=pair.junior.user_id).update(department="Data")
    out = io.StringIO()
    call_command("rebuild_dashboard_rosters", stdout=out)  # the same, by hand
    assert "some rows differed" in out.getvalue()
    assert _hours(_seen()) == {"Data": 1.0}


def test_an_import_builds_the_roster_in_its_worker(cohort):
    pair = _pair(cohort, "Sales", "Finance")
    selectors.build(EVERYONE, selectors.Filters())
    from accounts.models import Profile
    from mentoring.imports.signals import people_imported

    Profile.objects.filter(user_id=pair.senior.user_id).update(department="Data")
    people_imported.send(sender=Cohort)  # as the import's commit does
    assert PairRoster.objects.get(pair=pair).senior_department == "Data"


def _seen() -> selectors.Dashboard:
    """The board as the page shows it: through the cache, until a version moves."""
    return dashboard_cache.cached(
        scope=EVERYONE,
        filters=selectors.Filters(),
        today=timezone.localdate(),
        build=lambda: selectors.build(EVERYONE, selectors.Filters()),
    )


def test_a_pair_hr_ends_shows_as_ended_at_once(cohort):
    pair = _pair(cohort, "Sales", "Finance")
    assert (_seen().active_pairs, _seen().ended_pairs) == (1, 0)
    assert end_pair(pair=pair, reason="moved on")
    board = _seen()
    assert (board.active_pairs, board.ended_pairs) == (0, 1)


def test_a_top_up_publication_shows_at_once():
    spring = pairing_cohort(slug="spring")
    junior(spring, "Asha", teaches={"TikTok": 3})
    senior(spring, "Robert", learns={"TikTok": 3})
    pair_publish(run=compute_run(cohort=spring), by=None, notify=False)
    junior(spring, "Bea", teaches={"Figma": 3})
    senior(spring, "Carl", learns={"Figma": 3})
    assert _seen().active_pairs == 1
    # The cohort is active already: publishing the top-up writes the pairs alone, in bulk.
    assert len(pair_publish(run=compute_run(cohort=spring), by=None, notify=False)) == 1
    assert _seen().active_pairs == 2


def test_a_renamed_skill_shows_under_its_new_name_at_once(cohort, cast):
    pair = _pair(cohort, "Sales", "Finance")
    skill = factories.SkillFactory(name="Tiktok")
    _log(pair)
    SessionLog.objects.get(pair=pair).skills_reverse.set([skill])
    assert dict(_seen().reverse_skills) == {"Tiktok": 1}
    rename_skill(skill=skill, name="TikTok", by=cast.hr)
    assert dict(_seen().reverse_skills) == {"TikTok": 1}


def test_an_archived_programme_leaves_the_filters_at_once(cohort):
    _pair(cohort, "Sales", "Finance")
    assert [p.pk for p in _seen_with_choices().programmes] == [cohort.programme_id]
    programme_archive(programme=cohort.programme)
    assert _seen_with_choices().programmes == []


def _seen_with_choices() -> selectors.Dashboard:
    return dashboard_cache.cached(
        scope=EVERYONE,
        filters=selectors.Filters(),
        today=timezone.localdate(),
        build=lambda: selectors.build(EVERYONE, selectors.Filters(), with_choices=True),
    )


def test_a_managers_line_is_kept_across_department_changes_and_follows_new_managers():
    from mentoring.dashboard.scope import _reports_under

    boss = factories.UserFactory()
    first = factories.UserFactory(profile__manager=boss)
    assert _reports_under(boss.pk) == {first.pk}
    first.profile.department = "Legal"
    with CaptureQueriesContext(connection) as saving:
        first.profile.save()
    reads = [q for q in saving if q["sql"].startswith('SELECT "accounts_profile"')]
    assert len(reads) == 1  # the stored row, read once for person and manager alike
    with CaptureQueriesContext(connection) as queries:
        assert _reports_under(boss.pk) == {first.pk}
    assert not any('"manager_id" FROM "accounts_profile"' in q["sql"] for q in queries)
    second = factories.UserFactory(profile__manager=first)  # two levels down
    assert _reports_under(boss.pk) == {first.pk, second.pk}
    first.profile.manager = None
    first.profile.save()
    assert _reports_under(boss.pk) == set()
    second.delete()
    assert _reports_under(first.pk) == set()


class _Counting:
    """The dashboard's cache, counting its round trips."""

    def __init__(self, real) -> None:
        self.real, self.calls = real, []

    def __getattr__(self, name):
        method = getattr(self.real, name)

        def counted(*args, **kwargs):
            self.calls.append(name)
            return method(*args, **kwargs)

        return counted


def test_a_render_after_a_roster_change_makes_three_cache_round_trips(cast, login, monkeypatch):
    """Versions read together, the roster's figures fetched with the board's and written
    with them: without Redis each round trip is a query."""
    hr = login(cast.hr)
    hr.get("/dashboard/")
    profile = cast.pair.junior.user.profile
    profile.department = "Legal"
    profile.save()
    counting = _Counting(dashboard_cache.cache)
    monkeypatch.setattr(dashboard_cache, "cache", counting)
    page = hr.get("/dashboard/")
    assert page.status_code == 200 and "Legal" in page.content.decode()
    assert counting.calls == ["get_many", "get_many", "set_many"]
    counting.calls.clear()
    assert hr.get("/dashboard/").status_code == 200
    assert counting.calls == ["get_many", "get_many"]  # served from the cache


def test_a_person_whose_first_enrolment_is_deleted_is_still_counted(cohort):
    """Deleting an enrolment takes its roster row with it: the person's other enrolment
    must become their first, or the unfiltered board loses them."""
    pair = _pair(cohort, "Sales", "Finance")
    later = factories.CohortFactory(status="active", programme=cohort.programme)
    factories.EnrolmentFactory(cohort=later, user=pair.junior.user, side="junior")
    assert selectors.build(EVERYONE, selectors.Filters()).participants == 2
    Enrolment.objects.get(pk=pair.junior_id).delete()  # as the admin does
    assert selectors.build(EVERYONE, selectors.Filters()).participants == 2
    assert _census(roster_census(EVERYONE, selectors.Filters())) == _counted(selectors.Filters())


@pytest.mark.django_db(transaction=True)
def test_a_render_during_beats_whole_build_keeps_the_change_it_brought_in(monkeypatch):
    """Beat's whole build reads every pair at its start; a department change committed and
    brought in by a render meanwhile must not be written over with what the build read."""
    import threading

    from django.db import connections

    from accounts.models import Profile

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: a build and a render never overlap")
    cohort = factories.CohortFactory(status="active")
    pair = _pair(cohort, "Sales", "Finance")
    _log(pair)
    roster.rebuild()
    whole = roster._select_pairs

    def slow(where: str, params: list) -> tuple[str, list]:
        if where != "1 = 1":
            return whole(where, params)
        return whole("(SELECT 1 FROM pg_sleep(1)) = 1", params)  # the build, slowed down

    monkeypatch.setattr(roster, "_select_pairs", slow)
    failed: list[BaseException] = []

    def beat() -> None:
        try:
            rebuild_dashboard_rosters()
        except BaseException as exc:  # noqa: BLE001 (reported below)
            failed.append(exc)
        finally:
            connections.close_all()

    build = threading.Thread(target=beat)
    build.start()
    with connection.cursor() as cursor:
        for _ in range(200):  # until the build's read has begun
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                "AND query LIKE %s AND pid <> pg_backend_pid()",
                ['INSERT INTO "sessions_log_pair_roster" %'],
            )
            if cursor.fetchone()[0]:
                break
            threading.Event().wait(0.02)
    profile = Profile.objects.get(user_id=pair.junior.user_id)
    profile.department = "Legal"
    profile.save()
    roster.ensure_fresh()  # a render: takes the mark, rewrites the pair's row
    build.join(timeout=30)
    assert not failed
    assert PairRoster.objects.get(pair=pair).junior_department == "Legal"
    assert _hours(selectors.build(EVERYONE, selectors.Filters())) == {"Legal": 1.0}


@pytest.mark.django_db(transaction=True)
def test_a_render_never_waits_for_another_whole_build():
    """A render that needs a whole build while another runs (beat's) goes on without it,
    rather than each waiting for what the other holds, and leaves the build to the next."""
    import threading
    import time

    from django.db import connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: two builds never overlap")
    held, release = threading.Event(), threading.Event()

    def other_build() -> None:
        try:
            with transaction.atomic(), connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [roster._LOCK])
                held.set()
                release.wait(10)
        finally:
            connections.close_all()

    build = threading.Thread(target=other_build)
    build.start()
    assert held.wait(10)
    roster.mark_everything()
    started = time.monotonic()
    roster.ensure_fresh()
    assert time.monotonic() - started < 2
    assert PairRosterMark.objects.filter(kind="a").exists()  # for the next render
    release.set()
    build.join(10)
    roster.ensure_fresh()
    assert not PairRosterMark.objects.exists()


def test_a_profile_handed_to_another_person_leaves_no_department_behind(cohort):
    from accounts.models import Profile

    pair = _pair(cohort, "Sales", "Finance")
    _log(pair)
    assert _hours(selectors.build(EVERYONE, selectors.Filters())) == {"Sales": 1.0}
    stranger = factories.UserFactory()
    Profile.objects.filter(user=stranger).delete()
    profile = Profile.objects.get(user=pair.junior.user)
    profile.user = stranger  # as the admin's person field allows
    profile.save()
    board = selectors.build(EVERYONE, selectors.Filters())
    assert _hours(board) == {"(none)": 1.0}  # the junior has no profile now
    assert not roster.rebuild()  # nothing left for a whole build to put right
