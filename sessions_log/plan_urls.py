"""The pair's plan pages (included under /sessions/ by sessions_log/urls.py)."""

from django.urls import path

from sessions_log import plan_views

urlpatterns = [
    path("pair/<int:pk>/plan/<int:step_pk>/", plan_views.plan_step, name="plan_step"),
    path("pair/<int:pk>/guide/", plan_views.plan_guide, name="plan_guide"),
]
