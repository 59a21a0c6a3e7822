"""Writes about accounts. Each records its audit event in the same transaction."""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.models import Authenticator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from hedershus.accounts import throttle
from hedershus.accounts.demo import DemoAccount
from hedershus.accounts.eid import EidAssertion
from hedershus.accounts.models import MFAResetRequest, User
from hedershus.accounts.selectors import (
    MFA_RESET_APPROVER_MIN_DAYS,
    mfa_reset_approver_unsettled,
    mfa_reset_needs_approval,
    mfa_reset_request_pending,
)
from hedershus.audit.services import audit_record
from hedershus.core.access import PRIVILEGED_ROLES, Capability
from hedershus.core.exceptions import AccessDenied, Conflict

logger = logging.getLogger("hedershus.accounts")

# Why an administrator cannot record an e-ID number on an account (``user_eid_identity_set``).
# Why an administrator cannot record a number another active account holds (issue 13 item 5,
# round 2): two accounts with one number would lock both out of e-ID. The number is not echoed.
EID_IDENTITY_TAKEN = gettext_lazy(
    "Another active account already has this personal identity number for e-ID sign-in. A "
    "number can be recorded on one account only: remove it from the other account first."
)

EID_SELF_LINK_ONLY = gettext_lazy(
    "An identity number for e-ID sign-in can only be recorded on a new account that has never "
    "been used and is not an administrator's or auditor's. The person links their e-ID "
    "themselves, signed in, from their security page."
)


def login_succeeded_record(user: User) -> None:
    """A complete sign-in (password and second factor, or a passkey): the failures counted
    against the account's address are forgotten. An administrator's lock is not lifted:
    only ``user_unlock`` does that (issue 7, item 3a)."""
    with transaction.atomic():
        audit_record("auth.login", actor=user, target=user)
    throttle.clear(throttle.normalise_address(user.email))


def logout_record(user: User) -> None:
    audit_record("auth.logout", actor=user, target=user)


def _account_for(address: str) -> User | None:
    return User.objects.filter(email__iexact=address).first()


def sign_in_failed(*, address: str, stage: str, user: User | None = None) -> throttle.Failure:
    """A wrong password or second-factor code for the typed, normalised ``address``.

    Counts the failure against the address (``throttle.record_failure``; call it inside
    ``throttle.serialised(address)``), records ``auth.login_failed`` and, when this failure
    starts a delay, ``auth.login_delayed`` with its length in seconds. The same happens for
    an address that has no account, so nothing differs for an unknown one (issue 7, item
    3c); its events carry no address, since what someone typed there may be a password.
    ``stage``: ``password``, ``reauthentication``, ``second_factor`` or
    ``second_factor_reauthentication``.
    """
    if user is None:
        user = _account_for(address)
    failure = throttle.record_failure(address)
    known = {"known_account": user is not None}
    with transaction.atomic():
        audit_record("auth.login_failed", target=user, data={"stage": stage, **known})
        if failure.delay_seconds:
            audit_record(
                "auth.login_delayed",
                target=user,
                data={
                    "stage": stage,
                    "failures": failure.failures,
                    "seconds": failure.delay_seconds,
                    **known,
                },
            )
    return failure


def sign_in_refuse_if_delayed(address: str, *, user: User | None = None) -> None:
    """Raises ``throttle.SignInDelayed`` while ``address`` (normalised) is in a delay.

    Checked before any password or code is looked at, at every step (password,
    re-authentication, second factor). The first refusal of each delay is recorded as
    ``auth.login_blocked``; later ones are not, so a flood cannot flood the audit log.
    """
    remaining = throttle.delay_remaining(address)
    if remaining <= 0:
        return
    if throttle.first_refusal(address, remaining):
        if user is None:
            user = _account_for(address)
        with transaction.atomic():
            audit_record(
                "auth.login_blocked",
                target=user,
                data={"reason": "delayed", "known_account": user is not None},
            )
    raise throttle.SignInDelayed(remaining)


