"""Reads for the privacy pages: the audit log filtered, and a download made readable."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils import timezone

from mentoring.audit.models import AuditEntry


def audit_entries(filters: dict) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.all()
    if filters.get("action"):
        entries = entries.filter(action=filters["action"])
    if filters.get("actor"):
        entries = entries.filter(actor_display__icontains=filters["actor"])
    zone = timezone.get_current_timezone()
    if filters.get("date_from"):
        entries = entries.filter(at__gte=datetime.combine(filters["date_from"], time.min, zone))
    if filters.get("date_to"):
        entries = entries.filter(at__lte=datetime.combine(filters["date_to"], time.max, zone))
    return entries.order_by("-at", "-pk")


@dataclass(frozen=True)
class Section:
    title: str
    columns: list[str]
    rows: list[list[str]]


def cell(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def readable(data: dict) -> list[Section]:
    """The download as tables for the HTML summary: one section per part of the JSON."""
    sections = []
    for key, value in data.items():
        title = key.replace("_", " ").capitalize()
        if isinstance(value, dict):
            sections.append(
                Section(title, ["", ""], [[k.replace("_", " "), cell(v)] for k, v in value.items()])
            )
        elif isinstance(value, list):
            columns = list(value[0]) if value else []
            sections.append(
                Section(
                    title,
                    [c.replace("_", " ") for c in columns],
                    [[cell(row.get(c)) for c in columns] for row in value],
                )
            )
    return sections
