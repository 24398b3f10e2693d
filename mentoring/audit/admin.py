from django.contrib import admin

from mentoring.audit.models import AuditEntry


class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, even for superusers."""

    list_display = ["at", "actor_display", "action", "target"]
    list_filter = ["action"]
    search_fields = ["actor_display", "target", "action"]
    date_hierarchy = "at"
    readonly_fields = ["at", "actor", "actor_display", "action", "target", "subject", "details"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def register() -> None:
    if not admin.site.is_registered(AuditEntry):
        admin.site.register(AuditEntry, AuditEntryAdmin)
