"""Typed readers for settings that come from the environment.

Each reader fails loudly with :class:`ConfigError`, whose message names the variable, so a
mistyped value stops start-up with one clear line instead of a surprise later.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlparse

if TYPE_CHECKING:
    from dj_database_url import DBConfig

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A setting from the environment is missing or malformed."""


def env_str(name: str, default: str | None = None, *, env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    value = env.get(name)
    if value is None or value == "":
        if default is None:
            raise ConfigError(f"{name} is required but not set")
        return default
    return value


def env_bool(name: str, default: bool = False, *, env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be a boolean (1/0, true/false, yes/no, on/off), got {raw!r}")


def env_int(
    name: str, default: int, *, minimum: int | None = None, env: Mapping[str, str] | None = None
) -> int:
    env = os.environ if env is None else env
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str], *, env: Mapping[str, str] | None = None) -> list[str]:
    env = os.environ if env is None else env
    raw = env.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_config(name: str, default: str, *, env: Mapping[str, str] | None = None) -> DBConfig:
    """Parse a database URL (postgres://, postgresql://, sqlite:///) into Django's dict."""
    import dj_database_url

    url = env_str(name, default, env=env)
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ConfigError(
            f"{name} must look like postgres://user:pass@host:5432/db or sqlite:///path, got {url!r}"
        )
    if scheme != "sqlite":
        try:
            urlparse(url).port  # noqa: B018 - raises ValueError on a bad port
        except ValueError:
            raise ConfigError(f"{name} has a bad port: {url!r}") from None
    try:
        config = dj_database_url.parse(url, conn_max_age=60 if scheme != "sqlite" else 0)
    except Exception as exc:  # dj_database_url raises several kinds on garbage
        raise ConfigError(f"{name} is malformed: {exc}") from None
    if scheme != "sqlite" and not config.get("NAME"):
        raise ConfigError(f"{name} must name a database, got {url!r}")
    return config


def redis_url(name: str, *, env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    url = env.get(name, "").strip()
    if not url:
        return None
    parsed = urlparse(url)
    if parsed.scheme not in {"redis", "rediss", "unix"}:
        raise ConfigError(f"{name} must look like redis://host:6379/0, got {url!r}")
    try:
        parsed.port  # noqa: B018
    except ValueError:
        raise ConfigError(f"{name} has a bad port: {url!r}") from None
    return url


def email_config(name: str, default: str, *, env: Mapping[str, str] | None = None) -> dict:
    """Parse EMAIL_URL: smtp://user:pass@host:587?tls=1, smtps://…, console://, locmem://,
    file:///path/to/dir, dummy://.

    Kept by hand on purpose: measured on 2026-11-30, dj-email-url 1.0.6 and django-environ 0.14
    both drop the leading slash of a file:// path (file:///var/mail becomes var/mail) and read
    smtps:// as STARTTLS rather than implicit TLS, so either would silently change a working
    configuration. Re-check when either releases a fix."""
    url = env_str(name, default, env=env)
    parsed = urlparse(url)
    backends = {
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "file": "django.core.mail.backends.filebased.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
    }
    if parsed.scheme not in backends:
        raise ConfigError(
            f"{name} must start with one of {', '.join(sorted(backends))}://, got {url!r}"
        )
    config: dict = {"EMAIL_BACKEND": backends[parsed.scheme]}
    if parsed.scheme in {"smtp", "smtps"}:
        if not parsed.hostname:
            raise ConfigError(f"{name} must name a host, got {url!r}")
        try:
            port = parsed.port
        except ValueError:
            raise ConfigError(f"{name} has a bad port: {url!r}") from None
        query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        config.update(
            EMAIL_HOST=parsed.hostname,
            EMAIL_PORT=port or (465 if parsed.scheme == "smtps" else 25),
            EMAIL_HOST_USER=unquote(parsed.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parsed.password or ""),
            EMAIL_USE_SSL=parsed.scheme == "smtps",
            EMAIL_USE_TLS=query.get("tls", "").lower() in _TRUE,
        )
    if parsed.scheme == "file":
        config["EMAIL_FILE_PATH"] = parsed.path
    return config
