"""Group commit: concurrent filings share transactions, and each caller gets its own error."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import psycopg
import pytest

from services.group_commit import AsyncGroupCommit, GroupCommit


class RecordingStore:
    """Saves in memory; refuses any batch holding a "bad" event; the first save blocks
    until released, so that others pile up behind it."""

    def __init__(self) -> None:
        self.batches: list[tuple[Any, ...]] = []
        self.first_save_entered = threading.Event()
        self.release_first_save = threading.Event()

    def save(self, *events: Any) -> None:
        if not self.first_save_entered.is_set():
            self.first_save_entered.set()
            self.release_first_save.wait(timeout=5)
        if "bad" in events:
            raise ValueError("conflict")
        self.batches.append(events)


def run_concurrently(
    commit: GroupCommit, store: RecordingStore, names: list[str]
) -> dict[str, Any]:
    outcomes: dict[str, Any] = {}

    def file(name: str) -> None:
        try:
            commit.save(name)
            outcomes[name] = "saved"
        except ValueError as error:
            outcomes[name] = error

    first = threading.Thread(target=file, args=("first",))
    first.start()
    assert store.first_save_entered.wait(timeout=5)
    others = [threading.Thread(target=file, args=(name,)) for name in names]
    for thread in others:
        thread.start()
    while len(commit._queue) < len(names):  # every other caller is now waiting
        threading.Event().wait(0.001)
    store.release_first_save.set()
    for thread in [first, *others]:
        thread.join(timeout=5)
    return outcomes


def test_callers_waiting_on_a_commit_are_written_together_in_the_next_one() -> None:
    store = RecordingStore()
    outcomes = run_concurrently(GroupCommit(store.save), store, ["a", "b", "c"])
    assert outcomes == {"first": "saved", "a": "saved", "b": "saved", "c": "saved"}
    assert store.batches[0] == ("first",)
    assert sorted(store.batches[1]) == ["a", "b", "c"]
    assert len(store.batches) == 2


def test_a_failing_caller_in_a_batch_fails_alone() -> None:
    store = RecordingStore()
    outcomes = run_concurrently(GroupCommit(store.save), store, ["a", "bad", "c"])
    assert isinstance(outcomes["bad"], ValueError)
    assert outcomes["a"] == outcomes["c"] == outcomes["first"] == "saved"
    assert sorted(event for batch in store.batches for event in batch) == ["a", "c", "first"]


class UnreachableStore(RecordingStore):
    def save(self, *events: Any) -> None:
        super().save(*events)
        raise psycopg.OperationalError("connection refused")


def test_when_the_store_is_down_a_batch_is_tried_once_and_every_caller_gets_the_error() -> None:
    store = UnreachableStore()
    commit = GroupCommit(store.save)
    outcomes: dict[str, Any] = {}

    def file(name: str) -> None:
        try:
            commit.save(name)
        except psycopg.OperationalError as error:
            outcomes[name] = error

    first = threading.Thread(target=file, args=("first",))
    first.start()
    assert store.first_save_entered.wait(timeout=5)
    others = [threading.Thread(target=file, args=(name,)) for name in "abc"]
    for thread in others:
        thread.start()
    while len(commit._queue) < len(others):
        threading.Event().wait(0.001)
    store.release_first_save.set()
    for thread in [first, *others]:
        thread.join(timeout=5)
    assert sorted(outcomes) == ["a", "b", "c", "first"]
    assert all(isinstance(error, psycopg.OperationalError) for error in outcomes.values())
    # the batch of three was tried once, not again caller by caller
    assert [sorted(batch) for batch in store.batches] == [["first"], ["a", "b", "c"]]


def test_a_lone_caller_is_written_at_once_and_sees_its_error() -> None:
    store = RecordingStore()
    store.release_first_save.set()
    commit = GroupCommit(store.save)
    commit.save("one")
    with pytest.raises(ValueError, match="conflict"):
        commit.save("bad")
    assert store.batches == [("one",)]


async def run_on_the_loop(store: RecordingStore, names: list[str]) -> dict[str, Any]:
    """The first save blocks the writer thread; the others queue up behind it."""
    commit = AsyncGroupCommit(store.save)
    commit.start(asyncio.get_running_loop())
    outcomes: dict[str, Any] = {}

    async def file(name: str) -> None:
        try:
            await commit.save(name)
            outcomes[name] = "saved"
        except ValueError as error:
            outcomes[name] = error

    first = asyncio.create_task(file("first"))
    assert await asyncio.to_thread(store.first_save_entered.wait, 5)
    others = [asyncio.create_task(file(name)) for name in names]
    await asyncio.sleep(0.01)  # the others reach the queue while the first is being written
    store.release_first_save.set()
    await asyncio.gather(first, *others)
    await asyncio.to_thread(commit.stop)
    return outcomes


def test_coroutines_waiting_on_a_commit_are_written_together_without_blocking_the_loop() -> None:
    store = RecordingStore()
    outcomes = asyncio.run(run_on_the_loop(store, ["a", "b", "c"]))
    assert outcomes == {"first": "saved", "a": "saved", "b": "saved", "c": "saved"}
    assert store.batches[0] == ("first",)
    assert sorted(store.batches[1]) == ["a", "b", "c"]
    assert len(store.batches) == 2


def test_a_failing_coroutine_in_a_batch_fails_alone() -> None:
    store = RecordingStore()
    outcomes = asyncio.run(run_on_the_loop(store, ["a", "bad", "c"]))
    assert isinstance(outcomes["bad"], ValueError)
    assert outcomes["a"] == outcomes["c"] == outcomes["first"] == "saved"
    assert sorted(event for batch in store.batches for event in batch) == ["a", "c", "first"]


def test_stop_writes_what_is_waiting_then_ends_the_thread() -> None:
    store = RecordingStore()
    store.release_first_save.set()

    async def save_then_stop() -> None:
        commit = AsyncGroupCommit(store.save)
        commit.start(asyncio.get_running_loop())
        pending = asyncio.create_task(commit.save("last"))
        await asyncio.sleep(0)  # queued
        await asyncio.to_thread(commit.stop)
        await pending
        assert not commit._thread.is_alive()

    asyncio.run(save_then_stop())
    assert store.batches == [("last",)]
