"""The partner professional's pages: where sign-in lands, the start page, and a unit's own
administration by its administrator."""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.urls import reverse

from hedershus.accounts.models import User
from hedershus.audit.models import AuditEvent
from hedershus.consultations.services import consultation_ask
from hedershus.consultations.tests.helpers import professional_make, unit_make
from hedershus.partners.models import UnitMembership

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _sign_in_with_password_and_code(client: Any, user: Any) -> Any:
    client.post(reverse("account_login"), {"login": user.email, "password": "correct-horse-battery-staple"})
    code = format_hotp_value(hotp_value("JBSWY3DPEHPK3PXP", int(time.time()) // 30))
    return client.post(reverse("mfa_authenticate"), {"code": code})


def test_a_partner_professional_lands_on_their_start_page(client, partner, unit):
    response = _sign_in_with_password_and_code(client, partner)
    assert response.status_code == 302
    assert response["Location"] == reverse("partner_portal:home")


def test_a_counsellor_still_lands_on_the_staff_start_page(client, counsellor):
    response = _sign_in_with_password_and_code(client, counsellor)
    assert response["Location"] == reverse("staff:dashboard")


def test_the_menu_shows_a_partner_only_their_own_sections(signed_in, partner, unit):
    page = signed_in(partner).get(reverse("partner_portal:home"), **EN).content.decode()
    assert reverse("referrals_partner:inbox") in page and reverse("consultations_partner:list") in page
    for staff_only in ("cases:list", "messaging_staff:queue", "consultations_staff:list", "partners:index"):
        assert reverse(staff_only) not in page, staff_only


def test_the_staff_start_page_shows_a_partner_no_staff_sections(signed_in, partner, unit):
    page = signed_in(partner).get(reverse("staff:dashboard"), **EN).content.decode()
    assert reverse("partner_portal:home") in page
    assert reverse("cases:list") not in page and reverse("messaging_staff:queue") not in page


def test_the_menu_shows_a_counsellor_consultations_and_the_network(signed_in, counsellor):
    page = signed_in(counsellor).get(reverse("staff:dashboard"), **EN).content.decode()
    assert reverse("consultations_staff:list") in page and reverse("partners:index") in page
    assert reverse("consultations_partner:list") not in page


def test_the_start_page_lists_units_and_consultations_and_is_audited(signed_in, partner, unit):
    consultation_ask(actor=partner, unit_id=unit.pk, subject="Vår fråga", text="Situation")
    other = professional_make()
    other_unit = unit_make(other)
    consultation_ask(actor=other, unit_id=other_unit.pk, subject="Annans fråga", text="Situation")

    page = signed_in(partner).get(reverse("partner_portal:home"), **EN).content.decode()

    assert "Jourboendet" in page and "Vår fråga" in page
    assert "Annans fråga" not in page and other_unit.name not in page
    assert reverse("partner_portal:unit", kwargs={"unit_id": unit.pk}) in page
    event = AuditEvent.objects.get(event_type="partner_portal.home_viewed")
    assert event.actor_id == partner.pk and event.data == {"units": 1, "referrals": 0, "consultations": 1}


def test_a_member_who_is_not_admin_gets_no_administration_link(signed_in, unit):
    member = professional_make()
    UnitMembership.objects.create(unit=unit, user=member)
    page = signed_in(member).get(reverse("partner_portal:home")).content.decode()
    assert reverse("partner_portal:unit", kwargs={"unit_id": unit.pk}) not in page
    assert (
        signed_in(member).get(reverse("partner_portal:unit", kwargs={"unit_id": unit.pk})).status_code == 404
    )


def test_the_unit_admin_invites_a_professional_who_gets_a_link(signed_in, partner, unit):
    response = signed_in(partner).post(
        reverse("partner_portal:invite", kwargs={"unit_id": unit.pk}),
        {
            "first_name": "Sara",
            "last_name": "Lind",
            "email": "sara.lind@kommun.example",
            "is_unit_admin": "on",
        },
    )
    assert response.status_code == 302
    invited = User.objects.get(email="sara.lind@kommun.example")
    assert invited.role == "partner"
    assert UnitMembership.objects.get(unit=unit, user=invited).is_unit_admin
    assert [m.to for m in mail.outbox] == [["sara.lind@kommun.example"]]
    # The link went to the invited person only: the admin's page does not show it.
    page = signed_in(partner).get(response["Location"]).content.decode()
    assert "/staff/auth/password/reset/key/" not in page


def test_an_invitation_with_a_bad_address_is_refused_and_creates_nothing(signed_in, partner, unit):
    response = signed_in(partner).post(
        reverse("partner_portal:invite", kwargs={"unit_id": unit.pk}),
        {"first_name": "Sara", "last_name": "Lind", "email": "not-an-address"},
        **EN,
    )
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert not User.objects.filter(first_name="Sara").exists()


def test_an_address_of_a_staff_account_is_refused(signed_in, partner, unit, counsellor):
    response = signed_in(partner).post(
        reverse("partner_portal:invite", kwargs={"unit_id": unit.pk}),
        {"first_name": "C", "last_name": "C", "email": counsellor.email},
    )
    assert response.status_code == 409
    assert not UnitMembership.objects.filter(user=counsellor).exists()


def _refusal(page: str) -> str:
    start = page.index('role="alert"')
    return page[start : page.index("</div>", start)]


def test_a_unit_admin_cannot_pull_another_units_professional_in_nor_tell_staff_addresses(
    signed_in, partner, unit, counsellor
):
    """Defect: Botkyrka's unit admin inviting Södertälje's professional silently added them
    (they then saw Botkyrka's referrals); a staff address got its own message."""
    other = professional_make()
    unit_make(admins=(other,), name="Socialtjänsten Södertälje")
    client = signed_in(partner)
    url = reverse("partner_portal:invite", kwargs={"unit_id": unit.pk})

    answers = []
    for address in (other.email, counsellor.email):
        response = client.post(url, {"first_name": "C", "last_name": "D", "email": address}, **EN)
        assert response.status_code == 409
        answers.append(_refusal(response.content.decode()))

    assert answers[0] == answers[1]
    assert "already has an account" in answers[0] and "partner professional" not in answers[0]
    assert not UnitMembership.objects.filter(unit=unit, user__in=[other, counsellor]).exists()
    assert not mail.outbox


def test_the_unit_admin_removes_a_professional(signed_in, partner, unit):
    member = professional_make()
    UnitMembership.objects.create(unit=unit, user=member)
    url = reverse("partner_portal:member_remove", kwargs={"unit_id": unit.pk, "user_id": member.pk})
    client = signed_in(partner)
    assert client.get(url).status_code == 200

    response = client.post(url)

    assert response.status_code == 302
    assert not UnitMembership.objects.filter(unit=unit, user=member).exists()
    member.refresh_from_db()
    assert not member.is_active  # it was their only unit


def test_the_unit_admin_cannot_remove_themselves(signed_in, partner, unit):
    url = reverse("partner_portal:member_remove", kwargs={"unit_id": unit.pk, "user_id": partner.pk})
    signed_in(partner).post(url)
    assert UnitMembership.objects.filter(unit=unit, user=partner).exists()


def test_the_unit_admin_sets_the_free_places(signed_in, partner, unit):
    url = reverse("partner_portal:capacity", kwargs={"unit_id": unit.pk})
    response = signed_in(partner).post(url, {"free_places": "3"})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.capacity_free == 3 and unit.capacity_updated_at is not None
    assert AuditEvent.objects.filter(event_type="partners.capacity_set").exists()


def test_a_negative_number_of_free_places_is_refused(signed_in, partner, unit):
    url = reverse("partner_portal:capacity", kwargs={"unit_id": unit.pk})
    response = signed_in(partner).post(url, {"free_places": "-1"})
    assert response.status_code == 400
    unit.refresh_from_db()
    assert unit.capacity_free is None


def test_free_places_cannot_be_set_on_a_unit_that_is_no_shelter(signed_in, partner):
    """Tester's defect 3: a hand-made POST of 5 free places for a social services unit got
    302 and the unit then showed among those with free places. Now: 400 with a message, the
    form is not offered, nothing saved or audited."""
    social = unit_make(admins=(partner,), services=["social_services"])
    client = signed_in(partner)

    page = client.get(reverse("partner_portal:unit", kwargs={"unit_id": social.pk})).content.decode()
    assert reverse("partner_portal:capacity", kwargs={"unit_id": social.pk}) not in page
    response = client.post(
        reverse("partner_portal:capacity", kwargs={"unit_id": social.pk}), {"free_places": "5"}
    )
    assert response.status_code == 400
    assert "skyddat boende" in response.content.decode()
    social.refresh_from_db()
    assert social.capacity_free is None
    assert not AuditEvent.objects.filter(event_type="partners.capacity_set").exists()
    home = client.get(reverse("partner_portal:home")).content.decode()
    assert "5 lediga platser" not in home and "Lediga platser ej angivna" not in home


def test_the_admin_of_another_unit_gets_404(signed_in, unit):
    other_admin = professional_make()
    unit_make(admins=(other_admin,))
    client = signed_in(other_admin)
    assert client.get(reverse("partner_portal:unit", kwargs={"unit_id": unit.pk})).status_code == 404
    assert (
        client.post(
            reverse("partner_portal:capacity", kwargs={"unit_id": unit.pk}), {"free_places": "9"}
        ).status_code
        == 404
    )
    unit.refresh_from_db()
    assert unit.capacity_free is None


def test_the_start_page_lists_the_units_referrals_not_another_units(signed_in, partner, unit, counsellor):
    from hedershus.referrals.services import referral_send
    from hedershus.referrals.tests import helpers as referrals

    case = referrals.case_make(counsellor)
    mine = referral_send(actor=counsellor, case_id=case.pk, data=referrals.referral_input(unit))
    other = referrals.unit_make(professional_make())
    theirs = referral_send(actor=counsellor, case_id=case.pk, data=referrals.referral_input(other))

    page = signed_in(partner).get(reverse("partner_portal:home"), **EN).content.decode()

    assert reverse("referrals_partner:detail", kwargs={"referral_id": mine.pk}) in page
    assert reverse("referrals_partner:detail", kwargs={"referral_id": theirs.pk}) not in page
    assert "1 referral waits for an answer." in page
    # Nothing the referral asks or shares is on the start page: only when, unit, urgency, status.
    assert "Kontakta Rosa" not in page and case.reference not in page


def test_the_refusal_of_an_existing_address_is_in_swedish(signed_in, partner, unit, counsellor):
    response = signed_in(partner).post(
        reverse("partner_portal:invite", kwargs={"unit_id": unit.pk}),
        {"first_name": "C", "last_name": "D", "email": counsellor.email},
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    page = response.content.decode()
    assert "den har redan ett konto i Hedershus" in page
    assert "En adress som redan har ett konto i Hedershus kan inte bjudas in här" in page


def test_the_unit_admins_invitation_asks_for_reauthentication_first(signed_in, partner, unit):
    """Tester's defect 2: like the register administrator's invitation, the unit admin's
    asks the person to sign in again (password or second factor) before anything; an
    outsider still gets 404, not the question."""
    url = reverse("partner_portal:invite", kwargs={"unit_id": unit.pk})
    client = signed_in(partner, reauthenticated=False)
    for response in (
        client.get(url),
        client.post(url, {"first_name": "Ny", "last_name": "Kollega", "email": "ny@kommun.example"}),
    ):
        assert response.status_code == 302
        assert response["Location"].split("?")[0] in {
            reverse("account_reauthenticate"),
            reverse("mfa_reauthenticate"),
        }
    assert not User.objects.filter(email="ny@kommun.example").exists()
    outsider = professional_make()
    unit_make(admins=(outsider,))
    assert signed_in(outsider, reauthenticated=False).get(url).status_code == 404
    assert signed_in(partner).get(url).status_code == 200


def test_refused_invitations_are_paused_with_a_message_in_swedish(signed_in, partner, unit, counsellor):
    from hedershus.partners import services as partner_services

    url = reverse("partner_portal:invite", kwargs={"unit_id": unit.pk})
    client = signed_in(partner)
    for _attempt in range(partner_services.INVITE_REFUSALS_MAX):
        response = client.post(url, {"first_name": "C", "last_name": "D", "email": counsellor.email})
        assert response.status_code == 409
    response = client.post(
        url,
        {"first_name": "Ny", "last_name": "Kollega", "email": "ny@kommun.example"},
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert response.status_code == 429
    assert "pausade" in response.content.decode()
    assert not User.objects.filter(email="ny@kommun.example").exists()
    assert AuditEvent.objects.filter(event_type="partners.invite_refused").count() == 6
