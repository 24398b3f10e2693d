"""Shared set-up for benchmarks that need Django: a throwaway database of their own."""

from __future__ import annotations

import os
import tempfile
from urllib.parse import urlparse, urlunparse

_ready = False


def setup(label: str) -> None:
    """Point Django at a fresh database: a temporary SQLite file, or with DATABASE_URL set to
    PostgreSQL, a `<name>_bench` database on that server, dropped and created anew."""
    global _ready
    if _ready:
        return
    os.environ.setdefault("DEBUG", "1")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parsed = urlparse(url)
        bench_db = (parsed.path.lstrip("/") or "twoway") + "_bench"
        import psycopg

        admin = urlunparse(parsed._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{bench_db}"')
            conn.execute(f'CREATE DATABASE "{bench_db}"')
        os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path=f"/{bench_db}"))
    else:
        path = os.path.join(tempfile.mkdtemp(prefix=f"twoway-bench-{label}-"), "bench.sqlite3")
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    _ready = True


def database_label() -> str:
    from django.db import connection

    return connection.vendor
