"""10,000 due reminders through a real Redis and Celery workers into a counting mail sink, one
worker SIGKILLed midway and restarted (DESIGN.md: <= 60 s, none lost, none repeated except at
most one per worker killed mid-send).

Redis: REDIS_URL (default redis://127.0.0.1:6379/0); the run uses a queue of its own and removes
it afterwards, so a shared Redis is fine. Database: a throwaway one (bench/_django.py). On
PostgreSQL four solo workers share the rows through SKIP LOCKED (each send waits on a few database
round trips, so more workers than cores overlap those waits); on SQLite, which serialises writers,
one worker does it all.
"""

from __future__ import annotations

import json
import os
import resource
import tempfile
import time
from datetime import timedelta
from pathlib import Path

TOTAL = 10_000
BUDGET_SECONDS = 60.0
KILLS = 1
BEAT_EVERY = 2.0  # a compressed beat: production ticks every 60 s


def _seed(total: int) -> set[str]:
    """Pairs with upcoming meetings, and their T-24h/T-1h reminders for both people, all due."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import Profile, User
    from mentoring.models import Cohort, Enrolment, OutboxMessage, Programme
    from pairing.models import Pair
    from sessions_log.models import Meeting

    now = timezone.now()
    meetings_per_pair = 2
    pairs = total // (meetings_per_pair * 4)
    OutboxMessage.objects.filter(sent_at__isnull=True).delete()  # other benches' leftovers
    programme = Programme.objects.create(
        name="Reminder bench", slug=f"reminder-bench-{int(now.timestamp())}"
    )
    cohort = Cohort.objects.create(
        programme=programme, name="Bench", slug=programme.slug, status=Cohort.Status.ACTIVE
    )
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [
            User(email=f"bench-{programme.pk}-{n}@reminders.example", password=unusable)
            for n in range(pairs * 2)
        ],
        batch_size=2000,
    )
    zones = ["Europe/London", "America/New_York", "Asia/Kolkata", "Europe/Berlin"]
    Profile.objects.bulk_create(
        [
            Profile(user=user, full_name=f"Bench Person {n}", timezone=zones[n % len(zones)])
            for n, user in enumerate(users)
        ],
        batch_size=2000,
    )
    enrolments = Enrolment.objects.bulk_create(
        [
            Enrolment(cohort=cohort, user=user, side="junior" if n % 2 == 0 else "senior")
            for n, user in enumerate(users)
        ],
        batch_size=2000,
    )
    pair_rows = Pair.objects.bulk_create(
        [
            Pair(
                cohort=cohort,
                junior=enrolments[2 * n],
                senior=enrolments[2 * n + 1],
                published_at=now,
            )
            for n in range(pairs)
        ],
        batch_size=2000,
    )
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(pair=pair, starts_at=now + timedelta(hours=3 + m))
            for pair in pair_rows
            for m in range(meetings_per_pair)
        ],
        batch_size=2000,
    )
    members = {pair.pk: (pair.junior.user_id, pair.senior.user_id) for pair in pair_rows}
    rows = []
    for meeting in meetings:
        for user_id in members[meeting.pair_id]:
            for label in ("24h", "1h"):
                rows.append(
                    OutboxMessage(
                        recipient_id=user_id,
                        kind="meeting_reminder",
                        due_at=now - timedelta(minutes=1),
                        dedupe_key=f"meeting:{meeting.pk}:0:{user_id}:{label}",
                        payload={"meeting_id": meeting.pk, "label": label, "sequence": 0},
                    )
                )
    OutboxMessage.objects.bulk_create(rows, batch_size=2000)
    return {
        str(pk)
        for pk in OutboxMessage.objects.filter(
            sent_at__isnull=True, recipient__in=users
        ).values_list("pk", flat=True)
    }


def _lines(sink: Path) -> int:
    try:
        return sink.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def _clean_broker(url: str, queue: str) -> None:
    """Drop our queue and the killed worker's unacknowledged message from a shared Redis."""
    import redis

    client = redis.Redis.from_url(url)
    client.delete(queue, f"_kombu.binding.{queue}")
    for tag, raw in client.hgetall("unacked").items():
        try:
            routing_key = json.loads(raw)[2]
        except (ValueError, IndexError, TypeError):
            continue
        if routing_key == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


def run() -> bool:
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    broker = os.environ["REDIS_URL"]
    import redis

    try:
        redis.Redis.from_url(broker, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        print(f"reminders: needs a Redis at {broker} (REDIS_URL): {type(exc).__name__}")
        return False
    from bench import _django

    _django.setup("reminders")
    from django.db import connection

    from mentoring.models import OutboxMessage
    from tests.mail_sink import delivered
    from tests.processes import Beat, Worker, process_env, wait_for

    vendor = connection.vendor
    worker_count = 4 if vendor == "postgresql" else 1
    expected = _seed(TOTAL)
    workdir = Path(tempfile.mkdtemp(prefix="twoway-bench-reminders-"))
    sink = workdir / "sink.log"
    queue = f"twoway-bench-reminders-{os.getpid()}"
    env = process_env(database=os.environ["DATABASE_URL"], broker=broker, sink=sink)
    workers = [
        Worker(f"bench{n}", env=env, queue=queue, logdir=workdir) for n in range(worker_count)
    ]
    beat = Beat(broker, queue)
    ids = [int(pk) for pk in expected]
    pending = OutboxMessage.objects.filter(pk__gte=min(ids), pk__lte=max(ids), sent_at__isnull=True)
    kills = 0
    seconds = float("inf")
    try:
        for worker in workers:
            worker.start()
        connection.close()  # the workers write; this process only looks
        started = time.perf_counter()
        beat.tick(helpers=worker_count - 1)  # the sweep fans out to the other workers
        last_tick = time.perf_counter()

        def progress() -> bool:
            nonlocal kills, last_tick
            if kills < KILLS and _lines(sink) >= TOTAL // 2:
                workers[0].kill()
                kills += 1
                workers[0].start(wait=False)
            if time.perf_counter() - last_tick >= BEAT_EVERY:
                beat.tick(helpers=worker_count - 1)
                last_tick = time.perf_counter()
            return not pending.exists()

        wait_for(progress, timeout=BUDGET_SECONDS * 3, interval=0.2, what="every reminder")
        seconds = time.perf_counter() - started
    finally:
        for worker in workers:
            worker.stop()
        beat.close()
        _clean_broker(broker, queue)

    counts = delivered(sink)
    mine = {pk: n for pk, n in counts.items() if pk in expected}
    duplicates = sum(n - 1 for n in mine.values())
    lost = len(expected - set(mine))
    ok = lost == 0 and duplicates <= kills and seconds <= BUDGET_SECONDS
    # The workers' own CPU time and the machine's load put the wall time in context.
    worker_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"reminders: sent={len(mine)} kills={kills} duplicates={duplicates} lost={lost} "
        f"seconds={seconds:.1f} db={vendor} workers={worker_count} "
        f"worker_cpu={worker_cpu.ru_utime + worker_cpu.ru_stime:.1f}s "
        f"load={os.getloadavg()[0]:.1f} budget={BUDGET_SECONDS:.0f} {'ok' if ok else 'OVER'}"
    )
    return ok
