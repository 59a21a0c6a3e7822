"""The pages: a counsellor records a request and reviews the extract, a supervisor approves it,
the PDF and JSON download; bad input gets a clear message and changes nothing."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from hedershus.audit.models import AuditEvent
from hedershus.subject_access import selectors
from hedershus.subject_access.demo import DEMO_RELATIVE_NAME
from hedershus.subject_access.models import RequestStatus, SubjectAccessRequest

pytestmark = pytest.mark.django_db


def _new(client: Any, number: str = "20090312-9823", **extra: Any) -> Any:
    data = {
        "identity_number": number,
        "received_on": timezone.localdate().isoformat(),
        "identity_check": "id_document",
        "client_id": str(uuid.uuid4()),
        **extra,
    }
    return client.post(reverse("subject_access:new"), data)


def test_a_counsellor_prepares_and_a_supervisor_approves_through_the_pages(family, signed_in, client):
    signed_in(family.counsellor)
    page = client.get(reverse("subject_access:new"))
    assert page.status_code == 200 and "Personnummer eller samordningsnummer" in page.content.decode()
    response = _new(client)
    assert response.status_code == 302
    request = SubjectAccessRequest.objects.get()
    detail = client.get(response["Location"])
    html = detail.content.decode()
    assert detail.status_code == 200
    assert "Nour Exempelsdotter" in html and DEMO_RELATIVE_NAME not in html
    assert "[undanhållen]" in html
    assert AuditEvent.objects.filter(
        event_type="subject_access.case_viewed", data__case=family.nour.case_id
    ).exists()
    for item in selectors.extract_build(request, family.counsellor).items():
        response = client.post(
            reverse("subject_access:item_decide", kwargs={"request_id": request.pk}),
            {"item": item.key, "decision": "other_person" if item.key.startswith("journal:") else "release"},
        )
        assert response.status_code == 302
    # The preparer is not offered the approval.
    assert (
        "Godkänn utdraget"
        not in client.get(
            reverse("subject_access:detail", kwargs={"request_id": request.pk})
        ).content.decode()
    )
    client.logout()
    signed_in(family.supervisor)
    assert (
        "Godkänn utdraget"
        in client.get(reverse("subject_access:detail", kwargs={"request_id": request.pk})).content.decode()
    )
    response = client.post(
        reverse("subject_access:approve", kwargs={"request_id": request.pk}),
        {"seen": selectors.decisions_fingerprint(request)},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    pdf = client.get(reverse("subject_access:download_pdf", kwargs={"request_id": request.pk}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Cache-Control"] == "no-store"
    assert pdf["Content-Disposition"] == f'attachment; filename="registerutdrag-{request.pk}.pdf"'
    document = client.get(reverse("subject_access:download_json", kwargs={"request_id": request.pk}))
    assert json.loads(document.content)["cases"][0]["your_entries"][0]["name"] == "Nour Exempelsdotter"
    assert DEMO_RELATIVE_NAME not in document.content.decode()
    response = client.post(reverse("subject_access:deliver", kwargs={"request_id": request.pk}))
    assert response.status_code == 302
    # Delivered: no more downloads; the person is sent back to the request, which says why.
    refused = client.get(reverse("subject_access:download_pdf", kwargs={"request_id": request.pk}))
    assert refused.status_code == 302
    assert refused["Location"] == reverse("subject_access:detail", kwargs={"request_id": request.pk})


def test_a_bad_number_gets_a_clear_message_and_nothing_is_stored(family, signed_in, client):
    signed_in(family.counsellor)
    response = _new(client, "20090312-9824")
    assert response.status_code == 400
    assert "Det är inte ett giltigt personnummer eller samordningsnummer." in response.content.decode()
    response = _new(client, identity_check="other", identity_check_note="")
    assert response.status_code == 400
    assert not SubjectAccessRequest.objects.exists()


def test_a_double_submit_makes_one_request(family, signed_in, client):
    signed_in(family.counsellor)
    data = {
        "identity_number": "200903129823",
        "received_on": timezone.localdate().isoformat(),
        "identity_check": "e_id",
        "client_id": str(uuid.uuid4()),
    }
    first = client.post(reverse("subject_access:new"), data)
    second = client.post(reverse("subject_access:new"), data)
    assert first["Location"] == second["Location"]
    assert SubjectAccessRequest.objects.count() == 1


def test_nobody_found_says_so(family, signed_in, client):
    signed_in(family.counsellor)
    response = _new(client, "19121212-1212")
    html = client.get(response["Location"]).content.decode()
    assert "Vi har inga personuppgifter om den här personen i ärenderegistret." in html


def test_the_list_shows_due_dates_and_overdue_requests(family, signed_in, client):
    signed_in(family.counsellor)
    received = timezone.localdate() - dt.timedelta(days=40)
    _new(client, received_on=received.isoformat())
    html = client.get(reverse("subject_access:list")).content.decode()
    assert selectors.due_date(received).isoformat() in html
    assert re.search(r"1 begäran är försenad", html)


def test_a_withheld_item_without_a_choice_is_refused_with_a_message(family, signed_in, client):
    signed_in(family.counsellor)
    _new(client)
    request = SubjectAccessRequest.objects.get()
    response = client.post(
        reverse("subject_access:item_decide", kwargs={"request_id": request.pk}),
        {"item": "journal:1", "decision": ""},
    )
    assert response.status_code == 302
    assert not request.decisions.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Ingenting sparades" in page


@pytest.mark.parametrize(
    "role", ["counsellor", "supervisor", "editor", "auditor", "administrator", "partner"]
)
def test_the_staff_menu_links_to_requests_for_those_who_prepare_them(client, request, role):
    sign_in(client, request.getfixturevalue(role))
    page = client.get(reverse("staff:dashboard"), follow=True).content.decode()
    assert (reverse("subject_access:list") in page) == (role in ("counsellor", "supervisor"))
