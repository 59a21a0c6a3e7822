"""WSGI entry point. Not used for serving (the platform needs ASGI for WebSockets); kept for
tools that expect it (and ``runserver``), so it refuses to start on what the start-up checks
refuse, exactly as ``serve`` and the ASGI application do (issue 7, item 8)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hedershus.settings")
application = get_wsgi_application()

from hedershus.core.checks import run_startup_checks_or_exit  # noqa: E402  (needs Django set up)

run_startup_checks_or_exit()
