"""Queries compiled once and run thousands of times by the outbox sweep.

Compiling a query with the ORM costs several times running it, and a sweep runs the same few
queries for every message: these keep the compiled SQL (and what the ORM needs to turn rows into
objects) and only send new parameters.

Why not Django 5.2's own options (measured with bench/reminders.py on PostgreSQL, 10,000 due
reminders, 4 workers, one killed midway; none lost, at most the one repeat allowed; 2-core
machine shared with other jobs, so worker CPU is the steadier figure):

- this module:                                   37.1 s, worker CPU 50.8 s (load 5.5);
                                                 48.9 s, worker CPU 48.2 s (load 8.6)
- plain ORM queries, Django's defaults:         162.5 s, worker CPU 106.8 s (load 15.2)
- plain ORM + OPTIONS server_side_binding=True
  and prepare_threshold=5:                      124.5 s, worker CPU 105.0 s (load 13.6)
- prepare_threshold=0: ``migrate`` fails ("cannot insert multiple commands into a prepared
  statement"): every statement would be prepared, a migration's multi-statement SQL too.

Server-side preparing saves the planning, but most of the cost per message is the ORM
compiling the same three queries again; both options double the sweep's CPU and miss the 60 s
budget, so the compiled queries stay here and the database settings keep Django's defaults.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.db.models.query import get_related_populators

from mentoring.outbox.models import OutboxMessage


def fetch_one(sql: str, params) -> tuple | None:
    """Run a compiled query and return its first row. On PostgreSQL it runs as a server-side
    prepared statement, planned once per connection: planning these joins costs more than
    running them, and Django's default client-side binding plans every execution anew."""
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        raw = connection.connection
        if raw.prepare_threshold is None:
            # Django turns automatic preparing off; explicit prepare=True (below, and nowhere
            # else) needs it on. A threshold nothing reaches keeps every other query as it was.
            raw.prepare_threshold = 1_000_000_000
        # A server-binding cursor on Django's own connection (same transaction, same
        # adapters); Django's default client-binding cursor cannot prepare.
        with psycopg.Cursor(raw) as cursor:
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchone() if cursor.description else None
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() if cursor.description else None


class ReminderClaim:
    """The claim query (the row, its recipient and their profile in one round trip), compiled
    once per sweep: compiling it with the ORM costs several times running it.

    of=("self",): lock the reminder row only. Locking the recipient too would make a second
    sweeper skip every other row for the same person."""

    def __init__(self, moment: datetime) -> None:
        queryset = (
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient__profile")
            .filter(sent_at__isnull=True, due_at__lte=moment)
            # due_at alone: the pending-rows index yields that order, so LIMIT 1
            # stops at once instead of sorting every due row on each claim.
            .order_by("due_at")[:1]
        )
        self.db = queryset.db
        self.compiler = compiler = queryset.query.get_compiler(self.db)
        self.sql, self.params = compiler.as_sql()
        # What ModelIterable does with a compiled query, kept for every run of it.
        own = compiler.klass_info["select_fields"]
        self.own = slice(own[0], own[-1] + 1)
        self.init_list = [column[0].target.attname for column in compiler.select[self.own]]
        # django-stubs 6 describe Django 6.0's signature (a fetch_mode); 5.2 takes three.
        self.populators = get_related_populators(  # type: ignore[call-arg]
            compiler.klass_info, compiler.select, self.db
        )
        self.converters = compiler.get_converters([column[0] for column in compiler.select])

    def next(self) -> OutboxMessage | None:
        row = fetch_one(self.sql, self.params)
        if row is None:
            return None
        if self.converters:
            row = next(iter(self.compiler.apply_converters([row], self.converters)))
        reminder = OutboxMessage.from_db(self.db, self.init_list, row[self.own])
        for populator in self.populators:
            populator.populate(row, reminder)
        return reminder


class PreparedRow:
    """A one-parameter ``values_list`` query compiled once and run many times: the shape
    builders use for the one joined read they need per message.

        MEETING = outbox.PreparedRow(lambda: Meeting.objects.filter(pk=0).values_list(...))
        row = MEETING.first(meeting_id)   # a tuple with the ORM's conversions, or None
    """

    def __init__(self, build: Callable[[], QuerySet[Any, Any]]) -> None:
        self._build = build
        self._compiled: dict[str, tuple] = {}

    def _compile(self) -> tuple:
        compiled = self._compiled.get(connection.vendor)
        if compiled is None:
            queryset = self._build()[:1]
            compiler = queryset.query.get_compiler(queryset.db)
            sql, params = compiler.as_sql()
            if len(params) != 1:
                raise ValueError("a PreparedRow query takes exactly one parameter")
            converters = compiler.get_converters([col for col, _, _ in compiler.select])
            compiled = self._compiled[connection.vendor] = (compiler, sql, converters)
        return compiled

    def first(self, value) -> tuple | None:
        compiler, sql, converters = self._compile()
        row = fetch_one(sql, [value])
        if row is None:
            return None
        if converters:
            row = next(iter(compiler.apply_converters([row], converters)))
        return tuple(row)
