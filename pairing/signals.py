"""What the pairing app tells the layers above it (the dashboard's cache) about its writes
that send no model signals: pairs published (bulk_create) or ended (a conditional update)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the writing transaction, once per service call, with ``pairs``: the ids of
# the pairs written (None: unknown, any pair may have changed).
pairs_changed = Signal()
