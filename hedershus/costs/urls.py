"""Staff pages under /staff/costs/: cost sharing between the partners.

Namespace ``costs``.
"""

from django.urls import URLPattern

app_name = "costs"

urlpatterns: list[URLPattern] = []
