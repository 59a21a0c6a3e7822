"""Demo consultations (``manage.py consultations_demo``, ``DEBUG`` only, after
``demo_setup`` and ``partners_demo``): the demo partner professional has asked the centre two
made-up questions; the demo counsellor has answered one."""

from __future__ import annotations

from hedershus.accounts.demo import DEMO_EMAIL_DOMAIN
from hedershus.accounts.models import User
from hedershus.consultations import services
from hedershus.consultations.models import Consultation
from hedershus.partners.selectors import units_of_professional

QUESTIONS = (
    (
        "Flicka 15 år, rädd för sommarlovet",
        "En elev berättar att familjen planerar en resa till släkten i sommar och att hon "
        "inte vet om hon får komma tillbaka. Hur bör skolan och vi gå vidare?",
        True,
        "Tack för att du hör av dig. Det du beskriver kan vara tecken på risk för "
        "bortförande. Ring oss gärna i dag, så går vi igenom en riskbedömning tillsammans.",
    ),
    (
        "Pojke 17 år, kontrollerad av äldre bröder",
        "En ungdom berättar att bröderna bestämmer vilka han får träffa. Han vill inte att vi "
        "kontaktar familjen. Vad kan vi göra utan att förvärra hans situation?",
        False,
        "",
    ),
)


def demo_consultations_load() -> str:
    """Asks the demo questions once (idempotent); returns what happened, or why not."""
    partner = User.objects.filter(email=f"partner@{DEMO_EMAIL_DOMAIN}").first()
    counsellor = User.objects.filter(email=f"counsellor@{DEMO_EMAIL_DOMAIN}").first()
    if partner is None or counsellor is None:
        return "no demo partner or counsellor: run demo_setup and partners_demo first"
    unit = units_of_professional(partner).first()
    if unit is None:
        return "the demo partner has no unit: run partners_demo first"
    if Consultation.objects.filter(asked_by=partner).exists():
        return "already loaded"
    for subject, text, agent_request, answer in QUESTIONS:
        consultation = services.consultation_ask(
            actor=partner, unit_id=unit.pk, subject=subject, text=text, agent_request=agent_request
        )
        if answer:
            services.answer_post(actor=counsellor, consultation_id=consultation.pk, text=answer)
    return f"{len(QUESTIONS)} consultations asked"
