from __future__ import annotations

import re
from datetime import UTC, date, datetime, tzinfo
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import cached_property

from accounts.models import Skill, skill_key
from accounts.taxonomy import synonym_skill_ids
from mentoring.lib.form_tokens import FormTokenMixin
from pairing.models import Pair
from sessions_log.models import FitCheck, Goal, ImpactSurvey, Meeting, Reflection, SessionLog
from sessions_log.plan_forms import (
    GoalSuggestion,
    add_goal_suggestions,
    add_plan_fields,
    clean_goal_suggestion,
)

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


def _direction_choices(pair: Pair) -> list[tuple[str, str]]:
    junior, senior = pair.junior.user.full_name, pair.senior.user.full_name
    return [
        (SessionLog.Direction.REVERSE, f"Reverse: {junior} taught {senior}"),
        (SessionLog.Direction.FORWARD, f"Forward: {senior} taught {junior}"),
        (SessionLog.Direction.BOTH, "Both ways"),
    ]


class MeetingChoiceField(forms.ModelChoiceField):
    """A pair's meetings, named by when they started in the person's own time zone."""

    zone: tzinfo | None = None

    def label_from_instance(self, obj: Meeting) -> str:
        starts = obj.starts_at.astimezone(self.zone) if self.zone else obj.starts_at
        # `logged` is annotated by selectors.loggable_meetings.
        return f"{starts:%a %-d %b %Y, %H:%M}" + (
            " (already logged)" if getattr(obj, "logged", False) else ""
        )


SKILL_NAMES_LIST = "skill-names"


