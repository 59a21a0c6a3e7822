"""Staff pages under /staff/consultations/: consultations from partner professionals.

Namespace ``consultations_staff``.
"""

from django.urls import URLPattern

app_name = "consultations_staff"

urlpatterns: list[URLPattern] = []
