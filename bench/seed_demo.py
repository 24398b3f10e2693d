"""seed_demo with 5,000 participants must finish in under a minute (DESIGN.md)."""

from __future__ import annotations

import time

BUDGET_SECONDS = 60.0


def run() -> bool:
    from bench import _django

    _django.setup("seed")
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("seed_demo", participants=5000, verbosity=0, stdout=open("/dev/null", "w"))
    seconds = time.perf_counter() - started
    ok = seconds <= BUDGET_SECONDS
    print(f"seed_demo: db={_django.database_label()} participants=5000 seconds={seconds:.2f} budget={BUDGET_SECONDS:.0f} "
          f"{'ok' if ok else 'OVER'}")
    return ok
