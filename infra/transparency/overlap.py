"""Reading the next batch, and writing the last one, while the caller works on a batch.

On PostgreSQL the database does its part of a read or a write in its own process, so a
thread that waits for it lets the caller hash meanwhile: the two overlap instead of taking
turns. SQLite works inside this process and holds Python's lock for every row it hands
over; there a thread measured slower, so the same steps run in the caller's thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")


def read_ahead(batches: Iterator[T], in_thread: bool) -> Iterator[T]:
    """``batches``, each next one taken in a thread while the caller has the one before."""
    if not in_thread:
        yield from batches
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-read") as reader:
        upcoming = reader.submit(next, batches, None)
        while (batch := upcoming.result()) is not None:
            upcoming = reader.submit(next, batches, None)
            yield batch


class WriteBehind:
    """Writes one at a time and in order, each in a thread while the caller prepares the
    next; an error is raised at the next write or on leaving the ``with`` block."""

    def __init__(self, in_thread: bool) -> None:
        self._writer = ThreadPoolExecutor(1, "ledger-write") if in_thread else None
        self._last: Future[None] | None = None

    def write(self, write: Callable[..., None], *arguments: Any) -> None:
        self._wait()
        if self._writer is None:
            write(*arguments)
        else:
            self._last = self._writer.submit(write, *arguments)

    def _wait(self) -> None:
        last, self._last = self._last, None
        if last is not None:
            last.result()

    def __enter__(self) -> WriteBehind:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _: TracebackType | None
    ) -> None:
        try:
            if error is None:
                self._wait()
        finally:
            if self._writer is not None:
                self._writer.shutdown(wait=True)
