"""Pages under load (DESIGN.md performance budgets): gunicorn with 4 workers on 127.0.0.1
against the 5,000-person demo, 32 concurrent users for 20 s, each logged in as one of the demo
roles; prints p50/p95 of the home, pair and dashboard pages per role and the errors. Budget:
p95 <= 300 ms, no errors.

Bounded: a fixed number of threads for a fixed time, loopback only, against a server this
benchmark starts and stops. Its own database, seeded first (about a minute); set
`BENCH_LOAD_DATABASE_URL` to reuse a database already seeded with `seed_demo --participants
5000`, `BENCH_LOAD_USERS` / `BENCH_LOAD_SECONDS` to change the load (defaults 32 and 20)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_P95_MS = 300.0
WORKERS = 4
PASSWORD = "twoway-demo"
ROLES = {
    "hr": "hr@twoway.example",
    "manager": "manager@twoway.example",
    "junior": "junior@twoway.example",
    "senior": "senior@twoway.example",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def _log_in(base: str, email: str) -> urllib.request.OpenerDirector:
    opener = _opener()
    page = opener.open(f"{base}/accounts/login/", timeout=30).read().decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if found is None:
        raise RuntimeError(f"No CSRF token on {base}/accounts/login/: is the site up?")
    token = found.group(1)
    data = urllib.parse.urlencode(
        {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - base is our own http://127.0.0.1 server
        f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
    )
    opener.open(request, timeout=30).read()
    return opener


def _pages(base: str, role: str, opener) -> dict[str, str]:
    """The pages each role uses: home, their pair page (participants), the dashboard (HR and
    managers)."""
    pages = {"home": "/"}
    if role in ("hr", "manager"):
        pages["dashboard"] = "/dashboard/"
    else:
        home = opener.open(f"{base}/", timeout=30).read().decode()
        found = re.search(r'href="(/sessions/pair/\d+/)"', home)
        if found:
            pages["pair"] = found.group(1)
    return pages


def _wait_until_up(base: str, server: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited before answering")
        try:
            urllib.request.urlopen(f"{base}/accounts/login/", timeout=2).read()  # noqa: S310
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {seconds:.0f} s")


def _database() -> str:
    if url := os.environ.get("BENCH_LOAD_DATABASE_URL"):
        _analyse(url)
        return url
    from bench import _django

    url = _django.fresh_database_url("load", _django.original_database_url())
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [*manage, "seed_demo", "--participants", "5000"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    _analyse(url)
    return url


def _analyse(url: str) -> None:
    """Planner statistics after the bulk seed (autovacuum's job on a live database, which a
    just-seeded one has not had yet): without them PostgreSQL plans nested loops and JIT."""
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run() -> bool:
    users = int(os.environ.get("BENCH_LOAD_USERS", "32"))
    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "20"))
    url = _database()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",  # as in production: no query log, no debug pages
        "SECRET_KEY": "bench-load-not-a-secret-" + "x" * 40,
        "TWOWAY_PAIR_HASH_KEY": os.environ.get("TWOWAY_PAIR_HASH_KEY", "bench-load-" + "k" * 40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        # Production's hashed static files need collecting; into a directory of the bench's own.
        "TWOWAY_VAR_DIR": tempfile.mkdtemp(prefix="twoway-load-"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "mentoring.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_until_up(base, server)
        sessions = {role: _log_in(base, email) for role, email in ROLES.items()}
        pages = {role: _pages(base, role, opener) for role, opener in sessions.items()}
        for role, opener in sessions.items():  # one warm-up round: every worker imports
            for path in pages[role].values():
                for _ in range(WORKERS):
                    opener.open(f"{base}{path}", timeout=30).read()
        timings: dict[tuple[str, str], list[float]] = defaultdict(list)
        errors: dict[tuple[str, str], int] = defaultdict(int)
        lock = threading.Lock()
        stop_at = time.monotonic() + seconds
        roles = list(ROLES)

        def user(number: int) -> None:
            role = roles[number % len(roles)]
            opener, mine = sessions[role], list(pages[role].items())
            turn = number
            while time.monotonic() < stop_at:
                name, path = mine[turn % len(mine)]
                turn += 1
                started = time.perf_counter()
                try:
                    response = opener.open(f"{base}{path}", timeout=30)
                    response.read()
                    ok = response.status == 200 and "/accounts/login/" not in response.url
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    ok = False
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    timings[(role, name)].append(elapsed)
                    if not ok:
                        errors[(role, name)] += 1

        threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)

    from bench.dashboard import load_label

    ok = True
    db = "postgresql" if url.startswith("postgres") else "sqlite"
    for (role, name), values in sorted(timings.items()):
        p50, p95 = statistics.median(values), _percentile(values, 0.95)
        within = p95 <= BUDGET_P95_MS and not errors[(role, name)]
        ok &= within
        print(
            f"load: db={db} users={users} seconds={seconds:.0f} workers={WORKERS} role={role} "
            f"page={name} requests={len(values)} p50_ms={p50:.0f} p95_ms={p95:.0f} "
            f"errors={errors[(role, name)]} budget_p95_ms={BUDGET_P95_MS:.0f} {load_label()} "
            f"{'ok' if within else 'OVER'}"
        )
    return ok
