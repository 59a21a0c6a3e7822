from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hedershus.accounts import services
from hedershus.accounts.forms import UserCreateForm, UserUpdateForm
from hedershus.accounts.models import MFAResetRequest, User
from hedershus.accounts.selectors import (
    eid_identity_recordable_by_administrator,
    eid_links_of,
    mfa_reset_needs_approval,
    mfa_reset_request_pending,
    users_manageable_by,
)
from hedershus.core.access import Capability, Role, capability_required
from hedershus.core.exceptions import ApplicationError

# The names of second-factor methods on an account's page, not allauth's codes (issue 13 item 5,
# round 2: the page showed "recovery_codes, totp").
MFA_METHOD_NAMES = {
    Authenticator.Type.TOTP: gettext_lazy("authenticator app"),
    Authenticator.Type.RECOVERY_CODES: gettext_lazy("recovery codes"),
    Authenticator.Type.WEBAUTHN: gettext_lazy("passkey or security key"),
}


def _current(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    context = {"capability": Capability, "eid_enabled": bool(settings.EID_OIDC_ENABLED)}
    return render(request, "accounts/dashboard.html", context)


@capability_required(Capability.MANAGE_USERS)
def user_list(request: HttpRequest) -> HttpResponse:
    actor = _current(request)
    users = users_manageable_by(actor)
    role = request.GET.get("role", "")
    if role in Role.values:
        users = users.filter(role=role)
    services.user_list_view_record(actor=actor, role_filter=role)
    return render(request, "accounts/user_list.html", {"users": users, "roles": Role.choices, "role": role})


def _origin(request: HttpRequest) -> str:
    """The site's scheme and host (checked against ALLOWED_HOSTS) for links in e-mails."""
    return request.build_absolute_uri("/").rstrip("/")


@capability_required(Capability.MANAGE_USERS)
@reauthentication_required
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None, eid=bool(settings.EID_OIDC_ENABLED))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        eid_number = data.pop("eid_identity_number", "")
        try:
            with transaction.atomic():  # a refused number creates no account either
                user = services.user_create(actor=_current(request), origin=_origin(request), **data)
                if eid_number:
                    services.user_eid_identity_set(actor=_current(request), user=user, number=eid_number)
        except ApplicationError as exc:  # the number was recorded elsewhere meanwhile
            form.add_error(None, str(exc.message))
        else:
            # The link went to the new user's mailbox; the administrator only learns that it did.
            messages.success(
                request,
                _("The account is created. A one-time link to choose a password was sent to %(email)s.")
                % {"email": user.email},
            )
            return redirect("staff:user_detail", pk=user.pk)
    context = {"form": form, "eid_enabled": bool(settings.EID_OIDC_ENABLED)}
    return render(request, "accounts/user_form.html", context, status=400 if form.errors else 200)


