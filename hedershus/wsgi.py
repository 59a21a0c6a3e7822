# Not used for serving (the platform needs ASGI for WebSockets); kept for tools that expect it.
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hedershus.settings")
application = get_wsgi_application()
