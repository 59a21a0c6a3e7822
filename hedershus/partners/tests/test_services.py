"""Writes of the partner register: who may make them, what they refuse, what they audit."""

from __future__ import annotations

import time

import pytest
from django.core import mail

from conftest import _make_user
from hedershus.accounts.models import User
from hedershus.audit.models import AuditEvent
from hedershus.core.access import Role
from hedershus.core.exceptions import AccessDenied, Conflict, InvalidInput, NotFound
from hedershus.partners import services
from hedershus.partners.models import PartnerOrganisation, PartnerUnit, UnitMembership
from hedershus.partners.tests.helpers import member_make, organisation_make, unit_make
from hedershus.partners.validation import OrganisationData, UnitData

pytestmark = pytest.mark.django_db
ORIGIN = "https://hedershus.example.se"


def _events(event_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event_type).order_by("id"))


def test_an_administrator_adds_an_organisation_and_a_unit_audited(administrator):
    organisation = services.organisation_create(
        actor=administrator,
        data=OrganisationData(name="Nacka kommun", kind="municipality", municipality="Nacka"),
    )
    unit = services.unit_create(
        actor=administrator,
        organisation_id=organisation.pk,
        data=UnitData(
            name="Socialtjänsten",
            services=("social_services", "protected_housing"),
            municipalities=("Nacka",),
            languages=("sv", "ar"),
            capacity_free=3,
        ),
    )
    assert unit.services == ["social_services", "protected_housing"]
    assert unit.capacity_updated_at is not None
    assert [e.data for e in _events("partners.organisation_created")] == [{"kind": "municipality"}]
    assert _events("partners.unit_created")[0].object_id == str(unit.pk)


@pytest.mark.parametrize(
    "role", [Role.COUNSELLOR, Role.SUPERVISOR, Role.EDITOR, Role.AUDITOR, Role.PARTNER], ids=str
)
def test_only_register_administrators_change_the_register(role):
    actor = _make_user(role, "actor@example.org")
    with pytest.raises(AccessDenied):
        services.organisation_create(actor=actor, data=OrganisationData(name="X", kind="ngo"))
    unit = unit_make()
    with pytest.raises(AccessDenied):
        services.unit_update(actor=actor, unit_id=unit.pk, data=UnitData(name="Y"))
    assert PartnerOrganisation.objects.count() == 1


def test_bad_unit_data_changes_nothing(administrator):
    unit = unit_make()
    with pytest.raises(InvalidInput) as refused:
        services.unit_update(
            actor=administrator,
            unit_id=unit.pk,
            data=UnitData(name="Ny", services=("magic",), municipalities=("Göteborg",), languages=("swe",)),
        )
    assert set(refused.value.extra["fields"]) == {"services", "municipalities", "languages"}
    unit.refresh_from_db()
    assert unit.name == "Socialtjänsten, barn och unga"
    assert not _events("partners.unit_updated")


def test_a_public_unit_needs_a_public_description_and_districts_need_stockholm(administrator):
    unit = unit_make()
    with pytest.raises(InvalidInput):
        services.unit_update(actor=administrator, unit_id=unit.pk, data=UnitData(name="A", public=True))
    with pytest.raises(InvalidInput):
        services.unit_update(
            actor=administrator,
            unit_id=unit.pk,
            data=UnitData(name="A", municipalities=("Botkyrka",), districts=("Bromma",)),
        )


def test_a_unit_name_used_twice_in_one_organisation_is_refused(administrator):
    unit = unit_make()
    with pytest.raises(InvalidInput):
        services.unit_create(
            actor=administrator, organisation_id=unit.organisation_id, data=UnitData(name=unit.name)
        )


def test_update_records_changed_field_names_and_nothing_when_unchanged(administrator):
    unit = unit_make()
    same = UnitData(name=unit.name, services=("social_services",), municipalities=("Botkyrka",))
    services.unit_update(actor=administrator, unit_id=unit.pk, data=same)
    assert not _events("partners.unit_updated")
    services.unit_update(
        actor=administrator,
        unit_id=unit.pk,
        data=UnitData(
            name=unit.name, services=("social_services",), municipalities=("Botkyrka",), active=False
        ),
    )
    assert _events("partners.unit_updated")[0].data == {"fields": ["active"]}


