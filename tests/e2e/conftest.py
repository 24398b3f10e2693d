"""Browser tests: Playwright drives the system Chromium against a live server.

Every page a test visits is checked by `page_checks`: axe-core finds no serious or critical
accessibility violation, the browser asked no other host for anything, and the console showed
no error. Without a Chromium the tests skip with a message, except in CI, where they fail.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are
# ordinary blocking calls, so Django's async guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text()
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs Chromium at {CHROMIUM}: apt-get install -y chromium")
        pytest.skip(
            f"no Chromium at {CHROMIUM} (apt-get install -y chromium); browser tests skipped"
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe is injected as a script; the site's CSP forbids inline script, so the test browser
    # (and only it) bypasses CSP to load the checker.
    return {
        **browser_context_args,
        "bypass_csp": True,
        "locale": "en-GB",
        "timezone_id": "Europe/London",
    }


class PageChecks:
    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.host = urlparse(base_url).netloc
        self.foreign_requests: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", self._on_request)
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))

    def _on_request(self, request) -> None:
        url = urlparse(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.netloc != self.host:
            self.foreign_requests.append(request.url)

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def check(self) -> None:
        """Run axe on the current page and fail on anything a user would be hurt by."""
        self.page.wait_for_load_state("load")
        self.page.evaluate(AXE)
        result = self.page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(
                n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                for n in v["nodes"][:3]
            )
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not serious, f"accessibility violations on {self.page.url}: {serious}"
        assert not self.foreign_requests, f"requests to other hosts: {self.foreign_requests}"
        assert not self.console_errors, f"console errors on {self.page.url}: {self.console_errors}"


@pytest.fixture
def checked_page(page, live_server):
    """A Playwright page whose every visit can be checked with `checked_page.checks.check()`."""
    page.checks = PageChecks(page, live_server.url)
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def demo_org(transactional_db, settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", participants=20, verbosity=0)
    settings.DEBUG = False


def log_in(page, base_url: str, email: str, password: str = "twoway-demo") -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{base_url}/")
