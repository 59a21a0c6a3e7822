from __future__ import annotations

from datetime import timedelta

from allauth.socialaccount.models import SocialAccount
from django.db.models import Q, QuerySet
from django.utils import timezone

from hedershus.accounts.eid_config import EID_PROVIDER_ID
from hedershus.accounts.models import MFA_RESET_REQUEST_LIFETIME, MFAResetRequest, User
from hedershus.audit.models import AuditEvent
from hedershus.core.access import PRIVILEGED_ROLES, Capability, Role

# An administrator approves a second-factor reset only after holding the role this long
# (``mfa_reset_approver_unsettled``; docs/threat-model.md).
MFA_RESET_APPROVER_MIN_DAYS = 7


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


def mfa_reset_approver_unsettled(approver: User, requester_id: int) -> bool:
    """Whether ``approver`` is refused as the second administrator of a reset that the
    account ``requester_id`` asked for, read from the audit log's ``user.created`` and
    ``user.role_changed`` events (and the account's creation time):

    - the requester created the approver's account or changed its role (a puppet the
      requester set up, or someone the requester promoted), or the approver did so for the
      requester's account (the same pair, the other way round);
    - the approver became an administrator, or got the account, less than
      ``MFA_RESET_APPROVER_MIN_DAYS`` ago (someone a third administrator just promoted).
    """
    label = User._meta.label_lower
    role_events = AuditEvent.objects.filter(
        event_type__in=("user.created", "user.role_changed"), object_type=label
    )
    between = Q(object_id=str(approver.pk), actor_id=requester_id) | Q(
        object_id=str(requester_id), actor_id=approver.pk
    )
    if role_events.filter(between).exists():
        return True
    since = timezone.now() - timedelta(days=MFA_RESET_APPROVER_MIN_DAYS)
    if approver.date_joined > since:
        return True
    return (
        role_events.filter(object_id=str(approver.pk), occurred_at__gt=since)
        .filter(Q(event_type="user.created") | Q(data__to=Role.ADMINISTRATOR.value))
        .exists()
    )


def users_with_eid_identity(number: str) -> QuerySet[User]:
    """The accounts an administrator recorded the twelve-digit ``number`` for e-ID sign-in on
    (matched by keyed hash under every pepper; see ``accounts.eid``), active or not."""
    from hedershus.accounts.eid import identity_number_digests

    return User.objects.filter(eid_identity_digest__in=identity_number_digests(number))


def eid_identity_held_by_another(number: str, *, user: User | None = None) -> bool:
    """Whether an active account other than ``user`` (``None``: any active account) holds the
    twelve-digit ``number`` for e-ID sign-in. Recording it again would leave two accounts with
    one number, which e-ID then refuses for both (issue 13 item 5, round 2)."""
    holders = users_with_eid_identity(number).filter(is_active=True)
    if user is not None and user.pk is not None:
        holders = holders.exclude(pk=user.pk)
    return holders.exists()


def eid_links_of(user: User) -> QuerySet[SocialAccount]:
    """The e-ID links (allauth ``SocialAccount`` rows of the e-ID provider) of ``user``."""
    return SocialAccount.objects.filter(user=user, provider=EID_PROVIDER_ID)


def eid_identity_recordable_by_administrator(user: User) -> bool:
    """Whether an administrator may record an e-ID identity number on ``user``: only while
    onboarding, for an account never signed in to (``last_login`` is None) whose role is not
    privileged (``PRIVILEGED_ROLES``). Any other account's holder links their e-ID themselves,
    signed in, from their security page (``services.eid_self_link``). Otherwise one
    administrator could record their own number on a colleague's account in use, or an
    auditor's or administrator's, and sign in as it with their own e-ID (issue 13 item 5
    follow-up; docs/threat-model.md, "E-ID sign-in")."""
    return user.last_login is None and user.role not in PRIVILEGED_ROLES


def eid_admin_recorded_on_privileged(user: User) -> bool:
    """Whether ``user`` is privileged and holds an e-ID number its holder did not link
    themselves (recorded by an administrator, or of unknown origin): such a number opens
    nothing (``services.eid_sign_in_account``); the holder links their e-ID again."""
    from hedershus.accounts.models import EidIdentitySource

    return (
        user.role in PRIVILEGED_ROLES
        and bool(user.eid_identity_digest)
        and user.eid_identity_source != EidIdentitySource.SELF
    )
