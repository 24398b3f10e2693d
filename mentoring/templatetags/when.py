"""How long ago something happened, in words a person would say."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone

register = template.Library()


@register.filter
def ago(moment: datetime | None) -> str:
    """ "just now" for the last minute (never "0 minutes ago"), then "3 minutes ago", "2 days ago"."""
    if not isinstance(moment, datetime):
        return ""
    if abs(timezone.now() - moment) < timedelta(minutes=1):
        return "just now"
    return str(naturaltime(moment))