class SkillNamesField(forms.CharField):
    """Skills typed by name, several separated by ";", suggested by the page's datalist of
    skill names. A searchable text box replaces a multi-select of hundreds of skills and
    needs no script. Each name resolves to an existing skill by its key or a synonym; an
    unknown name is refused by name, never created (HR owns the taxonomy)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"list": SKILL_NAMES_LIST, "autocomplete": "off"}),
        )
        kwargs.setdefault(
            "help_text",
            'Type a skill name and pick it from the suggestions; separate several with ";".',
        )
        super().__init__(required=False, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        # Initial data (editing a log) is a list of skills; typed data stays as typed.
        if isinstance(value, (list, tuple, QuerySet)):
            return "; ".join(getattr(skill, "name", str(skill)) for skill in value)
        return value

    def clean(self, value: Any) -> list[Skill]:
        text = super().clean(value)
        names: dict[str, str] = {}
        for part in text.split(";"):
            key = skill_key(part)
            if key and key not in names:
                names[key] = " ".join(part.split())
        if not names:
            return []
        by_key = {skill.key: skill for skill in Skill.objects.filter(key__in=list(names))}
        synonyms = synonym_skill_ids(key for key in names if key not in by_key)
        by_id = Skill.objects.in_bulk(set(synonyms.values()))
        found: dict[int, Skill] = {}
        unknown: list[str] = []
        for key, name in names.items():
            skill = by_key.get(key) or by_id.get(synonyms.get(key, -1))
            if skill is None:
                unknown.append(name)
            else:
                found.setdefault(skill.pk, skill)
        if unknown:
            quoted = ", ".join(f"“{name}”" for name in unknown)
            raise ValidationError(
                f"No skill is called {quoted}. Pick names from the suggestions, or ask the "
                "programme team to add the skill.",
                code="unknown_skill",
            )
        return list(found.values())


class SessionLogForm(FormTokenMixin, forms.Form):
    held_on = forms.DateField(
        label="Date of the session",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    minutes = forms.IntegerField(min_value=1, max_value=600, initial=45)
    direction = forms.ChoiceField(widget=forms.RadioSelect, choices=SessionLog.Direction.choices)
    meeting = MeetingChoiceField(
        queryset=Meeting.objects.none(), required=False, label="Which meeting was it? (optional)"
    )
    skills_reverse = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Skills taught junior → senior",
    )
    other_skills_reverse = SkillNamesField(label="Other skills taught junior → senior")
    skills_forward = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Skills taught senior → junior",
    )
    other_skills_forward = SkillNamesField(label="Other skills taught senior → junior")
    shared_summary = forms.CharField(
        label="Shared summary",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="You and your partner can both read this. Nobody else can.",
    )
    private_note = forms.CharField(
        label="Private note (only you)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only you can ever read this: not your partner, not HR, not your manager.",
    )

    def __init__(
        self, *args, pair: Pair, skills_each_way, meetings, zone=None, with_plan=True, **kwargs
    ):
        super().__init__(*args, **kwargs)
        if with_plan:
            add_plan_fields(self, pair)
        cast(forms.ChoiceField, self.fields["direction"]).choices = _direction_choices(pair)
        self._fit_held_on(pair)
        self._offer_skills(pair, skills_each_way)
        meeting = cast(MeetingChoiceField, self.fields["meeting"])
        meeting.queryset = meetings
        meeting.zone = zone

    def _offer_skills(self, pair: Pair, held: QuerySet[Skill]) -> None:
        """Each direction lists the pair's skills, the ones that flow that way first. The
        lists are read once for the whole form, not once per field."""
        junior, senior = pair.junior.user.full_name, pair.senior.user.full_name
        loaded: dict[str, list[Skill]] = {}

        def listed(key: str, queryset: QuerySet[Skill], rank: str):
            def choices() -> list[tuple[int, str]]:
                if key not in loaded:
                    loaded[key] = list(queryset)
                skills = sorted(loaded[key], key=lambda s: (getattr(s, rank, 0), s.name))
                return [(skill.pk, skill.name) for skill in skills]

            return choices

        for way, teacher, learner in (("reverse", junior, senior), ("forward", senior, junior)):
            field = cast(forms.ModelMultipleChoiceField, self.fields[f"skills_{way}"])
            field.queryset = held
            field.choices = listed("held", held, f"{way}_rank")
            field.label = f"Skills {teacher} taught {learner}"
            field.help_text = f"First: what {teacher} can teach and {learner} wants to learn."
            # A plain label: this field is not rendered in an hx-disable fieldset, so no name.
            self.fields[f"other_skills_{way}"].label = "Other skills taught " + (
                "junior → senior" if way == "reverse" else "senior → junior"
            )

    @cached_property
    def skill_names(self) -> list[str]:
        """Every skill's name, for the one datalist both "other skills" boxes share."""
        return list(Skill.objects.order_by("name").values_list("name", flat=True))

    def _fit_held_on(self, pair: Pair) -> None:
        """Offer only dates the log accepts (the cohort's start to today, in the person's zone)
        and default to one of them, so an untouched form is never refused for its date."""
        today = timezone.localdate()
        starts: date | None = pair.cohort.starts_on
        widget = self.fields["held_on"].widget
        widget.attrs["max"] = today.isoformat()
        if starts and starts <= today:
            widget.attrs["min"] = starts.isoformat()
        if self.is_bound:
            return
        wanted = self.initial.get("held_on")
        if not isinstance(wanted, date) or wanted > today or (starts and wanted < starts):
            self.initial["held_on"] = today

    def clean_held_on(self) -> date:
        held_on = self.cleaned_data["held_on"]
        today = timezone.localdate()
        if held_on > today:
            raise ValidationError(
                "A session can only be logged once it has happened: the date is in the future."
            )
        return held_on

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        direction = data.get("direction")
        for way in ("reverse", "forward"):
            ticked = list(data.get(f"skills_{way}") or [])
            typed = list(data.get(f"other_skills_{way}") or [])
            chosen = {s.pk: s for s in ticked + typed}
            data[f"all_skills_{way}"] = list(chosen.values())
            if chosen and direction and direction not in (way, SessionLog.Direction.BOTH):
                if ticked:
                    self.add_error(
                        f"skills_{way}",
                        "The session did not go this way: untick these skills or choose "
                        "another direction.",
                    )
                if typed:
                    self.add_error(
                        f"other_skills_{way}",
                        "The session did not go this way: remove these skills or choose "
                        "another direction.",
                    )
        return data


class PrivateNoteForm(forms.Form):
    body = forms.CharField(
        label="Private note (only you)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only you can ever read this. Leave it empty to delete it.",
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
