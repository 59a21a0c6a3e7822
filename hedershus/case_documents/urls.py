"""Staff pages for a case's documents under /staff/cases/<case>/documents/ (namespace
``case_documents``). ``list`` at the root: the case's page links to it by name."""

from django.urls import path

from hedershus.case_documents import views

app_name = "case_documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("upload/", views.upload, name="upload"),
    path("<id:document_id>/", views.document, name="document"),
    path("<id:document_id>/new-version/", views.new_version, name="new_version"),
    path("<id:document_id>/v<id:number>/download/", views.download, name="download"),
    path("<id:document_id>/v<id:number>/withdraw/", views.withdraw, name="withdraw"),
]
