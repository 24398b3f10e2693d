from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("invite/<str:uidb64>/<str:token>/", views.accept_invite, name="accept_invite"),
    path("role/", views.switch_role, name="switch_role"),
]
