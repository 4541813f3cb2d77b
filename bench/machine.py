"""What the figures were measured on: CPU, cores, memory, OS, and the versions that matter."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psutil

REPOSITORY = Path(__file__).resolve().parents[1]


def describe_machine(wrk: str | None, database_versions: dict[str, str]) -> dict[str, str]:
    memory_gib = psutil.virtual_memory().total / 2**30
    machine = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "CPU": _cpu_model(),
        "cores (nproc)": str(os.cpu_count()),
        "memory": f"{memory_gib:.1f} GiB",
        "OS": f"{_os_name()}, Linux {platform.release()}",
        "Python": platform.python_version(),
        "load generator": _wrk_version(wrk) if wrk else f"httpx {httpx.__version__} (asyncio)",
        "code": _code_version(),
        "load average at start": " ".join(f"{load:.2f}" for load in psutil.getloadavg()),
        "CPU speed at start": f"{_loop_milliseconds():.0f} ms for {SPEED_LOOP:,} Python steps",
    }
    machine.update(database_versions)
    return machine


SPEED_LOOP = 5_000_000


def _loop_milliseconds() -> float:
    """The median time of three runs of a fixed loop. The same code's speed on this kind of
    machine (a virtual machine sharing its host) varies from hour to hour by up to half,
    with an idle load average; this tells which state a run was made in (lower is faster)."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for step in range(SPEED_LOOP):
            total += step
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times)


def _cpu_model() -> str:
    fields = _lscpu()
    model = fields.get("Model name", platform.processor() or "unknown")
    hypervisor = fields.get("Hypervisor vendor")
    return f"{model} ({hypervisor} guest)" if hypervisor else model


def _lscpu() -> dict[str, str]:
    try:
        output = subprocess.run(
            ["lscpu"], capture_output=True, text=True, check=True, env={"LC_ALL": "C"}
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    pairs = (line.split(":", 1) for line in output.splitlines() if ":" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def _os_name() -> str:
    try:
        release = platform.freedesktop_os_release()
    except OSError:
        return platform.system()
    return release.get("PRETTY_NAME", platform.system())


def _wrk_version(wrk: str) -> str:
    # `wrk --version` prints its banner and usage, then exits non-zero.
    output = subprocess.run([wrk, "--version"], capture_output=True, text=True).stdout
    banner = output.splitlines()[0] if output else Path(wrk).name
    return banner.split(" Copyright")[0]


def _code_version() -> str:
    """The commit measured, and whether the project's code differed from it."""
    try:
        commit = _git("rev-parse", "--short", "HEAD").strip()
        changed = _git("status", "--porcelain", "--", ".", ":!bench", ":!docs").strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{commit} with uncommitted changes" if changed else commit


def _git(*arguments: str) -> str:
    return subprocess.run(
        ["git", "-C", str(REPOSITORY), *arguments], capture_output=True, text=True, check=True
    ).stdout
