"""Rendering an email from its templates: a plain subject and text part, an escaped HTML part."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.template import Context
from django.template.backends.django import Template as DjangoTemplate
from django.template.loader import get_template, render_to_string

from mentoring.outbox.registry import Email


def _render_plain(name: str, context: dict) -> str:
    # Subjects and text parts are not HTML: an "&" in a name must stay an "&". The template
    # engine hands back a SafeString; a plain str keeps a page showing this text escaping it.
    # Our templates come from the DjangoTemplates backend, whose wrapper holds the template.
    template = cast(DjangoTemplate, get_template(name)).template
    return str.__str__(template.render(Context(context, autoescape=False)))


def render_email(
    template: str,
    context: dict,
    *,
    attachments: tuple[tuple[str, bytes | str, str], ...] = (),
    headers: tuple[tuple[str, str], ...] = (),
) -> Email:
    """Render ``emails/<template>_subject.txt``, ``.txt`` (not escaped) and ``.html``."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(_render_plain(f"emails/{template}_subject.txt", context).split())
    return Email(
        subject=subject,
        text=_render_plain(f"emails/{template}.txt", context),
        html=render_to_string(f"emails/{template}.html", context),
        attachments=attachments,
        headers=headers,
    )
