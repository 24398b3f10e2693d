"""`make backup` / `make restore` (the `backup` and `restore` commands): a restore brings back
exactly what was backed up, on SQLite here and on PostgreSQL where one is configured."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _manage(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {
        k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "DATABASE_URL", "DEBUG"}
    }
    env.update({"DEBUG": "1", "DATABASE_URL": database_url})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _people(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT name, note FROM people ORDER BY name").fetchall()


@pytest.fixture
def scratch_sqlite(tmp_path: Path) -> Path:
    path = tmp_path / "site.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE people (name TEXT PRIMARY KEY, note TEXT)")
        db.executemany(
            "INSERT INTO people VALUES (?, ?)",
            [("Asha Okafor", "private: ☕ first"), ("Zoë Lindqvist", "x" * 5000)],
        )
    return path


def test_a_sqlite_restore_brings_back_exactly_what_was_backed_up(scratch_sqlite, tmp_path):
    url = f"sqlite:///{scratch_sqlite}"
    before = _people(scratch_sqlite)
    dump = tmp_path / "backups" / "twoway.dump"
    made = _manage(url, "backup", str(dump))
    assert made.returncode == 0, made.stderr
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600  # personal data: owner only
    with sqlite3.connect(scratch_sqlite) as db:
        db.execute("DELETE FROM people WHERE name = 'Asha Okafor'")
        db.execute("INSERT INTO people VALUES ('Intruder', 'added after the backup')")
    restored = _manage(url, "restore", str(dump), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert _people(scratch_sqlite) == before


def test_restore_asks_first_and_a_no_changes_nothing(scratch_sqlite, tmp_path):
    url = f"sqlite:///{scratch_sqlite}"
    dump = tmp_path / "twoway.dump"
    assert _manage(url, "backup", str(dump)).returncode == 0
    with sqlite3.connect(scratch_sqlite) as db:
        db.execute("DELETE FROM people")
    declined = _manage(url, "restore", str(dump), stdin="no\n")
    assert declined.returncode == 1 and "Nothing restored" in declined.stderr
    assert _people(scratch_sqlite) == []


def test_restoring_a_file_that_is_not_a_backup_is_refused_and_changes_nothing(
    scratch_sqlite, tmp_path
):
    before = _people(scratch_sqlite)
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    result = _manage(f"sqlite:///{scratch_sqlite}", "restore", str(junk), "--yes")
    assert result.returncode == 1
    assert "is not an SQLite backup" in result.stderr
    assert _people(scratch_sqlite) == before
    missing = _manage(f"sqlite:///{scratch_sqlite}", "restore", str(tmp_path / "nope"), "--yes")
    assert missing.returncode == 1 and "No backup file" in missing.stderr


def test_backup_without_a_file_writes_a_timestamped_one_under_var_backups(
    scratch_sqlite, tmp_path, monkeypatch
):
    monkeypatch.setenv("TWOWAY_VAR_DIR", str(tmp_path / "var"))
    result = _manage(f"sqlite:///{scratch_sqlite}", "backup")
    assert result.returncode == 0, result.stderr
    (written,) = (tmp_path / "var" / "backups").glob("twoway-*.dump")
    assert written.read_bytes().startswith(b"SQLite format 3")


def test_the_makefile_offers_backup_and_restore_with_a_file_argument():
    makefile = (ROOT / "Makefile").read_text()
    assert "\nbackup:" in makefile and "\nrestore:" in makefile
    assert "$(FILE)" in makefile


_PG_URL = os.environ.get("DATABASE_URL", "")


@pytest.mark.skipif(
    not _PG_URL.startswith(("postgres://", "postgresql://")) or not shutil.which("pg_dump"),
    reason="needs DATABASE_URL pointing to PostgreSQL and pg_dump",
)
def test_a_postgresql_restore_brings_back_exactly_what_was_backed_up(tmp_path):
    import psycopg

    # A scratch database of this test's own, so a shared server's other users are untouched.
    name = f"twoway_backup_test_{uuid.uuid4().hex[:12]}"
    server = urlparse(_PG_URL)
    admin_url = urlunparse(server._replace(path="/postgres"))
    scratch_url = urlunparse(server._replace(path=f"/{name}"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(scratch_url, autocommit=True) as db:
            db.execute("CREATE TABLE people (name text PRIMARY KEY, note text)")
            db.execute("INSERT INTO people VALUES ('Asha Okafor', 'private ☕'), ('Zoë', 'x')")
        dump = tmp_path / "twoway.dump"
        made = _manage(scratch_url, "backup", str(dump))
        assert made.returncode == 0, made.stderr
        with psycopg.connect(scratch_url, autocommit=True) as db:
            db.execute("DELETE FROM people WHERE name = 'Zoë'")
            db.execute("CREATE TABLE added_later (id int)")
        restored = _manage(scratch_url, "restore", str(dump), "--yes")
        assert restored.returncode == 0, restored.stderr
        with psycopg.connect(scratch_url) as db:
            rows = db.execute("SELECT name, note FROM people ORDER BY name").fetchall()
        assert rows == [("Asha Okafor", "private ☕"), ("Zoë", "x")]
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
