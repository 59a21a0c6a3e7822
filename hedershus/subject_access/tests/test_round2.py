"""Defects a tester found in data-subject requests (issue 13 item 3, round 2): a withheld
text withholds its whole record, four eyes on what was shown, the case rules in the preview and
for approval, the extract is the one approved, reads for other requests, the art. 15
information, identity numbers in free text, the only supervisor, errors next to their fields,
anchors, the list at 360 px, duplicate requests and the way back from a refused download."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from hedershus.accounts.models import User
from hedershus.cases.models import Channel, Contact
from hedershus.cases.services import case_access_grant
from hedershus.core.access import Role
from hedershus.core.exceptions import AccessDenied, Conflict, InvalidInput
from hedershus.subject_access import exports, selectors, services
from hedershus.subject_access.demo import DEMO_RELATIVE_NUMBER
from hedershus.subject_access.forms import RefuseForm, RequestNewForm
from hedershus.subject_access.models import RequestStatus, SubjectAccessRequest
from hedershus.subject_access.tests.test_not_exposed import SHELTER, records  # noqa: F401

pytestmark = pytest.mark.django_db

NOUR = "20090312-9823"


def _request(family: Any, number: str = NOUR, actor: Any = None) -> SubjectAccessRequest:
    return services.request_prepare(
        actor=actor or family.counsellor,
        identity_number=number,
        received_on=timezone.localdate(),
        identity_check="id_document",
    )


def _decide(family: Any, request: SubjectAccessRequest, withhold: tuple[str, ...] = ()) -> None:
    for item in selectors.extract_build(request, family.counsellor).items():
        held = item.key.startswith(withhold) if withhold else False
        services.item_decide(
            actor=family.counsellor,
            request_id=request.pk,
            item=item.key,
            release=not held,
            reason="protected_identity" if held else "",
        )


def _outputs(family: Any, request: SubjectAccessRequest) -> tuple[dict[str, Any], str, str]:
    extract = services.extract_download(actor=family.counsellor, request_id=request.pk, fmt="json")
    with translation.override("sv"):
        raw = exports.as_json(extract).decode("utf-8")
        pdf = " ".join(
            page.extract_text() or "" for page in PdfReader(io.BytesIO(exports.as_pdf(extract))).pages
        )
    return json.loads(raw), raw, " ".join(pdf.split())


def _other_supervisor() -> Any:
    return User.objects.create_user(email="supervisor2@example.org", password="x", role=Role.SUPERVISOR)


# 1 -----------------------------------------------------------------------------------------


def test_a_withheld_referral_question_withholds_the_whole_referral(family, records):  # noqa: F811
    request = _request(family)
    _decide(family, request, withhold=("referral:",))
    services.request_approve(actor=family.supervisor, request_id=request.pk)
    document, raw, pdf = _outputs(family, request)
    [case] = document["cases"]
    assert case["referrals"] == []
    assert SHELTER not in raw and SHELTER not in pdf
    assert case["withheld_information"] == [
        {
            "released": False,
            "reason": "protected_identity",
            "reason_text": case["withheld_information"][0]["reason_text"],
        }
    ]
    # No heading that gives the kind away: the withheld record is listed as other information.
    assert "Andra uppgifter i ärendet" in pdf


# 2 -----------------------------------------------------------------------------------------


def test_approval_is_refused_when_the_decisions_changed_since_shown(family):
    request = _request(family)
    _decide(family, request, withhold=("journal:",))
    shown = selectors.decisions_fingerprint(request)
    journal = next(
        i for i in selectors.extract_build(request, family.counsellor).items() if i.key.startswith("journal:")
    )
    services.item_decide(actor=family.counsellor, request_id=request.pk, item=journal.key, release=True)
    with pytest.raises(Conflict):
        services.request_approve(actor=family.supervisor, request_id=request.pk, seen=shown)
    assert SubjectAccessRequest.objects.get(pk=request.pk).status == RequestStatus.PREPARED
    services.request_approve(
        actor=family.supervisor, request_id=request.pk, seen=selectors.decisions_fingerprint(request)
    )
    assert SubjectAccessRequest.objects.get(pk=request.pk).status == RequestStatus.APPROVED


def test_the_approve_form_carries_what_was_shown(family, signed_in, client):
    request = _request(family)
    _decide(family, request)
    signed_in(family.supervisor)
    page = client.get(reverse("subject_access:detail", kwargs={"request_id": request.pk})).content.decode()
    assert f'name="seen" value="{selectors.decisions_fingerprint(request)}"' in page
    response = client.post(
        reverse("subject_access:approve", kwargs={"request_id": request.pk}), {"seen": "stale"}
    )
    assert response.status_code == 302
    assert SubjectAccessRequest.objects.get(pk=request.pk).status == RequestStatus.PREPARED


# 3 -----------------------------------------------------------------------------------------


def test_a_counsellor_not_on_the_case_sees_no_text_until_giving_a_reason(
    family, colleague, signed_in, client
):
    colleague.role = Role.COUNSELLOR
    request = _request(family, actor=colleague)
    [case] = selectors.extract_build(request, colleague).cases
    assert not case.readable
    assert all(item.hidden and item.text == "" for item in case.items())
    journal = next(i for i in case.items() if i.key.startswith("journal:"))
    with pytest.raises(AccessDenied):
        services.item_decide(actor=colleague, request_id=request.pk, item=journal.key, release=True)
    services.item_decide(
        actor=colleague, request_id=request.pk, item=journal.key, release=False, reason="harm"
    )
    signed_in(colleague)
    html = client.get(reverse("subject_access:detail", kwargs={"request_id": request.pk})).content.decode()
    assert "kontrollerar hennes telefon" not in html
    assert reverse("cases:reason", kwargs={"case_id": family.nour.case_id}) in html
    case_access_grant(actor=colleague, case_id=family.nour.case_id, reason="Förbereder ett registerutdrag")
    [case] = selectors.extract_build(request, colleague).cases
    assert case.readable and any("kontrollerar hennes telefon" in i.text for i in case.items())


def test_a_refused_or_delivered_request_shows_no_case_content(family, signed_in, client):
    request = _request(family)
    _decide(family, request)
    services.request_refuse(actor=family.supervisor, request_id=request.pk, reason="Identiteten oklar.")
    signed_in(family.supervisor)
    html = client.get(reverse("subject_access:detail", kwargs={"request_id": request.pk})).content.decode()
    assert "kontrollerar hennes telefon" not in html and "Nour Exempelsdotter" not in html
    assert family.nour.case.reference not in html


# 4 -----------------------------------------------------------------------------------------


def test_a_supervisor_who_cannot_see_a_released_item_may_not_approve(family):
    case = family.nour.case
    case.protected_identity = True
    case.save(update_fields=["protected_identity"])
    request = _request(family)
    _decide(family, request)
    with translation.override("en"), pytest.raises(AccessDenied, match="access to the case"):
        services.request_approve(actor=family.supervisor, request_id=request.pk)
    assert SubjectAccessRequest.objects.get(pk=request.pk).status == RequestStatus.PREPARED


# 5 -----------------------------------------------------------------------------------------


def test_records_added_after_approval_are_left_out_and_counted_for_staff(family):
    request = _request(family)
    _decide(family, request)
    services.request_approve(actor=family.supervisor, request_id=request.pk)
    Contact.objects.create(
        case=family.nour.case, occurred_at=timezone.now(), channel=Channel.PHONE, taken_by=family.counsellor
    )
    extract = selectors.extract_build(SubjectAccessRequest.objects.get(pk=request.pk))
    assert extract.added_after_approval == 1
    assert extract.undecided == 0
    _document, raw, pdf = _outputs(family, request)
    assert "not_reviewed" not in raw and "Inte granskad" not in raw and "Inte granskad" not in pdf


# 6 -----------------------------------------------------------------------------------------


def test_reads_made_for_another_request_are_left_out(family):
    fathers = _request(family, DEMO_RELATIVE_NUMBER)
    services.request_view_record(actor=family.supervisor, request=fathers, case_ids=[family.nour.case_id])
    hers = _request(family)
    services.request_view_record(actor=family.counsellor, request=hers, case_ids=[family.nour.case_id])
    [case] = selectors.extract_build(hers, family.counsellor).cases
    preparation = [r for r in case.reads if r.request_id is not None]
    assert [r.request_id for r in preparation] == [hers.pk]
    with translation.override("en"):
        [case] = selectors.extract_build(hers, family.counsellor).cases
        assert [r.what for r in case.reads if r.request_id] == ["Read to answer your request"]
    [case] = selectors.extract_build(fathers, family.counsellor).cases
    assert all(r.request_id in (None, fathers.pk) for r in case.reads)


# 7 -----------------------------------------------------------------------------------------


def test_the_extract_says_what_art_15_requires_and_the_cases_classification(family, settings):
    request = _request(family)
    _decide(family, request)
    services.request_approve(actor=family.supervisor, request_id=request.pk)
    document, _raw, pdf = _outputs(family, request)
    about = document["about_the_processing"]
    assert set(about) == {
        "purposes",
        "legal_basis",
        "categories",
        "recipients",
        "retention",
        "rights",
        "complaint",
        "source",
    }
    assert f"{settings.SUBJECT_ACCESS_RETENTION_DAYS} dagar" in about["retention"]["text"]
    assert "IMY" in about["complaint"]["text"] and "IMY" in pdf
    assert document["cases"][0]["problem_types_and_urgency"]["urgency"]
    assert "Brådska" in pdf


def test_a_fathers_extract_withholds_the_classification_until_released(family):
    request = _request(family, DEMO_RELATIVE_NUMBER)
    [case] = selectors.extract_build(request, family.counsellor).cases
    assert any(i.key.startswith("fact:classification:") for i in case.items())


# 8 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "note",
    ["1975-06-04-9811", "1975 06 04 9811", "19750604/9811", "Kontrollerat mot 1999-01-01-9829"],
)
def test_an_identity_number_in_free_text_is_refused(family, note):
    with pytest.raises(InvalidInput):
        services.request_prepare(
            actor=family.counsellor,
            identity_number=NOUR,
            received_on=timezone.localdate(),
            identity_check="other",
            identity_check_note=note,
        )
    form = RequestNewForm(
        data={
            "identity_number": NOUR,
            "received_on": timezone.localdate().isoformat(),
            "identity_check": "other",
            "identity_check_note": note,
        }
    )
    assert not form.is_valid() and "identity_check_note" in form.errors
    assert not RefuseForm(data={"reason": note}).is_valid()
    request = _request(family)
    with pytest.raises(InvalidInput):
        services.request_refuse(actor=family.supervisor, request_id=request.pk, reason=note)
    assert SubjectAccessRequest.objects.filter(identity_check="other").count() == 0


# 9 -----------------------------------------------------------------------------------------


def test_the_only_supervisor_may_not_prepare_a_request(family):
    User.objects.filter(role__in=[Role.SUPERVISOR, Role.ADMINISTRATOR]).exclude(
        pk=family.supervisor.pk
    ).update(is_active=False)
    with translation.override("en"), pytest.raises(InvalidInput, match="only active supervisor"):
        _request(family, actor=family.supervisor)
    assert not SubjectAccessRequest.objects.exists()
    _other_supervisor()
    assert _request(family, actor=family.supervisor).pk


# 10, 11, 12, 13, 14 --------------------------------------------------------------------------


def test_a_refusal_error_redirects_to_the_form_with_the_error_linked(family, signed_in, client):
    request = _request(family)
    signed_in(family.supervisor)
    url = reverse("subject_access:refuse", kwargs={"request_id": request.pk})
    response = client.post(url, {"reason": ""})
    assert response.status_code == 302 and response["Location"].endswith("#decide-heading")
    html = client.get(response["Location"]).content.decode()
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_reason_error"' in html
    assert 'id="id_reason_error"' in html
    # Shown once: a reload shows the plain form.
    assert 'aria-invalid="true"' not in client.get(response["Location"]).content.decode()
    assert SubjectAccessRequest.objects.get(pk=request.pk).status == RequestStatus.PREPARED


def test_the_new_request_form_links_its_errors_to_the_fields(family, signed_in, client):
    signed_in(family.counsellor)
    response = client.post(
        reverse("subject_access:new"),
        {"identity_number": "20090312-9824", "received_on": timezone.localdate().isoformat()},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'aria-describedby="id_identity_number_error id_identity_number_helptext"' in html
    assert 'id="id_identity_number_error"' in html


def test_after_saving_an_item_the_page_returns_to_it(family, signed_in, client):
    request = _request(family)
    signed_in(family.counsellor)
    item = selectors.extract_build(request, family.counsellor).items()[0]
    response = client.post(
        reverse("subject_access:item_decide", kwargs={"request_id": request.pk}),
        {"item": item.key, "decision": "release"},
    )
    anchor = response["Location"].split("#", 1)[1]
    assert anchor == "item-" + item.key.replace(":", "-")
    assert f'id="{anchor}"' in client.get(response["Location"]).content.decode()


def test_the_request_list_scrolls_in_a_labelled_focusable_region(family, signed_in, client):
    _request(family)
    signed_in(family.counsellor)
    html = client.get(reverse("subject_access:list")).content.decode()
    assert 'role="region" tabindex="0" aria-labelledby="requests-caption"' in html
    assert 'id="requests-caption"' in html


def test_a_second_open_request_for_the_same_number_is_warned_about(family, signed_in, client):
    first = _request(family)
    signed_in(family.counsellor)
    data = {
        "identity_number": NOUR,
        "received_on": timezone.localdate().isoformat(),
        "identity_check": "id_document",
        "client_id": str(uuid.uuid4()),
    }
    response = client.post(reverse("subject_access:new"), data)
    assert response.status_code == 400
    assert reverse("subject_access:detail", kwargs={"request_id": first.pk}) in response.content.decode()
    assert SubjectAccessRequest.objects.count() == 1
    response = client.post(reverse("subject_access:new"), {**data, "duplicate_confirmed": "on"})
    assert response.status_code == 302 and SubjectAccessRequest.objects.count() == 2


def test_a_download_that_is_not_allowed_returns_to_the_request(family, signed_in, client):
    request = _request(family)
    signed_in(family.counsellor)
    response = client.get(reverse("subject_access:download_pdf", kwargs={"request_id": request.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("subject_access:detail", kwargs={"request_id": request.pk})
