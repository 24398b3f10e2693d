"""Bulk inserts for the demo seed, from plain tuples.

A large demo writes millions of rows (50,000 people: about a million with their sessions).
``bulk_create`` spends most of its time building a model instance per row and preparing each
value through its field; on PostgreSQL these rows go through ``COPY`` instead, as tuples. The
columns the seed does not give are filled as ``bulk_create`` would fill them (the field's
default, called per row when it is a callable such as a uuid; now for ``auto_now`` fields;
NULL). On other databases (SQLite: the tests, ``make run``) the same rows go through
``bulk_create``, so both give the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any, cast

from django.db import connection, models, transaction
from django.utils import timezone

BATCH = 5_000


def insert(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    ignore_conflicts: bool = False,
    returning_ids: bool = False,
) -> list[int]:
    """Insert ``rows`` (tuples of values for ``fields``, by attname: ``pair_id``, not ``pair``).
    Returns the new rows' ids, in order, when asked (not with ``ignore_conflicts``, where some
    rows may not be inserted)."""
    if ignore_conflicts and returning_ids:
        raise ValueError("ids are not known for rows that may be skipped")
    rows = list(rows)
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objs = model._default_manager.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows],
            batch_size=BATCH,
            ignore_conflicts=ignore_conflicts,
        )
        return [obj.pk for obj in objs] if returning_ids else []
    ids: list[int] = []
    if returning_ids:
        ids = new_ids(model, len(rows))
        fields = [model._meta.pk.attname, *fields]
        rows = [(pk, *row) for pk, row in zip(ids, rows, strict=True)]
    _copy(model, fields, rows, ignore_conflicts=ignore_conflicts)
    return ids


def new_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` ids from the table's own sequence, as the database would hand them out."""
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s) ORDER BY 1",
            [meta.db_table, meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _fillers(
    model: type[models.Model], fields: Sequence[str]
) -> tuple[list[str], list[Callable[[], Any] | None], list[Any]]:
    """The columns not given, each with what fills it: a callable per row, or a constant."""
    given = set(fields)
    now = timezone.now()
    columns: list[str] = []
    per_row: list[Callable[[], Any] | None] = []
    constants: list[Any] = []
    for field in model._meta.concrete_fields:
        if field.attname in given or (field.primary_key and field.attname not in given):
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value: Any = now
        elif field.has_default() and callable(field.default):
            columns.append(_column(field))
            per_row.append(partial(_fresh_default, field))
            constants.append(None)
            continue
        else:  # the default, or "" for text and None for the rest, as Django gives
            value = field.get_default()
        columns.append(_column(field))
        per_row.append(None)
        constants.append(field.get_db_prep_save(value, connection))
    return columns, per_row, constants


def _column(field: models.Field) -> str:
    # A concrete field always has a column; the stubs allow None for the others.
    return cast(str, field.column)


def _fresh_default(field: models.Field) -> Any:
    return field.get_db_prep_save(field.get_default(), connection)


def _copy(
    model: type[models.Model],
    fields: Sequence[str],
    rows: list[Sequence[Any]],
    *,
    ignore_conflicts: bool,
) -> None:
    meta = model._meta
    by_attname = {field.attname: field for field in meta.concrete_fields}
    columns_of = {field.attname: _column(field) for field in meta.concrete_fields}
    # Values the seed gives are plain (ints, text, dates, aware datetimes); JSON needs the
    # field's own preparation.
    prepared = [
        i for i, name in enumerate(fields) if isinstance(by_attname[name], models.JSONField)
    ]
    fill_columns, per_row, constants = _fillers(model, fields)
    columns = [columns_of[name] for name in fields] + fill_columns
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    table = connection.ops.quote_name(meta.db_table)
    target = table
    with transaction.atomic(), connection.cursor() as cursor:
        if ignore_conflicts:
            # COPY knows no ON CONFLICT: copy into a scratch table, then insert what is new.
            target = connection.ops.quote_name(f"_seed_{meta.db_table}")
            # Names from the model's metadata, quoted; no value is ever part of the text.
            cursor.execute(f"DROP TABLE IF EXISTS {target}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {target} AS SELECT {quoted} FROM {table} WITH NO DATA"  # noqa: S608
            )
        with cursor.copy(f"COPY {target} ({quoted}) FROM STDIN") as copy:
            dynamic = any(per_row)
            for row in rows:
                if prepared:
                    row = list(row)
                    for i in prepared:
                        row[i] = by_attname[fields[i]].get_db_prep_save(row[i], connection)
                if dynamic:
                    tail = [
                        make() if make else c for make, c in zip(per_row, constants, strict=True)
                    ]
                    copy.write_row((*row, *tail))
                else:
                    copy.write_row((*row, *constants))
        if ignore_conflicts:
            cursor.execute(
                f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM {target} "  # noqa: S608
                "ON CONFLICT DO NOTHING"
            )
            cursor.execute(f"DROP TABLE {target}")
