from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hedershus.accounts import services
from hedershus.accounts.forms import UserCreateForm, UserUpdateForm
from hedershus.accounts.models import User
from hedershus.accounts.permissions import capability_required
from hedershus.accounts.roles import Capability, Role
from hedershus.accounts.selectors import users_manageable_by


def _current(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/dashboard.html", {"capability": Capability})


@capability_required(Capability.MANAGE_USERS)
def user_list(request: HttpRequest) -> HttpResponse:
    actor = _current(request)
    users = users_manageable_by(actor)
    role = request.GET.get("role", "")
    if role in Role.values:
        users = users.filter(role=role)
    services.user_list_view_record(actor=actor, role_filter=role)
    return render(request, "accounts/user_list.html", {"users": users, "roles": Role.choices, "role": role})


@capability_required(Capability.MANAGE_USERS)
@reauthentication_required
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, link = services.user_create(actor=_current(request), **form.cleaned_data)
        return render(
            request,
            "accounts/user_setup_link.html",
            {"managed": user, "setup_url": request.build_absolute_uri(link)},
        )
    return render(request, "accounts/user_form.html", {"form": form}, status=400 if form.errors else 200)


@capability_required(Capability.MANAGE_USERS)
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
    form = UserUpdateForm(request.POST or None, initial=initial, editing_self=editing_self)
    if request.method == "POST" and form.is_valid():
        services.user_update(actor=actor, user=managed, **form.cleaned_data)
        messages.success(request, _("The changes were saved."))
        return redirect("staff:user_detail", pk=managed.pk)
    if request.method == "GET":
        services.user_view_record(actor=actor, user=managed)
    methods = Authenticator.objects.filter(user=managed).values_list("type", flat=True)
    return render(
        request,
        "accounts/user_detail.html",
        {"managed": managed, "form": form, "mfa_methods": sorted(set(methods)), "editing_self": editing_self},
        status=400 if form.errors else 200,
    )


@require_POST
@capability_required(Capability.MANAGE_USERS)
@reauthentication_required
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    managed = get_object_or_404(users_manageable_by(_current(request)), pk=pk)
    services.user_unlock(actor=_current(request), user=managed)
    messages.success(request, _("The account is unlocked."))
    return redirect("staff:user_detail", pk=managed.pk)


@require_POST
@capability_required(Capability.MANAGE_USERS)
@reauthentication_required
def user_mfa_reset(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _current(request)
    managed = get_object_or_404(users_manageable_by(actor), pk=pk)
    if managed.pk == actor.pk:
        messages.error(request, _("You cannot reset your own two-factor methods here."))
    else:
        services.user_mfa_reset(actor=actor, user=managed)
        messages.success(
            request, _("Two-factor methods removed. The user sets up a new one at next sign-in.")
        )
    return redirect("staff:user_detail", pk=managed.pk)


@require_POST
@capability_required(Capability.MANAGE_USERS)
@reauthentication_required
def user_setup_link(request: HttpRequest, pk: int) -> HttpResponse:
    managed = get_object_or_404(users_manageable_by(_current(request)), pk=pk)
    link = services.user_setup_link_issue(actor=_current(request), user=managed)
    return render(
        request,
        "accounts/user_setup_link.html",
        {"managed": managed, "setup_url": request.build_absolute_uri(link)},
    )
