from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from hedershus.accounts.models import MFA_RESET_REQUEST_LIFETIME, MFAResetRequest, User
from hedershus.audit.models import AuditEvent
from hedershus.core.access import PRIVILEGED_ROLES, Capability


def users_manageable_by(user: User) -> QuerySet[User]:
    """Every account, for an administrator; nothing for anyone else."""
    if not user.has_capability(Capability.MANAGE_USERS):
        return User.objects.none()
    return User.objects.all()


def mfa_reset_needs_approval(user: User) -> bool:
    """Whether resetting ``user``'s second factor needs a second administrator.

    True for an administrator or auditor, and for an account that was one within
    ``MFA_RESET_REQUEST_LIFETIME`` (read from the audit log's role changes): otherwise one
    administrator could demote, reset and promote again.
    """
    if user.role in PRIVILEGED_ROLES:
        return True
    since = timezone.now() - MFA_RESET_REQUEST_LIFETIME
    return AuditEvent.objects.filter(
        event_type="user.role_changed",
        object_type=User._meta.label_lower,
        object_id=str(user.pk),
        occurred_at__gte=since,
        data__from__in=sorted(PRIVILEGED_ROLES),
    ).exists()


def mfa_reset_request_pending(user: User) -> MFAResetRequest | None:
    """The newest request to reset ``user``'s second factor that can still be approved."""
    since = timezone.now() - MFA_RESET_REQUEST_LIFETIME
    return (
        MFAResetRequest.objects.filter(
            user=user, status=MFAResetRequest.Status.PENDING, requested_at__gt=since
        )
        .select_related("requested_by")
        .first()
    )
