"""Editors' views added to Wagtail's admin: translation status and submitting a translation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page

from hedershus.cms import services
from hedershus.cms.choices import TranslationState
from hedershus.cms.selectors import translation_status
from hedershus.core.exceptions import ApplicationError


class TranslationStatusView(WagtailAdminTemplateMixin, TemplateView):
    """Which pages are missing, drafts, in review or outdated in each language."""

    template_name = "cms/admin/translation_status.html"
    page_title = gettext_lazy("Translation status")
    header_icon = "site"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        status = translation_status()
        context["status"] = status
        context["states"] = TranslationState
        # What needs an editor's work, per language: every state but "up to date".
        summary_states = [state for state in TranslationState if state != TranslationState.CURRENT]
        context["summary_states"] = summary_states
        context["summary"] = [
            {"locale": locale, "counts": [status.count(locale, state) for state in summary_states]}
            for locale in status.locales
        ]
        return context


@require_POST
def translation_submit(request: HttpRequest, page_id: int) -> HttpResponse:
    """Saves a translation from its translated strings and submits it for review."""
    page = get_object_or_404(Page, pk=page_id).specific
    try:
        services.translation_submit_for_review(page, request.user)
    except ApplicationError as exc:
        messages.error(
            request, _("Could not submit “%(title)s”: %(reason)s") % {"title": page.title, "reason": exc}
        )
    else:
        messages.success(
            request, _("“%(title)s” was submitted for review by another editor.") % {"title": page.title}
        )
    return redirect("cms_translation_status")
