"""A counting mail sink for reliability tests and `make bench`.

Each message becomes one line, ``<X-Twoway-Reminder id> <recipient>``, appended to the file named
by ``settings.MAIL_SINK_PATH`` (environment: TWOWAY_MAIL_SINK) with a single ``write`` on an
O_APPEND descriptor, so lines from several processes never interleave and a line is in the
kernel's hands before ``send`` returns: a process killed right after sending still counted it.
``TWOWAY_MAIL_SINK_DELAY`` (seconds) holds each send open, to widen the window a kill can hit.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        path = getattr(settings, "MAIL_SINK_PATH", "") or os.environ.get("TWOWAY_MAIL_SINK", "")
        if not path:
            raise RuntimeError("MAIL_SINK_PATH (TWOWAY_MAIL_SINK) names no file")
        delay = float(os.environ.get("TWOWAY_MAIL_SINK_DELAY", "0") or 0)
        sent = 0
        for message in email_messages:
            message.message()  # build the MIME message as a real transport would
            reminder = message.extra_headers.get("X-Twoway-Reminder", "-")
            line = f"{reminder} {','.join(message.to)}\n".encode()
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
            if delay:
                time.sleep(delay)
            sent += 1
        return sent


def delivered(path: str | Path) -> Counter[str]:
    """How many times each reminder id reached the sink."""
    try:
        text = Path(path).read_text()
    except FileNotFoundError:
        return Counter()
    return Counter(line.split(" ", 1)[0] for line in text.splitlines() if line.strip())
