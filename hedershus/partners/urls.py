"""Staff pages under /staff/network/: the register of partner organisations and units.

Namespace ``partners``.
"""

from django.urls import URLPattern

app_name = "partners"

urlpatterns: list[URLPattern] = []
