"""Start-up checks: configurations that must never serve real people (issue 7, items 8 and 10).

They are Django system checks of Error level, tagged ``STARTUP_TAG`` and registered as
deployment checks, so ``manage.py check --deploy`` lists them, ordinary commands (migrate,
collectstatic) are not stopped by them, and ``manage.py serve`` and the ASGI application
run them before answering anyone (``run_startup_checks_or_exit``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import sys
from typing import Any

from django.conf import settings
from django.core import checks
from django.db import connections

STARTUP_TAG = "hedershus_startup"

# Backends that print or file every message: set-up and reset links would land in a log or
# on disk, readable by whoever reads those (issue 7, item 8).
MAIL_BACKENDS_THAT_LEAK = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


def mail_backend_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """With DEBUG off, refuses a mail backend that prints or files messages (they carry links
    that sign someone in)."""
    if settings.DEBUG or settings.EMAIL_BACKEND not in MAIL_BACKENDS_THAT_LEAK:
        return []
    return [
        checks.Error(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND.rsplit('.', 2)[-2]}: with DEBUG off it would "
            "write set-up and reset links to a log or file.",
            hint="Use SMTP (the default with DEBUG off): set EMAIL_HOST and its companions.",
            id="core.E001",
        )
    ]


def static_manifest_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """With DEBUG off and a manifest storage, refuses to serve before ``collectstatic`` has
    written the manifest: every page would otherwise fail with 500 (issue 7, item 10)."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    if settings.DEBUG or not hasattr(staticfiles_storage, "manifest_name"):
        return []
    storage: Any = staticfiles_storage
    if storage.manifest_storage.exists(storage.manifest_name):
        return []
    return [
        checks.Error(
            f"No static files manifest in STATIC_ROOT ({settings.STATIC_ROOT}).",
            hint="Run: python manage.py collectstatic --noinput",
            id="core.E002",
        )
    ]


checks.register(mail_backend_check, STARTUP_TAG, deploy=True)
checks.register(static_manifest_check, STARTUP_TAG, deploy=True)


def run_startup_checks() -> list[checks.CheckMessage]:
    """Runs every start-up check; returns the errors (an empty list when it may start).

    Safe to call from inside a running event loop (uvicorn imports the ASGI application in
    one): the checks read the database, so they then run in a worker thread.
    """

    def run() -> list[checks.CheckMessage]:
        try:
            found = checks.run_checks(
                tags=[STARTUP_TAG], include_deployment_checks=True, databases=["default"]
            )
            return [message for message in found if message.is_serious()]
        finally:
            connections.close_all()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def run_startup_checks_or_exit() -> None:
    """Exits with status 3 and one line per problem on stderr if a start-up check fails."""
    errors = run_startup_checks()
    if not errors:
        return
    for error in errors:
        hint = f" {error.hint}" if error.hint else ""
        sys.stderr.write(f"Start-up refused: {error.id}: {error.msg}{hint}\n")
    sys.stderr.flush()
    raise SystemExit(3)
