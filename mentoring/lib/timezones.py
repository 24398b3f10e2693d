"""A searchable time-zone field: a text input with a <datalist> of IANA names.

A 600-item <select> is hard to use on a phone and impossible to type into; a datalist lets a
person type "Lon" and pick "Europe/London", and the field still refuses anything that is not a
real zone name, with a plain message.
"""

from __future__ import annotations

import zoneinfo
from functools import cache

from django import forms
from django.utils.html import format_html, format_html_join


@cache
def timezone_names() -> tuple[str, ...]:
    names = sorted(
        n
        for n in zoneinfo.available_timezones()
        if "/" in n and not n.startswith(("Etc/", "SystemV/", "posix/", "right/"))
    )
    return ("UTC", *names)


@cache
def _lookup() -> dict[str, str]:
    # Typed with spaces or in another case ("europe/new york") still finds the zone.
    return {n.casefold().replace(" ", "_"): n for n in timezone_names()}


class TimezoneInput(forms.TextInput):
    """A text input followed by its datalist; the list id follows the input's id."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or name}_zones"
        attrs["list"] = list_id
        field = super().render(name, value, attrs, renderer)
        options = format_html_join(
            "", '<option value="{}"></option>', ((n,) for n in timezone_names())
        )
        return format_html('{}<datalist id="{}">{}</datalist>', field, list_id, options)


class TimezoneField(forms.CharField):
    default_error_messages = {
        "unknown": "“%(value)s” is not a time zone we know. Start typing a city "
        "(e.g. London, New York, Singapore) and pick a name from the list, such as Europe/London.",
    }

    def __init__(self, **kwargs) -> None:
        # A zone already stored (an import's "Etc/GMT+1") stays acceptable on that record.
        self.also_accept: set[str] = set()
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("widget", TimezoneInput)
        kwargs.setdefault("help_text", "Type a city and pick from the list, e.g. Europe/London.")
        super().__init__(**kwargs)

    def to_python(self, value) -> str:
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        if value in self.also_accept:
            return value
        found = _lookup().get(" ".join(value.split()).casefold().replace(" ", "_"))
        if found is None:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": value[:64]}
            )
        return found
