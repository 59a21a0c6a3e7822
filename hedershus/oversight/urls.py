"""Log review pages under /staff/oversight/ (auditors; follow-ups for supervisors).

Namespace ``oversight``.
"""

from django.urls import path

from hedershus.oversight import views

app_name = "oversight"

urlpatterns = [
    path("", views.review_list, name="reviews"),
    path("new/", views.review_new, name="review_new"),
    path("<id:review_id>/", views.review_detail, name="review"),
    path("<id:review_id>/items/<id:item_id>/", views.review_item_mark, name="item_mark"),
    path("<id:review_id>/sign/", views.review_sign, name="sign"),
    path("follow-ups/", views.follow_up_list, name="follow_ups"),
    path("follow-ups/<id:item_id>/close/", views.follow_up_close, name="follow_up_close"),
    # What every app keeps and how long (R22): administrators and auditors.
    path("retention/", views.retention_overview, name="retention"),
]
