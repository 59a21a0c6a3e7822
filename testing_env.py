"""A pytest plugin loaded first (``-p testing_env`` in pyproject.toml), before Django reads
its settings: tests run with DEBUG off, like production, on throw-away secrets."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-that-is-long-enough-for-the-start-up-check")
os.environ.setdefault("ENCRYPTION_KEYS", "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdC0=")
os.environ.setdefault("AUDIT_HMAC_KEYS", "PMS_36rAxKDFDmvC0kVQ6FKKmx-RKvPm3dPLgr0vlaQ=")
os.environ.setdefault("DEBUG", "false")
