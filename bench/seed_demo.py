"""seed_demo with 5,000 participants must finish in under a minute (DESIGN.md), on an empty,
migrated database of its own (other benchmarks in the same run seed theirs first), and seed
again in no time (it is idempotent). `BENCH_SEED_PEOPLE=5000,50000` also seeds 50,000
participants (ten groups of cohorts, "in minutes": within 5 minutes), e.g.
`BENCH_SEED_PEOPLE=5000,50000 DEBUG=1 python -m bench seed_demo`. Times are wall-clock, with
the machine's load and the seed process's own CPU time beside them (the database's work is
in the wall time only)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

BUDGET_SECONDS = {5000: 60.0, 50000: 300.0}
ROOT = Path(__file__).resolve().parent.parent


def _sizes() -> list[int]:
    return [int(size) for size in os.environ.get("BENCH_SEED_PEOPLE", "5000").split(",")]


def _seed(manage: list[str], env: dict, people: int) -> tuple[float, float]:
    """Wall seconds and the seed process's CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [*manage, "seed_demo", "--participants", str(people)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.perf_counter() - started, cpu


def run() -> bool:
    from bench import _django
    from bench.dashboard import load_label

    ok = True
    for people in _sizes():
        url = _django.fresh_database_url(f"seed{people}", _django.original_database_url())
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        seconds, cpu = _seed(manage, env, people)
        load = load_label()
        rerun, _ = _seed(manage, env, people)
        budget = BUDGET_SECONDS.get(people, 60.0 * people / 5000)
        within = seconds <= budget
        ok &= within
        db = "postgresql" if url.startswith("postgres") else "sqlite"
        print(
            f"seed_demo: db={db} participants={people} seconds={seconds:.1f} "
            f"cpu_seconds={cpu:.1f} second_run_seconds={rerun:.1f} budget={budget:.0f} "
            f"{load} {'ok' if within else 'OVER'}",
            flush=True,
        )
    return ok