@capability_required(Capability.MANAGE_USERS, hide=True)
@reauthentication_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _current(request)
    managed = get_object_or_404(users_manageable_by(actor), pk=pk)
    editing_self = managed.pk == actor.pk
    initial = {
        "first_name": managed.first_name,
        "last_name": managed.last_name,
        "role": managed.role,
        "is_active": managed.is_active,
    }
    eid_enabled = bool(settings.EID_OIDC_ENABLED)
    eid_recordable = eid_identity_recordable_by_administrator(managed)
    form = UserUpdateForm(
        request.POST or None,
        initial=initial,
        editing_self=editing_self,
        eid=eid_enabled,
        eid_recordable=eid_recordable,
        eid_removable=bool(managed.eid_identity_digest),
        eid_user=managed,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        eid_number, eid_remove = data.pop("eid_identity_number", ""), data.pop("eid_remove", False)
        try:
            # One transaction: a refused e-ID number (the account was used meanwhile) saves nothing.
            with transaction.atomic():
                services.user_update(actor=actor, user=managed, **data)
                if eid_number or eid_remove:
                    services.user_eid_identity_set(actor=actor, user=managed, number=eid_number or None)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
            managed.refresh_from_db()
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("staff:user_detail", pk=managed.pk)
    if request.method == "GET":
        services.user_view_record(actor=actor, user=managed)
    methods = Authenticator.objects.filter(user=managed).values_list("type", flat=True)
    context = {
        "managed": managed,
        "form": form,
        "mfa_methods": [str(MFA_METHOD_NAMES.get(m, m)) for m in sorted(set(methods))],
        "editing_self": editing_self,
        "mfa_reset_needs_approval": mfa_reset_needs_approval(managed),
        "mfa_reset_pending": mfa_reset_request_pending(managed),
        "eid_enabled": eid_enabled,
        "eid_linked": eid_enabled and eid_links_of(managed).exists(),
        "eid_recordable": eid_recordable,
    }
    return render(request, "accounts/user_detail.html", context, status=400 if form.errors else 200)


@require_POST
@capability_required(Capability.MANAGE_USERS, hide=True)
@reauthentication_required
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    managed = get_object_or_404(users_manageable_by(_current(request)), pk=pk)
    services.user_unlock(actor=_current(request), user=managed)
    messages.success(request, _("The account is unlocked."))
    return redirect("staff:user_detail", pk=managed.pk)


@require_POST
@capability_required(Capability.MANAGE_USERS, hide=True)
@reauthentication_required
def user_mfa_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Resets at once, or (for a privileged account) asks a second administrator to approve."""
    actor = _current(request)
    managed = get_object_or_404(users_manageable_by(actor), pk=pk)
    if managed.pk == actor.pk:
        messages.error(request, _("You cannot reset your own two-factor methods here."))
    elif mfa_reset_needs_approval(managed):
        services.mfa_reset_request(actor=actor, user=managed)
        messages.success(
            request,
            _("The reset is requested. Another administrator must approve it within 24 hours."),
        )
    else:
        services.user_mfa_reset(actor=actor, user=managed)
        messages.success(
            request, _("Two-factor methods removed. The user sets up a new one at next sign-in.")
        )
    return redirect("staff:user_detail", pk=managed.pk)


@require_POST
@capability_required(Capability.MANAGE_USERS, hide=True)
@reauthentication_required
def user_mfa_reset_decide(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    """A second administrator approves a pending reset, or any administrator cancels it."""
    actor = _current(request)
    managed = get_object_or_404(users_manageable_by(actor), pk=pk)
    reset_request = get_object_or_404(MFAResetRequest, pk=request_pk, user=managed)
    try:
        if request.POST.get("decision") == "approve":
            services.mfa_reset_approve(actor=actor, reset_request=reset_request)
            messages.success(
                request, _("Two-factor methods removed. The user sets up a new one at next sign-in.")
            )
        else:
            services.mfa_reset_cancel(actor=actor, reset_request=reset_request)
            messages.success(request, _("The request is cancelled."))
    except ApplicationError as exc:
        messages.error(
            request,
            # A puppet or newly promoted approver is told exactly why (services.mfa_reset_approve).
            str(exc.message)
            if exc.extra.get("reason") == "approver_unsettled"
            else _(
                "This request cannot be approved by you: it needs an administrator other than the one "
                "who asked and the account's owner, and it must still be pending."
            ),
        )
    return redirect("staff:user_detail", pk=managed.pk)


@require_POST
@capability_required(Capability.MANAGE_USERS, hide=True)
@reauthentication_required
def user_setup_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Mails the user a new one-time password link; the administrator never sees it."""
    actor = _current(request)
    managed = get_object_or_404(users_manageable_by(actor), pk=pk)
    if not managed.is_active:
        messages.error(request, _("A deactivated account gets no password link."))
    else:
        services.user_setup_link_issue(actor=actor, user=managed, origin=_origin(request))
        messages.success(
            request,
            _("A one-time link to choose a password was sent to %(email)s.") % {"email": managed.email},
        )
    return redirect("staff:user_detail", pk=managed.pk)


@login_required
@reauthentication_required
def eid_link(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own e-ID (issue 13 item 5 follow-up): whether one is linked, and
    a "Link my e-ID" button that goes through the provider (allauth's ``connect`` process) and
    comes back here (``adapter._eid_self_link`` links it). Every signed-in staff member and
    partner professional may open it, after confirming it is them (allauth's re-authentication);
    with e-ID sign-in off it only says so."""
    user = _current(request)
    eid_enabled = bool(settings.EID_OIDC_ENABLED)
    if request.method == "POST" and request.POST.get("action") == "remove":
        return _eid_self_remove(request, user)
    context = {
        "eid_enabled": eid_enabled,
        "eid_linked": eid_enabled and eid_links_of(user).exists(),
        "eid_recorded": eid_enabled and bool(user.eid_identity_digest),
    }
    return render(request, "accounts/eid_link.html", context)


def _eid_self_remove(request: HttpRequest, user: User) -> HttpResponse:
    """ "Remove my e-ID" on the page above (``services.eid_self_remove``). Every other session
    of the account ends; this one too if an e-ID made it count as both factors (the person
    signs in again with password and code), otherwise it goes on."""
    from django.contrib.auth import logout, update_session_auth_hash

    from hedershus.core.auth import EID_SECOND_FACTOR_SESSION_KEY

    try:
        removed = services.eid_self_remove(user=user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("staff:eid_link")
    if not removed:
        messages.info(request, _("No e-ID was linked to your account."))
        return redirect("staff:eid_link")
    if request.session.get(EID_SECOND_FACTOR_SESSION_KEY):
        logout(request)
        messages.success(request, _("Your e-ID is removed. Sign in again with your password and your code."))
        return redirect(settings.LOGIN_URL)
    user.refresh_from_db()
    update_session_auth_hash(request, user)
    messages.success(request, _("Your e-ID is removed. It no longer opens your account."))
    return redirect("staff:eid_link")
