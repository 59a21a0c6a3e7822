"""Partner pages under /staff/partner/consultations/: a unit's consultations.

Namespace ``consultations_partner``.
"""

from django.urls import URLPattern

app_name = "consultations_partner"

urlpatterns: list[URLPattern] = []
