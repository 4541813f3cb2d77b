"""A Kafka node of a test's own, beside the shared one on 127.0.0.1:9092: started by
infra/scripts/kafka.sh exactly as `make kafka` starts the shared node (the same cached jars,
settings and readiness check), but on its own storage and free ports, so that a test can
stop and restart it without disturbing the other test runs on this machine."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.notify_support import free_port

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "infra" / "scripts" / "kafka.sh"
START_SECONDS = 180  # the script gives up after 90 s of no answer and says why
STOP_SECONDS = 60


class PrivateBroker:
    def __init__(self, state: Path) -> None:
        self.state = state
        self.port = free_port()
        self.controller_port = free_port()
        while self.controller_port == self.port:
            self.controller_port = free_port()
        self.bootstrap = f"127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the node on its storage (formatted the first time) and ports, and wait until
        it answers; quick when it already runs. Fails the test with the script's words when
        it cannot: Java and the jars are not installed here, `make kafka` provisions them."""
        env = {
            **os.environ,
            "ADUAN_KAFKA_STATE": str(self.state),
            "ADUAN_KAFKA_PORT": str(self.port),
            "ADUAN_KAFKA_CONTROLLER_PORT": str(self.controller_port),
            "ADUAN_KAFKA_INSTALL": "no",
        }
        result = subprocess.run(
            ["bash", str(SCRIPT), "start"],
            env=env, capture_output=True, text=True, timeout=START_SECONDS,
        )  # fmt: skip
        if result.returncode != 0:
            pytest.fail(
                f"the test's own Kafka broker did not start:\n{result.stdout}{result.stderr}",
                pytrace=False,
            )

    def pid(self) -> int | None:
        """The node's process while it runs."""
        pid_file = self.state / "broker.pid"
        if not pid_file.exists():
            return None
        pid = int(pid_file.read_text())
        try:  # the pid of a node that is gone may since name another process
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except FileNotFoundError:
            return None
        ours = str(self.state / "server.properties").encode() in command
        return pid if ours and _alive(pid) else None

    def stop(self, signal_number: int) -> None:
        """Send the node ``signal_number`` and wait until its process is gone."""
        pid = self.pid()
        assert pid is not None, f"the broker on {self.bootstrap} is not running"
        os.kill(pid, signal_number)
        deadline = time.monotonic() + STOP_SECONDS
        while _alive(pid):
            assert time.monotonic() < deadline, f"broker {pid} still runs after {STOP_SECONDS}s"
            time.sleep(0.1)


def _alive(pid: int) -> bool:
    """Whether the process runs: exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"
