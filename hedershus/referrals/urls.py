"""Staff pages under /staff/cases/<case>/referrals/: a case's referrals.

Namespace ``referrals``.
"""

from django.urls import URLPattern

app_name = "referrals"

urlpatterns: list[URLPattern] = []
