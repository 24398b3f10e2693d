from django.contrib import admin

from mentoring.models import Cohort, Enrolment, OutboxMessage, Programme


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


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["kind", "recipient", "due_at", "sent_at", "attempts", "skipped_reason"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient__email", "dedupe_key"]
    raw_id_fields = ["recipient"]
    # The payload may name objects but never carries note text; still, keep it read-only.
    readonly_fields = ["payload", "dedupe_key", "sent_at", "attempts", "last_error"]
