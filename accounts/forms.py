"""The participant's own profile form."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from accounts.models import Profile, ProfileSkill
from mentoring.lib.text import validate_no_control_characters
from mentoring.lib.timezones import TimezoneField

TEACH_LEVELS = [
    (1, "1 · I know the basics"),
    (2, "2 · I use it every day"),
    (3, "3 · I could teach a class"),
]
LEARN_PRIORITIES = [(1, "1 · Nice to have"), (2, "2 · Important"), (3, "3 · Top priority")]


def level_choices(kind: str) -> list[tuple[int, str]]:
    return TEACH_LEVELS if kind == ProfileSkill.Kind.TEACH else LEARN_PRIORITIES


class ProfileForm(forms.ModelForm):
    timezone = TimezoneField(label="Time zone")

    class Meta:
        model = Profile
        fields = [
            "full_name",
            "job_title",
            "department",
            "location",
            "timezone",
            "hopes",
            "nudges_enabled",
        ]
        labels = {
            "hopes": "What I hope to get out of this",
            "nudges_enabled": "Send me reminders about quiet pairs and surveys",
        }
        help_texts = {
            "hopes": "A few lines your partner and HR will read: what you want to "
            "learn, and what you would like to share.",
            "nudges_enabled": "Meeting invitations and reminders always come.",
        }
        widgets = {"hopes": forms.Textarea(attrs={"rows": 4, "maxlength": 2000})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        if self.instance.timezone:
            cast(TimezoneField, self.fields["timezone"]).also_accept.add(self.instance.timezone)
        # A newline, ESC or bidi override in a name breaks exports and can disguise a person.
        for name in ("full_name", "job_title", "department", "location"):
            self.fields[name].validators.append(validate_no_control_characters)

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError("Give your name as colleagues know it.")
        return name


class SkillAddForm(forms.Form):
    kind = forms.ChoiceField(choices=ProfileSkill.Kind.choices)
    skill = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(required=False, max_length=100)
    level = forms.TypedChoiceField(
        coerce=int,
        choices=[(1, "1"), (2, "2"), (3, "3")],
        initial=2,
        required=False,
        # django-stubs types empty_value as str; Django returns whatever is given, here a level.
        empty_value=2,  # type: ignore[arg-type]
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("skill") and not (data.get("name") or "").strip():
            raise forms.ValidationError("Type a skill or pick one from the list.")
        return data


class SkillLevelForm(forms.Form):
    level = forms.TypedChoiceField(coerce=int, choices=[(1, "1"), (2, "2"), (3, "3")])


class AccountTimezoneForm(forms.ModelForm):
    """The account page's own small form: only the time zone, typed with suggestions."""

    timezone = TimezoneField(label="Time zone")

    class Meta:
        model = Profile
        fields = ["timezone"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.timezone:
            cast(TimezoneField, self.fields["timezone"]).also_accept.add(self.instance.timezone)
