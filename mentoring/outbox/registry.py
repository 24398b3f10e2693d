"""The message kinds apps register, the Email their builders return, and the time a builder
judges by."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from mentoring.outbox.models import OutboxMessage


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str
    attachments: tuple[tuple[str, bytes | str, str], ...] = field(default=())
    headers: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True)
class Kind:
    name: str
    build: Callable[[OutboxMessage], Email | None]
    nudge: bool


_KINDS: dict[str, Kind] = {}
_SWEEP_TIME: ContextVar[datetime | None] = ContextVar("outbox_sweep_time", default=None)


def now() -> datetime:
    """The time a builder should judge by: the sweep's own "now" (frozen in tests and
    catch-up runs), or the clock."""
    return _SWEEP_TIME.get() or timezone.now()


def register(name: str, *, nudge: bool = False) -> Callable:
    """Register the builder for a kind of email. ``nudge`` kinds respect the recipient's
    "no nudges" preference; meeting invites and reminders are not nudges."""

    def decorator(build: Callable[[OutboxMessage], Email | None]):
        _KINDS[name] = Kind(name=name, build=build, nudge=nudge)
        return build

    return decorator


def kinds() -> dict[str, Kind]:
    return dict(_KINDS)


def _check_kind(kind: str) -> None:
    if kind not in _KINDS:
        raise ValueError(f"No email builder registered for kind {kind!r}")
