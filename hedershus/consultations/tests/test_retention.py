"""Retention of consultations (R22): without a case they go two years after their last
activity; made a case, they move its cull date and go with it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from hedershus.audit.models import AuditEvent
from hedershus.cases import retention as case_retention
from hedershus.cases.models import Case, CaseOutcome, CaseStatus, Contact
from hedershus.cases.services import case_status_set
from hedershus.consultations import retention, services
from hedershus.consultations.models import Consultation, ConsultationMessage


def _ask(partner, unit) -> Consultation:
    return services.consultation_ask(actor=partner, unit_id=unit.pk, subject="Fråga", text="Situation")


def _age(consultation: Consultation, days: int) -> None:
    then = timezone.now() - dt.timedelta(days=days)
    Consultation.objects.filter(pk=consultation.pk).update(last_activity_at=then, created_at=then)


def test_a_consultation_without_a_case_goes_after_its_period(partner, unit):
    old, young = _ask(partner, unit), _ask(partner, unit)
    _age(old, retention.retention_days() + 1)
    _age(young, retention.retention_days() - 1)

    counts = retention.consultations_cull_expired(timezone.now(), 100)

    assert counts == {"consultations_culled": 1}
    assert list(Consultation.objects.values_list("pk", flat=True)) == [young.pk]
    assert not ConsultationMessage.objects.filter(consultation_id=old.pk).exists()
    event = AuditEvent.objects.get(event_type="consultation.culled")
    assert event.object_id == str(old.pk) and event.data == {"unit": unit.pk, "reason": "expired"}


def test_the_period_is_set_per_installation(partner, unit, settings):
    settings.CONSULTATION_RETENTION_DAYS = 30
    consultation = _ask(partner, unit)
    _age(consultation, 31)
    assert retention.consultations_cull_expired(timezone.now(), 100) == {"consultations_culled": 1}


def test_a_consultation_made_a_case_is_kept_by_its_own_rule(partner, unit, counsellor):
    consultation = _ask(partner, unit)
    services.case_open_from_consultation(actor=counsellor, consultation_id=consultation.pk)
    _age(consultation, retention.retention_days() + 1)

    assert retention.consultations_cull_expired(timezone.now(), 100) == {"consultations_culled": 0}
    assert Consultation.objects.filter(pk=consultation.pk).exists()


def test_a_consultation_moves_its_cases_cull_date(partner, unit, counsellor):
    consultation = _ask(partner, unit)
    case = services.case_open_from_consultation(actor=counsellor, consultation_id=consultation.pk)
    later = timezone.now() + dt.timedelta(days=3)
    Consultation.objects.filter(pk=consultation.pk).update(last_activity_at=later)
    assert case_retention.cases_last_entry([case.pk])[case.pk] == later


def test_a_culled_case_takes_its_consultation_with_it(partner, unit, counsellor):
    consultation = _ask(partner, unit)
    case = services.case_open_from_consultation(actor=counsellor, consultation_id=consultation.pk)
    case_status_set(
        actor=counsellor, case_id=case.pk, status=CaseStatus.CLOSED, outcome=CaseOutcome.values[0]
    )
    then = timezone.now() - dt.timedelta(days=round(365.25 * 6))
    Case.objects.filter(pk=case.pk).update(closed_at=then, updated_at=then, opened_at=then)
    Contact.objects.filter(case=case).update(occurred_at=then, created_at=then)
    Consultation.objects.filter(pk=consultation.pk).update(
        last_activity_at=then, created_at=then, case_linked_at=then
    )

    assert case_retention.cases_cull_expired(timezone.now(), 100) == {"cases_culled": 1}

    assert not Consultation.objects.filter(pk=consultation.pk).exists()
    assert not ConsultationMessage.objects.filter(consultation_id=consultation.pk).exists()
    event = AuditEvent.objects.get(event_type="consultation.culled")
    assert event.data == {"unit": unit.pk, "reason": "case_culled"}
