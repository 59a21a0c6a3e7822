"""Staff pages under /staff/cases/<case>/ (namespace ``case_documents``)."""

from django.urls import path  # noqa: F401

app_name = "case_documents"

urlpatterns: list = []
