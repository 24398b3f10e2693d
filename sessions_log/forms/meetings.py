"""The meeting form: a time typed in the person's zone (with plain words for daylight-saving
gaps and overlaps) and a place or an http(s) video link."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from mentoring.lib.form_tokens import FormTokenMixin

_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):(?!\s)")
_LOOKS_LIKE_WEB = re.compile(r"^\s*(www\.|[^\s/]+\.[a-z]{2,}/)", re.IGNORECASE)


def clean_place(value: str) -> str:
    """A place ("Café on floor 2") or a video link; links must be http(s), nothing else."""
    value = value.strip()
    if not value:
        return value
    if any(ord(c) < 32 for c in value):
        raise forms.ValidationError("Use a single line for the place or link.")
    scheme = _SCHEME.match(value)
    if scheme or _LOOKS_LIKE_WEB.match(value):
        if not scheme:
            value = "https://" + value
        elif scheme.group(1).lower() not in ("http", "https"):
            raise forms.ValidationError("Links must start with http:// or https://.")
        URLValidator(
            schemes=["http", "https"], message="That does not look like a valid web address."
        )(value)
    return value


def daylight_saving_message(naive: datetime, zone) -> str:
    """A plain sentence for a local time the clocks skip or pass twice in ``zone``."""
    when = f"{naive:%H:%M} on {naive:%-d %B %Y}"
    name = getattr(zone, "key", str(zone))
    first = naive.replace(fold=0, tzinfo=zone)
    shifted = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if shifted != naive:  # skipped: the clocks jump over this hour
        return (
            f"{when} does not exist in {name}: the clocks go forward then. "
            f"Choose {shifted:%H:%M} instead (the same moment on the new clock), or another time."
        )
    return (
        f"{when} happens twice in {name}: the clocks go back then. Choose a time "
        "an hour earlier or later, so you and your partner get the same moment."
    )


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the person's zone; a daylight-saving gap or overlap gets a
    sentence that says what happened, not Django's "may be ambiguous or may not exist"."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            params = getattr(error, "params", None) or {}
            if getattr(error, "code", "") != "ambiguous_timezone" or "datetime" not in params:
                raise
            raise ValidationError(
                daylight_saving_message(params["datetime"], params["current_timezone"]),
                code="ambiguous_timezone",
            ) from error


class MeetingForm(FormTokenMixin, forms.Form):
    """The time is entered and shown in the person's own time zone (the view activates it)."""

    starts_at = LocalDateTimeField(
        label="Date and time (your time zone)",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)", min_value=5, max_value=480, initial=45
    )
    location = forms.CharField(
        label="Place or video link",
        max_length=500,
        required=False,
        help_text="A room, a café, or an http(s) video link.",
    )

    def clean_location(self) -> str:
        return clean_place(self.cleaned_data.get("location", ""))
