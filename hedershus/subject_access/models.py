"""Data-subject access requests (GDPR art. 15)."""