def login_blocked_record(user: User) -> None:
    """A correct password for an account an administrator has locked (``User.locked_until``)."""
    audit_record("auth.login_blocked", target=user, data={"reason": "locked"})


def password_changed_record(user: User) -> None:
    audit_record("user.password_changed", actor=user, target=user)


def mfa_change_record(user: User, event_type: str, authenticator: Authenticator) -> None:
    audit_record(
        event_type,
        actor=user,
        target=user,
        data={"method": authenticator.type, "authenticator_id": authenticator.pk},
    )


def _setup_link_send(user: User, origin: str) -> None:
    """Mails ``user`` a one-time link to choose a password, to the account's own address.

    The link is never shown to the administrator who asked for it (issue 7, item 5): only
    the owner of the mailbox can use it, and using it proves the address is theirs
    (``email_address_proven``). ``origin`` is the site's scheme and host, e.g.
    ``https://hedershus.example.se``. Raises what the mail backend raises.
    """
    key = default_token_generator.make_token(user)
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})
    context = {"user": user, "setup_url": origin.rstrip("/") + path}
    _mail(user, "accounts/email/setup_link", context)


def setup_link_send(user: User, origin: str) -> None:
    """Public name of ``_setup_link_send`` for other apps' services that create an account
    themselves inside their own transaction and check their actor themselves (the partner
    register's ``professional_invite``: a unit admin lacks ``MANAGE_USERS``). The same rule:
    the link goes to the account's own address only, never to the caller. Raises what the
    mail backend raises (so the caller's transaction rolls back)."""
    _setup_link_send(user, origin)


def _mail(user: User, template_prefix: str, context: dict[str, Any]) -> None:
    """One plain-text mail to the account's own address through ``EMAIL_BACKEND``."""
    subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
    body = render_to_string(f"{template_prefix}_message.txt", context)
    EmailMessage(subject, body, to=[user.email]).send()


def email_address_proven(user: User) -> None:
    """``user`` used a link that was mailed to their address: the address is verified.

    Called when a password is set through a set-up or reset link (or code), which is every
    way a person proves their address here: e-mail changes are not offered. allauth refuses
    to add a second factor while the account has an unverified address (issue 7, item 1).
    """
    with transaction.atomic():
        # The account's row serialises two uses of links at once: one creates the address.
        User.objects.select_for_update().only("pk").get(pk=user.pk)
        address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
        if address is not None and address.verified:
            return
        if address is None:
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        else:
            EmailAddress.objects.filter(pk=address.pk).update(verified=True, primary=True)
        audit_record("user.email_verified", actor=user, target=user)


def _require_user_manager(actor: User) -> None:
    """Services that change accounts check the actor themselves, not only the views: the
    rule holds for every caller (a command, a consumer, a future API)."""
    if not actor.has_capability(Capability.MANAGE_USERS):
        raise AccessDenied(gettext_lazy("Only administrators manage accounts."))


def user_list_view_record(*, actor: User, role_filter: str) -> None:
    """Reading the list of accounts is a read of personal data about staff."""
    audit_record("user.list_viewed", actor=actor, object_type="accounts.user", data={"role": role_filter})


def user_view_record(*, actor: User, user: User) -> None:
    audit_record("user.viewed", actor=actor, target=user)


def user_create(*, actor: User, email: str, first_name: str, last_name: str, role: str, origin: str) -> User:
    """Creates an account with no usable password and mails its owner a one-time set-up link.

    The administrator never sees the link (issue 7, item 5). The address is recorded as not
    yet verified; setting the password through the link verifies it. If the mail cannot be
    sent, nothing is created (the error propagates), so the administrator can simply retry.
    ``origin``: the site's scheme and host for the link.
    """
    _require_user_manager(actor)
    with transaction.atomic():
        # No password given: create_user stores an unusable one.
        user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name, role=role)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
        audit_record("user.created", actor=actor, target=user, data={"role": role})
        audit_record("user.setup_link_issued", actor=actor, target=user, data={"delivery": "email"})
        _setup_link_send(user, origin)
    return user


