"""Partner pages under /staff/partner/consultations/: a unit's consultations.

Namespace ``consultations_partner``.
"""

from django.urls import path

from hedershus.consultations import views

app_name = "consultations_partner"

urlpatterns = [
    path("", views.partner_list, name="list"),
    path("new/", views.partner_new, name="new"),
    path("<id:consultation_id>/", views.partner_detail, name="detail"),
    path("<id:consultation_id>/reply/", views.partner_reply, name="reply"),
    path("<id:consultation_id>/close/", views.partner_close, name="close"),
]
