"""The check-ins: the pairing-fit check, the pulse, the impact survey and the closing
reflection."""

from __future__ import annotations

from django import forms

from sessions_log.models import FitCheck, ImpactSurvey, Reflection


class FitCheckForm(forms.Form):
    answer = forms.ChoiceField(
        label="Is this pairing working for you?",
        choices=FitCheck.Answer.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Anything to add? (optional, seen by the programme team)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    rematch = forms.BooleanField(
        label="If it is not working: ask the programme team for a no-fault re-match now",
        required=False,
    )


SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class PulseForm(forms.Form):
    score = forms.TypedChoiceField(
        label="This is working for me (1 = not at all, 5 = very much)",
        coerce=int,
        choices=SCORE_CHOICES,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Comment (optional) — visible to HR, not to your partner",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ImpactSurveyForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, statement in ImpactSurvey.AREAS.items():
            self.fields[name] = forms.TypedChoiceField(
                label=statement, coerce=int, choices=SCORE_CHOICES, widget=forms.RadioSelect
            )

    def scores(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in ImpactSurvey.AREAS}


class ReflectionForm(forms.ModelForm):
    class Meta:
        model = Reflection
        fields = ["reflection", "thank_you"]
        widgets = {
            "reflection": forms.Textarea(attrs={"rows": 4}),
            "thank_you": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "reflection": "Only you can ever read this.",
            "thank_you": "Your partner reads this, and keeps it in their contribution record.",
        }
