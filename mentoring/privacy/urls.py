from django.urls import path

from mentoring.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("programmes/<slug:slug>/", views.programme_notice, name="programme"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data.json", views.my_data_json, name="my_data_json"),
    path("inventory/", views.data_inventory, name="inventory"),
    path("erase/", views.erase_find, name="erase_find"),
    path("erase/<int:pk>/", views.erase_confirm, name="erase_confirm"),
    path("audit/", views.audit_log, name="audit"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
]
