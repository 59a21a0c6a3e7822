"""Partner pages under /staff/partner/: the home page and the unit's own administration.

Namespace ``partner_portal``.
"""

from django.urls import path

from hedershus.partner_portal import views

app_name = "partner_portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("unit/<id:unit_id>/", views.unit, name="unit"),
    path("unit/<id:unit_id>/invite/", views.invite, name="invite"),
    path("unit/<id:unit_id>/members/<id:user_id>/remove/", views.member_remove, name="member_remove"),
    path("unit/<id:unit_id>/capacity/", views.capacity, name="capacity"),
]
