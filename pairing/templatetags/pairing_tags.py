from __future__ import annotations

from django import template

from pairing.selectors import CRITERIA

register = template.Library()


@register.filter
def criterion(name: str) -> str:
    """A breakdown key in words ("forward_bonus" -> "two-way bonus")."""
    return CRITERIA.get(name, name.replace("_", " "))


@register.filter
def flows(items: list[dict]) -> str:
    """Skill flows as the board shows them: "TikTok (3x3), Figma (2x1)"."""
    return ", ".join(f"{f['skill']} ({f['teach']}x{f['learn']})" for f in items or [])


@register.filter
def scoring(breakdown: list) -> list[tuple[str, int]]:
    """Only the criteria that earned points, in words."""
    return [(criterion(name), points) for name, points in breakdown or [] if points]


@register.filter
def board_query(filters, page) -> str:
    """The board's filters plus a page number, as a query string."""
    return filters.querystring(page=page)
