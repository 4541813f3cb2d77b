"""Group commit: filings that arrive while another is being written share the next
transaction.

Under concurrent load most of a filing's cost is the commit itself, so one transaction for
all the filings waiting multiplies throughput; a lone request is written at once, with no
delay. Each caller hands over its events (not aggregates), so a batch that fails can be
written again one caller at a time and only the caller at fault sees the error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

Save = Callable[..., Any]


@dataclass
class _Waiting:
    events: Sequence[Any]
    done: bool = False
    error: Exception | None = None


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
                self._write(batch)
        if waiting.error is not None:
            raise waiting.error

    def _write(self, batch: list[_Waiting]) -> None:
        try:
            self._save(*(event for item in batch for event in item.events))
        except Exception as batch_error:  # each caller must learn its own outcome
            if len(batch) == 1:
                batch[0].error = batch_error
            else:
                for item in batch:
                    self._write_alone(item)
        for item in batch:
            item.done = True

    def _write_alone(self, item: _Waiting) -> None:
        try:
            self._save(*item.events)
        except Exception as error:  # handed to its caller, who raises it
            item.error = error
