"""A plan step's resources: a short list of links and texts, checked wherever they come from
(the HR form, a JSON template, the admin)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

MAX_RESOURCES = 20
MAX_TITLE = 200
MAX_TEXT = 2000
MAX_URL = 500

_URL = URLValidator(schemes=["http", "https"])


def clean_resources(value: Any) -> list[dict[str, str]]:
    """The resources as a clean list of {"title", "url"?, "text"?}; raises ValidationError
    with a message a person can act on. Only http(s) links are ever accepted."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise ValidationError("Resources must be a list of {title, url, text}.")
    if len(value) > MAX_RESOURCES:
        raise ValidationError(f"At most {MAX_RESOURCES} resources per step.")
    cleaned = []
    for n, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise ValidationError(f"Resource {n} must be an object with a title.")
        unknown = set(item) - {"title", "url", "text"}
        if unknown:
            raise ValidationError(f"Resource {n} has unknown fields: {', '.join(sorted(unknown))}.")
        title, url, text = (item.get(key, "") for key in ("title", "url", "text"))
        if not all(isinstance(v, str) for v in (title, url, text)):
            raise ValidationError(f"Resource {n}: title, url and text must be text.")
        title, url, text = title.strip(), url.strip(), text.strip()
        if not title:
            raise ValidationError(f"Resource {n} needs a title.")
        if len(title) > MAX_TITLE or len(text) > MAX_TEXT or len(url) > MAX_URL:
            raise ValidationError(f"Resource {n} is too long.")
        if not url and not text:
            raise ValidationError(f"Resource {n} (“{title}”) needs a link or a short text.")
        entry = {"title": title}
        if url:
            try:
                _URL(url)
            except ValidationError:
                raise ValidationError(
                    f"Resource {n} (“{title}”): links must be web addresses starting with "
                    "http:// or https://."
                ) from None
            entry["url"] = url
        if text:
            entry["text"] = text
        cleaned.append(entry)
    return cleaned
