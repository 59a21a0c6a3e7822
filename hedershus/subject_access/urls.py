from django.urls import URLPattern

app_name = "subject_access"

urlpatterns: list[URLPattern] = []
