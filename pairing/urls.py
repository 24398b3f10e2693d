from django.urls import path

from pairing import run_views, shortlist_views, views

app_name = "pairing"

urlpatterns = [
    path("cohorts/<slug:slug>/", views.cohort_pairing, name="cohort"),
    path("cohorts/<slug:slug>/runs/new/", views.run_start, name="run_start"),
    path("cohorts/<slug:slug>/runs/<int:pk>/", views.board, name="board"),
    path("cohorts/<slug:slug>/runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("cohorts/<slug:slug>/runs/<int:pk>/export.csv", views.run_export, name="run_export"),
    path("cohorts/<slug:slug>/runs/<int:pk>/publish/", views.run_publish, name="run_publish"),
    path("cohorts/<slug:slug>/runs/<int:pk>/retry/", run_views.run_retry, name="run_retry"),
    path("cohorts/<slug:slug>/runs/<int:pk>/<str:action>/", views.board_edit, name="board_edit"),
    path("cohorts/<slug:slug>/compare/", views.compare, name="compare"),
    path("rules/<int:pk>/remove/", views.rule_remove, name="rule_remove"),
    path("pairs/<int:pk>/end/", views.pair_end, name="pair_end"),
    path("rematch/<int:pk>/<str:decision>/", views.rematch_decide, name="rematch_decide"),
    path("pair/<int:pk>/why/", views.my_pair, name="my_pair"),
    path("shortlist/<slug:slug>/", shortlist_views.shortlist, name="shortlist"),
    path("shortlist/<slug:slug>/<int:pk>/mark/", shortlist_views.mark, name="shortlist_mark"),
    path("cohorts/<slug:slug>/shortlist/", shortlist_views.shortlist_hr, name="shortlist_hr"),
    path(
        "cohorts/<slug:slug>/shortlist/<str:action>/",
        shortlist_views.shortlist_change,
        name="shortlist_change",
    ),
    path("pair/<int:pk>/rematch/", views.rematch_request, name="rematch_request"),
]
