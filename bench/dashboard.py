"""The dashboard renders within budget on a seeded organisation (DESIGN.md "Performance
budgets"): 5,000 participants and 100,000 sessions by default; add 50,000 participants and
1,000,000 sessions with `BENCH_DASHBOARD_PEOPLE=5000,50000` (opt-in: seeding that takes a few
minutes), e.g. `BENCH_DASHBOARD_PEOPLE=5000,50000 make bench` or
`DEBUG=1 python -m bench dashboard`. `BENCH_DASHBOARD_DATABASE_URL` measures a database
already seeded (one size: the participants it holds), without seeding anything.

Each size runs in a process of its own on a database of its own (`<name>_dash<size>`, made
afresh): `seed_demo` (its seconds are printed), sessions added in bulk up to 20 per
participant, then `VACUUM ANALYZE` (what autovacuum gives a live database soon after). For
HR and a manager, on the dashboard and filtered to a department:

- `cold_ms` is the first render after a logged session (the data version is bumped first, as
  a session, check-in or plan step does, so every figure of the pairs' activity is computed
  anew; what depends on the roster alone stays kept, mentoring/dashboard/cache.py), the median
  of 7; `cold_cpu_ms` the CPU it took, of this process and of its PostgreSQL backend (read
  from /proc when the server is local), which the machine's load does not inflate; `queries`
  the SQL queries of one cold render;
- `roster_cold_ms` the first render after a roster change (here a person in a pair moves
  department, saved as the profile form saves it; a withdrawal or a publication is alike:
  the roster's version moves too, so the people are counted again and the pair roster's
  rows of the pairs the write marked are rewritten, mentoring/dashboard/roster.py), judged
  against the same budget;
- `cached_ms` the usual render, served from the dashboard cache.

Budgets: cold <= 150 ms on PostgreSQL at 5,000 people (300 ms on SQLite), <= 300 ms at 50,000;
<= 25 queries either way, roster-cold renders included. The load average is printed beside every figure: the machine is
shared, so read times with it. With REDIS_URL set the dashboard cache lives in Redis, as in
production; without, in the database table (a few more queries per render).
BENCH_DASHBOARD_QUERIES=1 prints each cold render's slowest queries."""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

MAX_QUERIES = 25
RENDERS = 7
ROOT = Path(__file__).resolve().parent.parent


def _sizes() -> list[int]:
    # BENCH_FULL=1 (`make bench-full`): the 50,000-person size too.
    default = "5000,50000" if os.environ.get("BENCH_FULL") else "5000"
    return [int(size) for size in os.environ.get("BENCH_DASHBOARD_PEOPLE", default).split(",")]


def _budget_ms(vendor: str, people: int) -> float:
    # 5,000 participants (and the demo's own few beside them) or up to twice that.
    return 150.0 if vendor == "postgresql" and people <= 10_000 else 300.0


def load_label() -> str:
    one, five, _ = os.getloadavg()
    return f"load={one:.1f}/{five:.1f} cores={os.cpu_count()}"


def run() -> bool:
    """Each size in a process of its own, on a fresh database of its own."""
    from bench import _django

    reuse = os.environ.get("BENCH_DASHBOARD_DATABASE_URL")
    ok = True
    for people in [0] if reuse else _sizes():
        url = reuse or _django.fresh_database_url(f"dash{people}", _django.original_database_url())
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
        done = subprocess.run(
            [sys.executable, "-m", "bench.dashboard", str(people), "reuse" if reuse else "seed"],
            cwd=ROOT,
            env=env,
            check=False,
        )
        ok &= done.returncode == 0
    if not reuse and 50_000 not in _sizes():
        print(
            "dashboard: 50,000 participants / 1,000,000 sessions not measured (opt-in: "
            "BENCH_DASHBOARD_PEOPLE=5000,50000 make bench, or DEBUG=1 python -m bench dashboard "
            "with it; seeding takes about 5 minutes)",
            flush=True,
        )
    return ok


def _seed(people: int) -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command(
        "seed_demo", participants=people, months=6, verbosity=0, stdout=open(os.devnull, "w")
    )
    seeded = time.perf_counter() - started
    sessions = _top_up_sessions(people * 20)
    topped = time.perf_counter() - started - seeded
    print(
        f"dashboard seed: participants={people} seed_demo_seconds={seeded:.0f} "
        f"sessions={sessions} top_up_seconds={topped:.0f} {load_label()}",
        flush=True,
    )


def _top_up_sessions(target: int) -> int:
    """Add sessions to reach ``target`` (over the last year, to every published pair), written
    in bulk as the demo seed writes (COPY on PostgreSQL), then rebuild the rollups: bulk writes
    bypass the signals that keep them."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Skill
    from mentoring.demo.bulk import insert
    from pairing.models import Pair
    from sessions_log.models import SessionLog
    from sessions_log.rollups import rebuild_all

    have = SessionLog.objects.count()
    pairs = list(Pair.objects.filter(published_at__isnull=False).values_list("pk", flat=True))
    if have >= target or not pairs:
        return have
    rng = random.Random(7)
    today = timezone.localdate()
    skills = list(Skill.objects.values_list("pk", flat=True))
    for start in range(0, target - have, 200_000):
        logs = [
            (
                rng.choice(pairs),
                today - timedelta(days=rng.randrange(365)),
                rng.choice([30, 45, 60, 60, 90]),
                rng.choice(["reverse", "forward", "both"]),
            )
            for _ in range(min(200_000, target - have - start))
        ]
        with transaction.atomic():
            ids = insert(
                SessionLog,
                ["pair_id", "held_on", "minutes", "direction"],
                logs,
                returning_ids=True,
            )
            for way in ("reverse", "forward"):
                insert(
                    getattr(SessionLog, f"skills_{way}").through,
                    ["sessionlog_id", "skill_id"],
                    [
                        (pk, rng.choice(skills))
                        for pk, log in zip(ids, logs, strict=True)
                        if log[3] in (way, "both")
                    ],
                )
    rebuild_all()
    return SessionLog.objects.count()


def vacuum_analyse() -> None:
    """Fresh planner statistics and visibility maps after the bulk seed, as autovacuum gives a
    live database soon after: with no statistics PostgreSQL guesses one row per table and
    picks nested loops that cost a cold render most of a second, and index-only scans need
    the visibility map."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


