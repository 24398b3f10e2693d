from django.urls import include, path
from django.views.generic import RedirectView

from mentoring import views
from mentoring.dashboard import views as dashboard_views

app_name = "mentoring"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/export.csv", dashboard_views.dashboard_export, name="dashboard_export"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme_detail"),
    path("programmes/<slug:slug>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<slug:slug>/archive/", views.programme_archive, name="programme_archive"),
    path("programmes/<slug:slug>/cohorts/new/", views.cohort_create, name="cohort_create"),
    path("cohorts/<slug:slug>/import/", include("mentoring.imports.urls")),
    path("cohorts/<slug:slug>/", views.cohort_detail, name="cohort_detail"),
    path("cohorts/<slug:slug>/edit/", views.cohort_edit, name="cohort_edit"),
    path("cohorts/<slug:slug>/status/", views.cohort_status, name="cohort_status"),
    path("cohorts/<slug:slug>/archive/", views.cohort_archive, name="cohort_archive"),
    path("cohorts/<slug:slug>/invite/", views.cohort_invite, name="cohort_invite"),
    path("cohorts/<slug:slug>/remind/", views.cohort_remind, name="cohort_remind"),
    path("cohorts/<slug:slug>/people/add/", views.enrolment_add, name="enrolment_add"),
    path("cohorts/<slug:slug>/people/<int:pk>/", views.enrolment_edit, name="enrolment_edit"),
    path("cohorts/<slug:slug>/people/<int:pk>/resend/", views.invitation_resend,
         name="invitation_resend"),
    # The short address participants are told about; the page lives with the accounts.
    path("profile/", RedirectView.as_view(pattern_name="accounts:profile"), name="profile"),
]