def test_capacity_is_set_by_a_member_or_an_administrator_and_no_one_else(administrator):
    unit = unit_make(capacity_free=1, services=["shelter"])
    member = _make_user(Role.PARTNER, "member@example.org")
    member_make(unit, member)
    stranger = _make_user(Role.PARTNER, "stranger@example.org")
    member_make(unit_make(name="Annan"), stranger)

    services.unit_capacity_set(actor=member, unit_id=unit.pk, free_places=4)
    services.unit_capacity_set(actor=administrator, unit_id=unit.pk, free_places=2)
    with pytest.raises(NotFound):
        services.unit_capacity_set(actor=stranger, unit_id=unit.pk, free_places=9)
    with pytest.raises(NotFound):
        services.unit_capacity_set(
            actor=_make_user(Role.COUNSELLOR, "c@example.org"), unit_id=unit.pk, free_places=9
        )
    with pytest.raises(InvalidInput):
        services.unit_capacity_set(actor=member, unit_id=unit.pk, free_places=-1)

    unit.refresh_from_db()
    assert unit.capacity_free == 2
    assert [e.data for e in _events("partners.capacity_set")] == [{"from": 1, "to": 4}, {"from": 4, "to": 2}]


@pytest.mark.parametrize("services_offered", [["social_services"], [], ["support_talks", "child_protection"]])
def test_free_places_are_refused_for_a_unit_that_offers_no_bed(administrator, services_offered):
    """Tester's defect 3: a hand-made POST set 5 free places on Botkyrka's social services,
    which then showed among the units with free places. Only a shelter or protected housing
    keeps the count: the member and the register administrator are refused alike, nothing is
    saved or audited."""
    unit = unit_make(services=services_offered)
    member = _make_user(Role.PARTNER, "member@example.org")
    member_make(unit, member, is_unit_admin=True)

    for actor in (member, administrator):
        with pytest.raises(InvalidInput, match="shelter or protected housing"):
            services.unit_capacity_set(actor=actor, unit_id=unit.pk, free_places=5)

    unit.refresh_from_db()
    assert unit.capacity_free is None and unit.capacity_updated_at is None
    assert _events("partners.capacity_set") == []


def test_the_register_refuses_free_places_for_a_unit_without_beds(administrator):
    """Tester's defect 3, the register administrator's way: the unit form and the import
    (``validation.unit_problems``) refuse a number of free places for a unit that offers
    neither a shelter nor protected housing; no number (None) is fine."""
    organisation = organisation_make()
    with pytest.raises(InvalidInput, match="shelter or protected housing") as refused:
        services.unit_create(
            actor=administrator,
            organisation_id=organisation.pk,
            data=UnitData(name="Socialtjänsten", services=("social_services",), capacity_free=5),
        )
    assert refused.value.extra["fields"] == ["capacity_free"]
    assert not PartnerUnit.objects.exists()
    unit = services.unit_create(
        actor=administrator,
        organisation_id=organisation.pk,
        data=UnitData(name="Socialtjänsten", services=("social_services",)),
    )
    assert unit.capacity_free is None


@pytest.mark.parametrize(
    "services_offered", [["shelter"], ["protected_housing"], ["support_talks", "shelter"]]
)
def test_free_places_are_set_for_a_shelter_or_protected_housing(administrator, services_offered):
    unit = unit_make(services=services_offered)
    services.unit_capacity_set(actor=administrator, unit_id=unit.pk, free_places=5)
    unit.refresh_from_db()
    assert unit.capacity_free == 5


def test_invite_creates_a_partner_account_and_mails_only_its_owner_a_setup_link(administrator):
    unit = unit_make()
    user = services.professional_invite(
        actor=administrator,
        unit_id=unit.pk,
        email="ny@botkyrka.example",
        first_name="Nora",
        last_name="Nilsson",
        is_unit_admin=True,
        origin=ORIGIN,
    )
    assert user.role == Role.PARTNER
    assert not user.has_usable_password()
    assert UnitMembership.objects.get(unit=unit, user=user).is_unit_admin
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ny@botkyrka.example"]
    assert ORIGIN in mail.outbox[0].body
    added = _events("partners.professional_added")[0]
    assert added.data == {"user": user.pk, "is_unit_admin": True, "new_account": True}
    assert "ny@botkyrka.example" not in str(added.data)


