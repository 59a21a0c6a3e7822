from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hedershus.core.access import Capability, capability_required
from hedershus.portal import services
from hedershus.portal.selectors import safety_settings_current
from hedershus.portal.staff_forms import SafetySettingsForm


@capability_required(Capability.MANAGE_SITE_SETTINGS)
@reauthentication_required
def safety_settings(request: HttpRequest) -> HttpResponse:
    """Where the quick exit leads. Changing it is audited."""
    current = safety_settings_current()
    form = SafetySettingsForm(request.POST or None, initial={"quick_exit_url": current.quick_exit_url})
    if request.method == "POST" and form.is_valid():
        try:
            services.quick_exit_url_change(actor=request.user, url=form.cleaned_data["quick_exit_url"])
        except ValidationError as exc:
            form.add_error("quick_exit_url", exc)
        else:
            messages.success(request, _("The quick exit destination was saved."))
            return redirect("site_settings:safety")
    return render(
        request,
        "portal/staff/safety_settings.html",
        {"form": form, "current": current},
        status=400 if form.errors else 200,
    )
