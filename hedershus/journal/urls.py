"""Staff pages of a case's journal under /staff/cases/<case_id>/journal/ (namespace ``journal``).

Every URL takes ``case_id`` from the including path (hedershus/urls.py).
"""

from django.urls import path

from hedershus.journal import views

app_name = "journal"

urlpatterns = [
    path("", views.journal_list, name="list"),
    path("new/", views.entry_new, name="new"),
    path("<id:entry_id>/edit/", views.entry_edit, name="edit"),
    path("<id:entry_id>/delete/", views.entry_delete, name="delete"),
    path("<id:entry_id>/sign/", views.entry_sign_confirm, name="sign"),
    path("<id:entry_id>/correct/", views.entry_correct, name="correct"),
]
