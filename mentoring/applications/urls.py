from django.urls import path

from mentoring.applications import views

app_name = "applications"

urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("apply/<slug:slug>/", views.apply, name="apply"),
    path("cohorts/<slug:slug>/", views.review, name="review"),
    path("cohorts/<slug:slug>/settings/", views.call_edit, name="call_edit"),
    path("cohorts/<slug:slug>/link/", views.link_renew, name="link_renew"),
    path("cohorts/<slug:slug>/questions/", views.question_add, name="question_add"),
    path(
        "cohorts/<slug:slug>/questions/<int:pk>/<str:action>/",
        views.question_change,
        name="question_change",
    ),
    path("cohorts/<slug:slug>/next/<str:side>/", views.take_next, name="take_next"),
    path("cohorts/<slug:slug>/<int:pk>/", views.application_detail, name="detail"),
    path(
        "cohorts/<slug:slug>/<int:pk>/<str:decision>/",
        views.application_decide,
        name="decide",
    ),
]