class _BackendClock:
    """CPU time of this connection's PostgreSQL backend, from /proc when the server runs on
    this machine (else None)."""

    def __init__(self) -> None:
        from django.db import connection

        self.path: str | None = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.path = f"/proc/{cursor.fetchone()[0]}/stat"
            if not os.access(self.path, os.R_OK):
                self.path = None

    def ms(self) -> float | None:
        if self.path is None:
            return None
        fields = open(self.path).read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def _time(client, path: str, *, cold: str = "") -> tuple[float, float | None, int]:
    """Median wall ms and CPU ms of RENDERS renders, and the queries of the last. Cold
    "session": the data version is bumped first, as after a logged session (most writes);
    cold "roster": after a department change, which moves the roster's version too;
    warm (""): served from the dashboard cache."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mentoring.dashboard import cache as dashboard_cache

    client.get(path)  # warm Python and database caches, as a running server would be
    backend = _BackendClock()
    walls, cpus = [], []
    moved = _movable_profiles()
    for render in range(RENDERS):
        if cold == "session":
            dashboard_cache.bump_activity()
        elif cold == "roster":
            # A person in a pair moves department, saved as the profile form saves it: the
            # roster's version moves and their pairs' roster rows are rewritten.
            profile = moved[render % len(moved)]
            profile.department = "Legal" if profile.department != "Legal" else "Finance"
            profile.save()
        server_before = backend.ms()
        with CaptureQueriesContext(connection) as queries:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(path)
            walls.append((time.perf_counter() - started) * 1000)
            cpu = (time.process_time() - cpu_started) * 1000
        server_after = backend.ms()
        if server_before is not None and server_after is not None:
            cpus.append(cpu + server_after - server_before)
        assert response.status_code == 200, response.status_code
    if cold == "session" and os.environ.get("BENCH_DASHBOARD_QUERIES"):
        # Where a cold render's database time goes: its slowest queries, shortened.
        for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:6]:
            print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:110]}")
    return statistics.median(walls), statistics.median(cpus) if cpus else None, len(queries)


def _movable_profiles() -> list:
    """Profiles of people in published pairs (a few), for the roster's writes."""
    from accounts.models import Profile
    from pairing.models import Pair

    users = Pair.objects.filter(published_at__isnull=False).values("junior__user_id")[:RENDERS]
    return list(Profile.objects.filter(user_id__in=users))


def _measure(seed_people: int) -> bool:
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import User
    from bench import _django
    from mentoring.models import Enrolment
    from sessions_log.models import SessionLog

    call_command("migrate", verbosity=0, interactive=False)
    if seed_people:
        _seed(seed_people)
    vacuum_analyse()
    vendor = _django.database_label()
    # People taking part in the demo's current cohorts (the seed's --participants).
    people = (
        Enrolment.objects.filter(cohort__slug__startswith="autumn-2026")
        .values("user_id")
        .distinct()
        .count()
    )
    size = seed_people or people
    sessions = SessionLog.objects.count()
    budget = _budget_ms(vendor, size)
    ok = True
    for email, label in (("hr@twoway.example", "hr"), ("manager@twoway.example", "manager")):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(email=email))
        for path in ("/dashboard/", "/dashboard/?department=Marketing"):
            cold_ms, cold_cpu, cold_queries = _time(client, path, cold="session")
            roster_ms, _, roster_queries = _time(client, path, cold="roster")
            warm_ms, _, warm_queries = _time(client, path)
            within = (
                max(cold_ms, roster_ms) <= budget
                and max(cold_queries, roster_queries, warm_queries) <= MAX_QUERIES
            )
            ok &= within
            cpu = f"{cold_cpu:.0f}" if cold_cpu is not None else "n/a"
            print(
                f"dashboard: db={vendor} role={label} path={path} participants={size} "
                f"sessions={sessions} cold_ms={cold_ms:.0f} cold_cpu_ms={cpu} "
                f"queries={cold_queries} roster_cold_ms={roster_ms:.0f} "
                f"roster_cold_queries={roster_queries} "
                f"cached_ms={warm_ms:.0f} cached_queries={warm_queries} "
                f"budget_ms={budget:.0f} max_queries={MAX_QUERIES} {load_label()} "
                f"{'ok' if within else 'OVER'}",
                flush=True,
            )
    return ok


if __name__ == "__main__":
    # A size's own process: DATABASE_URL names its database (made afresh by run(), or the
    # one given to measure as it is).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
    import django

    django.setup()
    size, mode = int(sys.argv[1]), sys.argv[2]
    sys.exit(0 if _measure(size if mode == "seed" else 0) else 1)
