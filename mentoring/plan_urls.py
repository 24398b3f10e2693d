"""HR's pages for a programme's session plan, guides and shipped templates (included under
/programmes/ by mentoring/app_urls.py)."""

from django.urls import path

from mentoring import plan_views

urlpatterns = [
    path("from-template/", plan_views.programme_from_template, name="programme_from_template"),
    path("<slug:slug>/plan/", plan_views.plan_detail, name="plan"),
    path("<slug:slug>/plan/steps/<int:pk>/edit/", plan_views.step_edit, name="plan_step_edit"),
    path(
        "<slug:slug>/plan/steps/<int:pk>/delete/", plan_views.step_delete, name="plan_step_delete"
    ),
    path("<slug:slug>/plan/steps/<int:pk>/move/", plan_views.step_move, name="plan_step_move"),
    path("<slug:slug>/guides/", plan_views.guides_edit, name="plan_guides"),
]
