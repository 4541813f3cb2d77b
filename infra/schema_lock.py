"""One process at a time sets up the tables of a PostgreSQL database: two processes
starting at once on a new database (the server and a relay, say) would otherwise clash,
since ``CREATE TABLE IF NOT EXISTS`` run by two at once fails in one of them with a
duplicate type."""

from __future__ import annotations

from typing import Any

# An advisory lock's key, held while the schema is set up.
SCHEMA_LOCK = 0x61647561_6E0001


def hold_schema_lock(cursor: Any) -> None:
    """Take the schema lock until the transaction of ``cursor`` (or connection) ends."""
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCHEMA_LOCK], prepare=False)
