"""The dispatcher's webhook list is cached for a second, never across a change."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from projections.sqlite_store import SQLiteViewStore
from services.notifications.webhooks import Webhooks

SECRET = "s" * 20


def test_a_webhook_registered_while_the_list_is_read_is_seen_by_the_next_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SQLiteViewStore(tmp_path / "views.db")
    webhooks = Webhooks(store)
    read = store.query
    registered_meanwhile = False

    def read_then_register(sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """The dispatcher's read finishes before a registration commits, and is handed
        back after it."""
        nonlocal registered_meanwhile
        rows = read(sql, params)
        if not registered_meanwhile:
            registered_meanwhile = True
            webhooks.register("http://127.0.0.1:9/hook", ["*"], None, SECRET, "admin")
        return rows

    monkeypatch.setattr(store, "query", read_then_register)

    assert webhooks.active() == []  # read before the registration committed
    assert [hook.url for hook in webhooks.active()] == ["http://127.0.0.1:9/hook"]


def test_the_list_is_read_again_after_a_delete(tmp_path: Path) -> None:
    webhooks = Webhooks(SQLiteViewStore(tmp_path / "views.db"))
    registered = webhooks.register("http://127.0.0.1:9/hook", ["*"], None, SECRET, "admin")
    assert len(webhooks.active()) == 1
    webhooks.delete(registered["id"])
    assert webhooks.active() == []
