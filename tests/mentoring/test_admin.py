"""The Django admin keeps the site's rules: cohort dates within the same bounds, and the plan
and import jobs there to read, not to change behind their services' backs."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.test import RequestFactory

from mentoring.imports.models import ImportJob
from mentoring.models import Cohort, PlanStep, Programme
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return factories.UserFactory(is_staff=True, is_superuser=True)


def cohort_admin_form(superuser, cohort, **changes):
    request = RequestFactory().post("/")
    request.user = superuser
    form_class = admin.site._registry[Cohort].get_form(request, cohort)
    data = {k: v for k, v in model_to_dict(cohort).items() if v is not None}
    data.update(changes)
    return form_class(data=data, instance=cohort)


def test_the_admin_refuses_cohort_dates_the_site_refuses(superuser):
    cohort = factories.CohortFactory(starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30))
    form = cohort_admin_form(superuser, cohort, ends_on="2025-12-01")
    assert not form.is_valid()
    assert form.errors["ends_on"] == ["The cohort must end on or after the day it starts."]
    far = cohort_admin_form(superuser, cohort, starts_on="1900-01-01")
    assert not far.is_valid() and "Choose a date between" in far.errors["starts_on"][0]
    too_long = cohort_admin_form(superuser, cohort, ends_on="2035-01-01")
    assert not too_long.is_valid() and "at most 5 years" in too_long.errors["ends_on"][0]


def test_the_admin_saves_good_cohort_dates(superuser):
    cohort = factories.CohortFactory(starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30))
    form = cohort_admin_form(superuser, cohort, ends_on="2026-09-30")
    assert form.is_valid(), form.errors
    form.save()
    assert Cohort.objects.get(pk=cohort.pk).ends_on == date(2026, 9, 30)


def test_the_admin_shows_a_programmes_plan_read_only(client, superuser):
    programme = factories.ProgrammeFactory()
    PlanStep.objects.create(programme=programme, title="Kick-off <b>x</b>", position=0)
    client.force_login(superuser)
    page = client.get(f"/admin/mentoring/programme/{programme.pk}/change/").content.decode()
    assert "Kick-off &lt;b&gt;x&lt;/b&gt;" in page
    assert 'name="plan_steps-0-title"' not in page  # shown, not editable
    assert Programme.objects.filter(pk=programme.pk).exists()


def test_import_jobs_are_listed_in_the_admin_and_cannot_be_changed(client, superuser, cast):
    job = ImportJob.objects.create(
        cohort=cast.cohort, created_by=cast.hr, token="t" * 32, filename="staff.csv"
    )
    client.force_login(superuser)
    assert "staff.csv" in client.get("/admin/mentoring/importjob/").content.decode()
    page = client.get(f"/admin/mentoring/importjob/{job.pk}/change/")
    assert page.status_code == 200 and 'name="state"' not in page.content.decode()
    assert client.get("/admin/mentoring/importjob/add/").status_code == 403
