"""Staff pages under /staff/referrals/: referrals across cases (sent, overdue, escalated).

Namespace ``referrals_staff``.
"""

from django.urls import path

from hedershus.referrals import views

app_name = "referrals_staff"

urlpatterns = [
    path("", views.staff_referrals, name="list"),
]