def user_setup_link_issue(*, actor: User, user: User, origin: str) -> None:
    """Mails ``user`` a new one-time link to choose a password (never shown to ``actor``)."""
    _require_user_manager(actor)
    with transaction.atomic():
        # Re-read under a lock: an account deactivated since the page was loaded gets no link.
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            raise Conflict(gettext_lazy("A deactivated account gets no password link."))
        audit_record("user.setup_link_issued", actor=actor, target=user, data={"delivery": "email"})
        _setup_link_send(user, origin)


def user_update(
    *, actor: User, user: User, first_name: str, last_name: str, role: str, is_active: bool
) -> User:
    """Changes name, role or active state; each kind of change is its own audit event.

    As Zulip's ``do_change_user_role``: the row is locked and re-read, so two administrators
    saving at once cannot both record a change from the same old role; nothing changed means
    nothing saved and nothing audited. Refuses an actor who does not manage users, and an
    administrator changing their own role or deactivating themselves (no account can lift
    or drop its own privileges unseen). A change into a privileged role removes an e-ID
    number an administrator recorded, and its links (``user.eid_identity_removed``, reason
    ``role_privileged``): the holder links their e-ID again themselves.
    """
    _require_user_manager(actor)
    fields = ("first_name", "last_name", "role", "is_active")
    with transaction.atomic():
        before: dict[str, Any] = User.objects.select_for_update().filter(pk=user.pk).values(*fields).get()
        if actor.pk == user.pk and (role != before["role"] or not is_active):
            raise AccessDenied(
                gettext_lazy("Administrators cannot change their own role or deactivate themselves.")
            )
        after = {"first_name": first_name, "last_name": last_name, "role": role, "is_active": is_active}
        changed = [field for field in fields if before[field] != after[field]]
        for field in fields:
            setattr(user, field, after[field])
        if not changed:
            return user
        user.save(update_fields=changed)
        if (before["first_name"], before["last_name"]) != (first_name, last_name):
            audit_record("user.updated", actor=actor, target=user, data={"fields": ["name"]})
        if before["role"] != role:
            audit_record(
                "user.role_changed", actor=actor, target=user, data={"from": before["role"], "to": role}
            )
            if role in PRIVILEGED_ROLES:
                _eid_clear_admin_recorded_on_promotion(actor=actor, user=user)
        if before["is_active"] and not is_active:
            audit_record("user.deactivated", actor=actor, target=user)
        elif not before["is_active"] and is_active:
            audit_record("user.reactivated", actor=actor, target=user)
    return user


def user_unlock(*, actor: User, user: User) -> None:
    """Lifts an administrator's lock and ends any sign-in delay on the account's address.

    Audited as ``user.unlocked`` with whether the account was locked (read under a row lock,
    so the event says what this unlock lifted); the delay lives outside the row.
    """
    _require_user_manager(actor)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        was_locked = locked.is_locked()
        User.objects.filter(pk=user.pk).update(locked_until=None)
        audit_record("user.unlocked", actor=actor, target=user, data={"was_locked": was_locked})
    # Also ends a sign-in delay strangers' failures may have started.
    throttle.clear(throttle.normalise_address(user.email))


def user_mfa_reset(*, actor: User, user: User) -> None:
    """Removes every second factor, for a user who lost their phone and recovery codes.

    The user must set up a new method at next sign-in before any page opens. One
    administrator alone may do this only for an account that is not, and was not recently,
    privileged (``selectors.mfa_reset_needs_approval``); otherwise ``mfa_reset_request``.
    Raises AccessDenied for one's own account or an account that needs approval.
    """
    _require_user_manager(actor)
    if actor.pk == user.pk:
        raise AccessDenied(gettext_lazy("Administrators cannot reset their own second factor."))
    with transaction.atomic():
        # Locked and re-read: a role change committed meanwhile (say, to administrator)
        # must not slip past the two-administrator rule.
        user = User.objects.select_for_update().get(pk=user.pk)
        if mfa_reset_needs_approval(user):
            raise AccessDenied(
                gettext_lazy("Resetting this account's second factor needs a second administrator.")
            )
        count, _ = Authenticator.objects.filter(user=user).delete()
        audit_record("mfa.reset", actor=actor, target=user, data={"removed": count})
        _mail(user, "accounts/email/mfa_reset", {"user": user})


