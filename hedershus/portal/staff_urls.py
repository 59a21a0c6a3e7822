from django.urls import path

from hedershus.portal import staff_views

app_name = "site_settings"

urlpatterns = [
    path("safety/", staff_views.safety_settings, name="safety"),
]
