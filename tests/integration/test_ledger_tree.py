"""The tree follower on both stores: every stored event a leaf in log order, as the
contract defines it; checkpoints every N events or T seconds, signed and kept; appends
exactly once, resumed after a crash; proofs from the stored nodes that verify."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from eventsourcing.persistence import IntegrityError

from infra.transparency.merkle import leaf_hash
from infra.transparency.note import NoteVerifier, open_checkpoint
from infra.transparency.proofs import verify_consistency, verify_inclusion
from infra.transparency.tree_store import TreeStore
from services.composition import build_ledger, build_ledger_proofs, build_verifier
from services.ledger import ComplaintLedger
from tests.ledger_support import (
    add_history,
    execute,
    follower,
    ledger_settings,
    reference_leaf,
    reference_root,
    stored_rows,
)
from tests.support import MutableClock, empty_every_table


@pytest.fixture
def history(ledger: ComplaintLedger) -> ComplaintLedger:
    add_history(ledger, 6)  # 3 unit events + 6 * 3
    return ledger


EVENTS = 21


def test_every_stored_event_becomes_a_leaf_in_log_order_as_the_contract_defines(
    store_url: str, tmp_path: Path, history: ComplaintLedger, clock: MutableClock
) -> None:
    settings = ledger_settings(store_url, tmp_path, ledger_checkpoint_seconds=0)
    assert follower(settings, history, clock.now).catch_up() == EVENTS
    rows = stored_rows(store_url)
    assert len(rows) == EVENTS
    proofs = build_ledger_proofs(settings, history)
    for index, row in enumerate(rows):
        leaf = proofs.leaf(index)
        assert leaf["leaf_input"].encode() == reference_leaf(row)
        assert leaf["leaf_hash"] == leaf_hash(reference_leaf(row)).hex()
    latest = proofs.checkpoint()
    assert latest.tree_size == EVENTS
    assert latest.root_hash == reference_root([reference_leaf(row) for row in rows])


def test_a_backlog_gets_a_signed_checkpoint_every_n_events_each_with_the_rfc_root(
    store_url: str, tmp_path: Path, history: ComplaintLedger, clock: MutableClock
) -> None:
    settings = ledger_settings(store_url, tmp_path, ledger_checkpoint_events=6)
    follower(settings, history, clock.now).catch_up()
    leaves = [reference_leaf(row) for row in stored_rows(store_url)]
    verifier = NoteVerifier.from_text(build_ledger_proofs(settings, history).verifier.text)
    checkpoints = TreeStore(history.recorder).checkpoints()
    assert [c.tree_size for c in checkpoints] == [6, 12, 18]
    for stored in checkpoints:
        signed = open_checkpoint(stored.note, verifier)
        assert signed.origin == settings.ledger_origin
        assert signed.tree_size == stored.tree_size
        assert signed.root_hash == stored.root_hash == reference_root(leaves[: stored.tree_size])


def test_a_checkpoint_follows_t_seconds_after_the_last_when_the_log_grew(
    store_url: str, tmp_path: Path, history: ComplaintLedger, clock: MutableClock
) -> None:
    settings = ledger_settings(store_url, tmp_path, ledger_checkpoint_events=100,
                               ledger_checkpoint_seconds=30)  # fmt: skip
    tree = follower(settings, history, clock.now)
    tree.catch_up()  # the first checkpoint comes at once
    add_history(history, 1)
    tree.catch_up()
    store = TreeStore(history.recorder)
    assert [c.tree_size for c in store.checkpoints()] == [EVENTS]
    clock.advance(timedelta(seconds=29))
    tree.catch_up()
    assert [c.tree_size for c in store.checkpoints()] == [EVENTS]
    clock.advance(timedelta(seconds=1))
    tree.catch_up()
    assert [c.tree_size for c in store.checkpoints()] == [EVENTS, EVENTS + 3]
    clock.advance(timedelta(hours=1))
    tree.catch_up()  # nothing new: no new checkpoint
    assert [c.tree_size for c in store.checkpoints()] == [EVENTS, EVENTS + 3]


@pytest.mark.postgres
def test_leaf_indexes_are_ordinals_in_log_order_not_notification_ids(
    postgres_session_url: str, tmp_path: Path, clock: MutableClock
) -> None:
    settings = ledger_settings(postgres_session_url, tmp_path)
    ledger = build_ledger(settings)
    try:
        add_history(ledger, 1)
        # A rolled-back transaction leaves a gap in PostgreSQL's log positions.
        gap = "SELECT nextval('complaintledger_events_notification_id_seq')"
        execute(postgres_session_url, [(gap, ())])
        add_history(ledger, 1)
        follower(settings, ledger, clock.now).catch_up()
        positions = [row[0] for row in stored_rows(postgres_session_url)]
        assert positions != list(range(1, len(positions) + 1))  # the gap is there
        proofs = build_ledger_proofs(settings, ledger)
        assert [proofs.leaf(i)["notification_id"] for i in range(len(positions))] == positions
        assert build_verifier(settings, ledger).run().problem is None
    finally:
        ledger.close()
        empty_every_table(postgres_session_url)


class CrashingStore(TreeStore):
    """Fails inside the append's transaction, after the leaves went in."""

    def _insert(self, cursor: object, table: str, columns: str, rows: object) -> None:
        super()._insert(cursor, table, columns, rows)  # type: ignore[arg-type]
        if table == "ledger_nodes":
            raise OSError("the process died here")


