"""Real processes for the reliability tests and `make bench`: a Redis server of our own on a free
port, Celery workers as subprocesses (so SIGKILL means SIGKILL), and a stand-in for beat.

Nothing here is imported by the running application.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
SWEEP_TASK = "mentoring.outbox.tasks.send_due_messages"


def wait_for(
    condition: Callable[[], bool],
    *,
    timeout: float,
    interval: float = 0.05,
    what: str = "condition",
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what} after {timeout:.0f}s")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(settings_dict: dict) -> str | None:
    """A DATABASE_URL another process can use to reach this connection's database, or None
    when it cannot (SQLite in memory, as pytest-django makes it)."""
    engine = settings_dict["ENGINE"]
    name = str(settings_dict["NAME"])
    if engine.endswith("sqlite3"):
        if name == ":memory:" or "mode=memory" in name:
            return None
        return f"sqlite:///{name}"
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{quote(name, safe='')}"


class RedisServer:
    """A throwaway redis-server that keeps nothing on disk, so a restart loses every queued
    message: the harshest broker failure short of losing the machine."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, timeout=10, what="redis-server")
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self, sig: int = signal.SIGKILL) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


def process_env(*, database: str, broker: str, sink: Path, sink_delay: float = 0.0) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="mentoring.settings",
        DATABASE_URL=database,
        REDIS_URL=broker,
        TWOWAY_MAIL_SINK=str(sink),
        TWOWAY_MAIL_SINK_DELAY=str(sink_delay),
        DEBUG="0",
        SECRET_KEY="reliability-run-" + "x" * 40,
        TWOWAY_PAIR_HASH_KEY="reliability-run-pair-hash-" + "y" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        PYTHONUNBUFFERED="1",
        LOG_LEVEL="WARNING",
    )
    return env


class Worker:
    """`celery -A mentoring worker` with the solo pool: the task runs in the process we start,
    so a SIGKILL stops it mid-send, exactly like a machine pulling the plug on one worker."""

    def __init__(self, name: str, *, env: dict, queue: str, logdir: Path) -> None:
        self.name, self.env, self.queue = name, env, queue
        self.log = logdir / f"worker-{name}.log"
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self, *, wait: bool = True) -> Worker:
        self.starts += 1
        self.log.write_text("")
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "mentoring",
                    "worker",
                    "--pool",
                    "solo",
                    "--concurrency",
                    "1",
                    "--queues",
                    self.queue,
                    "--hostname",
                    f"{self.name}.{self.starts}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel",
                    "INFO",
                ],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if wait:
            wait_for(self.ready, timeout=60, interval=0.1, what=f"worker {self.name}")
        return self

    def ready(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"worker {self.name} exited:\n{self.log.read_text()[-3000:]}")
        return " ready." in self.log.read_text()

    def kill(self) -> None:
        """SIGKILL, no goodbye: the claim's transaction dies with the connection."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class Beat:
    """Queues sweeps the way beat does, through its own connection to the broker."""

    def __init__(self, broker: str, queue: str) -> None:
        from celery import Celery

        self.queue = queue
        self.app = Celery("twoway-reliability-beat", broker=broker, set_as_current=False)
        self.app.conf.broker_connection_retry_on_startup = True
        self.ticks = 0

    def tick(self, **kwargs) -> None:
        self.app.send_task(
            SWEEP_TASK,
            kwargs=kwargs,
            queue=self.queue,
            retry=True,
            retry_policy={
                "max_retries": 20,
                "interval_start": 0.1,
                "interval_step": 0.2,
                "interval_max": 1,
            },
        )
        self.ticks += 1

    def close(self) -> None:
        self.app.close()


def sweep_in_subprocess(*, env: dict) -> subprocess.Popen:
    """One more beat process doing the sweep itself (no broker at all)."""
    code = "import django; django.setup(); from mentoring import outbox; print(outbox.send_due())"
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
