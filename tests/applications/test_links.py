"""Ways in to applications: HR from the cohort page, employees from their home page."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from mentoring.applications import services
from mentoring.applications.models import Application
from mentoring.models import Cohort
from tests import factories


def _open_call(name: str, slug: str, **call):
    cohort = factories.CohortFactory(name=name, slug=slug, status=Cohort.Status.ENROLLING)
    return services.call_save(
        cohort=cohort,
        is_open=call.get("is_open", True),
        closes_at=call.get("closes_at", timezone.now() + timedelta(days=7)),
        junior_places=5,
        senior_places=5,
    )


def test_hr_reaches_a_cohorts_applications_from_the_cohort_page(cast, login):
    html = (
        login(cast.hr).get(reverse("mentoring:cohort_detail", args=[cast.cohort.slug])).content
    ).decode()
    assert f'href="{reverse("applications:review", args=[cast.cohort.slug])}"' in html


def test_an_employee_in_no_cohort_sees_open_cohorts_with_an_apply_link(db, login):
    _open_call("Spring", "spring")
    _open_call("Shut", "shut", is_open=False)
    _open_call("Late", "late", closes_at=timezone.now() - timedelta(hours=1))
    newcomer = factories.UserFactory(email="new@example.com", profile__full_name="Nia New")
    html = login(newcomer).get(reverse("mentoring:home")).content.decode()
    assert "Open for applications" in html
    assert f'href="{reverse("applications:apply", args=["spring"])}"' in html
    assert "Shut" not in html and "Late" not in html


def test_a_participant_sees_other_open_cohorts_and_those_they_applied_to(cast, login):
    _open_call("Spring", "spring")
    summer = _open_call("Summer", "summer")
    Application.objects.create(cohort=summer.cohort, user=cast.junior, side="junior")
    cast.cohort.status = Cohort.Status.ENROLLING
    cast.cohort.save()
    services.call_save(
        cohort=cast.cohort,
        is_open=True,
        closes_at=None,
        junior_places=5,
        senior_places=5,
    )
    html = login(cast.junior).get(reverse("mentoring:home")).content.decode()
    assert f'href="{reverse("applications:apply", args=["spring"])}"' in html
    assert f'href="{reverse("applications:apply", args=["summer"])}"' not in html
    assert "You have applied." in html
    # Their own cohort is not offered to them again.
    assert f'href="{reverse("applications:apply", args=["autumn"])}"' not in html