def mfa_reset_request(*, actor: User, user: User) -> MFAResetRequest:
    """Asks for a second administrator to approve resetting ``user``'s second factor.

    Returns the pending request (an existing, unexpired one if there is one). Audited as
    ``mfa.reset_requested``. Raises AccessDenied for one's own account.
    """
    _require_user_manager(actor)
    if actor.pk == user.pk:
        raise AccessDenied(gettext_lazy("Administrators cannot reset their own second factor."))
    with transaction.atomic():
        # The account's row serialises requests: two administrators asking at once get one.
        User.objects.select_for_update().only("pk").get(pk=user.pk)
        pending = mfa_reset_request_pending(user)
        if pending is not None:
            return pending
        reset_request = MFAResetRequest.objects.create(user=user, requested_by=actor)
        audit_record("mfa.reset_requested", actor=actor, target=user, data={"request_id": reset_request.pk})
    return reset_request


def mfa_reset_approve(*, actor: User, reset_request: MFAResetRequest) -> int:
    """A second administrator approves a pending request: every second factor is removed.

    The approver must manage users and be neither the requester nor the account's owner,
    nor an account the requester created or changed the role of (or the other way round),
    and must have been an administrator for ``MFA_RESET_APPROVER_MIN_DAYS``
    (``selectors.mfa_reset_approver_unsettled``): otherwise the requester could approve with
    a puppet. The request must be pending and younger than ``MFA_RESET_REQUEST_LIFETIME``.
    Audited as ``mfa.reset_approved`` and ``mfa.reset`` (with both administrators). Returns
    how many authenticators were removed; raises AccessDenied (wrong approver) or Conflict
    (no longer pending).
    """
    with transaction.atomic():
        locked = MFAResetRequest.objects.select_for_update().select_related("user").get(pk=reset_request.pk)
        if not actor.has_capability(Capability.MANAGE_USERS):
            raise AccessDenied(gettext_lazy("Only administrators approve."))
        if actor.pk in (locked.requested_by_id, locked.user_id):
            raise AccessDenied(gettext_lazy("A request is approved by a different administrator."))
        if mfa_reset_approver_unsettled(actor, locked.requested_by_id):
            raise AccessDenied(
                gettext_lazy(
                    "You cannot approve this request: it needs an administrator who has held the "
                    "role for at least %(days)d days, and whose account the requester did not "
                    "create or change the role of (nor the other way round)."
                )
                % {"days": MFA_RESET_APPROVER_MIN_DAYS},
                extra={"reason": "approver_unsettled"},
            )
        if locked.status != MFAResetRequest.Status.PENDING or locked.is_expired():
            raise Conflict(gettext_lazy("The request is no longer pending."))
        count, _ = Authenticator.objects.filter(user=locked.user).delete()
        locked.status = MFAResetRequest.Status.APPROVED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        data = {"request_id": locked.pk, "requested_by": locked.requested_by_id, "approved_by": actor.pk}
        audit_record("mfa.reset_approved", actor=actor, target=locked.user, data=data)
        audit_record("mfa.reset", actor=actor, target=locked.user, data={"removed": count, **data})
        _mail(locked.user, "accounts/email/mfa_reset", {"user": locked.user})
    return count


def mfa_reset_cancel(*, actor: User, reset_request: MFAResetRequest) -> None:
    """Withdraws or refuses a pending request (any administrator). Audited."""
    with transaction.atomic():
        locked = MFAResetRequest.objects.select_for_update().get(pk=reset_request.pk)
        if not actor.has_capability(Capability.MANAGE_USERS):
            raise AccessDenied(gettext_lazy("Only administrators cancel."))
        if locked.status != MFAResetRequest.Status.PENDING:
            raise Conflict(gettext_lazy("The request is no longer pending."))
        locked.status = MFAResetRequest.Status.CANCELLED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(
            "mfa.reset_request_cancelled", actor=actor, target=locked.user, data={"request_id": locked.pk}
        )


