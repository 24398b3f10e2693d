from django import template

from mentoring.dashboard.impact import AREA_LABELS

register = template.Library()


@register.filter
def area_label(field: str) -> str:
    return AREA_LABELS.get(field, field)


@register.filter
def signed(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:+.2f}".replace("-", "−")
