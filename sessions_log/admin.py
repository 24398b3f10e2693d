from django.contrib import admin

from sessions_log.models import Goal, Meeting, Reminder, SessionLog


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "recipient", "due_at", "sent_at", "attempts", "skipped_reason"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient__email", "dedupe_key"]
    raw_id_fields = ["recipient"]
    # The payload may name objects but never carries note text; still, keep it read-only.
    readonly_fields = ["payload", "dedupe_key", "sent_at", "attempts", "last_error"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["pair", "starts_at", "status"]
    raw_id_fields = ["pair", "proposed_by"]


@admin.register(SessionLog)
class SessionLogAdmin(admin.ModelAdmin):
    """Shows when pairs met and for how long; summaries are the pair's and private notes are
    their author's, so neither is shown here."""

    list_display = ["pair", "held_on", "minutes", "direction"]
    fields = ["pair", "held_on", "minutes", "direction"]
    readonly_fields = fields
    raw_id_fields = ["pair"]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["pair", "direction", "status"]
    fields = ["pair", "direction", "status"]
    readonly_fields = fields
