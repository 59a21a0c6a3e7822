"""Staff and partner pages under /staff/statistics/: the follow-up dashboard and its exports.

Namespace ``statistics``.
"""

from django.urls import URLPattern

app_name = "statistics"

urlpatterns: list[URLPattern] = []
