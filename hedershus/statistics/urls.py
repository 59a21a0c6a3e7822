"""Staff and partner pages under /staff/statistics/: the follow-up dashboard and its exports.

Namespace ``statistics``. Filters in the query string: ``first`` and ``last`` (YYYY-MM) and
``municipality``; the same filters give the same tables as files (``export.csv``,
``export.xlsx``).
"""

from django.urls import path

from hedershus.statistics import views

app_name = "statistics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
]
