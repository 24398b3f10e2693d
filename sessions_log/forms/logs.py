"""The session log form (direction, meeting, skills taught each way, shared summary, private
note) and the private note form."""

from __future__ import annotations

from datetime import date, tzinfo
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import cached_property

from accounts.models import Skill, skill_key
from accounts.taxonomy import synonym_skill_ids
from mentoring.lib.form_tokens import FormTokenMixin
from pairing.models import Pair
from sessions_log.models import Meeting, SessionLog
from sessions_log.plan_forms import (
    add_plan_fields,
)


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
