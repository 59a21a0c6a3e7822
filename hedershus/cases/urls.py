"""Staff pages for cases under /staff/cases/ (namespace ``cases``). The case's other apps
hang under /staff/cases/<id>/ (journal/, assessments/, documents/), so
``access.case_pages_prefix`` covers them all."""

from django.urls import path

from hedershus.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_open, name="open"),
    path("problem-types/", views.problem_types, name="problem_types"),
    path(
        "from-conversation/<id:conversation_id>/",
        views.case_open_from_conversation,
        name="open_from_conversation",
    ),
    path(
        "from-conversation/<id:conversation_id>/join/",
        views.case_join_from_conversation,
        name="join_from_conversation",
    ),
    path("<id:case_id>/", views.case_detail, name="detail"),
    path("<id:case_id>/reason/", views.case_reason, name="reason"),
    path("<id:case_id>/contacts/", views.contact_add, name="contact_add"),
    path("<id:case_id>/status/", views.status_set, name="status"),
    path("<id:case_id>/urgency/", views.urgency_set, name="urgency"),
    path("<id:case_id>/assignments/", views.assign, name="assign"),
    path("<id:case_id>/assignments/<id:user_id>/remove/", views.unassign, name="unassign"),
    path("<id:case_id>/supervisor/", views.supervisor_set, name="supervisor"),
    path("<id:case_id>/protected-identity/", views.protected_identity_set, name="protected_identity"),
    path("<id:case_id>/persons/", views.person_add, name="person_add"),
    path("<id:case_id>/persons/<id:person_id>/identify/", views.person_identify, name="person_identify"),
    path("<id:case_id>/relations/", views.relation_add, name="relation_add"),
    path("<id:case_id>/problem-types/", views.problem_types_set, name="problem_types_set"),
    path("<id:case_id>/flags/", views.flag_raise, name="flag_raise"),
    path("<id:case_id>/flags/<id:flag_id>/lift/", views.flag_lift, name="flag_lift"),
    path("<id:case_id>/decision/", views.decision_record, name="decision"),
]
