"""The Kafka side of a benchmark: a fresh topic, dead-letter topic and consumer group on the
broker, and `aduan relay` and `aduan notify` running as processes on them (or `aduan
notify` alone, following the ledger's log without Kafka)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from infra.kafka_topics import admin_client, ensure_topics, topic_specs
from infra.settings import Settings

STOP_SECONDS = 15.0


@contextmanager
def bench_settings(database_url: str, bootstrap: str) -> Iterator[Settings]:
    """Settings with a fresh topic, dead-letter topic and consumer group; topics deleted after."""
    name = f"aduan.bench.notify.{uuid.uuid4().hex[:8]}"
    settings = Settings(
        database_url=database_url, kafka_bootstrap=bootstrap, kafka_topic=name,
        kafka_dead_letter_topic=f"{name}.dlq", notify_group=f"{name}.group",
    )  # fmt: skip
    admin = admin_client(bootstrap)
    try:
        ensure_topics(admin, topic_specs(settings))
        yield settings
    finally:
        admin.delete_topics([spec.name for spec in topic_specs(settings)])
        admin.close()


@contextmanager
def aduan_processes(settings: Settings, workdir: Path, commands: Sequence[str]) -> Iterator[None]:
    """`aduan <command>` for each command, as processes logging into ``workdir``."""
    values = settings.model_dump(mode="json", exclude_unset=True)
    env = {**os.environ, **{f"ADUAN_{name.upper()}": str(v) for name, v in values.items()}}
    aduan = str(Path(sys.executable).with_name("aduan"))
    processes = []
    try:
        for command in commands:
            with (workdir / f"{command}.log").open("wb") as log:
                processes.append(subprocess.Popen(
                    [aduan, command], env=env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT
                ))  # fmt: skip
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def logs_of(workdir: Path) -> str:
    return "\n".join(
        f"--- {log.name} ---\n" + log.read_text(errors="replace")[-2000:]
        for log in sorted(workdir.glob("*.log"))
    )
