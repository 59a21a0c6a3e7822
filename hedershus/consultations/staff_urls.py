"""Staff pages under /staff/consultations/: consultations from partner professionals.

Namespace ``consultations_staff``.
"""

from django.urls import path

from hedershus.consultations import views

app_name = "consultations_staff"

urlpatterns = [
    path("", views.staff_list, name="list"),
    path("<id:consultation_id>/", views.staff_detail, name="detail"),
    path("<id:consultation_id>/answer/", views.staff_answer, name="answer"),
    path("<id:consultation_id>/take/", views.staff_take, name="take"),
    path("<id:consultation_id>/agent/", views.staff_agent_accept, name="agent_accept"),
    path("<id:consultation_id>/case/", views.staff_case_open, name="case_open"),
    path("<id:consultation_id>/close/", views.staff_close, name="close"),
]
