from __future__ import annotations

from django import forms

from mentoring.forms import RULE_LABELS
from mentoring.models import Cohort


class RunForm(forms.Form):
    """The weights and rules of one run; they start as the cohort's and stay with the run."""

    weight_reverse = forms.IntegerField(
        label="Skills the junior gives (×)", min_value=0, max_value=20
    )
    weight_forward = forms.IntegerField(
        label="Skills the senior gives (×)", min_value=0, max_value=20
    )
    weight_forward_bonus = forms.IntegerField(
        label="Bonus when it goes both ways", min_value=0, max_value=50
    )
    weight_department = forms.IntegerField(label="Different departments", min_value=0, max_value=50)
    weight_location = forms.IntegerField(label="Different locations", min_value=0, max_value=50)
    # Optional: a form posted before shortlists existed keeps the cohort's weight.
    weight_preference = forms.IntegerField(
        label="Each “I'd like” on the shortlist", min_value=0, max_value=50, required=False
    )
    min_grade_gap = forms.IntegerField(
        label="Minimum grade gap (optional)", min_value=0, max_value=20, required=False
    )
    must_differ_department = forms.BooleanField(
        label="Partners must be in different departments", required=False
    )
    max_timezone_diff_hours = forms.IntegerField(
        label="Maximum time zone difference in hours (optional)",
        min_value=0,
        max_value=24,
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, label in RULE_LABELS.items():
            if name in self.fields:
                self.fields[name].label = label

    @classmethod
    def for_cohort(cls, cohort: Cohort, data=None) -> RunForm:
        initial = {name: getattr(cohort, name) for name in cls.base_fields}
        return cls(data=data, initial=initial)

    def overrides(self) -> dict:
        data = self.cleaned_data
        result = {
            name.removeprefix("weight_"): data[name]
            for name in data
            if name.startswith("weight_") and data[name] is not None
        }
        # Never-again is not a choice (DESIGN.md "Pairing score"): no field for it.
        for name in ("min_grade_gap", "must_differ_department", "max_timezone_diff_hours"):
            result[name] = data[name]
        return result


class EndPairForm(forms.Form):
    reason = forms.CharField(label="Why the pair ends", max_length=200)


class RematchRequestForm(forms.Form):
    reason = forms.CharField(
        label="Anything HR should know (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="No-fault: you do not need to give a reason, and your partner is not told "
        "what you write here.",
    )


class DeclineForm(forms.Form):
    note = forms.CharField(
        label="Note to record", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
