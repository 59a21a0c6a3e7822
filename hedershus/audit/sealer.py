"""The dedicated sealer: one process seals every audited write's event, in batches.

Without it, each audited transaction on PostgreSQL runs ``audit_seal_pending`` after its
commit: correct, but every writer pays a second transaction (or at least a lock attempt)
on top of its own. With it (`manage.py audit_sealer`, docs/operations.md), writers see its
presence lock (``services.dedicated_sealer_running``) and pay only their own commit; the
sealer wakes every ``POLL_SECONDS`` and seals everything committed since, in one short
transaction per SEAL_BATCH events (bench/results/audit-throughput.md).

Nothing depends on it for correctness: the seal chain is written under the same seal lock
either way, and if the sealer stops, its presence lock goes with its connection, so writers
seal after their own commits again within ``SEALER_CHECK_SECONDS``; `manage.py audit_seal`
from cron and `audit_verify` (unsealed events past the grace period) stay the safety nets.
Polling, not LISTEN/NOTIFY: a NOTIFY in every audited transaction would serialise their
commits on PostgreSQL's notification queue lock, the very thing sealing removed.
"""

from __future__ import annotations

import logging
import threading

from django.db import DatabaseError, connection

from hedershus.audit.models import AuditPending
from hedershus.audit.services import SEALER_PRESENT_KEY, audit_seal_pending

logger = logging.getLogger("hedershus.audit")

# How often the sealer looks for queued events (seconds): the longest an event waits for
# its seal while the sealer runs, and about five cheap queries a second when idle.
POLL_SECONDS = 0.2
# After a database error, or while another sealer holds the presence lock (seconds).
RETRY_SECONDS = 1.0


def _take_presence_lock() -> bool:
    """Tries the presence lock for this connection's session; False if another sealer has it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [SEALER_PRESENT_KEY])
        row = cursor.fetchone()
    return bool(row and row[0])


def run_sealer(stop: threading.Event, *, poll_seconds: float = POLL_SECONDS) -> int:
    """Seals queued audit events every ``poll_seconds`` until ``stop`` is set; returns how
    many it sealed. PostgreSQL only (RuntimeError otherwise: SQLite seals each event in its
    own transaction).

    Holds the presence lock ``SEALER_PRESENT_KEY`` while it runs. A second sealer waits as a
    stand-by until the first one's lock is gone. A database error is logged, the connection
    closed and the work retried after RETRY_SECONDS (the presence lock is taken again on the
    new connection); nothing is lost meanwhile, because writers seal themselves once they
    see no sealer.
    """
    if connection.vendor != "postgresql":
        raise RuntimeError("Only PostgreSQL needs a sealer: SQLite seals each event at once.")
    total = 0
    present = False
    try:
        while not stop.is_set():
            try:
                if not present:
                    present = _take_presence_lock()
                    if not present:
                        stop.wait(RETRY_SECONDS)  # another sealer runs: stand by
                        continue
                    logger.info("audit sealer running (polls every %g s)", poll_seconds)
                if AuditPending.objects.exists():
                    total += audit_seal_pending()
            except DatabaseError:
                logger.exception("audit sealer: database error; retrying in %g s", RETRY_SECONDS)
                present = False
                connection.close()  # its locks go with it (closed, or reset by the pool: core/db.py)
                stop.wait(RETRY_SECONDS)
                continue
            stop.wait(poll_seconds)
    finally:
        # Closing the connection releases the presence lock (the pool's reset, core/db.py, does
        # the same when it keeps the session open): writers take over sealing.
        connection.close()
    return total
