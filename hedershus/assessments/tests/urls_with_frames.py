"""The project's URL conf with the supervisors' frame page, for tests, until the project's
own includes ``hedershus.assessments.frame_urls`` (then this adds nothing)."""

from django.urls import include, path

from hedershus.core.paths import STAFF_URL_PREFIX as STAFF
from hedershus.urls import urlpatterns as project_urlpatterns

urlpatterns = list(project_urlpatterns)
if not any(getattr(pattern, "namespace", None) == "assessment_frames" for pattern in urlpatterns):
    urlpatterns.insert(0, path(f"{STAFF}assessments/frames/", include("hedershus.assessments.frame_urls")))
