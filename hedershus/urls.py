from django.conf.urls.i18n import i18n_patterns
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail.admin import urls as wagtailadmin_urls

from hedershus.cms import views as cms_views
from hedershus.core import views as core_views
from hedershus.core.paths import STAFF_URL_PREFIX as STAFF
from hedershus.portal import urls as portal_urls
from hedershus.portal import views as portal_views


def _not_offered(request: HttpRequest, *args: str) -> HttpResponse:
    """allauth pages this platform does not offer: sign-up, and e-mail changes (an administrator's)."""
    raise Http404


urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path(f"{STAFF}auth/email/", _not_offered),
    # No self sign-up and no e-mail verification round: administrators create accounts, and a
    # password link mailed to the address proves it (issue 7).
    re_path(rf"^{STAFF}auth/(signup|confirm-email)/", _not_offered),
    # allauth's "connected accounts" page removed an e-ID link unaudited and kept the number;
    # the person removes their e-ID on their own e-ID page instead (accounts.views.eid_link).
    path(f"{STAFF}auth/3rdparty/", RedirectView.as_view(pattern_name="staff:eid_link")),
    path(f"{STAFF}auth/", include("allauth.urls")),
    path(f"{STAFF}audit/", include("hedershus.audit.urls")),
    path(f"{STAFF}settings/", include("hedershus.portal.staff_urls")),
    path(f"{STAFF}conversations/", include("hedershus.messaging.staff_urls")),
    # Case management (issue 10): the case, and the apps built on it under its address.
    # Judgement frames a licensed organisation loads (supervisors): not under one case.
    path(f"{STAFF}assessments/frames/", include("hedershus.assessments.frame_urls")),
    path(f"{STAFF}cases/", include("hedershus.cases.urls")),
    path(f"{STAFF}cases/<id:case_id>/journal/", include("hedershus.journal.urls")),
    path(f"{STAFF}cases/<id:case_id>/assessments/", include("hedershus.assessments.urls")),
    path(f"{STAFF}cases/<id:case_id>/documents/", include("hedershus.case_documents.urls")),
    path(f"{STAFF}cases/<id:case_id>/follow-up/", include("hedershus.followup.urls")),
    path(f"{STAFF}cases/<id:case_id>/referrals/", include("hedershus.referrals.urls")),
    path(f"{STAFF}referrals/", include("hedershus.referrals.staff_urls")),
    path(f"{STAFF}consultations/", include("hedershus.consultations.staff_urls")),
    path(f"{STAFF}network/", include("hedershus.partners.urls")),
    path(f"{STAFF}partner/referrals/", include("hedershus.referrals.partner_urls")),
    path(f"{STAFF}partner/consultations/", include("hedershus.consultations.partner_urls")),
    path(f"{STAFF}partner/", include("hedershus.partner_portal.urls")),
    path(f"{STAFF}costs/", include("hedershus.costs.urls")),
    path(f"{STAFF}statistics/", include("hedershus.statistics.urls")),
    path(f"{STAFF}oversight/", include("hedershus.oversight.urls")),
    path(f"{STAFF}subject-access/", include("hedershus.subject_access.urls")),
    # Wagtail's admin, for editors; gated by hedershus.cms.middleware.CmsAdminMiddleware.
    path(f"{STAFF}cms/", include(wagtailadmin_urls)),
    path(STAFF, include("hedershus.accounts.urls")),
    path("documents/", include("hedershus.cms.document_urls")),
    # Public: the quick exit has no language prefix; "/" picks one (never from a cookie).
    path("exit", portal_views.quick_exit, name="quick_exit"),
    path("", portal_views.language_redirect, name="language_redirect"),
]

# Public pages under a language prefix for every language, Swedish included: /sv/, /en/, /ar/ …
# The public shell (portal) is the frame and the CMS fills it: the shell's home page and search
# are the CMS's views, joined to the shell's own paths here under the shell's names
# (portal:home, portal:search), so the CMS builds on the shell and the shell imports no CMS.
shell_urlpatterns = [
    *portal_urls.urlpatterns,
    # The knowledge bank's search (filters, results) in the shell's place.
    path("search/", cms_views.search, name="search"),
    # The CMS's home page for the language.
    path("", cms_views.home, name="home"),
]

urlpatterns += i18n_patterns(
    path("", include((shell_urlpatterns, portal_urls.app_name))),
    # A visitor's room (issue 9): rooms' pages; messaging's conversation is at room/ itself.
    path("room/", include("hedershus.rooms.urls")),
    path("room/", include("hedershus.messaging.urls")),
    # The CMS's pages: everything the shell does not serve itself.
    path("", include("hedershus.cms.urls")),
    prefix_default_language=True,
)

# Public paths get the public layout (with the quick exit), staff paths the staff one.
handler404 = "hedershus.portal.errors.page_not_found"
handler500 = "hedershus.portal.errors.server_error"
