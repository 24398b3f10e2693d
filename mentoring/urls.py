"""The site's URLs (ROOT_URLCONF): it mounts each app's URLconf. The mentoring app's own pages
(namespace "mentoring": home, dashboard, programmes, cohorts) are in mentoring/app_urls.py."""

from django.contrib import admin
from django.urls import include, path

from mentoring.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("pairing/", include("pairing.urls")),
    path("sessions/", include("sessions_log.urls")),
    path("privacy/", include("mentoring.privacy.urls")),
    path("applications/", include("mentoring.applications.urls")),
    path("", include("mentoring.app_urls")),
]
