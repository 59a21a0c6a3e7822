"""Referrals' services: sending, every transition and refusal, idempotency, escalation with a
frozen clock, notifications after commit, retention."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone, translation

from conftest import _make_user
from hedershus.audit.models import AuditEvent
from hedershus.cases.models import CaseProblemType, CaseStatus, ProblemType
from hedershus.cases.retention import cases_cull_expired, cases_last_entry
from hedershus.cases.selectors import CaseReasonRequired
from hedershus.core.access import Role
from hedershus.core.crypto import decrypt_text
from hedershus.core.exceptions import Conflict, InvalidInput, NotFound
from hedershus.referrals import services
from hedershus.referrals.models import Referral, ReferralChannel, ReferralStatus, ReferralStep, StepKind
from hedershus.referrals.tests.helpers import case_make, consent_input, person_of, referral_input, unit_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    """The messages are read in English here (the platform speaks Swedish by default)."""
    with translation.override("en"):
        yield


@pytest.fixture
def case(counsellor: Any, supervisor: Any) -> Any:
    return case_make(counsellor, supervisor=supervisor)


@pytest.fixture
def unit(partner: Any) -> Any:
    return unit_make(partner)


def _send(counsellor: Any, case: Any, unit: Any, **changes: Any) -> Referral:
    return services.referral_send(actor=counsellor, case_id=case.pk, data=referral_input(unit, **changes))


def _events(kind: str) -> int:
    return AuditEvent.objects.filter(event_type=kind).count()


# --- sending ------------------------------------------------------------------------------------


def test_a_referral_goes_to_the_units_inbox_with_a_deadline_by_urgency_and_the_unit_is_told(
    counsellor, case, unit, django_capture_on_commit_callbacks, settings
):
    settings.REFERRAL_DEADLINE_HOURS_URGENT = 72
    with django_capture_on_commit_callbacks(execute=True):
        referral = _send(counsellor, case, unit)
    assert referral.status == ReferralStatus.SENT
    assert referral.channel == ReferralChannel.PLATFORM
    assert referral.deadline == referral.sent_at + dt.timedelta(hours=72)
    assert decrypt_text(referral.asked_encrypted) == "Kontakta Rosa i skolan i dag."
    assert "Rosa i skolan" not in referral.asked_encrypted
    assert [s.kind for s in referral.steps.all()] == [StepKind.SENT]
    event = AuditEvent.objects.get(event_type="referral.sent")
    assert event.data["shared_fields"] == [] and event.data["unit"] == unit.pk
    assert [m.to for m in mail.outbox] == [["partner@example.org"]]
    assert "Rosa" not in mail.outbox[0].body and "Botkyrka" not in mail.outbox[0].body


def test_a_unit_without_professionals_is_told_at_its_functional_inbox(
    counsellor, case, django_capture_on_commit_callbacks
):
    unit = unit_make(email="barn@botkyrka.example")
    with django_capture_on_commit_callbacks(execute=True):
        _send(counsellor, case, unit)
    assert [m.to for m in mail.outbox] == [["barn@botkyrka.example"]]


def test_the_same_form_twice_sends_one_referral_and_one_event(counsellor, case, unit):
    data = referral_input(unit)
    first = services.referral_send(actor=counsellor, case_id=case.pk, data=data)
    second = services.referral_send(actor=counsellor, case_id=case.pk, data=data)
    assert first.pk == second.pk
    assert Referral.objects.count() == 1 and _events("referral.sent") == 1


def test_a_form_id_of_another_case_is_refused(counsellor, case, unit):
    data = referral_input(unit)
    services.referral_send(actor=counsellor, case_id=case.pk, data=data)
    other = case_make(counsellor)
    with pytest.raises(NotFound):
        services.referral_send(actor=counsellor, case_id=other.pk, data=data)


def test_only_the_fields_ticked_are_shared_and_their_values_are_encrypted(counsellor, case, unit):
    problem = ProblemType.objects.order_by("id").first()
    CaseProblemType.objects.create(case=case, problem_type=problem)
    referral = _send(
        counsellor,
        case,
        unit,
        person_id=person_of(case).pk,
        shared_fields=["age_group", "problem_types", "summary"],
        summary="Hotad av bror.",
    )
    assert referral.shared_fields == ["age_group", "problem_types", "summary"]
    values = json.loads(decrypt_text(referral.shared_encrypted))
    assert set(values) == {"age_group", "problem_types", "summary"}
    assert values["age_group"] == "13-17" and values["summary"] == "Hotad av bror."
    assert values["problem_types"][0]["sv"] == problem.name_sv
    assert "Rosa" not in json.dumps(values) and "Botkyrka" not in json.dumps(values)
    assert "Hotad" not in referral.shared_encrypted


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"asked": " \u200b "}, "what the unit is asked"),
        ({"urgency": "soon"}, "urgency"),
        ({"legal_basis": ""}, "legal basis"),
        ({"secrecy_exception": ""}, "exception"),
        ({"secrecy_exception": "other"}, "Name the provision"),
        ({"shared_fields": ["identity_number"]}, "Unknown field"),
        ({"shared_fields": ["alias"]}, "Choose the person"),
        ({"shared_fields": ["summary"]}, "Write the summary"),
        ({"summary": "Hemligt"}, "Tick"),
    ],
)
def test_a_bad_referral_is_refused_with_a_message_and_nothing_is_stored(
    counsellor, case, unit, changes, message
):
    with pytest.raises(InvalidInput, match=message):
        _send(counsellor, case, unit, **changes)
    assert Referral.objects.count() == 0 and _events("referral.sent") == 0


def test_consent_needs_its_date_and_form_and_no_future_date(counsellor, case, unit):
    with pytest.raises(InvalidInput, match="date"):
        services.referral_send(actor=counsellor, case_id=case.pk, data=consent_input(unit, consent_date=None))
    with pytest.raises(InvalidInput, match="how the consent"):
        services.referral_send(
            actor=counsellor, case_id=case.pk, data=consent_input(unit, consent_form="nod")
        )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(InvalidInput, match="future"):
        services.referral_send(
            actor=counsellor, case_id=case.pk, data=consent_input(unit, consent_date=tomorrow)
        )
    referral = services.referral_send(actor=counsellor, case_id=case.pk, data=consent_input(unit))
    assert referral.legal_basis == "consent" and referral.consent_form == "written"


def test_a_unit_off_the_platform_or_inactive_is_refused_for_the_inbox(counsellor, case):
    with pytest.raises(InvalidInput, match="does not answer in Hedershus"):
        _send(counsellor, case, unit_make(on_platform=False))
    closed = unit_make()
    closed.active = False
    closed.save()
    with pytest.raises(InvalidInput, match="active unit"):
        _send(counsellor, case, closed)


def test_someone_who_may_not_open_the_case_cannot_refer_it(case, unit, colleague, partner):
    with pytest.raises(CaseReasonRequired):
        _send(colleague, case, unit)
    with pytest.raises(NotFound):
        _send(partner, case, unit)
    assert Referral.objects.count() == 0


def test_the_location_of_a_protected_person_is_shared_only_by_assigned_staff(counsellor, supervisor, unit):
    case = case_make(counsellor, supervisor=supervisor, protected=True)
    with pytest.raises(InvalidInput, match="protected identity"):
        _send(supervisor, case, unit, person_id=person_of(case).pk, shared_fields=["municipality"])
    referral = _send(counsellor, case, unit, person_id=person_of(case).pk, shared_fields=["municipality"])
    assert json.loads(decrypt_text(referral.shared_encrypted)) == {"municipality": "Botkyrka"}


def test_a_phone_call_to_a_unit_off_the_platform_is_recorded_with_who_was_reached(
    counsellor, case, django_capture_on_commit_callbacks
):
    unit = unit_make(on_platform=False, email="x@example.org")
    called = timezone.now() - dt.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.referral_record_offline(
            actor=counsellor,
            case_id=case.pk,
            data=referral_input(unit),
            channel="phone",
            sent_at=called,
            contact="Mottagningen, Eva",
        )
    assert referral.channel == "phone" and referral.sent_at == called
    assert decrypt_text(referral.offline_contact_encrypted) == "Mottagningen, Eva"
    assert _events("referral.recorded_offline") == 1
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("channel", "contact", "hours", "message"),
    [
        ("platform", "Eva", 1, "phone or by letter"),
        ("phone", "  ", 1, "who at the unit"),
        ("letter", "Eva", -2, "future"),
        ("letter", "Eva", 24 * 100, "within"),
    ],
)
def test_a_bad_offline_record_is_refused(counsellor, case, channel, contact, hours, message):
    with pytest.raises(InvalidInput, match=message):
        services.referral_record_offline(
            actor=counsellor,
            case_id=case.pk,
            data=referral_input(unit_make(on_platform=False)),
            channel=channel,
            sent_at=timezone.now() - dt.timedelta(hours=hours),
            contact=contact,
        )
    assert Referral.objects.count() == 0


# --- the unit's answers -----------------------------------------------------------------------


def test_the_whole_way_sent_received_accepted_done_each_step_recorded_and_audited(
    counsellor, case, unit, partner
):
    referral = _send(counsellor, case, unit)
    services.referral_receive(actor=partner, referral_id=referral.pk)
    services.referral_receive(actor=partner, referral_id=referral.pk)
    services.referral_accept(actor=partner, referral_id=referral.pk)
    services.referral_complete(actor=partner, referral_id=referral.pk, successful=True)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DONE
    kinds = [s.kind for s in referral.steps.order_by("at", "id")]
    assert kinds == ["sent", "received", "accepted", "done"]
    assert referral.steps.get(kind="done").successful is True
    assert _events("referral.opened") == 2 and _events("referral.received") == 1
    assert _events("referral.accepted") == 1 and _events("referral.completed") == 1


def test_a_decline_needs_a_reason_kept_encrypted(counsellor, case, unit, partner):
    referral = _send(counsellor, case, unit)
    with pytest.raises(InvalidInput, match="why"):
        services.referral_decline(actor=partner, referral_id=referral.pk, reason=" ")
    services.referral_decline(actor=partner, referral_id=referral.pk, reason="Fel kommun")
    step = ReferralStep.objects.get(referral=referral, kind="declined")
    assert decrypt_text(step.reason_encrypted) == "Fel kommun"
    assert "Fel kommun" not in json.dumps(AuditEvent.objects.get(event_type="referral.declined").data)


def test_an_unsuccessful_end_needs_a_reason(counsellor, case, unit, partner):
    referral = _send(counsellor, case, unit)
    services.referral_accept(actor=partner, referral_id=referral.pk)
    with pytest.raises(InvalidInput, match="did not succeed"):
        services.referral_complete(actor=partner, referral_id=referral.pk, successful=False)
    services.referral_complete(actor=partner, referral_id=referral.pk, successful=False, reason="Flyttat")
    assert ReferralStep.objects.get(referral=referral, kind="done").successful is False


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        (["decline"], ["accept", "complete", "withdraw"]),
        (["accept", "complete"], ["accept", "decline", "withdraw"]),
        (["withdraw"], ["accept", "decline", "complete"]),
        ([], ["complete"]),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(counsellor, case, unit, partner, path, refused):
    referral = _send(counsellor, case, unit)

    def do(action: str) -> None:
        if action == "accept":
            services.referral_accept(actor=partner, referral_id=referral.pk)
        elif action == "decline":
            services.referral_decline(actor=partner, referral_id=referral.pk, reason="Nej")
        elif action == "complete":
            services.referral_complete(actor=partner, referral_id=referral.pk, successful=True)
        else:
            services.referral_withdraw(
                actor=counsellor, case_id=case.pk, referral_id=referral.pk, reason="Fel"
            )

    for action in path:
        do(action)
    steps = ReferralStep.objects.count()
    status = Referral.objects.get(pk=referral.pk).status
    for action in refused:
        with pytest.raises(Conflict):
            do(action)
    assert ReferralStep.objects.count() == steps
    assert Referral.objects.get(pk=referral.pk).status == status


def test_answering_the_same_way_twice_changes_nothing(counsellor, case, unit, partner):
    referral = _send(counsellor, case, unit)
    services.referral_accept(actor=partner, referral_id=referral.pk)
    services.referral_accept(actor=partner, referral_id=referral.pk)
    assert _events("referral.accepted") == 1
    assert ReferralStep.objects.filter(kind="accepted").count() == 1


def test_a_professional_of_another_unit_and_staff_cannot_answer_a_referral_in_the_inbox(
    counsellor, case, unit, supervisor
):
    referral = _send(counsellor, case, unit)
    stranger = _make_user(Role.PARTNER, "stranger@example.org")
    unit_make(stranger)
    for actor in (stranger, counsellor, supervisor):
        with pytest.raises(NotFound):
            services.referral_accept(actor=actor, referral_id=referral.pk)
        with pytest.raises(NotFound):
            services.referral_receive(actor=actor, referral_id=referral.pk)
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT


def test_an_inactive_professional_answers_nothing(counsellor, case, unit, partner):
    referral = _send(counsellor, case, unit)
    partner.is_active = False
    partner.save()
    with pytest.raises(NotFound):
        services.referral_accept(actor=partner, referral_id=referral.pk)


def test_the_counsellor_records_the_answers_of_a_unit_reached_by_phone_and_its_professional_cannot(
    counsellor, case, partner
):
    unit = unit_make(partner, on_platform=False)
    referral = services.referral_record_offline(
        actor=counsellor,
        case_id=case.pk,
        data=referral_input(unit),
        channel="phone",
        sent_at=timezone.now(),
        contact="Eva",
    )
    with pytest.raises(NotFound):
        services.referral_accept(actor=partner, referral_id=referral.pk)
    services.referral_accept(actor=counsellor, referral_id=referral.pk)
    services.referral_complete(actor=counsellor, referral_id=referral.pk, successful=True)
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.DONE


def test_withdrawal_is_for_the_case_staff_with_a_reason(counsellor, case, unit, partner, colleague):
    referral = _send(counsellor, case, unit)
    with pytest.raises(NotFound):
        services.referral_withdraw(actor=partner, case_id=case.pk, referral_id=referral.pk, reason="x")
    with pytest.raises(CaseReasonRequired):
        services.referral_withdraw(actor=colleague, case_id=case.pk, referral_id=referral.pk, reason="x")
    with pytest.raises(InvalidInput):
        services.referral_withdraw(actor=counsellor, case_id=case.pk, referral_id=referral.pk, reason="")
    other = case_make(counsellor)
    with pytest.raises(NotFound):
        services.referral_withdraw(actor=counsellor, case_id=other.pk, referral_id=referral.pk, reason="Fel")
    services.referral_withdraw(
        actor=counsellor, case_id=case.pk, referral_id=referral.pk, reason="Personen flyttade"
    )
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.WITHDRAWN


# --- escalation -------------------------------------------------------------------------------------


def test_a_referral_past_its_deadline_escalates_once_and_tells_the_case_supervisor(
    counsellor, case, unit, django_capture_on_commit_callbacks, settings
):
    settings.REFERRAL_DEADLINE_HOURS_ACUTE = 24
    referral = _send(counsellor, case, unit, urgency="acute")
    before = referral.sent_at + dt.timedelta(hours=23, minutes=59)
    assert services.referrals_escalate_overdue(before) == 0
    later = referral.sent_at + dt.timedelta(hours=24)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.referrals_escalate_overdue(later) == 1
    assert services.referrals_escalate_overdue(later + dt.timedelta(days=3)) == 0
    referral.refresh_from_db()
    assert referral.escalated_at == later
    step = referral.steps.get(kind="escalated")
    assert step.by is None and step.at == later
    assert _events("referral.escalated") == 1
    assert [m.to for m in mail.outbox] == [["supervisor@example.org"]]


def test_without_a_case_supervisor_every_supervisor_is_told(
    counsellor, unit, supervisor, django_capture_on_commit_callbacks
):
    case = case_make(counsellor)
    other = _make_user(Role.SUPERVISOR, "second-supervisor@example.org")
    referral = _send(counsellor, case, unit)
    with django_capture_on_commit_callbacks(execute=True):
        services.referrals_escalate_overdue(referral.deadline)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([supervisor.email, other.email])


def test_an_answered_or_withdrawn_referral_never_escalates(counsellor, case, unit, partner):
    accepted = _send(counsellor, case, unit)
    services.referral_accept(actor=partner, referral_id=accepted.pk)
    withdrawn = _send(counsellor, case, unit, client_id=uuid.uuid4())
    services.referral_withdraw(
        actor=counsellor, case_id=case.pk, referral_id=withdrawn.pk, reason="Fel enhet"
    )
    assert services.referrals_escalate_overdue(timezone.now() + dt.timedelta(days=30)) == 0


def test_escalation_through_the_management_command(counsellor, case, unit, settings):
    from django.core.management import call_command

    settings.REFERRAL_DEADLINE_HOURS_URGENT = 1
    referral = _send(counsellor, case, unit)
    Referral.objects.filter(pk=referral.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    call_command("referrals_escalate")
    assert Referral.objects.get(pk=referral.pk).escalated_at is not None


# --- retention ------------------------------------------------------------------------------------


def test_a_referral_moves_the_cases_last_entry(counsellor, case, unit):
    referral = _send(counsellor, case, unit)
    assert cases_last_entry([case.pk])[case.pk] >= referral.sent_at


def test_culling_a_case_deletes_its_referrals(counsellor, case, unit, partner):
    referral = _send(counsellor, case, unit)
    services.referral_accept(actor=partner, referral_id=referral.pk)
    long_ago = timezone.now() - dt.timedelta(days=365 * 7)
    type(case).objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, closed_at=long_ago, outcome="referred_on", updated_at=long_ago
    )
    Referral.objects.filter(pk=referral.pk).update(sent_at=long_ago, updated_at=long_ago, created_at=long_ago)
    from hedershus.cases.models import Person

    Person.objects.filter(case=case).update(created_at=long_ago)
    assert cases_cull_expired(timezone.now(), 10) == {"cases_culled": 1}
    assert not Referral.objects.exists() and not ReferralStep.objects.exists()


# --- who is told of what ------------------------------------------------------------------------


def test_the_referrer_hears_of_each_answer_and_the_unit_of_a_withdrawal(
    counsellor, case, unit, partner, django_capture_on_commit_callbacks
):
    answered = _send(counsellor, case, unit)
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_receive(actor=partner, referral_id=answered.pk)
    assert mail.outbox == []  # opening is not news
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_accept(actor=partner, referral_id=answered.pk)
        services.referral_complete(actor=partner, referral_id=answered.pk, successful=True)
    assert [m.to for m in mail.outbox] == [[counsellor.email], [counsellor.email]]
    mail.outbox.clear()
    withdrawn = _send(counsellor, case, unit, client_id=uuid.uuid4())
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_withdraw(
            actor=counsellor, case_id=case.pk, referral_id=withdrawn.pk, reason="Fel enhet"
        )
    assert [m.to for m in mail.outbox] == [[partner.email]]
    assert "Fel enhet" not in mail.outbox[0].body


def test_nobody_is_told_of_the_counsellors_own_record_of_a_phone_referral(
    counsellor, case, partner, django_capture_on_commit_callbacks
):
    unit = unit_make(partner, on_platform=False)
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.referral_record_offline(
            actor=counsellor,
            case_id=case.pk,
            data=referral_input(unit),
            channel="phone",
            sent_at=timezone.now(),
            contact="Eva",
        )
        services.referral_accept(actor=counsellor, referral_id=referral.pk)
        services.referral_withdraw(actor=counsellor, case_id=case.pk, referral_id=referral.pk, reason="Fel")
    assert mail.outbox == []
