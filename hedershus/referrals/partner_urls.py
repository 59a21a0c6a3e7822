"""Partner pages under /staff/partner/referrals/: the unit's inbox of referrals.

Namespace ``referrals_partner``.
"""

from django.urls import path

from hedershus.referrals import views

app_name = "referrals_partner"

urlpatterns = [
    path("", views.partner_inbox, name="inbox"),
    path("<id:referral_id>/", views.partner_detail, name="detail"),
    path("<id:referral_id>/accept/", views.partner_accept, name="accept"),
    path("<id:referral_id>/decline/", views.partner_decline, name="decline"),
    path("<id:referral_id>/complete/", views.partner_complete, name="complete"),
]
