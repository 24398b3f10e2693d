from django.contrib import admin

from sessions_log.models import (
    AgreementAcceptance,
    FitCheck,
    Goal,
    ImpactSurvey,
    Meeting,
    Pulse,
    Reflection,
    SessionLog,
)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["pair", "starts_at", "status"]
    raw_id_fields = ["pair", "proposed_by"]


@admin.register(SessionLog)
class SessionLogAdmin(admin.ModelAdmin):
    """Shows when pairs met and for how long; summaries are the pair's and private notes are
    their author's, so neither is shown here."""

    list_display = ["pair", "held_on", "minutes", "direction"]
    readonly_fields = ("pair", "held_on", "minutes", "direction")
    fields = readonly_fields
    raw_id_fields = ["pair"]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["pair", "direction", "status"]
    readonly_fields = ("pair", "direction", "status")
    fields = readonly_fields


@admin.register(AgreementAcceptance)
class AgreementAcceptanceAdmin(admin.ModelAdmin):
    list_display = ["pair", "user", "accepted_at"]
    readonly_fields = ("pair", "user", "accepted_at")
    fields = readonly_fields


@admin.register(FitCheck)
class FitCheckAdmin(admin.ModelAdmin):
    """Fit checks go to the programme team (a "no" may open a re-match); never to the partner."""

    list_display = ["pair", "respondent", "answer", "updated_at"]
    list_filter = ["answer"]
    readonly_fields = ("pair", "respondent", "answer", "comment", "answered_at", "updated_at")
    fields = readonly_fields


@admin.register(Pulse)
class PulseAdmin(admin.ModelAdmin):
    list_display = ["pair", "respondent", "period", "score"]
    readonly_fields = ("pair", "respondent", "period", "score", "comment", "answered_at")
    fields = readonly_fields


@admin.register(ImpactSurvey)
class ImpactSurveyAdmin(admin.ModelAdmin):
    list_display = ["enrolment", "stage", "answered_at"]
    list_filter = ["stage"]
    readonly_fields = ("enrolment", "stage", *ImpactSurvey.AREAS, "answered_at")
    fields = readonly_fields


@admin.register(Reflection)
class ReflectionAdmin(admin.ModelAdmin):
    """That a partner looked back, and when: the reflection is its author's and the thank-you
    their partner's, so neither text is shown here."""

    list_display = ["pair", "author", "updated_at"]
    readonly_fields = ("pair", "author", "updated_at")
    fields = readonly_fields
