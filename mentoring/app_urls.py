from django.urls import include, path
from django.views.generic import RedirectView

from mentoring import hr_person_views, hr_views, views
from mentoring.dashboard import views as dashboard_views

app_name = "mentoring"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/export.csv", dashboard_views.dashboard_export, name="dashboard_export"),
    path(
        "dashboard/pairs/<int:pk>/nudge/", dashboard_views.dashboard_nudge, name="dashboard_nudge"
    ),
    path("programmes/new/", hr_views.programme_create, name="programme_create"),
    path("programmes/", include("mentoring.plan_urls")),
    path("programmes/<slug:slug>/", hr_views.programme_detail, name="programme_detail"),
    path("programmes/<slug:slug>/edit/", hr_views.programme_edit, name="programme_edit"),
    path("programmes/<slug:slug>/archive/", hr_views.programme_archive, name="programme_archive"),
    path("programmes/<slug:slug>/cohorts/new/", hr_views.cohort_create, name="cohort_create"),
    path("cohorts/<slug:slug>/import/", include("mentoring.imports.urls")),
    path("cohorts/<slug:slug>/", hr_views.cohort_detail, name="cohort_detail"),
    path("cohorts/<slug:slug>/edit/", hr_views.cohort_edit, name="cohort_edit"),
    path("cohorts/<slug:slug>/status/", hr_views.cohort_status, name="cohort_status"),
    path("cohorts/<slug:slug>/archive/", hr_views.cohort_archive, name="cohort_archive"),
    path("cohorts/<slug:slug>/invite/", hr_views.cohort_invite, name="cohort_invite"),
    path("cohorts/<slug:slug>/remind/", hr_views.cohort_remind, name="cohort_remind"),
    path("cohorts/<slug:slug>/people/add/", hr_views.enrolment_add, name="enrolment_add"),
    path("cohorts/<slug:slug>/people/<int:pk>/", hr_views.enrolment_edit, name="enrolment_edit"),
    path(
        "cohorts/<slug:slug>/people/<int:pk>/overview/", hr_person_views.hr_person, name="hr_person"
    ),
    path(
        "cohorts/<slug:slug>/people/<int:pk>/overview/skills/",
        hr_person_views.hr_person_skills,
        name="hr_person_skills",
    ),
    path(
        "cohorts/<slug:slug>/people/<int:pk>/resend/",
        hr_views.invitation_resend,
        name="invitation_resend",
    ),
    # The short address participants are told about; the page lives with the accounts.
    path(
        "profile/",
        RedirectView.as_view(pattern_name="accounts:profile", http_method_names=["get", "head"]),
        name="profile",
    ),
]
