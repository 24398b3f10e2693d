"""Scale-out: two web processes, two Celery workers and two beats against one PostgreSQL and one
Redis lose no reminder and send none twice (DESIGN.md "Reminders: the database is the source of
truth"). Runs only with REDIS_URL and a PostgreSQL DATABASE_URL (CI has both); skips otherwise.

The web processes are real gunicorn servers: HR nudges the same quiet pairs through both at
once (the dedupe key holds across processes), while meeting reminders fall due. Two beats (each
its own broker connection, ticking concurrently as two misconfigured beat replicas would) queue
sweeps to two workers that claim rows with SKIP LOCKED."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from datetime import timedelta
from http.cookiejar import CookieJar

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from mentoring.models import OutboxMessage
from sessions_log.reminders import QUIET_PAIR_NUDGE
from tests import factories
from tests.mail_sink import delivered
from tests.processes import (
    BASE_DIR,
    Beat,
    RedisServer,
    Worker,
    database_url,
    free_port,
    process_env,
    wait_for,
)
from tests.sessions_log.test_reliability import due_meeting_reminders, pending

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL") or not RedisServer.available(),
        reason="needs REDIS_URL and a redis-server binary",
    ),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="needs a PostgreSQL DATABASE_URL that every process can reach",
    ),
]


class Web:
    """A gunicorn server of its own on a free loopback port."""

    def __init__(self, env: dict, logdir) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = logdir / f"web-{self.port}.log"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "mentoring.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "1",
                ],
                cwd=BASE_DIR,
                env={
                    **env,
                    "SECURE_SSL_REDIRECT": "0",
                    "SESSION_COOKIE_SECURE": "0",
                    "CSRF_COOKIE_SECURE": "0",
                },
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_until_up(self) -> None:
        wait_for(self._answers, timeout=60, interval=0.2, what=f"web on {self.port}")

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(self.log.read_text()[-3000:])
        try:
            urllib.request.urlopen(f"{self.base}/accounts/login/", timeout=2).read()  # noqa: S310
            return True
        except OSError:
            return False

    def logged_in(self, email: str, password: str) -> urllib.request.OpenerDirector:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.opener = opener
        self.post("/accounts/login/", {"login": email, "password": password})
        return opener

    def post(self, path: str, data: dict) -> tuple[int, str]:
        """POST with the CSRF token of a fresh form; the status and the path it ended on."""
        url = f"{self.base}{path}"
        page = self.opener.open(f"{self.base}/accounts/login/", timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        body = urllib.parse.urlencode(
            {**data, "csrfmiddlewaretoken": token.group(1) if token else ""}
        ).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url})  # noqa: S310
        with self.opener.open(request, timeout=30) as response:
            self.last_body = response.read().decode()
            return response.status, urllib.parse.urlsplit(response.geturl()).path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_two_webs_two_workers_and_two_beats_lose_no_reminder_and_send_none_twice(tmp_path):
    assert connection.vendor == "postgresql"
    database = database_url(connection.settings_dict)
    expected = due_meeting_reminders(pairs=8, meetings_per_pair=3)
    hr = factories.hr_admin()
    # The test settings hash with MD5 for speed; the web processes run production's hashers.
    hr.password = make_password(factories.PASSWORD, hasher="pbkdf2_sha256")
    hr.save(update_fields=["password"])
    quiet = []
    for _ in range(4):
        pair = factories.PairFactory()
        pair.published_at = timezone.now() - timedelta(days=90)
        pair.save()
        quiet.append(pair)

    redis = RedisServer(tmp_path).start()
    sink = tmp_path / "sink.log"
    env = process_env(database=database, broker=redis.url, sink=sink, sink_delay=0.01)
    env.setdefault("TWOWAY_PAIR_HASH_KEY", "scale-out-test-" + "k" * 40)
    workers = [Worker(f"w{n}", env=env, queue="reminders", logdir=tmp_path) for n in range(2)]
    beats = [Beat(redis.url, "reminders") for _ in range(2)]
    webs: list[Web] = []
    try:
        # Every process boots at once (the machine is shared; booting one after another is
        # most of this test's time). Workers idle until a beat ticks, after the nudges.
        for worker in workers:
            worker.start(wait=False)
        # DEBUG off serves hashed static files from a manifest: collect them once, into a
        # directory of the test's own, as a deployment does before starting its web replicas.
        env["TWOWAY_VAR_DIR"] = str(tmp_path / "var")
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
        )
        webs.extend(Web(env, tmp_path) for _ in range(2))
        for web in webs:
            web.wait_until_up()
        for worker in workers:
            wait_for(worker.ready, timeout=60, interval=0.1, what=f"worker {worker.name}")
        for web in webs:
            web.logged_in(hr.email, factories.PASSWORD)
        # HR nudges every quiet pair through both web processes at the same moment.
        statuses: list[tuple[int, str]] = []
        threads = [
            threading.Thread(
                target=lambda web=web, pair=pair: statuses.append(
                    web.post(f"/dashboard/pairs/{pair.pk}/nudge/", {})
                )
            )
            for pair in quiet
            for web in webs
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses == [(200, "/dashboard/")] * len(threads), webs[0].last_body[-2000:]
        nudges = OutboxMessage.objects.filter(kind=QUIET_PAIR_NUDGE)
        assert nudges.count() == 2 * len(quiet), "one nudge per person, however many webs"
        nudges.update(due_at=timezone.now() - timedelta(minutes=1))  # not wait for 9 o'clock
        expected |= {str(pk) for pk in nudges.values_list("pk", flat=True)}

        def both_beats_ticking() -> bool:
            if pending() == 0:
                return True
            for beat in beats:
                beat.tick()
            return False

        wait_for(both_beats_ticking, timeout=90, interval=0.3, what="every due row sent")
    finally:
        for worker in workers:
            worker.stop()
        for beat in beats:
            beat.close()
        for web in webs:
            web.stop()
        redis.stop()

    counts = delivered(sink)
    assert set(counts) == expected, "nothing lost"
    assert max(counts.values()) == 1, "nothing sent twice"
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0
