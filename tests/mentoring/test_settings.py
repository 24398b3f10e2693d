import os
import subprocess
import sys
from pathlib import Path

import pytest

from mentoring.lib.env import ConfigError, database_config, email_config, env_bool, env_int

ROOT = Path(__file__).resolve().parents[2]


def _start(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTEST_VERSION", "SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL"}
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_missing_secret_key_with_debug_off_stops_start_up_naming_it():
    result = _start({"DEBUG": "0", "ALLOWED_HOSTS": "twoway.example"})
    assert result.returncode != 0
    assert result.stderr.strip() == "Twoway configuration error: SECRET_KEY is required but not set"


def test_a_malformed_database_url_stops_start_up_naming_it():
    result = _start({"DEBUG": "1", "DATABASE_URL": "mysql//nonsense"})
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "DATABASE_URL" in result.stderr


def test_debug_must_be_a_boolean():
    result = _start({"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_production_settings_pass_the_deploy_check():
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50 + "production-secret-key-value",
        "ALLOWED_HOSTS": "twoway.example",
        "TWOWAY_PAIR_HASH_KEY": "y" * 40 + "production-pair-hash-key",
    }
    env_all = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTEST_VERSION", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env_all.update(env)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env_all,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("raw,expected", [("1", True), ("TRUE", True), ("off", False), ("", False)])
def test_booleans_read_the_usual_spellings(raw, expected):
    assert env_bool("FLAG", env={"FLAG": raw}) is expected


def test_numbers_are_checked():
    with pytest.raises(ConfigError, match="RETENTION must be a whole number"):
        env_int("RETENTION", 1, env={"RETENTION": "ten"})
    with pytest.raises(ConfigError, match="at least 1"):
        env_int("RETENTION", 1, minimum=1, env={"RETENTION": "0"})


def test_database_urls_are_parsed_or_refused():
    pg = database_config(
        "DATABASE_URL", "", env={"DATABASE_URL": "postgres://u:p@db.internal:5432/twoway"}
    )
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert pg["NAME"] == "twoway" and pg["HOST"] == "db.internal"
    with pytest.raises(ConfigError, match="DATABASE_URL has a bad port"):
        database_config("DATABASE_URL", "", env={"DATABASE_URL": "postgres://h:port/db"})


def test_email_urls_configure_smtp():
    config = email_config("EMAIL_URL", "", env={"EMAIL_URL": "smtp://me:s%40cret@mail:587?tls=1"})
    assert config["EMAIL_HOST"] == "mail" and config["EMAIL_PORT"] == 587
    assert config["EMAIL_HOST_PASSWORD"] == "s@cret" and config["EMAIL_USE_TLS"]
    with pytest.raises(ConfigError, match="EMAIL_URL must start with"):
        email_config("EMAIL_URL", "", env={"EMAIL_URL": "pigeon://coop"})


@pytest.mark.django_db
def test_a_nul_byte_in_any_field_is_refused_with_a_clear_400(client):
    response = client.get("/accounts/login/?next=%00")
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    response = client.post("/accounts/login/", {"login": "a\x00@example.com", "password": "x"})
    assert response.status_code == 400


def test_manage_py_assumes_debug_but_the_web_server_never_does():
    assert _start({}).returncode == 0  # manage.py check in a bare development checkout
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTEST_VERSION", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    server = subprocess.run(
        [sys.executable, "-c", "import mentoring.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert server.returncode != 0
    assert "SECRET_KEY is required" in server.stderr
