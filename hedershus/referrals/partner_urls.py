"""Partner pages under /staff/partner/referrals/: the unit's inbox of referrals.

Namespace ``referrals_partner``.
"""

from django.urls import URLPattern

app_name = "referrals_partner"

urlpatterns: list[URLPattern] = []
