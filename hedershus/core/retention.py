"""Retention jobs (R22) of every app, run by one daily command (`manage.py retention_run`).

``core`` imports no app, so apps above messaging (cases and what is written on a case)
register their jobs here from their ``AppConfig.ready``; messaging's ``retention_run`` runs
its own rules and then every registered job, and audits the counts of all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

# A job deletes what has expired at ``now`` in transactions of at most ``batch_size`` rows
# and returns what it did as counts (name → int): never what it deleted.
RetentionJob = Callable[[datetime, int], dict[str, int]]
_jobs: dict[str, RetentionJob] = {}


def register_retention_job(name: str, job: RetentionJob) -> None:
    """Adds ``job`` under ``name`` (registering a name again replaces it: AppConfig.ready
    may run twice in tests)."""
    _jobs[name] = job


def retention_jobs() -> list[tuple[str, RetentionJob]]:
    """The registered jobs, in the order they were first registered."""
    return list(_jobs.items())
