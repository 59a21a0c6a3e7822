"""Settings for ``bench/public_pages.py`` only: the platform's settings with a URLconf that
adds one bare Django view. Never used in production (selected by DJANGO_SETTINGS_MODULE)."""

from hedershus.settings import *  # noqa: F403

ROOT_URLCONF = "bench.public_pages_urls"
