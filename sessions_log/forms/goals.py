"""The forms of a goal: setting one (with the session plan's suggestions) and updating it."""

from __future__ import annotations

from typing import Any

from django import forms

from mentoring.lib.form_tokens import FormTokenMixin
from pairing.models import Pair
from sessions_log.models import Goal
from sessions_log.plan_forms import (
    GoalSuggestion,
    add_goal_suggestions,
    clean_goal_suggestion,
)


class GoalForm(FormTokenMixin, forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "due_on", "progress_note"]
        widgets = {
            "progress_note": forms.Textarea(attrs={"rows": 2}),
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {"title": "What I want to learn from you"}

    def __init__(self, *args, pair: Pair | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.suggestions: dict[int, GoalSuggestion] = (
            add_goal_suggestions(self, pair) if pair is not None else {}
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        return clean_goal_suggestion(self, self.cleaned_data, self.suggestions)


class GoalUpdateForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "status", "due_on", "progress", "progress_note"]
        widgets = {
            "progress_note": forms.Textarea(attrs={"rows": 3}),
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5}),
        }
        labels = {"title": "What I want to learn from you"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["progress"].required = False  # left empty, it stays as it was
