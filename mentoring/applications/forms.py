"""HR's call and questions, and the application form built from those questions."""

from __future__ import annotations

from typing import Any

from django import forms

from mentoring.applications.models import ApplicationCall, Question
from mentoring.lib.text import find_control_character, validate_no_control_characters
from mentoring.models import Enrolment

TEXT_ANSWER_LIMIT = 2000
CHOICE_LIMIT = 100
MAX_CHOICES = 20
MAX_SKILLS = 15
SKILL_NAME_LIMIT = 60


def clean_long_text(value: str) -> str:
    """Answers may run over several lines; every other control character is refused."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    character = find_control_character(value.replace("\n", ""))
    if character is not None:
        raise forms.ValidationError(
            f"Remove the invisible control character ({character}) from this text."
        )
    return value


def parse_skills(value: str) -> list[list]:
    """ "Python; Excel:3" → [["Python", 2], ["Excel", 3]] (level or priority 1–3, default 2)."""
    validate_no_control_characters(value)
    found: dict[str, list] = {}
    for part in value.split(";"):
        part = " ".join(part.split())
        if not part:
            continue
        name, level = part, 2
        if ":" in part:
            name, _, level_text = part.rpartition(":")
            if level_text.strip() not in ("1", "2", "3"):
                raise forms.ValidationError(
                    f"After the colon in “{part}” put 1, 2 or 3 (how strongly)."
                )
            name, level = name.strip(), int(level_text)
        if not name or not any(ch.isalnum() for ch in name):
            raise forms.ValidationError(f"“{part}” has no skill name.")
        if len(name) > SKILL_NAME_LIMIT:
            raise forms.ValidationError(
                f"Keep each skill name under {SKILL_NAME_LIMIT} characters."
            )
        found[name.casefold()] = [name, level]
    if len(found) > MAX_SKILLS:
        raise forms.ValidationError(f"Name at most {MAX_SKILLS} skills.")
    return list(found.values())


class CallForm(forms.ModelForm):
    class Meta:
        model = ApplicationCall
        fields = ["is_open", "closes_at", "junior_places", "senior_places", "introduction"]
        labels = {
            "is_open": "Open for applications",
            "closes_at": "Closing date and time",
            "junior_places": "Places for juniors (reverse mentors)",
            "senior_places": "Places for seniors (reverse mentees)",
            "introduction": "A word to applicants (optional)",
        }
        widgets = {
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "introduction": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_introduction(self) -> str:
        return clean_long_text(self.cleaned_data.get("introduction") or "")


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["kind", "label", "help_text", "choices", "required"]
        labels = {"label": "Question", "help_text": "Hint (optional)"}
        widgets = {"choices": forms.Textarea(attrs={"rows": 3})}

    def clean_choices(self) -> str:
        text = self.cleaned_data.get("choices") or ""
        lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
        for line in lines:
            validate_no_control_characters(line)
            if len(line) > CHOICE_LIMIT:
                raise forms.ValidationError(f"Keep each choice under {CHOICE_LIMIT} characters.")
        if len(lines) > MAX_CHOICES:
            raise forms.ValidationError(f"Offer at most {MAX_CHOICES} choices.")
        return "\n".join(lines)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") in (Question.Kind.CHOICE, Question.Kind.CHOICES):
            if len((data.get("choices") or "").splitlines()) < 2:
                self.add_error("choices", "Give at least two choices, one per line.")
        return data


class ApplyForm(forms.Form):
    """Side, then HR's questions; through an invite link also a name and an email."""

    side = forms.ChoiceField(
        label="I would take part as", choices=Enrolment.Side.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, questions: list[Question], anonymous: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        if anonymous:
            self.fields["full_name"] = forms.CharField(
                label="Your name", max_length=200, validators=[validate_no_control_characters]
            )
            self.fields["email"] = forms.EmailField(label="Your work email", max_length=254)
            self.order_fields(["full_name", "email", "side"])
        for question in questions:
            self.fields[f"q{question.pk}"] = _field_for(question)

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError("Give your name.")
        return name

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        for question in self.questions:
            name = f"q{question.pk}"
            value = data.get(name)
            try:
                if question.kind == Question.Kind.TEXT and value:
                    data[name] = clean_long_text(value)
                elif question.kind in (Question.Kind.TEACH, Question.Kind.LEARN) and value:
                    data[name] = parse_skills(value)
            except forms.ValidationError as exc:
                self.add_error(name, exc)
        return data

    def answers(self) -> list[dict]:
        found = []
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if value in (None, "", []):
                continue
            found.append(
                {
                    "question": question.pk,
                    "label": question.label,
                    "kind": question.kind,
                    "value": value,
                }
            )
        return found

    def capacity(self) -> int:
        for question in self.questions:
            if question.kind == Question.Kind.CAPACITY:
                return int(self.cleaned_data.get(f"q{question.pk}") or 1)
        return 1


def _field_for(question: Question) -> forms.Field:
    common: dict[str, Any] = {
        "label": question.label,
        "help_text": question.help_text,
        "required": question.required,
    }
    kind = question.kind
    if kind == Question.Kind.CHOICE:
        return forms.ChoiceField(
            choices=[(c, c) for c in question.choice_list], widget=forms.RadioSelect, **common
        )
    if kind == Question.Kind.CHOICES:
        return forms.MultipleChoiceField(
            choices=[(c, c) for c in question.choice_list],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if kind in (Question.Kind.TEACH, Question.Kind.LEARN):
        common["help_text"] = question.help_text or (
            "Separate skills with semicolons; add :3 to a skill you are strongest in "
            "(or most want), :1 for a little. Example: Excel:3; TikTok"
        )
        return forms.CharField(max_length=600, **common)
    if kind == Question.Kind.CAPACITY:
        return forms.IntegerField(min_value=1, max_value=5, initial=1, **common)
    return forms.CharField(
        max_length=TEXT_ANSWER_LIMIT, widget=forms.Textarea(attrs={"rows": 3}), **common
    )


class DecisionForm(forms.Form):
    note = forms.CharField(
        label="Note to the applicant (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_note(self) -> str:
        return clean_long_text(self.cleaned_data.get("note") or "")
