from django import forms
from django.contrib import admin
from django.http import HttpRequest

from mentoring.imports.models import ImportJob
from mentoring.models import Cohort, Enrolment, OutboxMessage, PlanStep, Programme
from mentoring.services.programmes import cohort_dates_refusals


class PlanStepInline(admin.TabularInline):
    """The plan as HR built it, to read: edits go through the plan editor, which keeps the
    steps' order and the pairs' progress along them together."""

    model = PlanStep
    readonly_fields = ("position", "kind", "title", "topic", "due_week")
    fields = readonly_fields
    ordering = ["position", "pk"]
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "archived_at"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PlanStepInline]


class CohortAdminForm(forms.ModelForm):
    """The site's date bounds hold here too: the admin is no way round them. (No Meta: the
    admin builds the form for Cohort with this as its base.)"""

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        refusals = cohort_dates_refusals(
            starts_on=data.get("starts_on"), ends_on=data.get("ends_on")
        )
        for field, message in refusals.items():
            if field in self.fields:
                self.add_error(field, message)
        return data


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    form = CohortAdminForm
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


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """To see what happened to an import; a job only moves through its worker and its page."""

    list_display = ["filename", "cohort", "step", "state", "created_by", "created_at"]
    list_filter = ["state", "step"]
    list_select_related = ["cohort__programme", "created_by"]
    readonly_fields = (
        "cohort",
        "created_by",
        "filename",
        "step",
        "state",
        "attempt",
        "people_read",
        "progress_label",
        "error",
        "created_at",
        "updated_at",
        "finished_at",
    )
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
