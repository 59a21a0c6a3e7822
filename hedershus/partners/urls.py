"""Staff pages under /staff/network/: the register of partner organisations and units.

Namespace ``partners``.
"""

from django.urls import path

from hedershus.partners import views

app_name = "partners"

urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.register_import, name="import"),
    path("publish/", views.directory_publish, name="publish"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_new, name="organisation_new"),
    path("organisations/<id:organisation_id>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<id:organisation_id>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<id:organisation_id>/units/new/", views.unit_new, name="unit_new"),
    path("units/<id:unit_id>/", views.unit_detail, name="unit_detail"),
    path("units/<id:unit_id>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<id:unit_id>/capacity/", views.unit_capacity, name="unit_capacity"),
    path("units/<id:unit_id>/professionals/invite/", views.professional_invite, name="professional_invite"),
    path(
        "units/<id:unit_id>/professionals/<id:user_id>/remove/",
        views.professional_remove,
        name="professional_remove",
    ),
]
