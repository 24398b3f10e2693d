"""Rollups written by the database itself: INSERT INTO a table the rows of a grouped query."""

from __future__ import annotations

from typing import cast

from django.db import connection, models
from django.db.models import QuerySet


def insert_from(model: type[models.Model], fields: tuple[str, ...], rows: QuerySet) -> int:
    """INSERT INTO the model's table the rows of a query whose columns are ``fields``, in
    order. Returns how many rows went in."""
    sql, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    # A concrete field always has a column; the stubs allow None for the others.
    column_of = {field.attname: cast(str, field.column) for field in model._meta.concrete_fields}
    columns = ", ".join(quote(column_of[name]) for name in fields)
    with connection.cursor() as cursor:
        # Names from the models' metadata, the query compiled by Django with its parameters.
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) {sql}", params)  # noqa: S608
        return cursor.rowcount
