"""`aduan ledger verify` on a real SQLite file and PostgreSQL database, after the tree and
its checkpoints exist, with the event store tampered with behind the ledger's back: an
event's state edited, a row deleted, a row inserted in the middle (the later ones
renumbered), two rows swapped. Each time it exits non-zero and names the first bad leaf."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from services.cli import main
from services.composition import build_ledger
from tests.ledger_support import add_history, events_table, execute, follower, ledger_settings
from tests.support import MutableClock

BAD_LEAF = 10  # the eleventh event; on a fresh store, log position 11


@pytest.fixture
def tree_store(
    store_url: str, tmp_path: Path, clock: MutableClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A store with 33 events, all in the tree, with checkpoints every 5; the aduan command
    set up to read it."""
    settings = ledger_settings(store_url, tmp_path)
    ledger = build_ledger(settings)
    add_history(ledger, 10)
    follower(settings, ledger, clock.now).catch_up()
    ledger.close()
    monkeypatch.setenv("ADUAN_DATABASE_URL", store_url)
    monkeypatch.setenv("ADUAN_LEDGER_SIGNING_KEY_FILE", str(settings.ledger_signing_key_file))
    yield store_url


def verify(capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["ledger", "verify"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_an_untouched_ledger_verifies(tree_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = verify(capsys)
    assert code == 0
    assert "ok: 33 leaves and 6 signed checkpoints match the event store" in out


def test_an_edited_event_state_is_named(
    tree_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    table, position = events_table(tree_store)
    (row,) = [r for r in execute(tree_store, [], select=True) if r[0] == BAD_LEAF + 1]
    state = bytearray(row[4])
    state[len(state) // 2] ^= 0x01  # one bit, in the middle of the stored state
    execute(tree_store, [(f"UPDATE {table} SET state = ? WHERE {position} = ?",
                          (bytes(state), BAD_LEAF + 1))])  # fmt: skip
    code, _, err = verify(capsys)
    assert code == 1
    assert "FAILED (edited): leaf 10 (log position 11) was edited" in err


def test_a_deleted_event_is_named(tree_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    table, position = events_table(tree_store)
    execute(tree_store, [(f"DELETE FROM {table} WHERE {position} = ?", (BAD_LEAF + 1,))])
    code, _, err = verify(capsys)
    assert code == 1
    assert "FAILED (deleted): leaf 10 (log position 11) was deleted" in err


def test_an_event_inserted_in_the_middle_is_named(
    tree_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    table, position = events_table(tree_store)
    first = BAD_LEAF + 1
    # Make room at position 11 by moving every later event one on, then put a copy of
    # event 3 there under another aggregate id.
    new_id = "'ffffffff' || substr(originator_id, 9)"
    if position == "notification_id":
        new_id = "('ffffffff' || substr(originator_id::text, 9))::uuid"
    execute(tree_store, [
        (f"UPDATE {table} SET {position} = {position} + 1000000 WHERE {position} >= ?", (first,)),
        (f"UPDATE {table} SET {position} = {position} - 999999 WHERE {position} >= 1000000", ()),
        (f"INSERT INTO {table} ({position}, originator_id, originator_version, topic, state) "
         f"SELECT ?, {new_id}, originator_version, topic, state FROM {table} "
         f"WHERE {position} = 3", (first,)),
    ])  # fmt: skip
    code, _, err = verify(capsys)
    assert code == 1
    assert "FAILED (inserted): an event was inserted at leaf 10 (log position 11)" in err


def test_two_swapped_events_are_named(tree_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    table, position = events_table(tree_store)
    execute(tree_store, [
        (f"UPDATE {table} SET {position} = -1 WHERE {position} = ?", (BAD_LEAF + 1,)),
        (f"UPDATE {table} SET {position} = ? WHERE {position} = ?", (BAD_LEAF + 1, 20)),
        (f"UPDATE {table} SET {position} = ? WHERE {position} = -1", (20,)),
    ])  # fmt: skip
    code, _, err = verify(capsys)
    assert code == 1
    assert (
        "FAILED (reordered): leaf 10 (log position 11) holds the event of leaf 19 "
        "(log position 20)" in err
    )


def test_a_changed_node_of_the_stored_tree_is_named(
    tree_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    execute(tree_store, [("UPDATE ledger_nodes SET hash = ? WHERE level = 2 AND node_index = 3",
                          (bytes(32),))])  # fmt: skip
    code, _, err = verify(capsys)
    assert code == 1
    assert "FAILED (tree): the stored tree's node at level 2, index 3 differs" in err


def test_a_checkpoint_that_does_not_verify_is_named(
    tree_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    execute(tree_store, [("UPDATE ledger_checkpoints SET note = replace(note, '\n15\n', '\n16\n') "
                          "WHERE tree_size = 15", ())])  # fmt: skip
    code, _, err = verify(capsys)
    assert code == 1
    assert "FAILED (checkpoint): the checkpoint of tree size 15: the signature by" in err
