"""Group commit: filings that arrive while another is being written share the next
transaction.

Under concurrent load most of a filing's cost is the commit itself, so one transaction for
all the filings waiting multiplies throughput; a lone request is written at once, with no
delay. Each caller hands over its events (not aggregates), so a batch that fails can be
written again one caller at a time and only the caller at fault sees the error; when the
store itself does not answer, no caller is at fault, and each gets that error at once.

``GroupCommit`` serves threads (the caller that finds the commit free writes for everyone
waiting); ``AsyncGroupCommit`` serves an event loop, whose callers must never block: a
thread of its own writes whatever is waiting and settles each caller's future.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from infra.store_outages import is_store_outage

Save = Callable[..., Any]


@dataclass
class _Waiting:
    events: Sequence[Any]
    done: bool = False
    error: Exception | None = None
    future: asyncio.Future[None] | None = field(default=None, repr=False)


def _write(save: Save, batch: list[_Waiting]) -> None:
    """Write a batch in one transaction; if that fails, each caller's events alone."""
    try:
        save(*(event for item in batch for event in item.events))
    except Exception as batch_error:  # each caller must learn its own outcome
        if len(batch) == 1 or is_store_outage(batch_error):
            for item in batch:
                item.error = batch_error
        else:
            for item in batch:
                _write_alone(save, item)
    for item in batch:
        item.done = True


def _write_alone(save: Save, item: _Waiting) -> None:
    try:
        save(*item.events)
    except Exception as error:  # handed to its caller, who raises it
        item.error = error


class GroupCommit:
    def __init__(self, save: Save) -> None:
        self._save = save
        self._queue_lock = threading.Lock()
        self._commit_lock = threading.Lock()
        self._queue: list[_Waiting] = []

    def save(self, *events: Any) -> None:
        """Write these events atomically, maybe in one transaction with other callers';
        raises what a save of their own would have raised."""
        waiting = _Waiting(events)
        with self._queue_lock:
            self._queue.append(waiting)
        with self._commit_lock:
            if not waiting.done:
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                _write(self._save, batch)
        if waiting.error is not None:
            raise waiting.error


class AsyncGroupCommit:
    """Group commit for coroutines of one event loop; ``start`` before use, ``stop`` after."""

    def __init__(self, save: Save) -> None:
        self._save = save
        self._queue: queue.SimpleQueue[_Waiting | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="group-commit", daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._thread.start()

    async def save(self, *events: Any) -> None:
        """Like ``GroupCommit.save``, awaited instead of blocking."""
        assert self._loop is not None, "AsyncGroupCommit.start() was not called"
        waiting = _Waiting(events, future=self._loop.create_future())
        self._queue.put(waiting)
        assert waiting.future is not None
        await waiting.future

    def stop(self) -> None:
        """Write what is waiting, then end the thread."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def _run(self) -> None:
        while (first := self._queue.get()) is not None:
            batch = [first]
            stopping = False
            while not self._queue.empty():
                item = self._queue.get_nowait()
                if item is None:
                    stopping = True
                    break
                batch.append(item)
            _write(self._save, batch)
            assert self._loop is not None
            self._loop.call_soon_threadsafe(_settle, batch)
            if stopping:
                return


def _settle(batch: list[_Waiting]) -> None:
    for item in batch:
        future = item.future
        if future is None or future.done():  # its caller went away (cancelled)
            continue
        if item.error is not None:
            future.set_exception(item.error)
        else:
            future.set_result(None)
