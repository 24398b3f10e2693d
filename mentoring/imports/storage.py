"""Keeping an uploaded staff file between its preview and its commit.

The bytes live under ``settings.VAR_DIR / "imports" / <token>`` with a small JSON note of whose
upload it is; the token is kept in the uploader's session, tied to the cohort. A token is only
honoured for the same person, in the same session, for the same cohort.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest

from mentoring.models import Cohort

SESSION_KEY = "twoway_staff_imports"
MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


@dataclass(frozen=True)
class StoredUpload:
    token: str
    filename: str
    data: bytes


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_upload(request: HttpRequest, cohort: Cohort, filename: str, data: bytes) -> str:
    _purge_stale()
    token = secrets.token_urlsafe(24)  # 32 characters
    folder = _folder()
    (folder / token).write_bytes(data)
    (folder / f"{token}.json").write_text(
        json.dumps({"user": request.user.pk, "cohort": cohort.pk, "filename": filename})
    )
    # Forget tokens whose files are gone (committed, discarded or purged).
    uploads = {
        known: cohort_pk
        for known, cohort_pk in request.session.get(SESSION_KEY, {}).items()
        if _TOKEN.fullmatch(known) and (folder / known).exists()
    }
    uploads[token] = cohort.pk
    request.session[SESSION_KEY] = uploads
    return token


def load_upload(request: HttpRequest, cohort: Cohort, token: str) -> StoredUpload | None:
    """The stored file if this token is this person's upload for this cohort, else None."""
    if not _TOKEN.fullmatch(token):
        return None
    if request.session.get(SESSION_KEY, {}).get(token) != cohort.pk:
        return None
    folder = _folder()
    try:
        note = json.loads((folder / f"{token}.json").read_text())
        data = (folder / token).read_bytes()
    except (OSError, ValueError):
        return None
    if note.get("user") != request.user.pk or note.get("cohort") != cohort.pk:
        return None
    return StoredUpload(token=token, filename=str(note.get("filename", "")), data=data)


def discard_upload(request: HttpRequest, token: str) -> None:
    uploads = dict(request.session.get(SESSION_KEY, {}))
    if uploads.pop(token, None) is not None:
        request.session[SESSION_KEY] = uploads
    if _TOKEN.fullmatch(token):
        folder = _folder()
        (folder / token).unlink(missing_ok=True)
        (folder / f"{token}.json").unlink(missing_ok=True)


def _purge_stale() -> None:
    """Uploads previewed but never committed go after a day."""
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in _folder().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue
