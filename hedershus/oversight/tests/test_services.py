"""Log reviews (loggkontroll, R20): which reads each kind of review lists, judging, signing off,
and follow-ups to the supervisors."""

from __future__ import annotations

import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone, translation

from hedershus.audit.events import EVENT_TYPES
from hedershus.audit.models import AuditEvent
from hedershus.audit.reads import NOT_PERSONAL_DATA, PERSONAL_DATA_READS, looks_like_a_read
from hedershus.audit.services import audit_record
from hedershus.cases.models import Case, CaseAssignment
from hedershus.core.exceptions import AccessDenied, Conflict, InvalidInput
from hedershus.oversight import selectors, services
from hedershus.oversight.models import LogReview, ReviewKind, Verdict

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DAY = dt.date(2026, 11, 3)  # a Tuesday


@pytest.fixture(autouse=True)
def _in_english():
    """Messages are matched in English here; the Swedish ones are in the catalogue."""
    with translation.override("en"):
        yield


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 15), tzinfo=STOCKHOLM)


def _read(actor, case_id: int, when: dt.datetime, event_type: str = "case.viewed") -> AuditEvent:
    with mock.patch("hedershus.audit.services.timezone.now", return_value=when):
        return audit_record(
            event_type, actor=actor, object_type="cases.case", object_id=str(case_id), data={}
        )


def _case(counsellor, *, protected: bool = False, supervisor=None) -> Case:
    case = Case.objects.create(
        reference=f"OV-{Case.objects.count() + 1:04d}",
        opened_by=counsellor,
        opened_at=timezone.now(),
        protected_identity=protected,
        supervisor=supervisor,
    )
    CaseAssignment.objects.create(case=case, user=counsellor, assigned_by=counsellor, assigned_at=_at(DAY, 1))
    return case


def _create(auditor, kind=ReviewKind.SAMPLE, **kwargs):
    return services.log_review_create(actor=auditor, kind=kind, period_start=DAY, period_end=DAY, **kwargs)


def _listed(review: LogReview) -> set[int]:
    return set(review.items.values_list("event_id", flat=True))


@pytest.fixture
def reads(counsellor, supervisor):
    """A day of reads: two cases, one protected; one read at night, one by the supervisor."""
    open_case = _case(counsellor)
    protected = _case(counsellor, protected=True, supervisor=supervisor)
    return {
        "open": open_case,
        "protected": protected,
        "day": _read(counsellor, open_case.pk, _at(DAY, 10)),
        "night": _read(counsellor, open_case.pk, _at(DAY, 23), "journal.viewed"),
        "protected_read": _read(counsellor, protected.pk, _at(DAY, 11)),
        "supervisor_read": _read(supervisor, protected.pk, _at(DAY, 12)),
        "colleague_read": _read(supervisor, open_case.pk, _at(DAY, 13)),
        "other_day": _read(counsellor, open_case.pk, _at(DAY + dt.timedelta(days=1), 10)),
        # A write, not a read: never in a review.
        "write": audit_record("case.status_changed", actor=counsellor, target=open_case, data={}),
    }


def test_a_sample_lists_that_many_of_the_periods_staff_reads_and_nothing_else(auditor, reads):
    review = _create(auditor, sample_size=3)
    listed = _listed(review)
    assert len(listed) == 3
    day_reads = {reads[k].pk for k in ("day", "night", "protected_read", "supervisor_read", "colleague_read")}
    assert listed <= day_reads
    assert review.candidates == 5 and review.seed is not None


def test_the_same_seed_draws_the_same_sample(reads):
    first = selectors.review_candidate_ids("sample", DAY, DAY, sample_size=2, seed=42, limit=500)
    again = selectors.review_candidate_ids("sample", DAY, DAY, sample_size=2, seed=42, limit=500)
    assert first == again


def test_a_case_review_lists_every_read_of_that_case_in_the_period(auditor, reads):
    review = _create(auditor, ReviewKind.CASE, case_id=reads["open"].pk)
    assert _listed(review) == {reads["day"].pk, reads["night"].pk, reads["colleague_read"].pk}


