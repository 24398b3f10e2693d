from django.urls import path  # noqa: F401

app_name = "sessions_log"

urlpatterns: list = []
