"""Staff pages under /staff/cases/<case>/ (namespace ``assessments``)."""

from django.urls import path  # noqa: F401

app_name = "assessments"

urlpatterns: list = []
