"""Staff pages under /staff/referrals/: referrals across cases (sent, overdue, escalated).

Namespace ``referrals_staff``.
"""

from django.urls import URLPattern

app_name = "referrals_staff"

urlpatterns: list[URLPattern] = []
