from django.urls import path

from mentoring import views

app_name = "mentoring"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("cohorts/<slug:slug>/", views.cohort_detail, name="cohort_detail"),
]