def test_a_unit_admin_invites_to_their_own_unit_only(administrator):
    unit, other = unit_make(), unit_make(name="Vuxenenheten")
    unit_admin = _make_user(Role.PARTNER, "admin@botkyrka.example")
    member_make(unit, unit_admin, is_unit_admin=True)
    plain = _make_user(Role.PARTNER, "plain@botkyrka.example")
    member_make(unit, plain)

    services.professional_invite(
        actor=unit_admin,
        unit_id=unit.pk,
        email="b@x.example",
        first_name="B",
        last_name="C",
        is_unit_admin=False,
        origin=ORIGIN,
    )
    for actor, unit_id in ((unit_admin, other.pk), (plain, unit.pk)):
        with pytest.raises(NotFound):
            services.professional_invite(
                actor=actor,
                unit_id=unit_id,
                email="c@x.example",
                first_name="C",
                last_name="D",
                is_unit_admin=False,
                origin=ORIGIN,
            )
    assert not User.objects.filter(email="c@x.example").exists()


def test_invite_of_an_existing_professional_adds_the_membership_without_a_new_account(administrator):
    unit, other = unit_make(), unit_make(name="Vuxenenheten")
    professional = _make_user(Role.PARTNER, "p@example.org")
    member_make(other, professional)
    user = services.professional_invite(
        actor=administrator,
        unit_id=unit.pk,
        email="P@example.org",
        first_name="P",
        last_name="Q",
        is_unit_admin=False,
        origin=ORIGIN,
        attach_existing=True,
    )
    assert user == professional
    assert not mail.outbox
    with pytest.raises(Conflict):
        services.professional_invite(
            actor=administrator,
            unit_id=unit.pk,
            email="p@example.org",
            first_name="P",
            last_name="Q",
            is_unit_admin=False,
            origin=ORIGIN,
        )


def test_invite_refuses_a_staff_address_and_a_unit_admin_cannot_revive_a_deactivated_account(
    administrator, counsellor
):
    unit = unit_make()
    with pytest.raises(Conflict):
        services.professional_invite(
            actor=administrator,
            unit_id=unit.pk,
            email=counsellor.email,
            first_name="A",
            last_name="B",
            is_unit_admin=False,
            origin=ORIGIN,
        )
    counsellor.refresh_from_db()
    assert counsellor.role == Role.COUNSELLOR
    gone = _make_user(Role.PARTNER, "gone@example.org", is_active=False)
    unit_admin = _make_user(Role.PARTNER, "ua@example.org")
    member_make(unit, unit_admin, is_unit_admin=True)
    with pytest.raises(Conflict):
        services.professional_invite(
            actor=unit_admin,
            unit_id=unit.pk,
            email=gone.email,
            first_name="A",
            last_name="B",
            is_unit_admin=False,
            origin=ORIGIN,
        )
    services.professional_invite(
        actor=administrator,
        unit_id=unit.pk,
        email=gone.email,
        first_name="A",
        last_name="B",
        is_unit_admin=False,
        origin=ORIGIN,
        attach_existing=True,
    )
    gone.refresh_from_db()
    assert gone.is_active


def _invite(actor, unit, email, **extra):
    return services.professional_invite(
        actor=actor,
        unit_id=unit.pk,
        email=email,
        first_name="A",
        last_name="B",
        is_unit_admin=False,
        origin=ORIGIN,
        **extra,
    )


def test_a_unit_admin_cannot_pull_in_an_existing_account_and_learns_not_its_kind(administrator, counsellor):
    """Defect: a unit admin of Botkyrka added Södertälje's professional to Botkyrka (who
    then saw Botkyrka's referrals), and a staff address got its own message."""
    botkyrka = unit_make()
    sodertalje = unit_make(organisation_make("Södertälje kommun"), name="Socialtjänsten")
    unit_admin = _make_user(Role.PARTNER, "ua@botkyrka.example")
    member_make(botkyrka, unit_admin, is_unit_admin=True)
    other_professional = _make_user(Role.PARTNER, "p2@sodertalje.example")
    member_make(sodertalje, other_professional)
    closed = _make_user(Role.PARTNER, "closed@example.org", is_active=False)
    answers = set()
    for address in (other_professional.email, counsellor.email, closed.email, "P2@Sodertalje.example"):
        with pytest.raises(Conflict) as refused:
            _invite(unit_admin, botkyrka, address, attach_existing=True)
        answers.add(str(refused.value))
    assert answers == {str(services.EXISTING_ACCOUNT_REFUSAL)}
    assert "partner" not in answers.pop().lower()
    assert list(UnitMembership.objects.filter(unit=botkyrka).values_list("user", flat=True)) == [
        unit_admin.pk
    ]
    closed.refresh_from_db()
    assert not closed.is_active
    assert not _events("partners.professional_added") and not mail.outbox


