"""``aduan serve`` as a child process on its own port and store, and its memory over time."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import psutil
from workload import BENCH_UNIT_ID, BENCH_UNIT_NAME

from domain.values import Role
from services.auth import TokenIssuer

HOST = "127.0.0.1"
SECRET_KEY = "aduan-bench-secret-key-" + "k" * 32
STARTUP_SECONDS = 30.0
STOP_SECONDS = 15.0


@dataclass(frozen=True)
class Server:
    pid: int
    base_url: str
    log_path: Path


@contextmanager
def running_server(database_url: str, workdir: Path) -> Iterator[Server]:
    """Start ``aduan serve`` on ``database_url`` and a free port; stop it afterwards."""
    port = _free_port()
    env = {
        **os.environ,
        "ADUAN_DATABASE_URL": database_url,
        "ADUAN_HOST": HOST,
        "ADUAN_PORT": str(port),
        "ADUAN_SECRET_KEY": SECRET_KEY,
    }
    log_path = workdir / f"server-{port}.log"
    command = [str(Path(sys.executable).with_name("aduan")), "serve"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, env=env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT
        )
        server = Server(process.pid, f"http://{HOST}:{port}", log_path)
        try:
            _wait_until_ready(process, server)
            yield server
        finally:
            _stop(process)


def register_bench_unit(server: Server) -> None:
    token = TokenIssuer(SECRET_KEY, timedelta(hours=1)).issue(
        Role.ADMIN, "bench", [], datetime.now(UTC)
    )
    request = urllib.request.Request(
        f"{server.base_url}/v1/units",
        data=orjson.dumps({"unit_id": BENCH_UNIT_ID, "name": BENCH_UNIT_NAME}),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        if response.status != 201:
            raise RuntimeError(f"registering the bench unit answered {response.status}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_ready(process: subprocess.Popen[bytes], server: Server) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"aduan serve exited early:\n{_log_tail(server.log_path)}")
        try:
            with urllib.request.urlopen(f"{server.base_url}/v1/units", timeout=1):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError(
        f"aduan serve did not answer within {STARTUP_SECONDS:.0f}s:\n{_log_tail(server.log_path)}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _log_tail(log_path: Path, lines: int = 30) -> str:
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])


class RssSampler:
    """Samples a process's resident set size in the background; keeps the peak. Also counts
    the CPU time the process used while sampled (user + system, all threads)."""

    def __init__(self, pid: int, interval_seconds: float = 0.1) -> None:
        self._process = psutil.Process(pid)
        self._interval = interval_seconds
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.peak_bytes = 0
        self.current_bytes = 0
        self.cpu_seconds = 0.0

    def __enter__(self) -> RssSampler:
        self.sample()
        self.cpu_seconds = -self._cpu_now()
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stopped.set()
        self._thread.join()
        self.sample()
        self.cpu_seconds += self._cpu_now()

    def _cpu_now(self) -> float:
        times = self._process.cpu_times()
        return float(times.user + times.system)

    def sample(self) -> int:
        self.current_bytes = self._process.memory_info().rss
        self.peak_bytes = max(self.peak_bytes, self.current_bytes)
        return self.current_bytes

    def _run(self) -> None:
        while not self._stopped.wait(self._interval):
            self.sample()
