"""What several pairing pages read from a POST the same way."""

from __future__ import annotations

from django.http import HttpRequest, QueryDict


def _version(data: QueryDict) -> int | None:
    try:
        return int(data.get("version", ""))
    except ValueError:
        return None


def _confirmed(request: HttpRequest) -> bool:
    return request.POST.get("confirmed") == "yes"
