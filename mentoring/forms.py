"""Forms of the HR pages: every field a person types is checked here, with a plain message."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import slugify

from mentoring.lib.timezones import TimezoneField
from mentoring.models import Cohort, Enrolment, Programme
from mentoring.services.programmes import (
    EARLIEST_COHORT_DATE,
    LATEST_COHORT_DATE,
    cohort_dates_refusals,
)

# One wording for the pairing weights and rules, on the cohort form and on a pairing run's
# form alike: HR tunes the same numbers in both places and must recognise them.
RULE_LABELS = {
    "weight_reverse": "Skills the junior teaches (reverse, ×)",
    "weight_forward": "Skills the senior teaches back (forward, ×)",
    "weight_forward_bonus": "Bonus when skills flow both ways",
    "weight_department": "Different departments",
    "weight_location": "Different locations",
    "weight_preference": "Each “I'd like” on the shortlist",
    "min_grade_gap": "Minimum grade gap (optional)",
    "must_differ_department": "Partners must be in different departments",
    "max_timezone_diff_hours": "At most this many hours between time zones (optional)",
}


@cache
def timezone_choices() -> list[tuple[str, str]]:
    names = sorted(
        n
        for n in zoneinfo.available_timezones()
        if "/" in n and not n.startswith(("Etc/", "SystemV/", "posix/", "right/"))
    )
    return [("UTC", "UTC"), *((n, n.replace("_", " ")) for n in names)]


def _unique_slug(model, wanted: str, instance_pk: int | None) -> str:
    base = slugify(wanted)[:70] or "untitled"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exclude(pk=instance_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


class _SlugFromName(forms.ModelForm):
    """Slug optional: left blank, it is made from the name; typed, it must be free."""

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug", "")
        if not slug:
            return _unique_slug(
                self._meta.model, self.data.get(self.add_prefix("name"), ""), self.instance.pk
            )
        taken = self._meta.model.objects.filter(slug=slug).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(f"The address “{slug}” is taken; choose another.")
        return slug


class ProgrammeForm(_SlugFromName):
    class Meta:
        model = Programme
        fields = ["name", "slug", "description", "agreement"]
        labels = {"slug": "Web address", "agreement": "Mentoring agreement"}
        help_texts = {
            "slug": "Letters, numbers and hyphens. Leave blank to make it from the name.",
            "agreement": "Both partners accept this when they are paired: confidentiality, "
            "judgement parked, no question is a stupid question, how often to "
            "meet, how to cancel. One point per line.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "agreement": forms.Textarea(attrs={"rows": 7}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False


WEIGHT = [MinValueValidator(0), MaxValueValidator(20)]


class CohortForm(_SlugFromName):
    class Meta:
        model = Cohort
        fields = [
            "name",
            "slug",
            "description",
            "starts_on",
            "ends_on",
            "meeting_cadence_days",
            "weight_reverse",
            "weight_forward",
            "weight_forward_bonus",
            "weight_department",
            "weight_location",
            "weight_preference",
            "min_grade_gap",
            "must_differ_department",
            "max_timezone_diff_hours",
        ]
        labels = {
            "slug": "Web address",
            "starts_on": "Starts on",
            "ends_on": "Ends on",
            "meeting_cadence_days": "Pairs meet every (days)",
            **RULE_LABELS,
        }
        help_texts = {
            "slug": "Letters, numbers and hyphens. Leave blank to make it from the name.",
            "meeting_cadence_days": "1 to 90. Quiet pairs are nudged after about this long.",
            "min_grade_gap": "Leave blank for no rule. The senior's grade must be at least "
            "this much above the junior's.",
            "max_timezone_diff_hours": "Leave blank for no rule.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["meeting_cadence_days"].widget.attrs.update(min=1, max=90)
        self.fields["meeting_cadence_days"].validators += [
            MinValueValidator(1),
            MaxValueValidator(90),
        ]
        for name in self.Meta.fields:
            if name.startswith("weight_"):
                self.fields[name].validators += WEIGHT
                self.fields[name].widget.attrs.update(min=0, max=20)
        # Left blank, the shortlist's weight stays as it is (4 on a new cohort).
        self.fields["weight_preference"].required = False
        self.fields["min_grade_gap"].validators.append(MaxValueValidator(20))
        self.fields["max_timezone_diff_hours"].validators.append(MaxValueValidator(23))
        self.fields["max_timezone_diff_hours"].widget.attrs.update(min=0, max=23)
        for name in ("starts_on", "ends_on"):
            self.fields[name].widget.attrs.update(
                min=EARLIEST_COHORT_DATE.isoformat(), max=LATEST_COHORT_DATE.isoformat()
            )

    def clean_weight_preference(self) -> int:
        value = self.cleaned_data.get("weight_preference")
        return self.instance.weight_preference if value is None else value

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        refusals = cohort_dates_refusals(
            starts_on=data.get("starts_on"), ends_on=data.get("ends_on")
        )
        for field, message in refusals.items():
            self.add_error(field, message)
        if (
            all(not data.get(f"weight_{w}") for w in ("reverse", "forward"))
            and "weight_reverse" in data
            and "weight_forward" in data
        ):
            self.add_error(
                "weight_reverse",
                "At least one skill weight must be above 0, or pairing has nothing to go on.",
            )
        return data


class CohortStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Cohort.Status.choices)


class EnrolmentForm(forms.ModelForm):
    class Meta:
        model = Enrolment
        fields = ["side", "capacity", "status"]
        labels = {"capacity": "Partners they can take"}
        help_texts = {
            "status": "Withdrawing ends any pair they are in; their partner will need a new one."
        }
        widgets = {"side": forms.RadioSelect, "status": forms.RadioSelect}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["capacity"].validators.append(MaxValueValidator(10))
        self.fields["capacity"].widget.attrs.update(min=1, max=10)


class AddParticipantForm(forms.Form):
    email = forms.EmailField()
    full_name = forms.CharField(max_length=200)
    side = forms.ChoiceField(choices=Enrolment.Side.choices, widget=forms.RadioSelect)
    capacity = forms.IntegerField(
        label="Partners they can take", initial=1, min_value=1, max_value=10
    )
    job_title = forms.CharField(max_length=200, required=False)
    department = forms.CharField(max_length=200, required=False)
    location = forms.CharField(max_length=200, required=False)
    manager_email = forms.EmailField(
        label="Manager's email",
        required=False,
        help_text="Must be somebody already known to Twoway.",
    )
    timezone = TimezoneField(label="Time zone", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["timezone"].initial = settings.TIME_ZONE

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError("Give the person's name.")
        return name

    def clean_timezone(self) -> str:
        return self.cleaned_data.get("timezone") or settings.TIME_ZONE
