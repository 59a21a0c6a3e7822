"""Staff pages under /staff/cases/<case>/referrals/: a case's referrals.

Namespace ``referrals``.
"""

from django.urls import path

from hedershus.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.case_referrals, name="list"),
    path("new/", views.referral_new, name="new"),
    path("<id:referral_id>/", views.referral_detail, name="detail"),
    path("<id:referral_id>/withdraw/", views.referral_withdraw, name="withdraw"),
    path("<id:referral_id>/answer/", views.referral_record_answer, name="record_answer"),
]
