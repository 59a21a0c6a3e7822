"""Staff pages under /staff/cases/<case>/follow-up/.

Namespace ``followup``.
"""

from django.urls import path

from hedershus.followup import views

app_name = "followup"

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("new/", views.follow_up_new, name="new"),
    path("measures/new/", views.measure_new, name="measure_new"),
    path("measures/<id:measure_id>/end/", views.measure_end, name="measure_end"),
]
