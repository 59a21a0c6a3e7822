"""Background tasks of messaging (django-tasks; ``settings.TASKS``).

In production they run in ``manage.py db_worker`` (django-tasks-db), queued by
``manage.py retention_run`` from a daily timer; with the immediate backend (the embedded
default) they run at once in the process that queues them.
"""

from __future__ import annotations

from django_tasks import task

from hedershus.messaging.retention import retention_run


@task()
def retention_task() -> dict[str, int]:
    """Applies the retention rules once (``messaging.retention.retention_run``); returns the
    counts, which is all the task result stores (no ids, nothing about anyone)."""
    return retention_run()