def test_a_case_review_finds_reads_that_name_the_case_in_their_data(auditor, counsellor, reads):
    with mock.patch("hedershus.audit.services.timezone.now", return_value=_at(DAY, 14)):
        named = audit_record(
            "referral.viewed",
            actor=counsellor,
            object_type="referrals.referral",
            object_id="9",
            data={"case": reads["open"].pk},
        )
    assert named.pk in _listed(_create(auditor, ReviewKind.CASE, case_id=reads["open"].pk))


def test_a_staff_member_review_lists_only_their_reads(auditor, supervisor, reads):
    review = _create(auditor, ReviewKind.STAFF_MEMBER, staff_member_id=supervisor.pk)
    assert _listed(review) == {reads["supervisor_read"].pk, reads["colleague_read"].pk}


def test_a_protected_identity_review_lists_reads_of_protected_cases(auditor, reads):
    review = _create(auditor, ReviewKind.PROTECTED)
    assert _listed(review) == {reads["protected_read"].pk, reads["supervisor_read"].pk}


def test_an_after_hours_review_lists_nights_and_weekends(auditor, counsellor, reads):
    saturday = _read(counsellor, reads["open"].pk, _at(dt.date(2026, 11, 7), 11))
    review = services.log_review_create(
        actor=auditor, kind=ReviewKind.AFTER_HOURS, period_start=DAY, period_end=dt.date(2026, 11, 8)
    )
    assert _listed(review) == {reads["night"].pk, saturday.pk}


def test_an_unassigned_review_lists_reads_by_staff_not_on_the_case_and_not_its_supervisor(auditor, reads):
    review = _create(auditor, ReviewKind.UNASSIGNED)
    # The supervisor read the protected case as its supervisor (fine) and the open case as a
    # colleague who is neither assigned nor its supervisor (listed).
    assert _listed(review) == {reads["colleague_read"].pk}


def test_only_auditors_start_reviews_and_a_refusal_leaves_nothing(cast, reads):
    for role, user in cast.items():
        if role == "auditor":
            continue
        with pytest.raises(AccessDenied):
            _create(user)
    assert not LogReview.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (DAY, DAY - dt.timedelta(days=1), "ends before it starts"),
        (dt.date(2024, 1, 1), dt.date(2025, 6, 1), "at most a year"),
        (dt.date(2099, 1, 1), dt.date(2099, 1, 2), "has not started"),
        (dt.date(2020, 1, 1), dt.date(2020, 1, 2), "nothing to review"),
    ],
)
def test_bad_periods_are_refused_and_create_nothing(auditor, reads, start, end, message):
    with pytest.raises(InvalidInput, match=message):
        services.log_review_create(actor=auditor, kind=ReviewKind.SAMPLE, period_start=start, period_end=end)
    assert not LogReview.objects.exists()


def test_a_read_to_be_followed_up_needs_a_comment(auditor, reads):
    review = _create(auditor, sample_size=1)
    item = review.items.get()
    with pytest.raises(InvalidInput):
        services.log_review_item_mark(
            actor=auditor, review_id=review.pk, item_id=item.pk, verdict=Verdict.FOLLOW_UP
        )
    item.refresh_from_db()
    assert item.verdict == ""


def test_signing_off_needs_every_read_judged_and_then_nothing_changes(auditor, reads):
    review = _create(auditor, sample_size=2)
    first, second = review.items.all()
    services.log_review_item_mark(
        actor=auditor, review_id=review.pk, item_id=first.pk, verdict=Verdict.JUSTIFIED
    )
    with pytest.raises(InvalidInput, match="1 left"):
        services.log_review_sign(actor=auditor, review_id=review.pk, summary="Done.")
    services.log_review_item_mark(
        actor=auditor, review_id=review.pk, item_id=second.pk, verdict=Verdict.JUSTIFIED
    )
    services.log_review_sign(actor=auditor, review_id=review.pk, summary="All reads had a reason.")
    with pytest.raises(Conflict):
        services.log_review_item_mark(
            actor=auditor,
            review_id=review.pk,
            item_id=first.pk,
            verdict=Verdict.FOLLOW_UP,
            comment="Changed mind",
        )
    with pytest.raises(Conflict):
        services.log_review_sign(actor=auditor, review_id=review.pk, summary="Again")
    review.refresh_from_db()
    assert review.is_signed and selectors.review_summary(review) == "All reads had a reason."
    assert set(review.items.values_list("verdict", flat=True)) == {Verdict.JUSTIFIED}


