from django.urls import path

from accounts import skill_views, views

app_name = "accounts"

urlpatterns = [
    path("invite/<str:uidb64>/<str:token>/", views.accept_invite, name="accept_invite"),
    path("role/", views.switch_role, name="switch_role"),
    path("profile/", views.profile, name="profile"),
    path("me/", views.account, name="account"),
    path("profile/skills/search/", views.skill_search, name="skill_search"),
    path("profile/skills/add/", views.skill_add, name="skill_add"),
    path("profile/skills/<int:pk>/level/", views.skill_level, name="skill_level"),
    path("profile/skills/<int:pk>/remove/", views.skill_remove, name="skill_remove"),
    path("skills/", skill_views.skills, name="skills"),
    path("skills/<int:pk>/rename/", skill_views.skill_rename, name="skill_rename"),
    path("skills/<int:pk>/merge/", skill_views.skill_merge, name="skill_merge"),
    path("skills/<int:pk>/synonyms/", skill_views.skill_synonym, name="skill_synonym"),
]
