"""Forms that help: a log date the form accepts by default, plain words at a clock change."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from sessions_log.models import Meeting, SessionLog
from tests.sessions_log import pair_factories
from tests.sessions_log.pair_factories import both_accept

pytestmark = pytest.mark.django_db
login = pair_factories.login


def _last_sunday(year: int, month: int) -> int:
    return max(d for d in range(25, 32) if datetime(year, month, d).weekday() == 6)


def test_a_time_the_clocks_pass_twice_gets_a_plain_message(cast, login):
    both_accept(cast.pair)
    year = timezone.localdate().year + 1
    day = _last_sunday(year, 10)  # London: 01:00-02:00 happens twice
    response = login(cast.junior).post(
        f"/sessions/pair/{cast.pair.pk}/meetings/new/",
        {"starts_at": f"{year}-10-{day:02d}T01:30", "duration_minutes": 45, "location": ""},
    )
    page = response.content.decode()
    assert f"01:30 on {day} October {year} happens twice in Europe/London" in page
    assert "the clocks go back" in page
    assert 'aria-invalid="true"' in page
    assert not Meeting.objects.exists()


def test_the_log_form_offers_only_dates_it_accepts(cast, login):
    cohort = cast.pair.cohort
    page = login(cast.junior).get(f"/sessions/pair/{cast.pair.pk}/logs/new/").content.decode()
    today = timezone.localdate()
    assert f'max="{today:%Y-%m-%d}"' in page
    assert f'min="{cohort.starts_on:%Y-%m-%d}"' in page
    assert f'value="{today:%Y-%m-%d}"' in page


def test_the_untouched_default_date_is_accepted(cast, login):
    client = login(cast.junior)
    page = client.get(f"/sessions/pair/{cast.pair.pk}/logs/new/").content.decode()
    default = page.split('name="held_on" value="')[1].split('"')[0]
    response = client.post(
        f"/sessions/pair/{cast.pair.pk}/logs/",
        {"held_on": default, "minutes": 45, "direction": "reverse"},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert SessionLog.objects.filter(pair=cast.pair, held_on=default).exists()


def test_a_future_log_date_is_marked_on_the_date_field(cast, login):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = login(cast.junior).post(
        f"/sessions/pair/{cast.pair.pk}/logs/",
        {"held_on": f"{tomorrow:%Y-%m-%d}", "minutes": 45, "direction": "reverse"},
    )
    page = response.content.decode()
    assert "the date is in the future" in page
    assert 'id="id_held_on_error"' in page
    assert not SessionLog.objects.exists()
