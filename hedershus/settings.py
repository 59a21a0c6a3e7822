"""The one settings module. Every value comes from the environment (see docs/operations.md).

Defaults are the safe ones: DEBUG is off, cookies are Secure, and with DEBUG off the
platform refuses to start without a real SECRET_KEY and ENCRYPTION_KEYS.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from hedershus.accounts.eid_config import (
    DEFAULT_IDENTITY_CLAIM,
    eid_config_from_env,
    eid_form_action_origin,
    socialaccount_providers,
)
from hedershus.core.db import pool_connection_reset
from hedershus.core.middleware import static_no_store
from hedershus.core.retention import parse_run_time
from hedershus.env import Env, check_32_byte_keys, estimated_entropy_bits, zxcvbn_guesses_log10

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

DEBUG = env.boolean("DEBUG", False)

# Development-only fallbacks: refused below when DEBUG is off.
_DEV_SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
_DEV_ENCRYPTION_KEY = "ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcHJvZHVjdGk="  # 32 bytes, base64

SECRET_KEY = env.string("SECRET_KEY", _DEV_SECRET_KEY)
# Keys for encrypting free text and files at rest. The first key encrypts; all of them
# decrypt, so a key is rotated by putting a new one first (docs/operations.md).
ENCRYPTION_KEYS = env.strings("ENCRYPTION_KEYS", [_DEV_ENCRYPTION_KEY])

# A key typed by hand ("s" * 50, a repeated word) is refused: it must be this hard to guess,
# by hedershus.env.estimated_entropy_bits (a random 32-character hex string scores about 113).
_MIN_SECRET_KEY_BITS = 100
# ...and as hard by zxcvbn's estimate (a well-kept library that knows keyboard runs, words and
# sequences, which the entropy estimate above misses): 10^30 guesses is about 100 bits; a
# random 32-character hex string scores 10^32, "qwerty…1234567890" 10^12.
_MIN_SECRET_KEY_GUESSES_LOG10 = 30
# A random 32-byte key has about 28 distinct bytes; fewer than 16 is a key made by hand.
_MIN_ENCRYPTION_KEY_DISTINCT_BYTES = 16

if not DEBUG:
    if SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "SECRET_KEY: DEBUG is off, so a secret key of at least 32 random characters "
            "must be set (SECRET_KEY or SECRET_KEY_FILE; make one with: "
            "python manage.py generate_secret_key)."
        )
    if (
        estimated_entropy_bits(SECRET_KEY) < _MIN_SECRET_KEY_BITS
        or zxcvbn_guesses_log10(SECRET_KEY) < _MIN_SECRET_KEY_GUESSES_LOG10
    ):
        raise ImproperlyConfigured(
            "SECRET_KEY: too easy to guess (repeated or patterned characters); use a random one "
            "(make one with: python manage.py generate_secret_key)."
        )
    if _DEV_ENCRYPTION_KEY in ENCRYPTION_KEYS:
        raise ImproperlyConfigured(
            "ENCRYPTION_KEYS: DEBUG is off, so at least one real encryption key must be set "
            "(ENCRYPTION_KEYS or ENCRYPTION_KEYS_FILE); see docs/operations.md."
        )
check_32_byte_keys(
    "ENCRYPTION_KEYS",
    ENCRYPTION_KEYS,
    make_with="generate_encryption_key",
    min_distinct_bytes=0 if DEBUG else _MIN_ENCRYPTION_KEY_DISTINCT_BYTES,
)

# Keys that sign the audit chain (HMAC), kept outside the database so that whoever can write
# the database cannot forge it. The first key signs; all of them verify, so a key is rotated
# by putting a new one first and keeping the old ones (docs/operations.md).
_DEV_AUDIT_HMAC_KEY = "ZGV2ZWxvcG1lbnQtYXVkaXQta2V5LW5vdC1wcm9kISE="  # 32 bytes, base64
AUDIT_HMAC_KEYS = env.strings("AUDIT_HMAC_KEYS", [_DEV_AUDIT_HMAC_KEY])
if not DEBUG and _DEV_AUDIT_HMAC_KEY in AUDIT_HMAC_KEYS:
    raise ImproperlyConfigured(
        "AUDIT_HMAC_KEYS: DEBUG is off, so at least one real audit key must be set "
        "(AUDIT_HMAC_KEYS or AUDIT_HMAC_KEYS_FILE); see docs/operations.md."
    )
check_32_byte_keys(
    "AUDIT_HMAC_KEYS",
    AUDIT_HMAC_KEYS,
    make_with="generate_audit_key",
    min_distinct_bytes=0 if DEBUG else _MIN_ENCRYPTION_KEY_DISTINCT_BYTES,
)
if set(AUDIT_HMAC_KEYS) & set(ENCRYPTION_KEYS):
    # One key for two purposes: whoever is given it to verify the log could decrypt data.
    raise ImproperlyConfigured("AUDIT_HMAC_KEYS: use keys of their own, not ENCRYPTION_KEYS.")
# Anchors of the audit log's head (hedershus/audit/anchors.py, docs/operations.md): a directory
# the database cannot reach and/or external addresses. Both empty: no anchors are written.
AUDIT_ANCHOR_DIR = env.string("AUDIT_ANCHOR_DIR", "")
if AUDIT_ANCHOR_DIR and not Path(AUDIT_ANCHOR_DIR).is_absolute():
    raise ImproperlyConfigured("AUDIT_ANCHOR_DIR: give an absolute path (a directory for anchor files).")
AUDIT_ANCHOR_EMAILS = env.strings("AUDIT_ANCHOR_EMAILS", [])
for _address in AUDIT_ANCHOR_EMAILS:
    if "@" not in _address or any(c.isspace() for c in _address):
        raise ImproperlyConfigured("AUDIT_ANCHOR_EMAILS: give comma-separated e-mail addresses.")
# Log review (loggkontroll, hedershus/oversight): a sampled review is due this many days after
# the last one was signed; reads outside these local hours (and at weekends) are "after hours".
LOG_REVIEW_INTERVAL_DAYS = env.integer("LOG_REVIEW_INTERVAL_DAYS", 30, minimum=1)
LOG_REVIEW_WORKDAY_START = env.integer("LOG_REVIEW_WORKDAY_START", 7, minimum=0)
LOG_REVIEW_WORKDAY_END = env.integer("LOG_REVIEW_WORKDAY_END", 18, minimum=1)
if not LOG_REVIEW_WORKDAY_START < LOG_REVIEW_WORKDAY_END <= 24:
    raise ImproperlyConfigured("LOG_REVIEW_WORKDAY_END: an hour after LOG_REVIEW_WORKDAY_START, at most 24.")

# Peppers for room codes (hedershus/rooms/codes.py): a room is found by HMAC-SHA256 of its code
# under a pepper kept outside the database, so a copy of the database cannot test guesses. The
# first pepper digests new codes; all are tried on lookup, so a pepper is rotated by putting a
# new one first (docs/operations.md). Make one with: python manage.py generate_room_pepper.
_DEV_ROOM_CODE_PEPPER = "ZGV2ZWxvcG1lbnQtcm9vbS1wZXBwZXItbm90LXByb2Q="  # 32 bytes, base64
ROOM_CODE_PEPPERS = env.strings("ROOM_CODE_PEPPERS", [_DEV_ROOM_CODE_PEPPER])
if not DEBUG and _DEV_ROOM_CODE_PEPPER in ROOM_CODE_PEPPERS:
    raise ImproperlyConfigured(
        "ROOM_CODE_PEPPERS: DEBUG is off, so at least one real room-code pepper must be set "
        "(ROOM_CODE_PEPPERS or ROOM_CODE_PEPPERS_FILE); see docs/operations.md."
    )
check_32_byte_keys(
    "ROOM_CODE_PEPPERS",
    ROOM_CODE_PEPPERS,
    make_with="generate_room_pepper",
    min_distinct_bytes=0 if DEBUG else _MIN_ENCRYPTION_KEY_DISTINCT_BYTES,
)
if set(ROOM_CODE_PEPPERS) & (set(ENCRYPTION_KEYS) | set(AUDIT_HMAC_KEYS)):
    raise ImproperlyConfigured(
        "ROOM_CODE_PEPPERS: use keys of their own, not ENCRYPTION_KEYS or AUDIT_HMAC_KEYS."
    )

ALLOWED_HOSTS = env.strings("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.strings("CSRF_TRUSTED_ORIGINS", [])

# --- Applications -------------------------------------------------------------------
INSTALLED_APPS = [
    "hedershus.core",
    "hedershus.accounts",
    "hedershus.audit",
    "hedershus.portal",
    # The CMS comes before Wagtail so its templates override Wagtail's where it needs to.
    "hedershus.cms",
    "hedershus.rooms",
    "hedershus.messaging",
    "hedershus.cases",
    "hedershus.journal",
    "hedershus.assessments",
    "hedershus.case_documents",
    "hedershus.partners",
    "hedershus.referrals",
    "hedershus.consultations",
    "hedershus.followup",
    "hedershus.partner_portal",
    "hedershus.costs",
    "hedershus.statistics",
    "hedershus.oversight",
    "hedershus.subject_access",
    "wagtail_localize",
    "wagtail_localize.locales",  # replaces wagtail.locales
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    # Editors' promoted search results (hedershus/cms/selectors.py reads them; no query is stored).
    "wagtail.contrib.search_promotions",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # allauth's passkey list loads {% load humanize %}: without it that page was a 500.
    "django.contrib.humanize",
    "channels",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # e-ID sign-in through OpenID Connect (hedershus/accounts/eid_provider.py); off until
    # EID_OIDC_SERVER_URL is set.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]

MIDDLEWARE = [
    # Outermost: a request id for audit events and our own IP-free request log.
    "hedershus.core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "hedershus.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "hedershus.core.middleware.NoStoreMiddleware",
    # Django's, but a page's background refresh does not save the session (core/middleware.py).
    "hedershus.core.middleware.SessionSavedOnActivityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "hedershus.accounts.middleware.RequireMFAMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Innermost: gates /staff/cms/ by role and relaxes the CSP for Wagtail's admin only.
    "hedershus.cms.middleware.CmsAdminMiddleware",
    # A service's ApplicationError becomes a 4xx with its message, not a 500 (core/exceptions.py).
    "hedershus.core.middleware.ApplicationErrorMiddleware",
    # After it, so it sees first: a colleague outside a case is sent to the reason form
    # (R20) from every case app's pages (cases/access.py).
    "hedershus.cases.access.CaseReasonRequiredMiddleware",
]

ROOT_URLCONF = "hedershus.urls"
ASGI_APPLICATION = "hedershus.asgi.application"
# runserver and WSGI servers load this one, which runs the same start-up checks.
WSGI_APPLICATION = "hedershus.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hedershus" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "hedershus.accounts.context_processors.capabilities",
                "hedershus.portal.context_processors.portal",
            ],
        },
    }
]

# --- Data ---------------------------------------------------------------------------
_default_db = "sqlite:///" + str(BASE_DIR / "var" / "hedershus.sqlite3")
DATABASE_URL = env.url("DATABASE_URL", _default_db, ("sqlite", "postgres", "postgresql"))
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
except (ValueError, KeyError) as _exc:
    # dj-database-url's own messages quote the URL, password included: say only what is wrong.
    raise ImproperlyConfigured(
        "DATABASE_URL: cannot be parsed; expected postgres://user:password@host:5432/name "
        "or sqlite:///path (the value is not shown: it may hold a password)."
    ) from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so the audit chain's
    # read-last-then-append cannot interleave with another writer.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# PostgreSQL: a pool of connections per process (psycopg_pool, through Django's own "pool"
# option). CONN_MAX_AGE = 0 closes a connection after every request or socket call, right for
# ASGI's short-lived threads, but opening a PostgreSQL connection costs more than most queries
# (it was the largest single cost of a chat message: docs/messaging.md); with the pool, closing
# hands the connection back instead. 0 turns the pool off. Sizing: docs/operations.md.
DATABASE_POOL_SIZE = env.integer("DATABASE_POOL_SIZE", 10, minimum=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DATABASE_POOL_SIZE:
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_SIZE,
        "timeout": 10,  # seconds a call waits for a free connection before it fails
        # Session advisory locks must not outlive the code that took them (core/db.py).
        "reset": pool_connection_reset,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.url("REDIS_URL", "", ("redis", "rediss", "unix"))
# The channel layer carries hints only (the database holds the messages), so a hint it drops
# costs a delay, never a message: clients fetch what they missed when they reconnect.
# channels-redis keeps at most CAPACITY messages waiting per socket (its default, 100, is
# reached by one counsellor's socket when a burst hits the queue) and drops what waited longer
# than EXPIRY seconds; a socket stays in a group GROUP_EXPIRY seconds after joining, which must
# outlast a counsellor's shift. Reasons and figures: docs/operations.md, "Channel layer".
CHANNEL_LAYER_CAPACITY = env.integer("CHANNEL_LAYER_CAPACITY", 1000, minimum=100)
CHANNEL_LAYER_EXPIRY_SECONDS = env.integer("CHANNEL_LAYER_EXPIRY_SECONDS", 60, minimum=5)
CHANNEL_LAYER_GROUP_EXPIRY_SECONDS = env.integer("CHANNEL_LAYER_GROUP_EXPIRY_SECONDS", 86400, minimum=3600)
_channel_layer_limits = {
    "capacity": CHANNEL_LAYER_CAPACITY,
    "expiry": CHANNEL_LAYER_EXPIRY_SECONDS,
    "group_expiry": CHANNEL_LAYER_GROUP_EXPIRY_SECONDS,
}
# Each socket's channel-layer read is a blocking BZPOPMIN that Redis answers within 5 s
# (channels-redis's brpop_timeout). redis-py 8 cuts every read at 5 s by default, which crashed
# every idle socket (1011) about every 5 s (channels_redis issue 422, redis-py issue 4091); a
# read may take 15 s before the connection counts as dead.
CHANNEL_LAYER_SOCKET_TIMEOUT_SECONDS = 15
CHANNEL_LAYERS: dict[str, Any]
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": CHANNEL_LAYER_SOCKET_TIMEOUT_SECONDS}],
                **_channel_layer_limits,
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": _channel_layer_limits}
    }

# The cache holds what must be shared by every server process: used TOTP codes (a code is
# accepted once) and allauth's rate limits. With REDIS_URL it is Redis, shared; without it,
# memory of one process, which is why `serve --workers N` (N > 1) needs REDIS_URL
# (hedershus/core/management/commands/serve.py).
CACHES: dict[str, Any]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "hedershus",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SHARED_CACHE = bool(REDIS_URL)

# "immediate" runs tasks in the request (embedded default, needs no worker);
# "database" queues them for `manage.py db_worker` (production).
TASK_BACKEND = env.choice("TASK_BACKEND", "immediate", ("immediate", "database"))
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TASK_BACKEND == "immediate"
        else "django_tasks_db.DatabaseBackend"
    }
}

# --- Retention (R22): `manage.py retention_run`, daily (docs/operations.md, "Retention") -------
# Upper bounds of every retention period: a larger value (a year typed as a period, an extra
# digit) would push the cut-off before year 1 and crash the retention run and its overview.
RETENTION_MAX_DAYS = 36_500  # 100 years
RETENTION_MAX_YEARS = 100
# A room nobody has used for this long is deleted with everything in it (conversations,
# messages, attachments, notes, saved pages, contact persons). 183 days: about six months.
ROOM_RETENTION_DAYS = env.integer("ROOM_RETENTION_DAYS", 183, minimum=1, maximum=RETENTION_MAX_DAYS)
# A closed conversation is deleted this long after it closed, with its messages, attachments
# and transfers (unless something later, such as a case, holds it: messaging/retention.py).
CONVERSATION_RETENTION_DAYS = env.integer(
    "CONVERSATION_RETENTION_DAYS", 90, minimum=1, maximum=RETENTION_MAX_DAYS
)
# A conversation still open with nothing left unanswered and no message for this long is
# closed, so that CONVERSATION_RETENTION_DAYS starts; one with an unanswered visitor message
# stays open (it is in a counsellor's queue) until the room itself expires.
CONVERSATION_IDLE_CLOSE_DAYS = env.integer(
    "CONVERSATION_IDLE_CLOSE_DAYS", 30, minimum=1, maximum=RETENTION_MAX_DAYS
)
# An absence (who stood in for whom) is deleted this long after it ended.
ABSENCE_RETENTION_DAYS = env.integer("ABSENCE_RETENTION_DAYS", 90, minimum=1, maximum=RETENTION_MAX_DAYS)
# A closed case is culled, with everything recorded in it (contacts, persons, journal,
# assessments, documents, follow-ups), this many years after its last entry. 5 follows the
# social services act's rule for personal files (socialtjänstlagen 2001:453, 12 kap. 1 §);
# an installation run as a health care provider sets 10 (patientdatalagen 2008:355, 3 kap.
# 17 §: at least ten years after the last entry). docs/operations.md, "Retention".
CASE_RETENTION_YEARS = env.integer("CASE_RETENTION_YEARS", 5, minimum=1, maximum=RETENTION_MAX_YEARS)
# An unsigned journal draft older than this many days is listed on its author's start page
# (R21: what is written should be signed; journal/templatetags).
JOURNAL_DRAFT_STALE_DAYS = env.integer("JOURNAL_DRAFT_STALE_DAYS", 3, minimum=0)
# Follow-up statistics (R24): a count below this is suppressed in every table and export, with
# complementary suppression (hedershus/statistics/suppression.py); 3 is the floor.
STATISTICS_MIN_CELL = env.integer("STATISTICS_MIN_CELL", 5, minimum=3)
# Referrals (R16): hours a partner unit has to accept or decline a referral, per urgency,
# before it is escalated to the referrer's supervisor (`manage.py referrals_escalate`).
REFERRAL_DEADLINE_HOURS_ACUTE = env.integer("REFERRAL_DEADLINE_HOURS_ACUTE", 24, minimum=1)
REFERRAL_DEADLINE_HOURS_URGENT = env.integer("REFERRAL_DEADLINE_HOURS_URGENT", 72, minimum=1)
REFERRAL_DEADLINE_HOURS_ROUTINE = env.integer("REFERRAL_DEADLINE_HOURS_ROUTINE", 240, minimum=1)
# A consultation that never became a case is deleted this many days after its last activity
# (two years: long enough for a professional to come back to the advice; consultations/retention.py).
CONSULTATION_RETENTION_DAYS = env.integer(
    "CONSULTATION_RETENTION_DAYS", 730, minimum=1, maximum=RETENTION_MAX_DAYS
)
# A data-subject request (hedershus/subject_access) is deleted this many days after it was
# delivered or refused, or after it was received if it never was: long enough to show the
# supervisory authority (IMY) that it was answered, and on time (GDPR art. 5(2)).
SUBJECT_ACCESS_RETENTION_DAYS = env.integer(
    "SUBJECT_ACCESS_RETENTION_DAYS", 730, minimum=1, maximum=RETENTION_MAX_DAYS
)
# A finished task result of the database task backend (counts only) is deleted this long after
# it finished (django-tasks-db's prune_db_task_results default: 14).
TASK_RESULT_RETENTION_DAYS = env.integer(
    "TASK_RESULT_RETENTION_DAYS", 14, minimum=1, maximum=RETENTION_MAX_DAYS
)
# Rows deleted per transaction, so a large backlog never holds one long transaction.
RETENTION_BATCH_SIZE = env.integer("RETENTION_BATCH_SIZE", 200, minimum=1, maximum=100_000)
# When the daily timer starts `manage.py retention_run` (HH:MM, server local time): the
# timer's OnCalendar must say the same; the retention overview computes the next run from it.
RETENTION_RUN_TIME = env.string("RETENTION_RUN_TIME", "03:15")
try:
    parse_run_time(RETENTION_RUN_TIME)
except ValueError as _error:
    raise ImproperlyConfigured(
        f"RETENTION_RUN_TIME: expected a time as HH:MM (00:00 to 23:59), got {RETENTION_RUN_TIME[:40]!r}."
    ) from _error

# --- Accounts, sign-in and sessions -------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["hedershus.accounts.backends.LockoutAuthenticationBackend"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "staff:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "hedershus.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
# A password-reset request for an address with no active account sends no mail at all, so
# the centre's name cannot be made to land in an inbox someone else watches (issue 7).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_SESSION_REMEMBER = False  # never a persistent "remember me" cookie
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.integer("REAUTHENTICATION_SECONDS", 300, minimum=30)
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Every allauth rate limit, set here in full: none may be per IP ("/ip" or no third part),
# since the client address is never read and one placeholder address would make each
# per-IP limit a single bucket that anyone can fill to block every sign-in (issue 7, item
# 2). "" switches a limit off where allauth has no key but the address; what limits
# instead is said beside it. hedershus/accounts/rate_limit_checks.py refuses any other.
ACCOUNT_RATE_LIMITS = {
    "login": "",  # per typed address instead: the back-off in hedershus/accounts/throttle.py
    # Replaced by the back-off, which counts per typed address at every step (password,
    # second factor, re-authentication) and says how long to wait; two limits would give
    # two different answers.
    "login_failed": "",
    "signup": "",  # there is no sign-up (AccountAdapter.is_open_for_signup)
    "reset_password": "5/m/key",  # per typed address
    "reset_password_from_key": "",  # allauth keys it on the address only; the link is an unguessable token
    "request_login_code": "3/m/key",  # sign-in by code is off; per address if it is turned on
    "confirm_email": "1/3m/key",
    "verify_phone": "1/30s/key",
    "change_password": "5/m/user",
    "change_phone": "1/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# Passkey sign-in has no account before the assertion is checked, and an assertion cannot
# be guessed, so allauth's per-IP limit is simply off (docs/threat-model.md, "Sign-in limits").
MFA_RATE_LIMITS = {"webauthn_login": ""}
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Hedershus"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# The second-factor forms say so when a code was already used, instead of "Incorrect code".
MFA_FORMS = {
    "authenticate": "hedershus.accounts.forms.AuthenticateForm",
    "reauthenticate": "hedershus.accounts.forms.ReauthenticateForm",
    "add_webauthn": "hedershus.accounts.forms.AddWebAuthnForm",
    "edit_webauthn": "hedershus.accounts.forms.EditWebAuthnForm",
}
# e-ID sign-in through OpenID Connect (issue 13, item 5; docs/operations.md, "E-ID sign-in"):
# hedershus/accounts/eid_config.py reads the EID_OIDC_* variables; unset EID_OIDC_SERVER_URL
# means off. Nobody signs up through it (no automatic sign-up, adapters closed): an
# administrator records a person's identity number, kept only as a keyed hash
# (EID_IDENTITY_PEPPERS, like the room peppers), and the first e-ID sign-in carrying that number
# links the e-ID to the account. No provider tokens are stored.
EID_OIDC = eid_config_from_env(env)
EID_OIDC_ENABLED = EID_OIDC is not None
EID_OIDC_IDENTITY_CLAIM = EID_OIDC.identity_claim if EID_OIDC else DEFAULT_IDENTITY_CLAIM
EID_OIDC_HIGH_ASSURANCE_ACR = EID_OIDC.high_assurance_acr if EID_OIDC else ()
_DEV_EID_IDENTITY_PEPPER = "ZGV2ZWxvcG1lbnQtZWlkLXBlcHBlci1ub3QtcHJvZDE="  # 32 bytes, base64
EID_IDENTITY_PEPPERS = env.strings("EID_IDENTITY_PEPPERS", [_DEV_EID_IDENTITY_PEPPER])
if EID_OIDC_ENABLED and not DEBUG and _DEV_EID_IDENTITY_PEPPER in EID_IDENTITY_PEPPERS:
    raise ImproperlyConfigured(
        "EID_IDENTITY_PEPPERS: EID_OIDC_SERVER_URL is set and DEBUG is off, so a real pepper for "
        "e-ID identity numbers must be set (EID_IDENTITY_PEPPERS or EID_IDENTITY_PEPPERS_FILE; "
        "make one with python manage.py generate_room_pepper); see docs/operations.md."
    )
check_32_byte_keys(
    "EID_IDENTITY_PEPPERS",
    EID_IDENTITY_PEPPERS,
    make_with="generate_room_pepper",
    # Unused while e-ID sign-in is off: only its shape is checked then.
    min_distinct_bytes=_MIN_ENCRYPTION_KEY_DISTINCT_BYTES if EID_OIDC_ENABLED and not DEBUG else 0,
)
if set(EID_IDENTITY_PEPPERS) & (set(ENCRYPTION_KEYS) | set(AUDIT_HMAC_KEYS) | set(ROOM_CODE_PEPPERS)):
    raise ImproperlyConfigured(
        "EID_IDENTITY_PEPPERS: use keys of their own, not ENCRYPTION_KEYS, AUDIT_HMAC_KEYS "
        "or ROOM_CODE_PEPPERS."
    )
SOCIALACCOUNT_ADAPTER = "hedershus.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = socialaccount_providers(EID_OIDC)
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # an e-ID never signs in by matching an e-mail address
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_QUERY_EMAIL = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False  # the button POSTs (CSRF); a link cannot start a sign-in
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
# Sign-in back-off per typed address (hedershus/accounts/throttle.py; arithmetic in
# docs/threat-model.md): failure number LOCKOUT_ATTEMPTS in a row delays the next attempt by
# SIGN_IN_DELAY_SECONDS, each further failure doubles it, at most LOCKOUT_MINUTES. Failures
# are forgotten SIGN_IN_FAILURE_MEMORY_HOURS after the last one. Above SIGN_IN_SITE_CEILING
# failures in one minute on the whole site, every failure starts a delay at once.
LOCKOUT_ATTEMPTS = env.integer("LOCKOUT_ATTEMPTS", 5, minimum=1)
LOCKOUT_MINUTES = env.integer("LOCKOUT_MINUTES", 15, minimum=1)
SIGN_IN_DELAY_SECONDS = env.integer("SIGN_IN_DELAY_SECONDS", 30, minimum=1)
SIGN_IN_FAILURE_MEMORY_HOURS = env.integer("SIGN_IN_FAILURE_MEMORY_HOURS", 24, minimum=1)
SIGN_IN_SITE_CEILING = env.integer("SIGN_IN_SITE_CEILING", 100, minimum=1)
# Rooms (hedershus/rooms; limits reasoned in docs/threat-model.md, "Rooms"). A room session
# ends after ROOM_IDLE_MINUTES without a request; pages warn ROOM_IDLE_WARNING_MINUTES before.
ROOM_IDLE_MINUTES = env.integer("ROOM_IDLE_MINUTES", 20, minimum=2)
ROOM_IDLE_WARNING_MINUTES = env.integer("ROOM_IDLE_WARNING_MINUTES", 2, minimum=1)
if ROOM_IDLE_WARNING_MINUTES >= ROOM_IDLE_MINUTES:
    raise ImproperlyConfigured("ROOM_IDLE_WARNING_MINUTES: must be less than ROOM_IDLE_MINUTES.")
# Above ROOM_ENTRY_SITE_CEILING failed room entries in one clock minute on the whole site, an
# attempt whose code matches no room is refused at once (no Argon2 work) until the minute ends.
ROOM_ENTRY_SITE_CEILING = env.integer("ROOM_ENTRY_SITE_CEILING", 300, minimum=1)
# Per room: wrong passphrase number ROOM_PASSPHRASE_FREE_FAILURES in a row pauses the room's
# entry for ROOM_PASSPHRASE_DELAY_SECONDS, doubling with each further one, at most
# ROOM_PASSPHRASE_MAX_DELAY_MINUTES.
ROOM_PASSPHRASE_FREE_FAILURES = env.integer("ROOM_PASSPHRASE_FREE_FAILURES", 5, minimum=1)
ROOM_PASSPHRASE_DELAY_SECONDS = env.integer("ROOM_PASSPHRASE_DELAY_SECONDS", 60, minimum=1)
ROOM_PASSPHRASE_MAX_DELAY_MINUTES = env.integer("ROOM_PASSPHRASE_MAX_DELAY_MINUTES", 60, minimum=1)
# Above ROOM_OPEN_SITE_CEILING rooms opened in one clock minute on the whole site, opening a
# room answers "try again in a minute" (429) without Argon2 work; entering a room is never
# refused by it. A visitor's messages in one room: at most ROOM_MESSAGES_PER_MINUTE per clock
# minute, attachments included, counsellors' replies not counted (hedershus/messaging/throttle.py).
ROOM_OPEN_SITE_CEILING = env.integer("ROOM_OPEN_SITE_CEILING", 60, minimum=1)
ROOM_MESSAGES_PER_MINUTE = env.integer("ROOM_MESSAGES_PER_MINUTE", 30, minimum=5)
# Notes one room keeps at most: each is up to 10,000 characters, encrypted, and all are shown
# on one page, so a script in a room cannot grow it (and the database) without end.
ROOM_NOTES_MAX = env.integer("ROOM_NOTES_MAX", 200, minimum=1)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end when the browser closes and after SESSION_IDLE_MINUTES without a request.
SESSION_IDLE_MINUTES = env.integer("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_COOKIES = env.boolean("SECURE_COOKIES", True)
SESSION_COOKIE_SECURE = SECURE_COOKIES
# The __Host- prefix pins the cookie to this host and path, and needs Secure.
SESSION_COOKIE_NAME = "__Host-sid" if SECURE_COOKIES else "sid"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Flash messages live in the session too: no "messages" cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
CSRF_USE_SESSIONS = True  # the CSRF token lives in the session: no second cookie
# Public paths get the public layout (with the quick exit); staff paths the core view.
CSRF_FAILURE_VIEW = "hedershus.portal.errors.csrf_failure"
LANGUAGE_COOKIE_NAME = "unused-language-cookie"  # language comes from the URL, never a cookie

# --- HTTP security -------------------------------------------------------------------
SECURE_HSTS_SECONDS = env.integer("HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", False)
if env.boolean("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        # The e-ID button's POST is answered with a redirect to the provider, which CSP's
        # form-action also governs: the provider's origin is allowed when e-ID is configured.
        "form-action": [SELF, *([eid_form_action_origin(EID_OIDC)] if EID_OIDC else [])],
        "frame-ancestors": [NONE],
    }
}

# --- Static files ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.string("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # The manifest storage whatever DEBUG is, so collectstatic always writes the manifest and a
    # checkout prepared with DEBUG on (scripts/run) also serves with DEBUG off. With DEBUG on
    # it hands out unhashed names, served from the apps' folders (WHITENOISE_USE_FINDERS).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Static files are not cached either: a cache entry names the site (docs/safety.md).
WHITENOISE_ADD_HEADERS_FUNCTION = static_no_store  # WhiteNoise wants the function, not its path
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Languages -----------------------------------------------------------------------
LANGUAGE_CODE = "sv"
# Public pages offer a language once its translation catalogue exists (hedershus/portal/languages.py).
LANGUAGES = [
    ("sv", _("Swedish")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("fa", _("Persian")),
    ("so", _("Somali")),
    ("ckb", _("Kurdish (Sorani)")),
    ("ti", _("Tigrinya")),
    ("tr", _("Turkish")),
]
# Django knows no Somali or Tigrinya; name them for the language switcher.
LANG_INFO.update(
    {
        "so": {"bidi": False, "code": "so", "name": "Somali", "name_local": "Soomaali"},
        "ti": {"bidi": False, "code": "ti", "name": "Tigrinya", "name_local": "ትግርኛ"},
    }
)
LOCALE_PATHS = [BASE_DIR / "hedershus" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Stockholm"
USE_TZ = True

# --- CMS: Wagtail and wagtail-localize (docs/editors.md) --------------------------------
WAGTAIL_SITE_NAME = "Hedershus"
# Links in e-mails and admin pages that point outside a request (e.g. review notifications).
WAGTAILADMIN_BASE_URL = env.url("WAGTAILADMIN_BASE_URL", "http://localhost:8000", ("http", "https"))
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# One sign-in for the whole platform: the admin sends people to allauth's (password + MFA),
# and Wagtail's own password and e-mail forms are off (hedershus/cms/middleware.py).
WAGTAILADMIN_LOGIN_URL = LOGIN_URL
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
# Nothing in the admin talks to other hosts: no avatar service, no release check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# No autosave (Wagtail 8 saves every 0.5 s by default). On a new page the first autosave
# creates the page, and a "Submit for moderation" sent before it lands posts a second
# create, refused with "the slug is already in use": an editor was told their page failed
# while a draft of it existed (seen in CI under load). Editors save or submit themselves; the
# editor still warns about unsaved changes before leaving (docs/editors.md).
WAGTAIL_AUTOSAVE_INTERVAL = 0
# Pages go live through review only (hedershus/cms/publishing.py).
WAGTAIL_FINISH_WORKFLOW_ACTION = "hedershus.cms.publishing.workflow_publish_approved"
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
# Database full-text search: PostgreSQL's in production, SQLite's FTS5 in the embedded default
# (Wagtail's database backend; hedershus/cms/search_backend.py ranks SQLite hits in one query).
# "simple" configuration: no stemming, but the same behaviour for every language in one index.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "hedershus.cms.search_backend", "SEARCH_CONFIG": "simple"}}
# Documents (hedershus/cms/documents.py): checked from their bytes, cleaned of metadata and
# active content, stored under a neutral name; served by the application with no-store, always
# as a download named document-<id>.<ext>, and to visitors only while a live page links to them.
DOCUMENT_MAX_BYTES = env.integer("DOCUMENT_MAX_BYTES", 20 * 1024 * 1024, minimum=1)
WAGTAILDOCS_MAX_UPLOAD_SIZE = DOCUMENT_MAX_BYTES
# The largest attachment a visitor may send in a room, in bytes (docs/operations.md).
ATTACHMENT_MAX_BYTES = env.integer("ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024, minimum=1)
WAGTAILDOCS_DOCUMENT_FORM_BASE = "hedershus.cms.documents.DocumentForm"
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "docx", "ods", "xlsx", "odp", "pptx", "txt", "csv"]
WAGTAILDOCS_INLINE_CONTENT_TYPES: list[str] = []
MEDIA_ROOT = Path(env.string("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
# Translation: a new translation starts as a draft, whatever the source's state.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
# Optional machine-translated first drafts from a self-hosted LibreTranslate; empty = off.
LIBRETRANSLATE_URL = env.url("LIBRETRANSLATE_URL", "", ("http", "https"))
LIBRETRANSLATE_API_KEY = env.string("LIBRETRANSLATE_API_KEY", "")
if LIBRETRANSLATE_URL:
    WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
        "CLASS": "hedershus.cms.translation.SelfHostedLibreTranslator",
        "OPTIONS": {"URL": LIBRETRANSLATE_URL, "API_KEY": LIBRETRANSLATE_API_KEY, "TIMEOUT": 30},
    }

# --- Mail ------------------------------------------------------------------------------
# Set-up and reset links are secrets: with DEBUG off mail goes out over SMTP, and a backend
# that prints or files messages is refused at start-up (hedershus/core/checks.py).
EMAIL_BACKEND = env.string(
    "EMAIL_BACKEND",
    f"django.core.mail.backends.{'console' if DEBUG else 'smtp'}.EmailBackend",
)
EMAIL_HOST = env.string("EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.string("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.string("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.boolean("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS: set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "noreply@hedershus.invalid")

# --- Logging -------------------------------------------------------------------------
# One handler for everything, through a filter that drops IP addresses as a second
# line of defence; the request log is our own (core.middleware) and the ASGI server's
# access log is off (core/management/commands/serve.py).
LOG_LEVEL = env.choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "hedershus.core.logging.RedactClientDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Listed so that dictConfig takes away the handlers Django's default logging gives it
        # (a console handler without our redaction, active with DEBUG on, and mail_admins):
        # its records go to the root's redacted handler only.
        "django": {"handlers": [], "propagate": True},
        # Django's own request logger repeats what ours says; keep its errors only.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
        "uvicorn.access": {"level": "CRITICAL", "propagate": False, "handlers": []},
    },
}
