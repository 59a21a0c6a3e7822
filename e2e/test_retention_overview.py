"""An administrator reads the retention overview in Chromium (issue 13, item 4, R22): every
record type with its rule and what the next run deletes, the next run and the last run. On a
phone-sized screen, with axe-core and HTML_CodeSniffer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from e2e.staff import page_width, staff_sign_in
from e2e.test_accessibility import violations

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")  # noqa: S108  (where screenshots are looked at)
PHONE = {"width": 360, "height": 740}
ADMINISTRATOR = (
    "retention.admin@e2e.hedershus.invalid",
    "e2e-administrator-password-Heders",
    "JBSWY3DPEHPK3PXPRETENTIO",
)

SETUP = """
import datetime as dt
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.sessions.models import Session
from django.utils import timezone
from hedershus.accounts.models import User
from hedershus.messaging.retention import retention_run
email, password, secret = {administrator!r}
if not User.objects.filter(email=email).exists():
    user = User.objects.create_user(email=email, password=password, role="administrator", first_name="Admin")
    TOTP.activate(user, secret)
retention_run()
# A later job's count with a long key the page has no name for: shown as it is, and it must
# not widen the page at 360 px.
from hedershus.audit.services import audit_record
from hedershus.messaging.retention import RETENTION_RUN_EVENT
audit_record(
    RETENTION_RUN_EVENT,
    data={{"rooms_deleted": 0, "a_job_added_later_with_a_very_long_count_key_deleted": 1, "completed": True}},
)
past = timezone.now() - dt.timedelta(hours=1)
for number in range(2):
    Session.objects.update_or_create(
        session_key=f"e2eretention{{number:020d}}", defaults={{"session_data": "", "expire_date": past}}
    )
"""


def test_an_administrator_reads_what_is_kept_and_what_the_next_run_deletes(
    server: Any, context_factory: Any
) -> None:
    server.manage("shell", "-c", SETUP.format(administrator=ADMINISTRATOR))
    page = context_factory(locale="sv-SE", viewport=PHONE, bypass_csp=True).new_page()
    staff_sign_in(page, server, *ADMINISTRATOR)
    page.click("a[href='/staff/oversight/retention/']")
    page.wait_for_url("**/staff/oversight/retention/")
    main = page.inner_text("main")
    assert "Gallring" in main and "Nästa körning" in main and "genomförd" in main
    assert int(page.inner_text("article#sessionssession dd.retention-due")) >= 2
    assert "5 år efter ärendets senaste anteckning" in page.inner_text("article#casescase")
    # The last run's counts under their names; a key without one as it is.
    assert "Rum raderade: 0" in main and "rooms_deleted" not in main
    assert "a_job_added_later_with_a_very_long_count_key_deleted: 1" in main
    assert "som vid nästa körnings tidpunkt" in main
    assert violations(page) == []
    assert page_width(page) <= PHONE["width"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "retention-overview-360x740.png"), full_page=False)
    page.screenshot(path=str(SHOTS / "retention-overview-full-360x740.png"), full_page=True)
