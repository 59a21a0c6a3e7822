"""The log review pages as an auditor and a supervisor use them."""

from __future__ import annotations

import re

from django.utils import timezone

from conftest import sign_in
from hedershus.audit.services import audit_record
from hedershus.oversight.models import LogReview, Verdict


def _reads(counsellor, n=3):
    return [
        audit_record("case.viewed", actor=counsellor, object_type="cases.case", object_id=str(i), data={})
        for i in range(1, n + 1)
    ]


def test_an_auditor_samples_judges_and_signs_off_a_review(client, auditor, counsellor, supervisor):
    _reads(counsellor)
    sign_in(client, auditor)
    assert client.get("/staff/oversight/").status_code == 200
    today = timezone.localdate().isoformat()
    response = client.post(
        "/staff/oversight/new/",
        {"kind": "sample", "period_start": today, "period_end": today, "sample_size": "2"},
    )
    review = LogReview.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/oversight/{review.pk}/"
    page = client.get(f"/staff/oversight/{review.pk}/").content.decode()
    assert page.count('class="review-mark"') == 2
    first, second = review.items.all()
    client.post(f"/staff/oversight/{review.pk}/items/{first.pk}/", {"verdict": "justified"})
    # A follow-up without a comment: refused, nothing saved.
    client.post(f"/staff/oversight/{review.pk}/items/{second.pk}/", {"verdict": "follow_up", "comment": ""})
    second.refresh_from_db()
    assert second.verdict == ""
    client.post(
        f"/staff/oversight/{review.pk}/items/{second.pk}/",
        {"verdict": "follow_up", "comment": "Why this case?"},
    )
    response = client.post(f"/staff/oversight/{review.pk}/sign/", {"summary": "One to follow up."})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.is_signed
    page = client.get(f"/staff/oversight/{review.pk}/").content.decode()
    assert 'class="review-mark"' not in page and "Why this case?" in page

    sign_in(client, supervisor)
    follow_ups = client.get("/staff/oversight/follow-ups/").content.decode()
    assert "Why this case?" in follow_ups
    item_id = re.search(r"/staff/oversight/follow-ups/(\d+)/close/", follow_ups).group(1)
    client.post(f"/staff/oversight/follow-ups/{item_id}/close/", {"note": "Talked to them."})
    second.refresh_from_db()
    assert second.follow_up_closed_by == supervisor and second.verdict == Verdict.FOLLOW_UP


def test_a_bad_review_request_says_why_and_creates_nothing(client, auditor):
    sign_in(client, auditor)
    response = client.post(
        "/staff/oversight/new/", {"kind": "case", "period_start": "2026-01-02", "period_end": "2026-01-01"}
    )
    assert response.status_code == 400
    assert not LogReview.objects.exists()


def test_the_start_page_tells_auditors_a_review_is_overdue(client, auditor):
    sign_in(client, auditor)
    page = client.get("/staff/").content.decode()
    assert "/staff/oversight/new/" in page


def _signed_follow_up_of(reader, auditor, case=None):
    """A signed review with one read by ``reader`` marked to be followed up."""
    from hedershus.oversight import services

    if case is not None:
        audit_record("case.viewed", actor=reader, target=case, data={})
    else:
        _reads(reader, 1)
    today = timezone.localdate()
    review = services.log_review_create(
        actor=auditor, kind="staff_member", period_start=today, period_end=today, staff_member_id=reader.pk
    )
    for item in review.items.all():
        services.log_review_item_mark(
            actor=auditor, review_id=review.pk, item_id=item.pk, verdict="follow_up", comment="Ask why."
        )
    services.log_review_sign(actor=auditor, review_id=review.pk, summary="Ask.")
    return review


def test_a_supervisor_is_not_offered_to_close_a_follow_up_of_their_own_reads(client, auditor, supervisor):
    _signed_follow_up_of(supervisor, auditor)
    sign_in(client, supervisor)
    page = client.get("/staff/oversight/follow-ups/").content.decode()
    assert "/close/" not in page
    assert "en annan arbetsledare avslutar uppföljningen" in page  # the staff UI is Swedish
    # Nor is it counted as waiting for them on the start page.
    assert "/staff/oversight/follow-ups/" not in client.get("/staff/").content.decode()


def test_a_read_is_named_by_its_case_number(client, auditor, counsellor):
    from hedershus.cases.models import Case

    case = Case.objects.create(reference="2026-0042", opened_by=counsellor, opened_at=timezone.now())
    review = _signed_follow_up_of(counsellor, auditor, case=case)
    sign_in(client, auditor)
    page = client.get(f"/staff/oversight/{review.pk}/").content.decode()
    assert "<dd>Ärende 2026-0042</dd>" in page


def test_a_too_long_comment_is_refused_with_the_reason(client, auditor, counsellor):
    _reads(counsellor, 1)
    sign_in(client, auditor)
    today = timezone.localdate().isoformat()
    client.post(
        "/staff/oversight/new/",
        {"kind": "sample", "period_start": today, "period_end": today, "sample_size": "1"},
    )
    review = LogReview.objects.get()
    item = review.items.get()
    response = client.post(
        f"/staff/oversight/{review.pk}/items/{item.pk}/",
        {"verdict": "follow_up", "comment": "x" * 20_000},
        follow=True,
    )
    assert "2000" in response.content.decode() or "2 000" in response.content.decode()
    item.refresh_from_db()
    assert item.verdict == ""
