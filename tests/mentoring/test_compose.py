"""docker-compose.yml describes the production shape (issue 2): validate it with the compose
tool where one is installed (CI installs it), and check the services it must have."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if (
        shutil.which("docker")
        and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0
    ):
        return ["docker", "compose"]
    return None


def _config(*args: str) -> subprocess.CompletedProcess:
    tool = _compose()
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install docker-compose to validate docker-compose.yml")
        pytest.skip("no docker compose tool here (apt-get install docker-compose)")
    # Only what compose needs: a variable of the caller's (SECURE_SSL_REDIRECT=0 in a shell,
    # say) must not hide the file's own defaults from the test.
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "SECRET_KEY": "compose-validation-only",
        "TWOWAY_PAIR_HASH_KEY": "compose-validation-only",
    }
    return subprocess.run(
        [*tool, "-f", "docker-compose.yml", "config", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _command(service: dict) -> str:
    """A service's command as one line, whether compose renders it as a string or a list."""
    command = service["command"]
    return " ".join(command.split() if isinstance(command, str) else command)


@pytest.fixture(scope="module")
def services() -> dict:
    rendered = _config()
    assert rendered.returncode == 0, rendered.stderr
    return yaml.safe_load(rendered.stdout)["services"]


def test_compose_file_validates_and_has_the_production_services(services):
    assert _config("-q").returncode == 0
    assert set(services) == {
        "web",
        "worker",
        "pairing-worker",
        "beat",
        "db",
        "redis",
        "mailpit",
    }
    web_command = _command(services["web"])
    assert "gunicorn mentoring.wsgi:application" in web_command
    assert "manage.py migrate" in web_command
    assert all("healthcheck" in service for service in services.values())


def test_compose_is_secure_without_edits(services):
    app_services = ("web", "worker", "pairing-worker", "beat")
    for name in app_services:
        env = services[name]["environment"]
        assert env["DEBUG"] == "0"
        assert env["SECURE_SSL_REDIRECT"] == "1"
        assert int(env["SECURE_HSTS_SECONDS"]) >= 31536000
        assert env["SESSION_COOKIE_SECURE"] == "1" and env["CSRF_COOKIE_SECURE"] == "1"
        assert env["SITE_URL"].startswith("https://")
        assert "*" not in env["FORWARDED_ALLOW_IPS"]
    web_command = _command(services["web"])
    assert "forwarded-allow-ips" not in web_command  # gunicorn reads FORWARDED_ALLOW_IPS
    for name in ("web", "mailpit"):
        for port in services[name]["ports"]:
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} on every address"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--forwarded-allow-ips" not in dockerfile


def test_web_health_check_asks_healthz(services):
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "outbox_sweep" in " ".join(services["beat"]["healthcheck"]["test"])


def test_pairing_has_a_worker_of_its_own_and_reminders_another(services):
    default = _command(services["worker"])
    pairing = _command(services["pairing-worker"])
    assert "-Q celery" in default and "pairing" not in default
    assert "-Q pairing" in pairing