def test_a_crash_inside_an_append_leaves_nothing_and_the_next_run_appends_exactly_once(
    store_url: str, tmp_path: Path, history: ComplaintLedger, clock: MutableClock
) -> None:
    settings = ledger_settings(store_url, tmp_path)
    crashing = follower(settings, history, clock.now)
    crashing.store = CrashingStore(history.recorder)
    with pytest.raises(OSError, match="died"):
        crashing.catch_up()
    store = TreeStore(history.recorder)
    assert store.last_leaf() == (0, 0)
    assert store.checkpoints() == []
    restarted = follower(settings, history, clock.now)
    assert restarted.catch_up() == EVENTS
    assert restarted.catch_up() == 0
    assert store.last_leaf() == (EVENTS, stored_rows(store_url)[-1][0])
    assert build_verifier(settings, history).run().problem is None


def test_two_followers_at_once_append_each_event_once(
    store_url: str, tmp_path: Path, history: ComplaintLedger, clock: MutableClock
) -> None:
    settings = ledger_settings(store_url, tmp_path)
    add_history(history, 20)
    ledgers = [build_ledger(settings) for _ in range(2)]  # each with its own connections
    followers = [follower(settings, ledger, clock.now) for ledger in ledgers]
    failures: list[Exception] = []

    def run(tree_follower: object) -> None:
        try:
            tree_follower.catch_up()  # type: ignore[attr-defined]
        except IntegrityError as error:  # the other one wrote that leaf first
            failures.append(error)

    threads = [threading.Thread(target=run, args=(f,)) for f in followers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    followers[0].catch_up()
    for ledger in ledgers:
        ledger.close()
    report = build_verifier(settings, history).run()
    assert report.problem is None
    assert report.leaves == len(stored_rows(store_url)) == EVENTS + 60


def test_proofs_from_the_stored_nodes_verify_against_signed_checkpoints(
    store_url: str, tmp_path: Path, history: ComplaintLedger, clock: MutableClock
) -> None:
    settings = ledger_settings(store_url, tmp_path, ledger_checkpoint_seconds=0)
    follower(settings, history, clock.now).catch_up()
    proofs = build_ledger_proofs(settings, history)
    leaves = [reference_leaf(row) for row in stored_rows(store_url)]
    for tree_size in (5, 10, 15, 20, EVENTS):
        root = open_checkpoint(proofs.checkpoint(tree_size).note, proofs.verifier).root_hash
        for index in range(tree_size):
            proof = proofs.inclusion(index, tree_size)
            path = [bytes.fromhex(node) for node in proof["inclusion_path"]]
            assert verify_inclusion(leaf_hash(leaves[index]), index, tree_size, path, root)
    for first in range(1, EVENTS + 1):
        proof = proofs.consistency(first, EVENTS)
        assert verify_consistency(
            first, EVENTS, reference_root(leaves[:first]), reference_root(leaves),
            [bytes.fromhex(node) for node in proof["proof"]],
        )  # fmt: skip
