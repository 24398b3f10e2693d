"""Where each app declares its share of a person's data.

An app registers one :class:`Part` from its ``AppConfig.ready()`` (pairing, sessions_log) or is
registered by the core (accounts, which sits below it). The services in
:mod:`mentoring.privacy.services` run every part in ``order``: erasure goes from the top of the
layers down, so an app's eraser still finds the account it scrubs names from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Datum:
    """One line of the data inventory a DPO attaches to a DPIA."""

    what: str
    fields: str
    seen_by: str
    kept: str


@dataclass(frozen=True)
class Erasure:
    """What an eraser needs to know about the person going. ``scrub`` replaces their email
    address and names wherever they appear in someone else's text."""

    user_id: int
    email: str
    names: tuple[str, ...]
    pseudonym: str

    def scrub(self, text: str, replacement: str = "a former participant") -> str:
        if not text:
            return text
        for needle in sorted({self.email, *self.names}, key=len, reverse=True):
            if needle and len(needle) >= 3:
                text = re.sub(re.escape(needle), replacement, text, flags=re.IGNORECASE)
        return text

    def mentions(self, text: str) -> bool:
        return bool(text) and self.scrub(text) != text


@dataclass(frozen=True)
class Part:
    """An app's share: each callable is optional.

    - ``export(user) -> dict``: sections of the person's download (JSON-ready values).
    - ``count(user) -> dict[str, int]``: what erasure would remove or anonymise, per kind.
    - ``erase(user, erasure)``: delete or anonymise the person's rows of this app.
    - ``purge(cohort_ids) -> dict[str, int]``: remove the free text of expired cohorts.
    - ``past_pairs(cohort_ids, user_id) -> [(junior_email, senior_email)]``: published pairs of
      those cohorts or of that person, hashed before anything is erased.
    """

    name: str
    order: int
    export: Callable | None = None
    count: Callable | None = None
    erase: Callable | None = None
    purge: Callable | None = None
    past_pairs: Callable | None = None
    inventory: Sequence[Datum] = field(default_factory=tuple)


_PARTS: dict[str, Part] = {}


def register(part: Part) -> Part:
    """Registering the same name again replaces it (reloads in development stay harmless)."""
    _PARTS[part.name] = part
    return part


def parts() -> list[Part]:
    from mentoring.privacy import core_parts

    core_parts.ensure_registered()
    return sorted(_PARTS.values(), key=lambda part: (part.order, part.name))


def inventory() -> Iterable[tuple[str, Datum]]:
    for part in parts():
        for datum in part.inventory:
            yield part.name, datum
