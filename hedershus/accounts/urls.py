from django.urls import path

from hedershus.accounts import views

app_name = "staff"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<id:pk>/", views.user_detail, name="user_detail"),
    path("users/<id:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("users/<id:pk>/reset-mfa/", views.user_mfa_reset, name="user_mfa_reset"),
    path(
        "users/<id:pk>/reset-mfa/<id:request_pk>/",
        views.user_mfa_reset_decide,
        name="user_mfa_reset_decide",
    ),
    path("users/<id:pk>/setup-link/", views.user_setup_link, name="user_setup_link"),
    path("account/e-id/", views.eid_link, name="eid_link"),
]
