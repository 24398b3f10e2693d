from __future__ import annotations

from django import forms

from mentoring.audit.services import ACTIONS


class FindPersonForm(forms.Form):
    email = forms.EmailField(label="Email address of the person", max_length=254)


class ConfirmErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand this cannot be undone",
        required=True,
        error_messages={"required": "Tick the box to confirm; nothing was erased."},
    )


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("", "Any action"), *sorted(ACTIONS.items(), key=lambda item: item[1])],
        required=False,
    )
    actor = forms.CharField(label="Who (name or email contains)", max_length=100, required=False)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput({"type": "date"})
    )
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput({"type": "date"}))

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("“From” must be on or before “To”.")
        return data
