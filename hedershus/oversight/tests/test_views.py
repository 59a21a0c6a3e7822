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
