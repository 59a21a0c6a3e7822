"""Staff pages under /staff/referrals/: referrals across cases (sent, overdue, escalated) (namespace ``referrals_staff``)."""

from django.urls import URLPattern

app_name = "referrals_staff"

urlpatterns: list[URLPattern] = []
