"""Back up and restore the site's database: `pg_dump -Fc` / `pg_restore --clean` for
PostgreSQL, SQLite's online backup (what `sqlite3 .backup` does) for SQLite. `make backup` and
`make restore` call the `backup` and `restore` commands, which call these.

A backup holds everybody's personal data and private notes: files are written readable by
their owner only."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"


class BackupError(RuntimeError):
    """A backup or restore that did not happen; the message says why."""


def _engine(config: Mapping[str, Any]) -> str:
    engine = config["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")


def _pg_env(config: Mapping[str, Any]) -> dict[str, str]:
    """libpq reads the connection from the environment: no password on a command line."""
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if config.get(key):
            env[variable] = str(config[key])
    sslmode = (config.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools).")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-1000:]}")


def backup(config: Mapping[str, Any], path: Path) -> Path:
    """Write a consistent copy of the database to ``path`` (its folder is created)."""
    kind = _engine(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    # Created private before anything is written into it.
    partial.touch(mode=0o600)
    try:
        if kind == "sqlite":
            source = sqlite3.connect(str(config["NAME"]))
            target = sqlite3.connect(str(partial))
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            _run(["pg_dump", "-Fc", "--no-owner", "-f", str(partial)], _pg_env(config))
        os.chmod(partial, 0o600)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def restore(config: Mapping[str, Any], path: Path) -> None:
    """Replace the database's contents with the backup at ``path``."""
    kind = _engine(config)
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    with path.open("rb") as handle:
        header = handle.read(16)
    if kind == "sqlite":
        if header != SQLITE_HEADER:
            raise BackupError(f"{path} is not an SQLite backup.")
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(str(config["NAME"]), timeout=30)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    if not header.startswith(PG_CUSTOM_HEADER):
        raise BackupError(f"{path} is not a PostgreSQL backup (pg_dump -Fc).")
    env = _pg_env(config)
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "-d",
            env.get("PGDATABASE", ""),
            str(path),
        ],
        env,
    )
