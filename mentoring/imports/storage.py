"""Keeping an uploaded staff file while its import job previews and commits it.

The bytes live under ``settings.VAR_DIR / "imports" / <token>``; the job row (models.py) says
whose upload it is and for which cohort, so the worker needs nothing from the web request.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from django.conf import settings

MAX_AGE_SECONDS = 24 * 3600
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_token() -> str:
    return secrets.token_urlsafe(24)  # 32 characters


def store_upload(token: str, data: bytes) -> None:
    _purge_stale()
    (_folder() / token).write_bytes(data)


def load_upload(token: str) -> bytes | None:
    if not TOKEN.fullmatch(token):
        return None
    try:
        return (_folder() / token).read_bytes()
    except OSError:
        return None


def discard_upload(token: str) -> None:
    if TOKEN.fullmatch(token):
        (_folder() / token).unlink(missing_ok=True)


def discard_all() -> int:
    """Every stored upload, however young: an erased person may be in any of them, and an
    upload is only a copy of HR's own file (HR uploads it again to go on)."""
    removed = 0
    for path in _folder().iterdir():
        if TOKEN.fullmatch(path.name):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _purge_stale() -> None:
    """Uploads previewed but never committed go after a day."""
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in _folder().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue
