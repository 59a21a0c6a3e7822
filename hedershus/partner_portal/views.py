"""The partner professional's pages under /staff/partner/: thin, over selectors and the
partner register's services.

The start page needs ``ANSWER_REFERRALS`` (partner professionals; 403 for other roles).
A unit's administration (``unit/<id>/…``) is for that unit's own unit administrators only:
anyone else, a professional of the unit who is not its admin included, gets 404.
"""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hedershus.core.access import Capability, capability_required
from hedershus.core.exceptions import ApplicationError, NotFound
from hedershus.partner_portal import selectors, services
from hedershus.partner_portal.forms import CapacityForm, InviteForm
from hedershus.partners import services as partner_services
from hedershus.partners.models import PartnerUnit, UnitMembership
from hedershus.partners.selectors import unit_members


@capability_required(Capability.ANSWER_REFERRALS)
def home(request: HttpRequest) -> HttpResponse:
    """The professional's units, referrals and consultations. Records
    ``partner_portal.home_viewed``."""
    data = selectors.partner_home(request.user)
    services.home_view_record(
        actor=request.user,
        units=len(data.units),
        referrals=len(data.referrals),
        consultations=len(data.consultations),
    )
    return render(request, "partner_portal/home.html", {"home": data})


def _admin_unit(request: HttpRequest, unit_id: int) -> PartnerUnit:
    unit = selectors.admin_unit_get(request.user, unit_id)
    if unit is None:
        raise NotFound(_("No such unit."))
    return unit


def _unit_page(
    request: HttpRequest,
    unit: PartnerUnit,
    *,
    capacity_form: CapacityForm | None = None,
    status: int = 200,
) -> HttpResponse:
    services.unit_view_record(actor=request.user, unit=unit)
    context = {
        "unit": unit,
        "members": unit_members(unit),
        "has_capacity": selectors.unit_has_capacity(unit),
        "capacity_form": capacity_form or CapacityForm(initial={"free_places": unit.capacity_free}),
    }
    return render(request, "partner_portal/unit.html", context, status=status)


@capability_required(Capability.ANSWER_REFERRALS, hide=True)
def unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The unit's professionals and, for a shelter, its free places."""
    return _unit_page(request, _admin_unit(request, unit_id))


@capability_required(Capability.ANSWER_REFERRALS, hide=True)
def invite(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Invites a professional (GET: the form; POST: ``partners.services.professional_invite``).
    A refused invitation shows the form again with its message; nothing is created. Only an
    address without an account can be invited here: any existing account (staff, another
    organisation's professional, a closed one) gets one and the same refusal (409), so the
    form tells a unit admin nothing about who has an account of what kind; adding an
    existing professional is the centre's register administrator's explicit choice. Each
    refusal is audited, and after ``INVITE_REFUSALS_MAX`` in an hour the admin's invitations
    are paused (429; tester's defect 2).

    Outsiders get 404 first; the unit's admin is then asked to re-authenticate (allauth's
    ``reauthentication_required``, as for the register administrator's invitation)."""
    return _invite(request, _admin_unit(request, unit_id))


@reauthentication_required
def _invite(request: HttpRequest, unit_: PartnerUnit) -> HttpResponse:
    form = InviteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                user = partner_services.professional_invite(
                    actor=request.user,
                    unit_id=unit_.pk,
                    email=form.cleaned_data["email"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    is_unit_admin=form.cleaned_data["is_unit_admin"],
                    origin=request.build_absolute_uri("/").rstrip("/"),
                )
            except ApplicationError as error:
                form.add_error(None, str(error))
                status = error.status
            else:
                messages.success(
                    request,
                    _("%(name)s is a professional of the unit now.")
                    % {"name": user.get_full_name() or user.email},
                )
                return redirect("partner_portal:unit", unit_id=unit_.pk)
    return render(request, "partner_portal/invite.html", {"unit": unit_, "form": form}, status=status)


@capability_required(Capability.ANSWER_REFERRALS, hide=True)
def member_remove(request: HttpRequest, unit_id: int, user_id: int) -> HttpResponse:
    """Removes a professional from the unit (GET: asks to confirm; POST: removes through
    ``partners.services.professional_remove``). 404 for someone not in the unit."""
    unit_ = _admin_unit(request, unit_id)
    membership = UnitMembership.objects.select_related("user").filter(unit=unit_, user_id=user_id).first()
    if membership is None:
        raise NotFound(_("No such professional in this unit."))
    if membership.user_id == request.user.pk:
        # A unit must not lose its last administrator by a slip: another admin or the
        # centre's register administrator removes you.
        messages.error(
            request, _("You cannot remove yourself: ask another unit administrator or the centre.")
        )
        return redirect("partner_portal:unit", unit_id=unit_.pk)
    if request.method == "POST":
        try:
            deactivated = partner_services.professional_remove(
                actor=request.user, unit_id=unit_.pk, user_id=membership.user_id
            )
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Removed. The account was closed: it had no other unit.")
                if deactivated
                else _("Removed from the unit."),
            )
        return redirect("partner_portal:unit", unit_id=unit_.pk)
    return render(request, "partner_portal/member_remove.html", {"unit": unit_, "membership": membership})


@require_POST
@capability_required(Capability.ANSWER_REFERRALS, hide=True)
def capacity(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Sets the unit's free places (POST; ``partners.services.unit_capacity_set``). A unit that
    offers no bed (no shelter nor protected housing) is refused: 400 and a message."""
    unit_ = _admin_unit(request, unit_id)
    form = CapacityForm(request.POST)
    if form.is_valid():
        try:
            partner_services.unit_capacity_set(
                actor=request.user, unit_id=unit_.pk, free_places=form.cleaned_data["free_places"]
            )
        except ApplicationError as error:
            if not selectors.unit_has_capacity(unit_):
                # No form on the page to hold the error (a unit without beds is offered none).
                messages.error(request, str(error))
            form.add_error(None, str(error))
            return _unit_page(request, unit_, capacity_form=form, status=error.status)
        messages.success(request, _("The free places were updated."))
        return redirect("partner_portal:unit", unit_id=unit_.pk)
    return _unit_page(request, unit_, capacity_form=form, status=400)
