from django.contrib import admin

from pairing.models import Pair


@admin.register(Pair)
class PairAdmin(admin.ModelAdmin):
    list_display = ["__str__", "cohort", "status", "score", "published_at"]
    list_filter = ["status", "cohort"]
    raw_id_fields = ["junior", "senior"]
    list_select_related = ["junior__user", "senior__user", "cohort__programme"]
