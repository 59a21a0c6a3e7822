from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hedershus.core.access import Role, user_has_capability


class StaffUserManager(UserManager["User"]):
    """Users are identified by e-mail; there is no username."""

    use_in_migrations = True

    def _create_user_by_email(self, email: str, password: str | None, **extra_fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("is_superuser", False)
        return self._create_user_by_email(email, password, **extra_fields)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("role", Role.ADMINISTRATOR)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user_by_email(email, password, **extra_fields)


class EidIdentitySource(models.TextChoices):
    """Who recorded an account's e-ID identity number (``User.eid_identity_source``)."""

    ADMINISTRATOR = "administrator", _("An administrator, before the account was first used")
    SELF = "self", _("The account holder, linking their own e-ID")


class User(AbstractUser):
    """A person who signs in: centre staff or a partner professional. Visitors never do."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    # The personal identity number an administrator recorded for e-ID sign-in, as a keyed hash
    # (hedershus.accounts.eid.identity_number_digest): the number itself is never stored (R22).
    # Empty: no e-ID for this account. Not unique: two accounts with one number refuse e-ID.
    eid_identity_digest = models.CharField(
        max_length=64, blank=True, default="", editable=False, db_index=True
    )
    # Who put the digest there (issue 13 item 5 follow-up): an administrator, while onboarding
    # an account that was never used and is not privileged, or the person, linking their own
    # e-ID while signed in. A role change into a privileged role removes an administrator's.
    eid_identity_source = models.CharField(
        max_length=16, blank=True, default="", editable=False, choices=EidIdentitySource.choices
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = StaffUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ("last_name", "first_name", "email")
        constraints = (
            # A role outside the enum would grant nothing but could still be saved by a bulk
            # update or a shell; the database refuses it.
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="accounts_user_role_valid"),
        )

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def has_capability(self, capability: str) -> bool:
        """Whether this user may do ``capability`` now (``core.access`` decides)."""
        return user_has_capability(self, capability)

    def is_locked(self, now: Any = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's session hash (an HMAC of the password field, so a password change ends
        the account's other sessions), with the e-ID identity number's keyed hash added when
        one is recorded: recording, changing or removing the number (an administrator's
        removal, a role change, the holder's own removal or a new self-linked number) ends
        every session of the account, those an e-ID opened or made count as both factors
        included, and its staff sockets (``core.auth.staff_session_problem`` checks the hash
        too). Issue 13 item 5, round 2. Accounts without a number keep Django's hash."""
        if not self.eid_identity_digest:
            return str(super()._get_session_auth_hash(secret=secret))  # type: ignore[misc]
        from django.utils.crypto import salted_hmac

        key_salt = "hedershus.accounts.User.get_session_auth_hash"
        value = f"{self.password}:eid:{self.eid_identity_digest}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()


# A request to reset a privileged account's second factor lapses after this long unapproved:
# long enough for a second administrator to see it the same working day, short enough that a
# forgotten request cannot be approved weeks later by someone who does not remember it.
MFA_RESET_REQUEST_LIFETIME = timedelta(hours=24)


class MFAResetRequest(models.Model):
    """An administrator's request to remove every second factor of a privileged account.

    Resetting the second factor of an administrator or auditor takes two administrators
    (issue 7, item 5): one asks, a different one approves within
    ``MFA_RESET_REQUEST_LIFETIME``. Rows are never deleted: with the audit
    events they show who asked and who agreed.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a second administrator")
        APPROVED = "approved", _("Approved and carried out")
        CANCELLED = "cancelled", _("Cancelled")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mfa_reset_requests")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("second-factor reset request")
        verbose_name_plural = _("second-factor reset requests")
        ordering = ("-requested_at",)
        indexes = (models.Index(fields=["user", "status"]),)

    def __str__(self) -> str:
        return f"MFA reset of {self.user_id} requested by {self.requested_by_id} ({self.status})"

    @property
    def expires_at(self) -> Any:
        return self.requested_at + MFA_RESET_REQUEST_LIFETIME

    def is_expired(self, now: Any = None) -> bool:
        return self.expires_at <= (now or timezone.now())