def test_follow_ups_reach_the_supervisors_by_a_neutral_mail_and_one_closes_it(
    auditor, supervisor, counsellor, reads
):
    review = _create(auditor, ReviewKind.CASE, case_id=reads["protected"].pk)
    items = {item.event_id: item for item in review.items.all()}
    flagged = items[reads["protected_read"].pk]
    for item in items.values():
        verdict = Verdict.FOLLOW_UP if item is flagged else Verdict.JUSTIFIED
        comment = "Read a protected case on a day off: ask why." if item is flagged else ""
        services.log_review_item_mark(
            actor=auditor, review_id=review.pk, item_id=item.pk, verdict=verdict, comment=comment
        )
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.log_review_sign(actor=auditor, review_id=review.pk, summary="One read to follow up.")
    assert [m.to for m in mail.outbox] == [[supervisor.email]]
    assert "protected" not in mail.outbox[0].body.lower() and counsellor.email not in mail.outbox[0].body
    rows = selectors.follow_ups_for(supervisor)
    assert [row.item.pk for row in rows] == [flagged.pk]
    assert rows[0].comment == "Read a protected case on a day off: ask why."
    assert selectors.follow_ups_for(counsellor) == []
    with pytest.raises(AccessDenied):
        services.log_review_follow_up_close(actor=counsellor, item_id=flagged.pk, note="Not mine to close")
    services.log_review_follow_up_close(
        actor=supervisor, item_id=flagged.pk, note="Talked to them: a colleague's request."
    )
    assert selectors.follow_ups_for(supervisor) == []
    with pytest.raises(InvalidInput):
        services.log_review_follow_up_close(actor=supervisor, item_id=flagged.pk, note="Twice")


def test_a_supervisor_does_not_close_a_follow_up_of_their_own_reads(auditor, supervisor, reads):
    review = _create(auditor, ReviewKind.STAFF_MEMBER, staff_member_id=supervisor.pk)
    for item in review.items.all():
        services.log_review_item_mark(
            actor=auditor, review_id=review.pk, item_id=item.pk, verdict=Verdict.FOLLOW_UP, comment="Why?"
        )
    services.log_review_sign(actor=auditor, review_id=review.pk, summary="Ask.")
    item = review.items.first()
    with pytest.raises(AccessDenied, match="another supervisor"):
        services.log_review_follow_up_close(actor=supervisor, item_id=item.pk, note="It was fine")


def test_every_step_is_audited_without_the_comments(auditor, reads):
    review = _create(auditor, sample_size=1)
    item = review.items.get()
    services.log_review_item_mark(
        actor=auditor,
        review_id=review.pk,
        item_id=item.pk,
        verdict=Verdict.FOLLOW_UP,
        comment="Secret remark",
    )
    services.log_review_sign(actor=auditor, review_id=review.pk, summary="Summary remark")
    events = AuditEvent.objects.filter(event_type__startswith="log_review.", actor=auditor)
    assert set(events.values_list("event_type", flat=True)) == {
        "log_review.created",
        "log_review.item_marked",
        "log_review.signed",
    }
    assert not any("remark" in str(data) for data in events.values_list("data", flat=True))


def test_every_event_type_that_reads_is_classified_for_log_review():
    """A new app's read event must be listed as a read of personal data, or said not to be."""
    unclassified = [
        event_type
        for event_type in EVENT_TYPES
        if looks_like_a_read(event_type) and event_type not in PERSONAL_DATA_READS | NOT_PERSONAL_DATA
    ]
    assert unclassified == []
    assert set(EVENT_TYPES) >= PERSONAL_DATA_READS


def test_the_schedule_is_overdue_until_a_sample_is_signed_and_due_after_the_interval(
    auditor, reads, settings
):
    settings.LOG_REVIEW_INTERVAL_DAYS = 30
    assert selectors.review_schedule().overdue
    review = _create(auditor, sample_size=1)
    item = review.items.get()
    services.log_review_item_mark(
        actor=auditor, review_id=review.pk, item_id=item.pk, verdict=Verdict.JUSTIFIED
    )
    services.log_review_sign(actor=auditor, review_id=review.pk, summary="Fine.")
    schedule = selectors.review_schedule()
    assert not schedule.overdue
    assert schedule.due == timezone.localdate() + dt.timedelta(days=30)
