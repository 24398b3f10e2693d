"""SQL helpers shared by the import and the dashboard."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TypeVar

from django.db import connection
from django.db.models.expressions import RawSQL

_Key = TypeVar("_Key", int, str)


def among(values: Iterable[_Key], pg_type: str) -> RawSQL | list[_Key]:
    """The right-hand side of a ``field__in=`` lookup as ONE parameter: a PostgreSQL array or
    a JSON list read by SQLite's ``json_each``. Django prepares every item of a plain list one
    by one, and psycopg rewrites a statement with thousands of placeholders; with 20,000 people
    either costs seconds."""
    if connection.vendor == "postgresql":
        return RawSQL(f"SELECT unnest(CAST(%s AS {pg_type}[]))", [list(values)])  # noqa: S611
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(values))])  # noqa: S611
    return list(values)
