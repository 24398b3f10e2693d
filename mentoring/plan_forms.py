"""Forms of HR's plan pages. Resources are typed one per line as "Title | link or text"."""

from __future__ import annotations

from typing import cast

from django import forms
from django.core.exceptions import ValidationError

from mentoring.models import PlanStep, Programme
from mentoring.plan_resources import clean_resources


def resources_as_lines(resources: list[dict]) -> str:
    return "\n".join(
        " | ".join(
            part for part in (r.get("title", ""), r.get("url", ""), r.get("text", "")) if part
        )
        for r in resources or []
    )


def _looks_like_link(part: str) -> bool:
    head = part.split(maxsplit=1)[0].lower() if part.split() else ""
    return "://" in head or head.startswith(("www.", "javascript:", "data:", "mailto:"))


def resources_from_lines(text: str) -> list[dict[str, str]]:
    items = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        title, rest = parts[0], [p for p in parts[1:] if p]
        if not title or not rest:
            raise ValidationError(f"Line {n}: write “Title | link or short text”.")
        item = {"title": title}
        for part in rest[:2]:
            if _looks_like_link(part) and "url" not in item:
                item["url"] = part
            else:
                item["text"] = (item.get("text", "") + " " + part).strip()
        items.append(item)
    return clean_resources(items)


class PlanStepForm(forms.ModelForm):
    resources_text = forms.CharField(
        label="Resources",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: “Title | https://link” or “Title | a short text”. "
        "Links must start with http:// or https://.",
    )

    class Meta:
        model = PlanStep
        fields = ["kind", "title", "topic", "due_week", "junior_prompts", "senior_prompts"]
        widgets = {
            "junior_prompts": forms.Textarea(attrs={"rows": 4}),
            "senior_prompts": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due_week"].widget.attrs.update(min=0, max=PlanStep.MAX_WEEK)
        cast(forms.IntegerField, self.fields["due_week"]).min_value = 0
        if self.instance.pk and not self.is_bound:
            self.initial["resources_text"] = resources_as_lines(self.instance.resources)

    def clean_resources_text(self) -> list[dict[str, str]]:
        return resources_from_lines(self.cleaned_data.get("resources_text", ""))

    def step_values(self) -> dict:
        data = self.cleaned_data
        values = {key: data[key] for key in self.Meta.fields}
        values["resources"] = data["resources_text"]
        return values


class GuidesForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["junior_guide", "senior_guide"]
        widgets = {
            "junior_guide": forms.Textarea(attrs={"rows": 12}),
            "senior_guide": forms.Textarea(attrs={"rows": 12}),
        }


class FromTemplateForm(forms.Form):
    template = forms.ChoiceField(label="Template", widget=forms.RadioSelect)
    name = forms.CharField(
        label="Name of the new programme",
        max_length=200,
        required=False,
        help_text="Leave blank to use the template's name.",
    )

    def __init__(self, *args, templates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["template"]).choices = [
            (t.key, f"{t.name} ({t.steps} steps)") for t in templates
        ]
