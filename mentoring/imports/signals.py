"""Signals the staff import sends. Its raw bulk writes send no model signals, so whoever caches
figures over people (the site's dashboard) connects here instead of being imported."""

from django.dispatch import Signal

# Sent after an import's transaction commits; no arguments beyond the sender.
people_imported = Signal()
