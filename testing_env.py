"""A pytest plugin loaded first (``-p testing_env`` in pyproject.toml), before Django reads
its settings: tests run with DEBUG off, like production, on throw-away secrets."""

import os

# Random-looking, as the start-up check requires (a repeated word is refused); for tests only.
os.environ.setdefault("SECRET_KEY", "mjK6oX6-QSclyHyI_1N5SL8Uu61DdaU3izWDdAytDVU2JrLYEyVu4O8MZecbffWc")
os.environ.setdefault("ENCRYPTION_KEYS", "eOThJFmBkAcl_tH70iSCsqANQ_cvrNTNyPXoEeJvV2M=")
os.environ.setdefault("AUDIT_HMAC_KEYS", "PMS_36rAxKDFDmvC0kVQ6FKKmx-RKvPm3dPLgr0vlaQ=")
os.environ.setdefault("ROOM_CODE_PEPPERS", "q3Vd0bQ7m2xYk9JfT1cW8sLh4RzNpE6uGa5oXiKvB0M=")
os.environ.setdefault("DEBUG", "false")
