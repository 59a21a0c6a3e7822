"""Staff pages under /staff/cases/<case>/assessments/.

Namespace ``assessments``.
"""

from django.urls import path

from hedershus.assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/<slug:instrument>/", views.assessment_new, name="new"),
    path("<id:assessment_id>/", views.assessment_detail, name="detail"),
]
