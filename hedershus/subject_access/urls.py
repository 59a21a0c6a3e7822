"""Data-subject request pages under /staff/subject-access/ (staff who prepare extracts; the
supervisors approve). Namespace ``subject_access``."""

from django.urls import path

from hedershus.subject_access import views

app_name = "subject_access"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("<id:request_id>/", views.request_detail, name="detail"),
    path("<id:request_id>/items/", views.item_decide, name="item_decide"),
    path("<id:request_id>/approve/", views.request_approve, name="approve"),
    path("<id:request_id>/refuse/", views.request_refuse, name="refuse"),
    path("<id:request_id>/deliver/", views.request_deliver, name="deliver"),
    path("<id:request_id>/extract.pdf", views.download_pdf, name="download_pdf"),
    path("<id:request_id>/extract.json", views.download_json, name="download_json"),
]
