"""Helpers of the verifiable-log tests: a ledger with history, the tree follower on its
store, the event table's SQL to tamper with, and the tree computed independently."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg

from domain.sla import SlaPolicy
from domain.values import Actor, Role
from infra.event_store import sqlite_path
from infra.settings import Settings
from services.commands import Verify
from services.composition import build_tree_follower
from services.ledger import Clock, ComplaintLedger
from services.ledger_tree import TreeFollower
from services.principals import Staff
from tests.support import file_complaint

ADMIN = Actor("admin-test", Role.ADMIN)
COORDINATOR = Staff("koordinator", Role.COORDINATOR)


def ledger_settings(store_url: str, key_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": store_url,
        "ledger_signing_key_file": key_dir / "ledger.key",
        "ledger_checkpoint_events": 5,
        "ledger_checkpoint_seconds": 3600,
        **overrides,
    }
    return Settings(**values)


def add_history(ledger: ComplaintLedger, complaints: int) -> list[dict[str, Any]]:
    """A unit, then ``complaints`` complaints filed and verified (three events each, with
    the tracking-number event)."""
    if not ledger.list_units():
        ledger.register_unit(ADMIN, "disdukcapil", "Disdukcapil", None, SlaPolicy())
    filed = [file_complaint(ledger) for _ in range(complaints)]
    for complaint in filed:
        ledger.perform(complaint["id"], COORDINATOR, Verify())
    return filed


def follower(settings: Settings, ledger: ComplaintLedger, clock: Clock) -> TreeFollower:
    return build_tree_follower(settings, ledger, clock)


def stored_rows(store_url: str) -> list[tuple[int, str, int, str, bytes]]:
    """Every stored event, in log order, read here without the ledger's code."""
    rows = execute(store_url, [], select=True)
    return [(int(n), str(o), int(v), str(t), bytes(s)) for n, o, v, t, s in rows]


def reference_leaf(row: tuple[int, str, int, str, bytes]) -> bytes:
    """The contract's leaf input, built with the standard library's json."""
    notification_id, originator_id, version, topic, state = row
    if len(originator_id) == 32:  # SQLite keeps UUIDs as 32 hex digits
        o = originator_id
        originator_id = f"{o[:8]}-{o[8:12]}-{o[12:16]}-{o[16:20]}-{o[20:]}"
    fields = {
        "notification_id": notification_id,
        "originator_id": originator_id,
        "originator_version": version,
        "topic": topic,
        "state_sha256": hashlib.sha256(state).hexdigest(),
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def reference_root(leaves: Sequence[bytes]) -> bytes:
    """RFC 9162 MTH over leaf inputs, by its recursive definition."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(
        b"\x01" + reference_root(leaves[:k]) + reference_root(leaves[k:])
    ).digest()


def events_table(store_url: str) -> tuple[str, str]:
    """(table, position column) of the stored events."""
    if sqlite_path(store_url) is not None:
        return "stored_events", "rowid"
    return "complaintledger_events", "notification_id"


def execute(
    store_url: str, statements: Sequence[tuple[str, tuple[Any, ...]]], select: bool = False
) -> list[Any]:
    """Run SQL on the store behind the ledger's back ("?" placeholders); with ``select``,
    return every stored event as (position, originator id, version, topic, state)."""
    table, position = events_table(store_url)
    columns = f"{position}, originator_id, originator_version, topic, state"
    query = f"SELECT {columns} FROM {table} ORDER BY {position}"
    path = sqlite_path(store_url)
    if path is not None:
        with closing(sqlite3.connect(path)) as connection:
            for statement, parameters in statements:
                connection.execute(statement, parameters)
            connection.commit()
            return connection.execute(query).fetchall() if select else []
    with psycopg.connect(store_url, autocommit=False) as connection:
        for statement, parameters in statements:
            connection.execute(statement.replace("?", "%s"), parameters)
        connection.commit()
        if select:
            return [(n, str(o), v, t, s) for n, o, v, t, s in connection.execute(query)]
    return []


def query(store_url: str, statement: str) -> list[Any]:
    """The rows of one SELECT on the store, read behind the ledger's back."""
    path = sqlite_path(store_url)
    if path is not None:
        with closing(sqlite3.connect(path)) as connection:
            return connection.execute(statement).fetchall()
    with psycopg.connect(store_url) as connection:
        return connection.execute(statement).fetchall()
