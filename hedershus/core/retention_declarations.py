"""Retention of the framework's own tables (R22): sessions, task results, permissions.

Registered from ``CoreConfig.ready`` (``hedershus.core.retention``). Two jobs live here
because no app of the platform owns their tables:

- ``sessions``: a session (staff sign-in, or a visitor's room: it may name the room) expires
  ``SESSION_IDLE_MINUTES`` after its last request (``SESSION_COOKIE_AGE``); the job deletes
  expired sessions, as Django's ``clearsessions`` would, in batches.
- ``task_results``: a finished result of the database task backend is deleted
  ``TASK_RESULT_RETENTION_DAYS`` after it finished, as django-tasks-db's
  ``prune_db_task_results`` would. The retention task takes no arguments and returns counts,
  but a failed task's traceback may quote a value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from hedershus.core.retention import (
    PeriodUnit,
    RetentionDeclaration,
    add_progress,
    after,
    declare_retention,
    register_retention_job,
)


def sessions_expired(*, now: dt.datetime) -> QuerySet[Session]:
    """Sessions whose expiry (``SESSION_COOKIE_AGE`` after their last request) is before ``now``."""
    return Session.objects.filter(expire_date__lt=now)


def task_results_expired(*, now: dt.datetime) -> QuerySet[DBTaskResult]:
    """Task results that finished ``TASK_RESULT_RETENTION_DAYS`` or more before ``now``
    (a task still waiting or running is never deleted)."""
    from django.conf import settings

    cutoff = now - dt.timedelta(days=settings.TASK_RESULT_RETENTION_DAYS)
    return DBTaskResult.objects.filter(finished_at__isnull=False, finished_at__lt=cutoff)


def delete_in_batches(
    expired: QuerySet[Any], batch_size: int, progress: dict[str, int] | None, name: str
) -> int:
    """Deletes the rows of ``expired`` (re-evaluated for each batch), ``batch_size`` primary
    keys per transaction, adding each committed batch to ``progress[name]``; returns how many
    rows. For jobs whose rows cascade to nothing that needs a guard."""
    done = 0
    while True:
        with transaction.atomic():
            pks = list(expired.all().values_list("pk", flat=True)[:batch_size])
            if not pks:
                return done
            expired.model.objects.filter(pk__in=pks).delete()
        done += len(pks)
        add_progress(progress, name, len(pks))


def sessions_job(
    now: dt.datetime, batch_size: int, *, progress: dict[str, int] | None = None
) -> dict[str, int]:
    """Job ``sessions``: deletes expired sessions. Returns ``{"sessions_deleted": n}``."""
    return {
        "sessions_deleted": delete_in_batches(
            sessions_expired(now=now), batch_size, progress, "sessions_deleted"
        )
    }


def task_results_job(
    now: dt.datetime, batch_size: int, *, progress: dict[str, int] | None = None
) -> dict[str, int]:
    """Job ``task_results``: deletes finished task results. Returns ``{"task_results_deleted": n}``."""
    deleted = delete_in_batches(task_results_expired(now=now), batch_size, progress, "task_results_deleted")
    return {"task_results_deleted": deleted}


def register() -> None:
    """Registers the jobs and declarations of this module (from ``CoreConfig.ready``)."""
    register_retention_job("sessions", sessions_job)
    register_retention_job("task_results", task_results_job)
    declare_retention(
        RetentionDeclaration(
            model="sessions.Session",
            personal_data=True,
            rule=after(
                "SESSION_IDLE_MINUTES", PeriodUnit.MINUTES, _("the last request (the session expires)")
            ),
            settings=("SESSION_IDLE_MINUTES",),
            job="sessions",
            due=lambda now: sessions_expired(now=now).count(),
        ),
        RetentionDeclaration(
            model="django_tasks_database.DBTaskResult",
            # The retention task takes no arguments and returns counts, but a failed task's
            # traceback may quote a value: treated as personal data.
            personal_data=True,
            rule=after("TASK_RESULT_RETENTION_DAYS", PeriodUnit.DAYS, _("the task finished")),
            settings=("TASK_RESULT_RETENTION_DAYS",),
            job="task_results",
            due=lambda now: task_results_expired(now=now).count(),
        ),
        RetentionDeclaration(
            model="auth.*",
            personal_data=False,
            kept_because=_(
                "Permissions and groups name no person (staff accounts are accounts.User); "
                "kept while the software needs them."
            ),
        ),
        RetentionDeclaration(
            model="contenttypes.*",
            personal_data=False,
            kept_because=_("The list of the platform's record types; names no person."),
        ),
    )