def users_create_demo(accounts: list[DemoAccount], totp_secret: str) -> list[User]:
    """Demo accounts with known passwords and TOTP set up (the demo command only).

    Idempotent: an existing demo account gets its password, role and second factor back.
    """
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    users = []
    for account in accounts:
        with transaction.atomic():
            user = User.objects.filter(email=account.email).first()
            if user is None:
                user = User.objects.create_user(
                    email=account.email, first_name="Demo", last_name=account.last_name, role=account.role
                )
                audit_record("user.created", target=user, data={"role": account.role, "demo": True})
            user.set_password(account.password)
            user.is_active = True
            user.role = account.role
            user.locked_until = None
            user.save()
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, totp_secret)
                RecoveryCodes.activate(user)
        users.append(user)
    return users


# --- e-ID sign-in (issue 13, item 5) -------------------------------------------------------------


class EidRefused(Exception):
    """An e-ID sign-in that may not go on; ``reason`` is recorded (auth.eid_refused), the person
    is only told, neutrally, that the e-ID sign-in did not succeed."""

    def __init__(self, reason: str, user: User | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.user = user


def eid_refused_record(*, reason: str, user: User | None = None) -> None:
    """Records a refused e-ID sign-in (``auth.eid_refused``) in its own transaction: ``reason``
    (a word such as ``no_account``), the account when one is known; never the identity number,
    the provider's subject or anything else the provider said."""
    with transaction.atomic():
        audit_record(
            "auth.eid_refused", target=user, data={"reason": reason, "known_account": user is not None}
        )


def _eid_mail_on_commit(user: User, kind: str) -> None:
    """Tells the account holder, at their own address, that an e-ID was linked to their
    account (``kind`` "linked") or that an administrator recorded an identity number for e-ID
    sign-in on it ("recorded"), with the date and whom to tell if it was not them; never the
    number. Sent once the change is committed (through ``_mail``); a mail server that fails is
    logged with the error's type only and never undoes the change, which the audit log holds."""
    when = timezone.localdate()

    def send() -> None:
        try:
            _mail(user, "accounts/email/eid_changed", {"user": user, "kind": kind, "when": when})
        except Exception as exc:  # noqa: BLE001 - mail must not undo a committed change
            logger.warning("e-ID change mail not sent: %s", type(exc).__name__)

    transaction.on_commit(send)


def _eid_refuse_for_account(user: User) -> None:
    """Raises ``EidRefused`` for an account an e-ID may not open now: deactivated, locked, or
    privileged with a number its holder did not link themselves."""
    from hedershus.accounts.selectors import eid_admin_recorded_on_privileged

    if not user.is_active:
        raise EidRefused("inactive", user)
    if user.is_locked():
        raise EidRefused("locked", user)
    if eid_admin_recorded_on_privileged(user):
        raise EidRefused("needs_self_link", user)


def eid_sign_in_account(*, sociallogin: Any, assertion: EidAssertion) -> User:
    """The account an e-ID sign-in opens, linking the e-ID to it on first use.

    ``sociallogin`` is allauth's, already looked up (linked by the provider's ``sub`` or not).
    Rules (issue 13, item 5 and its follow-up): a linked e-ID opens its account if the identity
    number still matches the account's; an unlinked one is linked when its number matches
    exactly one account, which must be active and not locked. A privileged account opens only
    with a number its holder linked themselves (``services.eid_self_link``), never one an
    administrator recorded. Raises ``EidRefused`` otherwise: ``no_identity_number``,
    ``identity_mismatch``, ``no_account``, ``several_accounts``, ``inactive``, ``locked``,
    ``needs_self_link``. Records ``auth.eid_verified`` (whether it counts as the second
    factor) and, when it links, ``user.eid_linked`` (how: ``first_use``); ids only. A link
    mails the holder (``_eid_mail_on_commit``).
    """
    from hedershus.accounts.eid import identity_number_digests
    from hedershus.accounts.selectors import users_with_eid_identity

    number = assertion.identity_number
    if number is None:
        raise EidRefused("no_identity_number", sociallogin.user if sociallogin.is_existing else None)
    with transaction.atomic():
        if sociallogin.is_existing:
            user = User.objects.select_for_update().get(pk=sociallogin.user.pk)
            if user.eid_identity_digest not in identity_number_digests(number):
                raise EidRefused("identity_mismatch", user)
            _eid_refuse_for_account(user)
            linked_now = False
        else:
            candidates = list(users_with_eid_identity(number).select_for_update()[:2])
            if not candidates:
                raise EidRefused("no_account")
            if len(candidates) > 1:
                raise EidRefused("several_accounts")
            user = candidates[0]
            _eid_refuse_for_account(user)
            sociallogin.user = user
            sociallogin.account.user = user
            sociallogin.account.save()
            linked_now = True
            audit_record(
                "user.eid_linked",
                actor=user,
                target=user,
                data={"how": "first_use", "link_id": sociallogin.account.pk},
            )
            _eid_mail_on_commit(user, "linked")
        audit_record(
            "auth.eid_verified",
            actor=user,
            target=user,
            data={"second_factor": assertion.high_assurance, "linked_now": linked_now},
        )
    return user


def eid_reauthenticate(*, user: User, sociallogin: Any, assertion: EidAssertion) -> None:
    """``user``, signed in, confirmed it is them with a fresh e-ID sign-in (allauth's
    re-authentication; ``adapter._eid_reauthenticate``). The e-ID must name this account: its
    identity number is the account's, and if the e-ID is linked, it is linked to this account.
    Nothing is linked or changed. Records ``auth.eid_verified`` (``reauthentication`` true,
    whether the level would count as the second factor). Raises ``EidRefused``:
    ``no_identity_number``, ``other_person`` (the e-ID names another account or a number that
    is not this account's), ``inactive``, ``locked``, ``needs_self_link``. Issue 13 item 5
    round 2: the tester's administrator was silently signed in as a counsellor."""
    from hedershus.accounts.eid import identity_number_digests

    number = assertion.identity_number
    if number is None:
        raise EidRefused("no_identity_number", user)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if sociallogin.is_existing and sociallogin.user.pk != user.pk:
            raise EidRefused("other_person", user)
        if not user.eid_identity_digest or user.eid_identity_digest not in identity_number_digests(number):
            raise EidRefused("other_person", user)
        _eid_refuse_for_account(user)
        audit_record(
            "auth.eid_verified",
            actor=user,
            target=user,
            data={
                "second_factor": assertion.high_assurance,
                "linked_now": False,
                "reauthentication": True,
            },
        )


def eid_self_link(*, user: User, sociallogin: Any, assertion: EidAssertion) -> bool:
    """``user``, signed in (with both factors, recently re-authenticated: the caller checks,
    ``adapter.SocialAccountAdapter.pre_social_login``), links the e-ID they just used.

    The identity number the provider asserted becomes the account's (keyed hash, source
    ``self``), whatever was recorded before, unless another active account holds it; the e-ID
    (``sociallogin``, allauth's, looked up by ``sub``) becomes the account's one e-ID link
    (other e-ID links of the account go). This is how an administrator, an auditor or anyone
    whose account is in use gets e-ID sign-in (issue 13 item 5 follow-up): an administrator
    may record numbers only while onboarding (``user_eid_identity_set``).

    Returns False when this e-ID was already linked with this number by the holder (nothing
    changes), True when it linked. Raises ``EidRefused`` (recorded by the caller; the person
    is told neutrally): ``no_identity_number``, ``inactive``, ``locked``,
    ``linked_to_another_account`` (this e-ID opens another account), ``identity_taken``
    (another active account holds the number). Records ``user.eid_linked`` (how: ``self``;
    the link's id, whether the number changed, how many old links went), never the number,
    and mails the holder (``_eid_mail_on_commit``).
    """
    from hedershus.accounts.eid import identity_number_digest, identity_number_digests
    from hedershus.accounts.models import EidIdentitySource
    from hedershus.accounts.selectors import eid_links_of, users_with_eid_identity

    number = assertion.identity_number
    if number is None:
        raise EidRefused("no_identity_number", user)
    given = user
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            raise EidRefused("inactive", user)
        if user.is_locked():
            raise EidRefused("locked", user)
        existing = bool(sociallogin.is_existing)
        if existing and sociallogin.user.pk != user.pk:
            raise EidRefused("linked_to_another_account", user)
        if users_with_eid_identity(number).exclude(pk=user.pk).filter(is_active=True).exists():
            raise EidRefused("identity_taken", user)
        number_changed = user.eid_identity_digest not in identity_number_digests(number)
        if existing and not number_changed and user.eid_identity_source == EidIdentitySource.SELF:
            return False
        if not existing:
            sociallogin.user = user
            sociallogin.account.user = user
            sociallogin.account.save()
        removed, _ = eid_links_of(user).exclude(pk=sociallogin.account.pk).delete()
        user.eid_identity_digest = identity_number_digest(number)
        user.eid_identity_source = EidIdentitySource.SELF
        user.save(update_fields=["eid_identity_digest", "eid_identity_source"])
        given.eid_identity_digest, given.eid_identity_source = (
            user.eid_identity_digest,
            user.eid_identity_source,
        )
        audit_record(
            "user.eid_linked",
            actor=user,
            target=user,
            data={
                "how": "self",
                "link_id": sociallogin.account.pk,
                "number_changed": number_changed,
                "links_removed": removed,
            },
        )
        if number_changed:
            _eid_sessions_ended_record(actor=user, user=user, reason="self_linked")
        _eid_mail_on_commit(user, "linked")
    return True


EID_SELF_REMOVE_NO_PASSWORD = gettext_lazy(
    "Your account has no password, so without your e-ID you could not sign in at all. Ask an "
    "administrator to send you a link to choose a password first."
)


def eid_self_remove(*, user: User) -> bool:
    """``user``, signed in and freshly re-authenticated (the view checks), removes their own
    e-ID: the recorded number and every e-ID link go, so no e-ID sign-in opens the account
    until they link one again. Every session of the account ends (the number is part of the
    session hash, ``User._get_session_auth_hash``; the caller keeps or ends the current one).
    Returns False if there was nothing to remove. Audited as ``user.eid_identity_removed``
    (reason ``self``, how many links went) and ``user.sessions_ended``. Raises ``Conflict``
    (``EID_SELF_REMOVE_NO_PASSWORD``) for an account without a usable password, which would
    be left with no way in. Replaces allauth's connections page, which removed the link
    unaudited and left the number, so the next e-ID sign-in linked it again (issue 13 item 5,
    round 2)."""
    from hedershus.accounts.selectors import eid_links_of

    given = user
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        links = eid_links_of(user)
        if not user.eid_identity_digest and not links.exists():
            return False
        if not user.has_usable_password():
            raise Conflict(EID_SELF_REMOVE_NO_PASSWORD)
        user.eid_identity_digest, user.eid_identity_source = "", ""
        user.save(update_fields=["eid_identity_digest", "eid_identity_source"])
        given.eid_identity_digest, given.eid_identity_source = "", ""
        unlinked, _ = links.delete()
        audit_record(
            "user.eid_identity_removed",
            actor=user,
            target=user,
            data={"links_removed": unlinked, "reason": "self"},
        )
        _eid_sessions_ended_record(actor=user, user=user, reason="self_removed")
    return True


def user_eid_identity_set(*, actor: User, user: User, number: str | None) -> bool:
    """Records (``number``, twelve digits, normalised) or removes (``None``) the personal
    identity number for ``user``'s e-ID sign-in, as a keyed hash only. Any e-ID already linked
    to the account is unlinked, so the next e-ID sign-in must match the new number. Returns
    whether anything changed; records ``user.eid_identity_recorded`` or
    ``user.eid_identity_removed`` (with how many links went), never the number; a recorded
    number mails the holder (``_eid_mail_on_commit``).

    Recording is for onboarding only (issue 13 item 5 follow-up): an account never signed in
    to whose role is not privileged (``selectors.eid_identity_recordable_by_administrator``).
    Anyone else links their e-ID themselves, signed in (``eid_self_link``), so no administrator
    can put their own number on a colleague's account in use, an auditor's or another
    administrator's, and sign in as it. Removing is allowed for every account: it only takes
    access away. Raises ``AccessDenied`` for an actor who does not manage users, or a number
    for an account that is not recordable (the row is re-read under a lock first).
    """
    from hedershus.accounts.eid import identity_number_digest, identity_number_digests
    from hedershus.accounts.models import EidIdentitySource
    from hedershus.accounts.selectors import (
        eid_identity_held_by_another,
        eid_identity_recordable_by_administrator,
        eid_links_of,
    )

    _require_user_manager(actor)
    given = user
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if number is not None and not eid_identity_recordable_by_administrator(user):
            raise AccessDenied(EID_SELF_LINK_ONLY)
        if number is not None and eid_identity_held_by_another(number, user=user):
            raise Conflict(EID_IDENTITY_TAKEN)
        if (
            number is not None
            and user.eid_identity_digest
            and user.eid_identity_digest in identity_number_digests(number)
        ):
            return False
        if number is None and not user.eid_identity_digest:
            return False
        user.eid_identity_digest = identity_number_digest(number) if number is not None else ""
        user.eid_identity_source = EidIdentitySource.ADMINISTRATOR if number is not None else ""
        user.save(update_fields=["eid_identity_digest", "eid_identity_source"])
        # The caller's instance too: its session hash (User._get_session_auth_hash) must match.
        given.eid_identity_digest, given.eid_identity_source = (
            user.eid_identity_digest,
            user.eid_identity_source,
        )
        unlinked, _ = eid_links_of(user).delete()
        event = "user.eid_identity_recorded" if number is not None else "user.eid_identity_removed"
        audit_record(event, actor=actor, target=user, data={"links_removed": unlinked})
        _eid_sessions_ended_record(actor=actor, user=user, reason=event.removeprefix("user.eid_"))
        if number is not None:
            _eid_mail_on_commit(user, "recorded")
    return True


def _eid_clear_admin_recorded_on_promotion(*, actor: User, user: User) -> None:
    """Inside ``user_update``'s transaction, for an account just given a privileged role:
    an e-ID number its holder did not link themselves goes, with its links (the holder links
    again from their security page). Audited as ``user.eid_identity_removed`` with the reason
    ``role_privileged``."""
    from hedershus.accounts.selectors import eid_admin_recorded_on_privileged, eid_links_of

    fresh = User.objects.only("role", "eid_identity_digest", "eid_identity_source").get(pk=user.pk)
    if not eid_admin_recorded_on_privileged(fresh):
        return
    User.objects.filter(pk=user.pk).update(eid_identity_digest="", eid_identity_source="")
    user.eid_identity_digest, user.eid_identity_source = "", ""
    unlinked, _ = eid_links_of(user).delete()
    audit_record(
        "user.eid_identity_removed",
        actor=actor,
        target=user,
        data={"links_removed": unlinked, "reason": "role_privileged"},
    )
    _eid_sessions_ended_record(actor=actor, user=user, reason="role_privileged")


def _eid_sessions_ended_record(*, actor: User | None, user: User, reason: str) -> None:
    """Inside the transaction that changed ``user``'s e-ID number: records that every session
    of the account ended (``user.sessions_ended``, with ``reason``). They end because the
    number is part of the session hash (``User._get_session_auth_hash``): each session, its
    sockets too, is refused at its next request. Not recorded for an account never signed in
    to, which has no session."""
    if user.last_login is None:
        return
    audit_record("user.sessions_ended", actor=actor, target=user, data={"reason": f"eid_{reason}"})
