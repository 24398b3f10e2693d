"""Twoway settings: one file, everything that differs between machines comes from the environment.

See README.md ("Configuration") for every variable.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF

from mentoring.lib.env import (
    ConfigError,
    database_config,
    email_config,
    env_bool,
    env_int,
    env_list,
    env_str,
    redis_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TWOWAY_VAR_DIR", BASE_DIR / "var"))

# pytest (8.2+) announces itself; tests get a throwaway key without weakening production.
TESTING = "PYTEST_VERSION" in os.environ

try:
    DEBUG = env_bool("DEBUG", False)
    if DEBUG or TESTING:
        SECRET_KEY = env_str(
            "SECRET_KEY", "twoway-insecure-development-key-do-not-use-in-production"
        )
    else:
        SECRET_KEY = env_str("SECRET_KEY")
        if len(SECRET_KEY) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters with DEBUG off")
    ALLOWED_HOSTS = env_list(
        "ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG or TESTING else []
    )
    if not DEBUG and not TESTING and not ALLOWED_HOSTS:
        raise ConfigError("ALLOWED_HOSTS must list this site's host names with DEBUG off")
    DATABASES = {"default": database_config("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        # The web server, worker and beat share one file: WAL and immediate transactions keep
        # them from tripping over each other's locks.
        DATABASES["default"]["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    REDIS_URL = redis_url("REDIS_URL")
    _email = email_config("EMAIL_URL", "console://")
    SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    REQUIRE_MFA_FOR_HR = env_bool("TWOWAY_REQUIRE_MFA_FOR_HR", False)
    RETENTION_DAYS = env_int("TWOWAY_RETENTION_DAYS", 365, minimum=1)
    # Keys the hashes of past pairs that outlive the retention purge (DESIGN.md "Never again").
    # Separate from SECRET_KEY: rotating that one must not forget who was paired with whom.
    if DEBUG or TESTING:
        PAIR_HASH_KEY = env_str("TWOWAY_PAIR_HASH_KEY", "twoway-dev-pair-hash:" + SECRET_KEY)
    else:
        PAIR_HASH_KEY = env_str("TWOWAY_PAIR_HASH_KEY")
        if len(PAIR_HASH_KEY) < 32 or PAIR_HASH_KEY == SECRET_KEY:
            raise ConfigError(
                "TWOWAY_PAIR_HASH_KEY must be at least 32 characters and differ from SECRET_KEY"
            )
    # Pairing: the biggest cohort (junior places x senior places) a run may hand to the engine,
    # and how long a running run may stay silent before its worker counts as dead. The engine's
    # memory follows the candidates, not the cohort (`make bench`: 20,000 x 20,000 in ~14 s of
    # CPU and ~0.4 GB; 50,000 x 50,000 in ~3 minutes and ~1.1 GB).
    PAIRING_MAX_CELLS = env_int("TWOWAY_PAIRING_MAX_CELLS", 400_000_000, minimum=1)
    PAIRING_HEARTBEAT_SECONDS = env_int("TWOWAY_PAIRING_HEARTBEAT_SECONDS", 10, minimum=1)
    PAIRING_DEAD_AFTER_SECONDS = env_int("TWOWAY_PAIRING_DEAD_AFTER_SECONDS", 300, minimum=30)
    PAIRING_QUEUED_TIMEOUT_SECONDS = env_int(
        "TWOWAY_PAIRING_QUEUED_TIMEOUT_SECONDS", 3600, minimum=60
    )
    # /healthz fails when reminders have not been swept for this long (beat sweeps every minute).
    HEALTH_SWEEP_MAX_AGE_SECONDS = env_int("TWOWAY_HEALTH_SWEEP_MAX_AGE_SECONDS", 300, minimum=60)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
    if OIDC_CLIENT_ID:
        OIDC_SERVER_URL = env_str("OIDC_SERVER_URL")
        OIDC_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
        OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "Company SSO")
except ConfigError as exc:
    # One line naming the variable, not a traceback through Django's machinery.
    sys.stderr.write(f"Twoway configuration error: {exc}\n")
    raise SystemExit(2) from None

globals().update(_email)
# Reliability tests and `make bench` count deliveries across processes: one line per message.
MAIL_SINK_PATH = os.environ.get("TWOWAY_MAIL_SINK", "")
if MAIL_SINK_PATH:
    EMAIL_BACKEND = "tests.mail_sink.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Twoway <twoway@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "accounts",
    "mentoring",
    "pairing",
    "sessions_log",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "mentoring.lib.middleware.RejectNulBytesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.AdoptEarlierSignInsMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireMfaForHrMiddleware",
]

ROOT_URLCONF = "mentoring.urls"
WSGI_APPLICATION = "mentoring.wsgi.application"
ASGI_APPLICATION = "mentoring.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's, reading the person's profile with them (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Shared cache: Redis when configured, otherwise a database table every process can see, so the
# login rate limit holds across gunicorn workers either way. While Redis is unreachable the
# default cache serves from that table (mentoring.lib.cache): rate limits still hold, no 500s.
_DATABASE_CACHE = {
    "BACKEND": "mentoring.lib.cache.UpsertDatabaseCache",
    "LOCATION": "twoway_cache",
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "mentoring.lib.cache.FailSafeRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "twoway",
            "FALLBACK": "database",
        },
        "database": _DATABASE_CACHE,
        # Sessions, read from Redis on every request and written through to their table. No
        # fallback: while Redis is away a session is read from its table, not from a cache row.
        "sessions": {
            "BACKEND": "mentoring.lib.cache.FailSafeRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "twoway",
        },
    }
    SESSION_ENGINE = "mentoring.lib.sessions"
    SESSION_CACHE_ALIAS = "sessions"
else:
    CACHES = {"default": _DATABASE_CACHE, "database": _DATABASE_CACHE}

# allauth: email is the login, sign-up only through an HR invitation.
ACCOUNT_ADAPTER = "accounts.adapters.InviteOnlyAccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.InviteOnlySocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "5/5m/key,20/5m/ip",
    "reset_password": "5/m/ip,3/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG or TESTING else "https"
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "/accounts/login/"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Twoway"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_PROVIDERS: dict = {}
if OIDC_CLIENT_ID:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": "sso",
                "name": OIDC_PROVIDER_NAME,
                "client_id": OIDC_CLIENT_ID,
                "secret": OIDC_CLIENT_SECRET,
                "settings": {"server_url": OIDC_SERVER_URL},
            }
        ],
        "OAUTH_PKCE_ENABLED": True,
    }

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# Security: production-grade whenever DEBUG is off.
SESSION_COOKIE_HTTPONLY = True
# Plain http on one's own machine needs these off explicitly (README, "Production").
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG and not TESTING)
CSRF_FAILURE_VIEW = "mentoring.views.csrf_failure"
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
# Whether a request came over https is gunicorn's call: it believes X-Forwarded-Proto only from
# the proxies in FORWARDED_ALLOW_IPS and sets the scheme. Django believing the header from anyone
# would let any client claim https; a server without that filter opts in here.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https")
    if env_bool("TWOWAY_TRUST_X_FORWARDED_PROTO", False)
    else None
)
# The container health check asks over plain http from inside; it reveals nothing.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # HSTS preload is the operator's choice

# No inline script, no eval: htmx is configured through a <meta> tag with allowEval off.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF] + ([OIDC_SERVER_URL] if OIDC_CLIENT_ID else []),
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Celery: Redis in production; with no REDIS_URL a filesystem broker needs no server at all.
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND: str | None = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600}
else:
    _queue = VAR_DIR / "celery"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue / "out"),
        "data_folder_out": str(_queue / "out"),
        "processed_folder": str(_queue / "processed"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Pairing can hold a worker for minutes and much memory: it has a queue and a worker of its own,
# so reminders on the default queue ("celery") never wait behind it.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "pairing.tasks.run_pairing": {"queue": "pairing"},
    "pairing.tasks.shortlist_prepare": {"queue": "pairing"},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    "send-due-reminders": {
        "task": "mentoring.outbox.tasks.send_due_messages",
        "schedule": 60.0,
        "kwargs": {"helpers": 1},
    },
    "scan-quiet-pairs": {"task": "sessions_log.tasks.scan_quiet_pairs", "schedule": 3600.0},
    "schedule-surveys-due": {"task": "sessions_log.tasks.schedule_surveys_due", "schedule": 3600.0},
    # DESIGN.md "Privacy rules": closed cohorts past TWOWAY_RETENTION_DAYS, once a day.
    "purge-expired": {"task": "mentoring.privacy.tasks.purge_expired", "schedule": 86400.0},
    # On the default queue on purpose: a dead or busy pairing worker must not hide itself.
    "fail-dead-pairing-runs": {"task": "pairing.tasks.fail_dead_runs", "schedule": 60.0},
    # An import whose worker died is failed even if nobody opens its page.
    "fail-stale-import-jobs": {"task": "mentoring.imports.tasks.fail_stale_jobs", "schedule": 60.0},
    # The dashboard's rosters built whole, rewriting only rows that differ: the net for a
    # write that left no mark (mentoring/dashboard/roster.py).
    "rebuild-dashboard-rosters": {
        "task": "mentoring.dashboard.tasks.rebuild_dashboard_rosters",
        "schedule": 600.0,
    },
    # HR's daily digest (re-match requests, people waiting, quiet pairs), each morning in the
    # site's time zone; the outbox's dedupe key keeps it to one a day if beat runs twice.
    "hr-digest": {
        "task": "pairing.tasks.schedule_hr_digest",
        "schedule": crontab(hour=7, minute=0),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
