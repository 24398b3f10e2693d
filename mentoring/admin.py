from django.contrib import admin

from mentoring.models import Cohort, Enrolment, Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "archived_at"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "status", "starts_on", "ends_on"]
    list_filter = ["status", "programme"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["user", "cohort", "side", "capacity", "status"]
    list_filter = ["cohort", "side", "status"]
    raw_id_fields = ["user"]
    list_select_related = ["user", "cohort__programme"]
