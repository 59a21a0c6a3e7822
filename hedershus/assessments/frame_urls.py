"""The supervisors' page for loading judgement frames (namespace ``assessment_frames``).

Not under a case, so not in ``urls.py``: the project's URL conf includes it at
/staff/assessments/frames/ (``path(f"{STAFF}assessments/frames/",
include("hedershus.assessments.frame_urls"))``).
"""

from django.urls import path

from hedershus.assessments import views

app_name = "assessment_frames"

urlpatterns = [path("", views.frame_upload, name="upload")]
