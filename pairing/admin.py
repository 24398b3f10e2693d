from django.contrib import admin

from pairing.models import Pair, PairingRun, Proposal, RematchRequest, Rule


@admin.register(Pair)
class PairAdmin(admin.ModelAdmin):
    list_display = ["__str__", "cohort", "status", "score", "published_at"]
    list_filter = ["status", "cohort"]
    raw_id_fields = ["junior", "senior", "run"]
    list_select_related = ["junior__user", "senior__user", "cohort__programme"]


@admin.register(PairingRun)
class PairingRunAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "status",
        "pairs_count",
        "total_score",
        "duration_seconds",
        "published_at",
        "created_at",
    ]
    list_filter = ["status", "cohort"]
    list_select_related = ["cohort__programme"]
    raw_id_fields = ["created_by", "published_by"]
    readonly_fields = ["weights", "rules", "unmatched", "version"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "run", "score", "locked", "by_hand"]
    list_filter = ["locked", "by_hand"]
    raw_id_fields = ["run", "junior", "senior"]


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "cohort", "kind", "created_by", "created_at"]
    list_filter = ["kind", "cohort"]
    raw_id_fields = ["junior", "senior", "created_by"]


@admin.register(RematchRequest)
class RematchRequestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "pair", "status", "created", "resolved_at"]
    list_filter = ["status"]
    raw_id_fields = ["pair", "requested_by", "resolved_by"]
