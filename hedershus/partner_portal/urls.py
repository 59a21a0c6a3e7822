"""Partner pages under /staff/partner/: the home page and the unit's own administration.

Namespace ``partner_portal``.
"""

from django.urls import URLPattern

app_name = "partner_portal"

urlpatterns: list[URLPattern] = []
