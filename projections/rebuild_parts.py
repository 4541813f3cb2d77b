"""A rebuild shared out between processes: each reads and works out the events of its parts
of the aggregates (projections.log_reading.PartReading), and the rebuilding process writes
what all of them worked out, batch by batch, in one transaction with the view's position.

Only for projections whose events change their own aggregate's rows and totals summed
over them (``per_aggregate``): the parts' writes then add up to one process's. A helper
process builds its own projection, store and log reader (``make_source``, called there),
reads the batches it is asked for, and answers with the writes it recorded and the
deltas of its count tables, which the rebuilding process adds to its own.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from eventsourcing.persistence import Mapper

from projections.counts import PendingCounts
from projections.log_reading import PartReading, read_part
from projections.projection import Projection, cycle_collector_paused, work_out
from projections.recording import Write
from projections.store import ViewStore

STOP_SECONDS = 10


class RebuildPartFailedError(Exception):
    """A helper process could not work out its part."""


@dataclass
class PartSource:
    """What a helper process works with, built in that process."""

    projection: Projection
    store: ViewStore
    recorder: PartReading
    mapper: Mapper[Any]


MakeSource = Callable[[], PartSource]  # must pickle: it is sent to the helper process


class HelperPart:
    """A helper process working out the parts ``numbers`` of ``parts`` of each batch it is
    asked for."""

    def __init__(self, make_source: MakeSource, numbers: Sequence[int], parts: int) -> None:
        context = multiprocessing.get_context("spawn")  # nothing of this process's threads
        self._connection, theirs = context.Pipe()
        self._process = context.Process(
            target=serve_part,
            args=(make_source, tuple(numbers), parts, theirs),
            name="rebuild-part",
            daemon=True,
        )
        self._process.start()
        theirs.close()

    def ask(self, start: int, stop: int) -> None:
        """Work out the part's events of the batch after log position ``start`` up to
        ``stop``."""
        self._connection.send((start, stop))

    def answer(self) -> tuple[int, int, list[Write], list[PendingCounts]]:
        """The log position the batch last asked for ends at, how many events of it the
        helper applied, its writes and its count tables' deltas."""
        try:
            outcome, *result = self._connection.recv()
        except EOFError:
            raise RebuildPartFailedError(
                f"The rebuild's helper process stopped (exit code {self._process.exitcode})."
            ) from None
        if outcome == "failed":
            raise RebuildPartFailedError(f"The rebuild's helper process failed: {result[0]}")
        return result[0], result[1], result[2], result[3]

    def stop(self) -> None:
        with suppress(OSError):  # it may have gone already
            self._connection.send(None)
        self._process.join(STOP_SECONDS)
        if self._process.is_alive():
            self._process.terminate()
        self._connection.close()


@contextmanager
def helper_part(make_source: MakeSource | None, parts: int) -> Iterator[HelperPart | None]:
    """A helper process for parts 1 to ``parts`` - 1 (the caller works out part 0); None
    when there is one part."""
    if make_source is None or parts == 1:
        yield None
        return
    helper = HelperPart(make_source, range(1, parts), parts)
    try:
        yield helper
    finally:
        helper.stop()


def serve_part(
    make_source: MakeSource, numbers: Sequence[int], parts: int, connection: Connection
) -> None:
    """A helper process's life: answer each batch asked, (start, stop), with where it
    ends, the events applied, the writes recorded and the counts held, until asked None."""
    source = make_source()
    earlier: dict[str, Any] = {}
    try:
        with cycle_collector_paused(), source.store.loading():
            while (asked := connection.recv()) is not None:
                start, stop = asked
                batch = read_part(
                    source.recorder, source.mapper, source.projection.topics, start, stop,
                    numbers, parts, source.projection.read_fields,
                )  # fmt: skip
                events = [(position, event) for position, _, event in batch]
                worked_out = work_out(source.projection, source.store, events, earlier)
                answer = (stop, len(events), worked_out.writes, worked_out.counts())
                connection.send(("done", *answer))
                earlier = worked_out.states()
    except EOFError:
        pass  # the rebuilding process has gone
    except Exception as error:  # told to the rebuilding process, which stops
        connection.send(("failed", f"{type(error).__name__}: {error}"))
    finally:
        source.store.close()
