"""Database helpers that the settings module names (imported before Django is set up)."""

from __future__ import annotations

from typing import Any


def pool_connection_reset(connection: Any) -> None:
    """psycopg_pool's ``reset`` hook: runs when a connection goes back to the pool.

    Releases every session-level advisory lock the connection still holds. Those locks belong
    to the server session, which the pool keeps open: without this, a lock that code took and
    then "released by closing the connection" (the audit sealer's presence lock after a
    database error, ``hedershus.audit.sealer``) or failed to release would stay held by an idle
    pooled connection, and every sealer and writer would wait on it for good. ``connection``
    is the psycopg ``Connection``; idle when the pool calls this (it rolls back first).
    """
    connection.execute("SELECT pg_advisory_unlock_all()")
    if not connection.autocommit:
        connection.commit()