def test_the_register_admin_attaches_an_existing_professional_only_explicitly_and_they_are_told(
    administrator, django_capture_on_commit_callbacks
):
    botkyrka = unit_make()
    sodertalje = unit_make(organisation_make("Södertälje kommun"), name="Socialtjänsten")
    professional = _make_user(Role.PARTNER, "p2@sodertalje.example")
    member_make(sodertalje, professional)
    with pytest.raises(Conflict):
        _invite(administrator, botkyrka, professional.email)
    assert not UnitMembership.objects.filter(unit=botkyrka).exists()

    with django_capture_on_commit_callbacks(execute=True):
        _invite(administrator, botkyrka, professional.email, attach_existing=True)

    assert UnitMembership.objects.filter(unit=botkyrka, user=professional).exists()
    assert [m.to for m in mail.outbox] == [[professional.email]]
    assert "Hedershus" in mail.outbox[0].subject and "Botkyrka" not in mail.outbox[0].body
    assert _events("partners.professional_added")[0].data["new_account"] is False


def test_invite_with_mail_down_creates_nothing(administrator, settings):
    settings.EMAIL_BACKEND = "hedershus.partners.tests.test_services.BrokenBackend"
    unit = unit_make()
    with pytest.raises(OSError):
        services.professional_invite(
            actor=administrator,
            unit_id=unit.pk,
            email="n@x.example",
            first_name="N",
            last_name="M",
            is_unit_admin=True,
            origin=ORIGIN,
        )
    assert not User.objects.filter(email="n@x.example").exists()
    assert not UnitMembership.objects.exists()


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("mail server down")


def test_remove_deactivates_the_account_when_it_was_the_last_unit(administrator):
    unit, other = unit_make(), unit_make(name="Vuxenenheten")
    professional = _make_user(Role.PARTNER, "p@example.org")
    member_make(unit, professional)
    member_make(other, professional)

    assert (
        services.professional_remove(actor=administrator, unit_id=unit.pk, user_id=professional.pk) is False
    )
    professional.refresh_from_db()
    assert professional.is_active
    assert (
        services.professional_remove(actor=administrator, unit_id=other.pk, user_id=professional.pk) is True
    )
    professional.refresh_from_db()
    assert not professional.is_active
    assert len(_events("partners.professional_removed")) == 2
    assert len(_events("user.deactivated")) == 1
    with pytest.raises(NotFound):
        services.professional_remove(actor=administrator, unit_id=other.pk, user_id=professional.pk)


def test_a_unit_admin_removes_from_their_own_unit_only():
    unit, other = unit_make(), unit_make(name="Vuxenenheten")
    unit_admin = _make_user(Role.PARTNER, "ua@example.org")
    member_make(unit, unit_admin, is_unit_admin=True)
    colleague = _make_user(Role.PARTNER, "col@example.org")
    member_make(unit, colleague)
    elsewhere = _make_user(Role.PARTNER, "else@example.org")
    member_make(other, elsewhere)

    with pytest.raises(NotFound):
        services.professional_remove(actor=unit_admin, unit_id=other.pk, user_id=elsewhere.pk)
    with pytest.raises(NotFound):
        services.professional_remove(actor=unit_admin, unit_id=unit.pk, user_id=elsewhere.pk)
    services.professional_remove(actor=unit_admin, unit_id=unit.pk, user_id=colleague.pk)
    assert list(UnitMembership.objects.filter(unit=unit).values_list("user_id", flat=True)) == [unit_admin.pk]
    assert PartnerUnit.objects.count() == 2


