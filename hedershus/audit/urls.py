from django.urls import path

from hedershus.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_search, name="search"),
    path("export.csv", views.event_export, name="export"),
    path("anchor/", views.anchor_now, name="anchor"),
]
