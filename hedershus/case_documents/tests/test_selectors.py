"""The documents' selectors: reads stay inside one case, never load the files' bytes, and
keep a protected-identity case's documents for its assigned staff."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hedershus.case_documents import services
from hedershus.case_documents.selectors import (
    ProtectedDocuments,
    document_of_case,
    documents_of_case,
    documents_open_check,
)
from hedershus.case_documents.tests.helpers import case_make
from hedershus.core.exceptions import NotFound

pytestmark = pytest.mark.django_db


def _upload(actor, case, data: bytes = b"text", title: str = "Anteckning"):
    return services.document_upload(actor=actor, case_id=case.pk, title=title, file_name="a.txt", data=data)


def test_a_document_is_found_only_in_its_own_case(counsellor):
    mine, theirs = case_make(counsellor), case_make(counsellor)
    version = _upload(counsellor, theirs)
    assert document_of_case(theirs, version.document_id).title == "Anteckning"
    with pytest.raises(NotFound):
        document_of_case(mine, version.document_id)
    assert documents_of_case(mine) == []


def test_listing_loads_no_file_bytes_and_takes_two_queries(counsellor):
    case = case_make(counsellor)
    for n in range(3):
        first = _upload(counsellor, case, title=f"Dokument {n}")
        services.document_version_add(
            actor=counsellor, case_id=case.pk, document_id=first.document_id, file_name="b.txt", data=b"v2"
        )
    with CaptureQueriesContext(connection) as queries:
        rows = documents_of_case(case)
        assert [len(row.versions) for row in rows] == [2, 2, 2]
        assert [row.latest.number for row in rows] == [2, 2, 2]
    assert len(queries) == 2
    assert not any("data_encrypted" in query["sql"] for query in queries.captured_queries)
    assert [row.title for row in rows] == ["Dokument 2", "Dokument 1", "Dokument 0"]  # newest first


def test_protected_identity_documents_are_for_the_assigned_only(counsellor, supervisor):
    open_case = case_make(counsellor, supervisor=supervisor)
    protected = case_make(counsellor, supervisor=supervisor, protected=True)
    documents_open_check(supervisor, open_case)
    documents_open_check(counsellor, protected)
    with pytest.raises(ProtectedDocuments):
        documents_open_check(supervisor, protected)
