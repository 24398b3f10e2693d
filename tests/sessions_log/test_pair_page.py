import zoneinfo
from datetime import timedelta

import pytest
from django.utils import timezone

from sessions_log.models import AgreementAcceptance
from sessions_log.selectors import HISTORY_LIMIT
from tests import factories
from tests.sessions_log import pair_factories
from tests.sessions_log.pair_factories import (
    GoalFactory,
    MeetingFactory,
    PrivateNoteFactory,
    SessionLogFactory,
)

pytestmark = pytest.mark.django_db
login = pair_factories.login


def url(pair) -> str:
    return f"/sessions/pair/{pair.pk}/"


def test_it_shows_the_partner_to_each_member(cast, login):
    client = login(cast.junior)
    page = client.get(url(cast.pair)).content.decode()
    assert "You and Robert Senior" in page
    assert "Marketing" in page and "Europe/London" in page
    assert "What is said here stays here." in page  # the programme's agreement

    client.logout()
    page = login(cast.senior).get(url(cast.pair)).content.decode()
    assert "You and Asha Junior" in page


@pytest.mark.parametrize("who", ["outsider", "hr", "manager"])
def test_anyone_outside_the_pair_gets_404(cast, login, who):
    assert login(getattr(cast, who)).get(url(cast.pair)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(cast, client):
    response = client.get(url(cast.pair))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_participant_home_links_to_the_pair_page(cast, login):
    page = login(cast.junior).get("/").content.decode()
    assert url(cast.pair) in page


def test_it_shows_meetings_in_the_viewers_own_time_zone(cast, login):
    cast.senior.profile.timezone = "America/New_York"
    cast.senior.profile.save()
    starts = timezone.now().replace(microsecond=0) + timedelta(days=10)
    MeetingFactory(pair=cast.pair, starts_at=starts)
    london = starts.astimezone(zoneinfo.ZoneInfo("Europe/London"))
    new_york = starts.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    client = login(cast.junior)
    assert f"{london:%H:%M}" in client.get(url(cast.pair)).content.decode()
    client.logout()
    page = login(cast.senior).get(url(cast.pair)).content.decode()
    assert f"{new_york:%H:%M}" in page and "America/New_York" in page


def test_the_balance_counts_both_ways_sessions_half_each(cast, login):
    SessionLogFactory(pair=cast.pair, minutes=60, direction="reverse")
    SessionLogFactory(pair=cast.pair, minutes=30, direction="forward")
    SessionLogFactory(pair=cast.pair, minutes=60, direction="both")
    page = login(cast.junior).get(url(cast.pair)).content.decode()
    # reverse 60 + 30 = 90, forward 30 + 30 = 60: 60% / 40%
    assert "60% / 40%" in page
    assert "Reverse 1.5 h · forward 1.0 h" in page


def test_it_lists_the_skills_covered_each_way(cast, login):
    tiktok = factories.SkillFactory(name="TikTok")
    negotiation = factories.SkillFactory(name="Negotiation")
    SessionLogFactory(pair=cast.pair, direction="reverse").skills_reverse.add(tiktok)
    SessionLogFactory(pair=cast.pair, direction="forward").skills_forward.add(negotiation)
    page = login(cast.junior).get(url(cast.pair)).content.decode()
    assert "reverse: TikTok; forward: Negotiation" in page


def test_it_shows_who_has_accepted_the_agreement(cast, login):
    AgreementAcceptance.objects.create(pair=cast.pair, user=cast.senior)
    page = login(cast.junior).get(url(cast.pair)).content.decode()
    assert 'Robert Senior: <span class="badge">accepted</span>' in page
    assert f"on {timezone.localdate():%-d %B %Y}" in page
    assert "You: not yet accepted" in page
    assert "I accept the agreement" in page
    assert "once you have both accepted" in page


def test_the_balance_counts_every_session_when_the_history_shows_only_the_latest(cast, login):
    """The page lists the latest HISTORY_LIMIT sessions; the balance and the count are of all."""
    tiktok = factories.SkillFactory(name="TikTok")
    oldest = SessionLogFactory(
        pair=cast.pair,
        minutes=120,
        direction="reverse",
        held_on=timezone.localdate() - timedelta(days=400),
    )
    oldest.skills_reverse.add(tiktok)
    for day in range(HISTORY_LIMIT):
        SessionLogFactory(
            pair=cast.pair,
            minutes=60,
            direction="forward",
            held_on=timezone.localdate() - timedelta(days=day),
        )
    page = " ".join(login(cast.junior).get(url(cast.pair)).content.decode().split())
    total = HISTORY_LIMIT + 1
    assert f"Showing your latest {HISTORY_LIMIT} of {total} sessions." in page
    # reverse 120 min, forward 50 x 60 = 3,000 min: 4% / 96%, over every session
    assert f"4% / 96%</span> reverse / forward time over {total} sessions" in page
    assert "Reverse 2.0 h · forward 50.0 h" in page
    assert "reverse: TikTok; forward: none yet" in page  # the oldest session's skill


def _fill(pair, n: int) -> None:
    for i in range(n):
        log = SessionLogFactory(pair=pair, held_on=timezone.localdate() - timedelta(days=i))
        log.skills_reverse.add(factories.SkillFactory())
        PrivateNoteFactory(session_log=log)
        MeetingFactory(pair=pair)
        GoalFactory(pair=pair)


def test_the_pair_page_runs_a_bounded_number_of_queries(cast, login, django_assert_max_num_queries):
    client = login(cast.junior)
    _fill(cast.pair, 2)
    # Each query is paid twice under load (a wait for the database, a wait to be scheduled
    # again), so the count is held low as well as flat.
    with django_assert_max_num_queries(13) as small:
        assert client.get(url(cast.pair)).status_code == 200
    _fill(cast.pair, 20)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        assert client.get(url(cast.pair)).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
