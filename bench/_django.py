"""Shared set-up for benchmarks that need Django: a throwaway database of their own."""

from __future__ import annotations

import os
import tempfile
from urllib.parse import urlparse, urlunparse

_ready = False


def fresh_database_url(label: str, base_url: str | None = None) -> str:
    """A new, empty database: a temporary SQLite file, or with a PostgreSQL URL, a
    `<name>_<label>` database on that server, dropped and created anew."""
    url = os.environ.get("DATABASE_URL", "") if base_url is None else base_url
    if url.startswith(("postgres://", "postgresql://")):
        parsed = urlparse(url)
        bench_db = (parsed.path.lstrip("/") or "twoway") + f"_{label}"
        import psycopg

        admin = urlunparse(parsed._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{bench_db}"')
            conn.execute(f'CREATE DATABASE "{bench_db}"')
        return urlunparse(parsed._replace(path=f"/{bench_db}"))
    path = os.path.join(tempfile.mkdtemp(prefix=f"twoway-{label}-"), "bench.sqlite3")
    return f"sqlite:///{path}"


def setup(label: str) -> None:
    """Point this process's Django at a fresh database (see fresh_database_url) and migrate.
    Benchmarks run in one process share it; one that needs an empty database of its own uses
    fresh_database_url in a subprocess."""
    global _ready, _original_url
    if _ready:
        return
    os.environ.setdefault("DEBUG", "1")
    _original_url = os.environ.get("DATABASE_URL", "")
    os.environ["DATABASE_URL"] = fresh_database_url("bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    _ready = True


_original_url: str | None = None


def original_database_url() -> str:
    """DATABASE_URL as the user gave it, before setup() pointed it at the bench database."""
    return os.environ.get("DATABASE_URL", "") if _original_url is None else _original_url


def database_label() -> str:
    from django.db import connection

    return connection.vendor