def test_publish_is_for_register_administrators_and_needs_a_directory_page(counsellor, administrator):
    """(No CMS page tree in this module: the site has no help directory page.)"""
    from hedershus.partners.services import directory_publish

    with pytest.raises(AccessDenied):
        directory_publish(actor=counsellor)
    with pytest.raises(Conflict):
        directory_publish(actor=administrator)


def _all_audit_text() -> str:
    return " ".join(f"{e.data} {e.reason} {e.object_id}" for e in AuditEvent.objects.all()).lower()


def test_every_invitation_refused_to_a_unit_admin_is_audited_without_the_address(counsellor):
    """Tester's defect 2: a unit admin could probe which addresses have an account. Each
    refusal is an audit event naming the unit and the actor, with a keyed hash of the
    address (the same address gives the same key, so probing can be seen), never the address."""
    unit = unit_make()
    unit_admin = _make_user(Role.PARTNER, "ua@botkyrka.example")
    member_make(unit, unit_admin, is_unit_admin=True)

    for address in (counsellor.email, counsellor.email.upper()):
        with pytest.raises(Conflict):
            _invite(unit_admin, unit, address)

    refused = _events("partners.invite_refused")
    assert len(refused) == 2
    assert {(e.actor_id, e.object_id) for e in refused} == {(unit_admin.pk, str(unit.pk))}
    assert refused[0].data["reason"] == "existing_account"
    assert refused[0].data["address_key"] == refused[1].data["address_key"]
    assert len(refused[0].data["address_key"]) >= 16
    text = _all_audit_text()
    assert counsellor.email.lower() not in text and counsellor.email.split("@")[0].lower() not in text


def test_refused_invitations_are_limited_per_unit_admin(administrator, counsellor):
    """After ``INVITE_REFUSALS_MAX`` refusals in the window, the unit admin's invitations
    are paused (429, a clear message), even for a new address; the refusal is audited and
    nothing is created. Another unit admin and the register administrator are not paused."""
    unit = unit_make()
    unit_admin = _make_user(Role.PARTNER, "ua@botkyrka.example")
    member_make(unit, unit_admin, is_unit_admin=True)
    other_admin = _make_user(Role.PARTNER, "ua2@botkyrka.example")
    member_make(unit, other_admin, is_unit_admin=True)
    probed = [
        _make_user(Role.COUNSELLOR, f"staff{n}@centre.example") for n in range(services.INVITE_REFUSALS_MAX)
    ]

    for user in probed:
        with pytest.raises(Conflict):
            _invite(unit_admin, unit, user.email)
    with pytest.raises(services.InvitationsPaused) as paused:
        _invite(unit_admin, unit, "brand.new@kommun.example")
    assert paused.value.status == 429
    assert "paus" in str(paused.value).lower() or "pause" in str(paused.value).lower()
    with pytest.raises(services.InvitationsPaused):
        _invite(unit_admin, unit, counsellor.email)
    assert not User.objects.filter(email="brand.new@kommun.example").exists()
    reasons = [e.data["reason"] for e in _events("partners.invite_refused")]
    assert reasons == ["existing_account"] * services.INVITE_REFUSALS_MAX + ["paused", "paused"]

    _invite(other_admin, unit, "colleague@kommun.example")
    _invite(administrator, unit, "another@kommun.example")
    assert User.objects.filter(email__in=["colleague@kommun.example", "another@kommun.example"]).count() == 2


def test_the_pause_ends_with_its_window(counsellor, monkeypatch):
    unit = unit_make()
    unit_admin = _make_user(Role.PARTNER, "ua@botkyrka.example")
    member_make(unit, unit_admin, is_unit_admin=True)
    monkeypatch.setattr(services, "INVITE_REFUSALS_MAX", 1)
    monkeypatch.setattr(services, "INVITE_REFUSALS_WINDOW_SECONDS", 1)
    with pytest.raises(Conflict):
        _invite(unit_admin, unit, counsellor.email)
    with pytest.raises(services.InvitationsPaused):
        _invite(unit_admin, unit, "new@kommun.example")
    time.sleep(1.2)
    _invite(unit_admin, unit, "new@kommun.example")
    assert User.objects.filter(email="new@kommun.example").exists()
