"""Staff pages under /staff/cases/<case>/ (namespace ``journal``)."""

from django.urls import path  # noqa: F401

app_name = "journal"

urlpatterns: list = []
