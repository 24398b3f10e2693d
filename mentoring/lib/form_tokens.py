"""Create forms that are safe to submit twice (a double click, a second tab, a browser retry).

Each render of a create form carries a fresh one-time token in a hidden field. The row it
creates stores the token, unique within its parent (a pair), so a second submit of the same
form finds the first row instead of creating another, even when both arrive at once: the
database's unique constraint decides, and the loser reads the winner's row.

    class GoalForm(FormTokenMixin, forms.Form): ...

    goal = create_once(Goal, token=form.cleaned_data["form_token"], scope={"pair": pair},
                       create=lambda token: Goal.objects.create(..., form_token=token))

A form posted without a token (an old page, a script) still works; it is just not deduplicated.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.db import IntegrityError, models, transaction

Row = TypeVar("Row", bound=models.Model)


class _TokenField(forms.UUIDField):
    """A mangled token is no token: the form still works, just without deduplication."""

    # django-stubs inherit CharField.to_python (str); Django's UUIDField returns a UUID.
    def to_python(self, value: Any) -> uuid.UUID | None:  # type: ignore[override]
        try:
            return super().to_python(value)
        except forms.ValidationError:
            return None


class FormTokenMixin(forms.Form):
    """Adds the hidden one-time ``form_token``; a new one on every unbound render."""

    form_token = _TokenField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["form_token"].initial = uuid.uuid4()


def token_field() -> models.UUIDField:
    """The model field holding the token of the form that created the row."""
    return models.UUIDField(null=True, blank=True, editable=False)


def create_once(
    model: type[Row],
    *,
    token: uuid.UUID | None,
    scope: dict[str, Any],
    create: Callable[[uuid.UUID | None], Row],
) -> tuple[Row, bool]:
    """``create(token)`` unless a row of ``model`` within ``scope`` already holds ``token``.
    Returns the row and whether it is new. ``create`` must store the token on the row it makes
    (field ``form_token``) and may write more (emails, reminders): all of it is rolled back when
    a simultaneous submit of the same form won the race."""
    if token is None:
        return create(None), True
    earlier = model._default_manager.filter(form_token=token, **scope).first()
    if earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            return create(token), True
    except IntegrityError:
        earlier = model._default_manager.filter(form_token=token, **scope).first()
        if earlier is None:  # another constraint failed: not ours to explain
            raise
        return earlier, False
