"""Container health checks: `healthcheck` runs /healthz's checks in-process (or some of them),
`healthcheck --http URL` asks a running web server. Exit status 0 healthy, 1 not."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentoring.health import CHECKS, run_checks


def _host_header() -> str:
    """A Host the site accepts: the check comes from inside the container, by IP."""
    for host in settings.ALLOWED_HOSTS:
        if host != "*":
            return host.lstrip(".")
    return "localhost"


class Command(BaseCommand):
    help = "Check the database, cache, broker and last outbox sweep; exit 1 when one fails."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("checks", nargs="*", help=f"some of {', '.join(CHECKS)}; default all")
        parser.add_argument("--http", metavar="URL", help="ask this /healthz URL instead")

    def handle(self, *args, checks: list[str], http: str | None, **options) -> None:
        unknown = sorted(set(checks) - set(CHECKS))
        if unknown:
            raise CommandError(f"no such check: {', '.join(unknown)} (known: {', '.join(CHECKS)})")
        if http:
            if not http.startswith(("http://", "https://")):
                raise CommandError("--http takes an http(s) URL")
            results = self._over_http(http)
        else:
            results = run_checks(checks or None)
        self.stdout.write(json.dumps(results))
        if not all(result.get("ok") for result in results.values()):
            raise CommandError(
                "unhealthy: " + ", ".join(n for n, r in results.items() if not r["ok"])
            )

    def _over_http(self, url: str) -> dict:
        request = urllib.request.Request(url, headers={"Host": _host_header()})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                body = response.read()
        except urllib.error.HTTPError as exc:
            body = exc.read()
        except (urllib.error.URLError, OSError) as exc:
            raise CommandError(f"{url} did not answer: {exc}") from None
        try:
            return json.loads(body)["checks"]
        except (ValueError, KeyError, TypeError):
            raise CommandError(f"{url} did not answer with health checks") from None
