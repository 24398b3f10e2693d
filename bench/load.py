"""Pages under load (DESIGN.md performance budgets): gunicorn with 4 workers on 127.0.0.1
against the 5,000-person demo, 32 concurrent users for 20 s, each logged in as one of the demo
roles; prints p50/p95 of the home, pair and dashboard pages per role, the errors, the requests
per second achieved and the CPU spent per request by gunicorn's workers, PostgreSQL's backends
and the client threads. Budget: p95 <= 300 ms, no errors.

The load model is that of load-testing tools' "users" (locust's `between(0.5, 1.5)`): each
simulated user reads a page, waits a think time drawn uniformly from 0.5-1.5 s, then opens its
next page, and the users start spread over the first think time rather than all in the same
instant. Real people pause far longer between pages, so this is the hard side of real use.
`BENCH_LOAD_THINK=0` runs the closed loop instead (every user asks again the moment an answer
arrives): that measures throughput, not what people wait for (on 2 cores shared by the server,
PostgreSQL and the 32 client threads, p95 <= 300 ms in a closed loop would need each request to
cost ~6 ms of CPU), so its figures are printed as information, without a verdict;
`BENCH_LOAD_THINK=LOW-HIGH` sets another range.

Bounded: a fixed number of threads for a fixed time, loopback only, against a server this
benchmark starts and stops. Its own database, seeded first (about a minute); set
`BENCH_LOAD_DATABASE_URL` to reuse a database already seeded with `seed_demo --participants
5000`, `BENCH_LOAD_USERS` / `BENCH_LOAD_SECONDS` to change the load (defaults 32 and 20).
With `REDIS_URL` set the server uses Redis for its cache, as in production."""

from __future__ import annotations

import http.cookiejar
import os
import random
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


def _think_range() -> tuple[float, float]:
    """BENCH_LOAD_THINK: "0" (closed loop), "LOW-HIGH" seconds, or one number for both."""
    raw = os.environ.get("BENCH_LOAD_THINK", "0.5-1.5").strip()
    low, _, high = raw.partition("-")
    bounds = (float(low), float(high or low))
    if bounds[0] < 0 or bounds[1] < bounds[0]:
        raise ValueError(f"BENCH_LOAD_THINK must be 0 or LOW-HIGH seconds, not {raw!r}")
    return bounds


def _cpu_seconds(master: int, database: str) -> tuple[float, float]:
    """User + system CPU so far, from /proc, of gunicorn's workers (the master's children) and
    of the PostgreSQL backends serving `database` (their title names it; 0 where /proc does not
    show them, e.g. a server on another machine)."""
    workers = backends = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cpu = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
            if int(fields[1]) == master:  # ppid
                workers += cpu
            elif database:
                title = (entry / "cmdline").read_bytes()  # postgres: [cluster: ]user db host
                if title.startswith(b"postgres: ") and f" {database} ".encode() in title:
                    backends += cpu
        except (OSError, IndexError, ValueError):
            continue
    return workers, backends


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run() -> bool:
    users = int(os.environ.get("BENCH_LOAD_USERS", "32"))
    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "20"))
    think_low, think_high = _think_range()
    closed_loop = think_high == 0
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
        roles = list(ROLES)
        database = urllib.parse.urlparse(url).path.lstrip("/") if "postgres" in url else ""
        cpu_before = _cpu_seconds(server.pid, database)
        client_before = time.process_time()
        started_at = time.monotonic()
        stop_at = started_at + seconds

        def pause(seconds: float) -> None:
            time.sleep(max(0.0, min(seconds, stop_at - time.monotonic())))

        def user(number: int) -> None:
            role = roles[number % len(roles)]
            opener, mine = sessions[role], list(pages[role].items())
            think = random.Random(number)  # noqa: S311 - think times, not secrets
            turn = number
            pause(think.uniform(0, think_high))  # users arrive over the first think time
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
                pause(think.uniform(think_low, think_high))

        threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed_s = time.monotonic() - started_at
        client_cpu = time.process_time() - client_before
        workers_cpu, database_cpu = (
            after - before
            for after, before in zip(_cpu_seconds(server.pid, database), cpu_before, strict=True)
        )
    finally:
        server.terminate()
        server.wait(timeout=30)

    from bench.dashboard import load_label

    ok = True
    db = "postgresql" if url.startswith("postgres") else "sqlite"
    think = "0" if closed_loop else f"{think_low:g}-{think_high:g}"
    for (role, name), values in sorted(timings.items()):
        p50, p95 = statistics.median(values), _percentile(values, 0.95)
        within = p95 <= BUDGET_P95_MS and not errors[(role, name)]
        ok &= within
        verdict = "info" if closed_loop else ("ok" if within else "OVER")
        print(
            f"load: db={db} users={users} seconds={seconds:.0f} workers={WORKERS} "
            f"think_s={think} role={role} page={name} requests={len(values)} "
            f"p50_ms={p50:.0f} p95_ms={p95:.0f} errors={errors[(role, name)]} "
            f"budget_p95_ms={BUDGET_P95_MS:.0f} {load_label()} {verdict}"
        )
    every = [value for values in timings.values() for value in values]
    total = len(every)
    if not total:
        print(f"load: no request completed in {seconds:.0f} s OVER")
        return False
    print(
        f"load: db={db} users={users} seconds={seconds:.0f} workers={WORKERS} think_s={think} "
        f"all pages: requests={total} requests_per_s={total / elapsed_s:.1f} "
        f"p50_ms={statistics.median(every):.0f} p95_ms={_percentile(every, 0.95):.0f} "
        f"errors={sum(errors.values())} cpu_ms_per_request: "
        f"gunicorn={1000 * workers_cpu / total:.0f} postgresql={1000 * database_cpu / total:.0f} "
        f"clients={1000 * client_cpu / total:.0f} "
        f"{load_label()}" + (" info (closed loop: throughput, no verdict)" if closed_loop else "")
    )
    return True if closed_loop else ok
