"""The outbox under real failures (DESIGN.md "Reminders: the database is the source of truth").

Real processes only: a redis-server of our own on a free port (so it can be killed), `celery -A
mentoring worker` subprocesses reading the test database, and a mail sink that appends one line
per message so deliveries can be counted across processes. These need a database another process
can reach (PostgreSQL in CI) and, for the broker, REDIS_URL set; otherwise they skip.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from mentoring import outbox
from mentoring.models import OutboxMessage
from sessions_log.models import Meeting
from tests import factories
from tests.mail_sink import delivered
from tests.processes import (
    Beat,
    RedisServer,
    Worker,
    database_url,
    process_env,
    sweep_in_subprocess,
    wait_for,
)

needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL") or not RedisServer.available(),
    reason="needs REDIS_URL and a redis-server binary to start a broker of its own",
)


@pytest.fixture
def shared_database() -> str:
    url = database_url(connection.settings_dict)
    if url is None:
        pytest.skip(
            "the test database is SQLite in memory, which no other process can open; "
            "run with DATABASE_URL=postgres://... to test real workers"
        )
    return url


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


def due_meeting_reminders(*, pairs: int, meetings_per_pair: int) -> set[str]:
    """Real meeting reminders (2 people x T-24h and T-1h per meeting), all due now."""
    now = timezone.now()
    cohort = factories.CohortFactory()
    planned = []
    for _ in range(pairs):
        pair = factories.PairFactory(cohort=cohort)
        for _ in range(meetings_per_pair):
            meeting = Meeting.objects.create(pair=pair, starts_at=now + timedelta(hours=3))
            for user_id in (pair.junior.user_id, pair.senior.user_id):
                for label in ("24h", "1h"):
                    planned.append(
                        outbox.Planned(
                            recipient_id=user_id,
                            kind="meeting_reminder",
                            due_at=now - timedelta(minutes=1),
                            dedupe_key=f"meeting:{meeting.pk}:0:{user_id}:{label}",
                            payload={"meeting_id": meeting.pk, "label": label, "sequence": 0},
                        )
                    )
    outbox.schedule_many(planned)
    return {str(pk) for pk in OutboxMessage.objects.values_list("pk", flat=True)}


def pending() -> int:
    return OutboxMessage.objects.filter(sent_at__isnull=True).count()


def lines(sink: Path) -> int:
    return sum(delivered(sink).values())


@needs_redis
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_at_most_one_message(
    tmp_path, shared_database, redis_server
):
    expected = due_meeting_reminders(pairs=10, meetings_per_pair=3)
    sink = tmp_path / "sink.log"
    # Each send holds its claim open 20 ms, so the kill lands inside a send.
    env = process_env(database=shared_database, broker=redis_server.url, sink=sink, sink_delay=0.02)
    worker = Worker("killed", env=env, queue="reminders", logdir=tmp_path)
    beat = Beat(redis_server.url, "reminders")
    try:
        worker.start()
        beat.tick()
        wait_for(lambda: lines(sink) >= 30, timeout=20, what="the first sends")
        worker.kill()

        sent_rows = OutboxMessage.objects.filter(sent_at__isnull=False).count()
        at_kill = lines(sink)
        assert 0 < sent_rows < len(expected), "the kill came mid-batch"
        assert at_kill - sent_rows <= 1, "only the message in flight can lack its mark"

        worker.start()
        beat.tick()  # the next beat tick: the killed sweep's message is not coming back
        wait_for(lambda: pending() == 0, timeout=25, what="the rest of the batch")
    finally:
        worker.stop()
        beat.close()

    counts = delivered(sink)
    assert set(counts) == expected, "nothing lost"
    assert sum(counts.values()) - len(counts) <= 1, "at most the one message in flight repeats"


@needs_redis
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_redis_restart_loses_nothing_and_repeats_nothing(tmp_path, shared_database, redis_server):
    expected = due_meeting_reminders(pairs=10, meetings_per_pair=2)
    sink = tmp_path / "sink.log"
    env = process_env(database=shared_database, broker=redis_server.url, sink=sink, sink_delay=0.02)
    worker = Worker("steady", env=env, queue="reminders", logdir=tmp_path)
    beat = Beat(redis_server.url, "reminders")
    try:
        worker.start()
        beat.tick()
        beat.tick()  # one queued behind the running sweep: it dies with Redis
        wait_for(lambda: lines(sink) >= 15, timeout=20, what="the first sends")
        redis_server.restart()  # nothing on disk: every queued message is gone

        # Rows that fall due after the restart only reach a worker through the database.
        later = {
            str(row.pk)
            for row in [
                outbox.schedule(
                    recipient=OutboxMessage.objects.first().recipient,
                    kind="meeting_reminder",
                    due_at=timezone.now() + timedelta(seconds=2),
                    dedupe_key=f"later:{n}",
                    payload={
                        "meeting_id": Meeting.objects.first().pk,
                        "label": "1h",
                        "sequence": 0,
                    },
                )
                for n in range(3)
            ]
        }

        def ticking_until_done() -> bool:
            if pending() == 0:
                return True
            beat.tick()
            return False

        wait_for(ticking_until_done, timeout=25, interval=0.5, what="every row after the restart")
    finally:
        worker.stop()
        beat.close()

    counts = delivered(sink)
    assert set(counts) == expected | later, "nothing lost"
    assert max(counts.values()) == 1, "nothing repeated"


@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_once_never_send_the_same_reminder_twice(tmp_path, shared_database):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers and has no SKIP LOCKED: nothing runs in parallel")
    expected = due_meeting_reminders(pairs=10, meetings_per_pair=5)
    sink = tmp_path / "sink.log"
    env = process_env(
        database=shared_database, broker="redis://127.0.0.1:1/0", sink=sink, sink_delay=0.02
    )
    sweepers = [sweep_in_subprocess(env=env) for _ in range(2)]
    results = [sweeper.communicate(timeout=60) for sweeper in sweepers]
    for sweeper, (_out, err) in zip(sweepers, results, strict=True):
        assert sweeper.returncode == 0, err[-2000:]
    handled = [int(out.strip().splitlines()[-1]) for out, _ in results]

    counts = delivered(sink)
    assert set(counts) == expected
    assert max(counts.values()) == 1
    assert sum(handled) == len(expected)
    assert min(handled) > 0, "both sweepers took a share"
