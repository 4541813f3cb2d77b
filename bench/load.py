"""The load generator: wrk (one thread, keep-alive connections) running file_complaints.lua.

wrk is small C on an event loop, so on two cores it leaves nearly a whole core to the one
server process being measured.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import orjson

WRK_SCRIPT = Path(__file__).with_name("file_complaints.lua")
PROGRESS_EVERY = 1000
REQUEST_TIMEOUT = "10s"
FILED = "201"


@dataclass(frozen=True)
class LoadResult:
    seconds: float
    statuses: dict[str, int]
    latency_ms: dict[str, float]
    socket_errors: dict[str, int]

    @property
    def filed(self) -> int:
        return self.statuses.get(FILED, 0)

    @property
    def not_filed(self) -> dict[str, int]:
        return {status: n for status, n in self.statuses.items() if status != FILED}


def ensure_wrk() -> str:
    """The path of wrk, installed from Debian packages first when it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    apt_get = shutil.which("apt-get")
    if apt_get is None or os.geteuid() != 0:
        raise SystemExit("wrk is missing: install it (Debian: apt-get install wrk) and run again.")
    print("wrk is missing: installing it (apt-get update; apt-get install -y wrk)...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for arguments in (["update", "-q"], ["install", "-y", "-q", "wrk"]):
        subprocess.run([apt_get, *arguments], env=env, check=True, stdout=subprocess.DEVNULL)
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("apt-get installed wrk but it is not on PATH; check /usr/bin/wrk.")
    return found


def run_wrk(
    wrk: str,
    base_url: str,
    bodies_file: Path,
    *,
    limit: int,
    duration_seconds: int,
    connections: int,
    on_progress: Callable[[int], None],
) -> LoadResult:
    """POST complaints until ``limit`` responses or ``duration_seconds``, whichever is first."""
    command = [
        wrk, "-t1", f"-c{connections}", f"-d{duration_seconds}s", "--timeout", REQUEST_TIMEOUT,
        "-s", str(WRK_SCRIPT), base_url, "--", str(bodies_file), str(limit), str(PROGRESS_EVERY),
    ]  # fmt: skip
    result_line, other_output = None, []
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        for line in process.stdout or ():
            if line.startswith("progress "):
                on_progress(int(line.split()[1]))
            elif line.startswith("stopped "):
                process.send_signal(signal.SIGINT)  # ends wrk's wait for its full duration
            elif line.startswith("result "):
                result_line = line.removeprefix("result ")
            else:
                other_output.append(line)
    if process.returncode != 0 or result_line is None:
        output = "".join(other_output[-20:])
        raise RuntimeError(f"wrk failed (exit {process.returncode}):\n{output}")
    return _parse(result_line)


def _parse(result_line: str) -> LoadResult:
    result = orjson.loads(result_line)
    return LoadResult(
        seconds=result["duration_us"] / 1e6,
        statuses={str(status): int(n) for status, n in result["statuses"].items()},
        latency_ms={name: us / 1000 for name, us in result["latency_us"].items()},
        socket_errors={name: n for name, n in result["errors"].items() if n},
    )
