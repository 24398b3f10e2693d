from django.urls import include, path

from sessions_log import preference_views, views

app_name = "sessions_log"

urlpatterns = [
    path("pair/<int:pk>/", views.pair_detail, name="pair"),
    path("", include("sessions_log.plan_urls")),
    path("pair/<int:pk>/agreement/", views.agreement_accept, name="agreement_accept"),
    path("pair/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("pair/<int:pk>/logs/", views.session_log_create, name="log_create"),
    path("pair/<int:pk>/logs/new/", views.session_log_new, name="log_new"),
    path("pair/<int:pk>/goals/", views.goal_create, name="goal_create"),
    path("pair/<int:pk>/goals/new/", views.goal_new, name="goal_new"),
    path("pair/<int:pk>/fit-check/", views.fit_check, name="fit_check"),
    path("pair/<int:pk>/pulse/", views.pulse, name="pulse"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/invite.ics", views.meeting_ics, name="meeting_ics"),
    path("logs/<int:pk>/edit/", views.session_log_edit, name="log_edit"),
    path("logs/<int:pk>/delete/", views.session_log_delete, name="log_delete"),
    path("logs/<int:pk>/note/", views.private_note_edit, name="note_edit"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("impact/<int:pk>/<str:stage>/", views.impact_survey, name="impact"),
    path("pair/<int:pk>/reflection/", views.reflection, name="reflection"),
    path("record/", views.contribution_record, name="contribution_record"),
    path("preferences/", preference_views.nudges, name="nudges"),
    path(
        "preferences/unsubscribe/<str:token>/",
        preference_views.nudges_unsubscribe,
        name="nudges_unsubscribe",
    ),
]
