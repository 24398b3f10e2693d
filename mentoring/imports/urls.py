"""Mounted under cohorts/<slug>/import/ by mentoring/app_urls.py."""

from django.urls import path

from mentoring.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("template.csv", views.template, name="template"),
    path("export.csv", views.export, name="export"),
    path("<str:token>/", views.preview, name="preview"),
    path("<str:token>/commit/", views.commit, name="commit"),
    path("<str:token>/retry/", views.retry, name="retry"),
]
