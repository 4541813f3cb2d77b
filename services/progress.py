"""A progress line on standard error for long commands."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable


def progress_bar(label: str, width: int = 30) -> Callable[[int, int], None]:
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        share = done / total if total else 1.0
        filled = int(share * width)
        rate = done / max(time.monotonic() - started, 1e-9)
        bar = "#" * filled + "-" * (width - filled)
        print(
            f"\r{label} [{bar}] {done}/{total} ({rate:,.0f}/s)",
            end="\n" if done >= total else "",
            file=sys.stderr,
            flush=True,
        )

    return show
