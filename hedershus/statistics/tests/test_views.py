"""The dashboard and its exports: accessible tables and chart, suppressed figures shown as a
dash with the reason, a partner held to their own municipality, bad filters refused, files
that open and hold the same figures, and an audit event for every read."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import sign_in
from hedershus.audit.models import AuditEvent
from hedershus.partners.models import OrganisationKind, PartnerOrganisation, PartnerUnit, UnitMembership
from hedershus.statistics.tests.helpers import at, contacts_make

pytestmark = pytest.mark.django_db

QUERY = {"first": "2026-01", "last": "2026-03"}


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def figures(supervisor):
    contacts_make(supervisor, 12, municipality="Botkyrka", opened=at(2026, 1))
    contacts_make(supervisor, 9, municipality="Huddinge", opened=at(2026, 2))
    contacts_make(supervisor, 2, municipality="Nacka", opened=at(2026, 2))


@pytest.fixture
def botkyrka_partner(partner, supervisor):
    org = PartnerOrganisation.objects.create(
        name="Botkyrka kommun", kind=OrganisationKind.MUNICIPALITY, municipality="Botkyrka"
    )
    unit = PartnerUnit.objects.create(organisation=org, name="Socialtjänsten")
    UnitMembership.objects.create(unit=unit, user=partner, added_by=supervisor)
    return partner


def test_a_supervisor_reads_every_municipality_in_accessible_tables_and_it_is_audited(
    client, supervisor, figures
):
    sign_in(client, supervisor)
    response = client.get(reverse("statistics:dashboard"), QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption" in html and 'role="region"' in html and 'tabindex="0"' in html
    assert '<th scope="row">Botkyrka</th>' in html
    assert '<th scope="row">Nacka</th>' in html
    # Nacka's 2 is a dash with its reason for a screen reader, never the figure.
    assert "not shown: fewer than 5" in html
    assert "<svg" in html and "<title" in html and "<desc" in html
    assert "style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    event = AuditEvent.objects.get(event_type="statistics.viewed")
    assert event.data == {"from": "2026-01", "to": "2026-03", "municipality": ""}


def test_a_partner_sees_their_municipality_beside_the_county_only(client, botkyrka_partner, figures):
    sign_in(client, botkyrka_partner)
    response = client.get(reverse("statistics:dashboard"), QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Botkyrka beside the county" in html
    assert '<th scope="row">Huddinge</th>' not in html
    assert '<option value="Huddinge"' not in html


def test_a_partner_asking_for_another_municipality_gets_404_and_no_figures(client, botkyrka_partner, figures):
    sign_in(client, botkyrka_partner)
    for name in ("statistics:dashboard", "statistics:export_csv", "statistics:export_xlsx"):
        response = client.get(reverse(name), {**QUERY, "municipality": "Huddinge"})
        assert response.status_code == 404
        assert b"Huddinge" not in response.content or b"<table" not in response.content
    assert not AuditEvent.objects.filter(event_type__in=["statistics.viewed", "statistics.exported"]).exists()
    # Each refusal is recorded: the page, the filter names, the status; never a figure.
    refused = AuditEvent.objects.filter(event_type="statistics.refused").order_by("id")
    assert [e.data for e in refused] == [
        {"page": page, "filters": ["first", "last", "municipality"], "status": 404}
        for page in ("dashboard", "csv", "xlsx")
    ]
    assert all(e.actor_id == botkyrka_partner.pk for e in refused)


def test_a_bad_period_is_refused_with_a_message_and_no_figures(client, supervisor, figures):
    sign_in(client, supervisor)
    response = client.get(reverse("statistics:dashboard"), {"first": "2026-05", "last": "2026-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and "must end in or after" in html
    assert "<table" not in html
    response = client.get(reverse("statistics:dashboard"), {"first": "March"})
    assert response.status_code == 400
    assert "Give a month as year and month" in response.content.decode()
    response = client.get(reverse("statistics:export_csv"), {"first": "2026-05", "last": "2026-01"})
    assert response.status_code == 400
    # Every refusal is an audit event with the filter names and the status, no figure.
    refused = AuditEvent.objects.filter(event_type="statistics.refused").order_by("id")
    assert [e.data for e in refused] == [
        {"page": "dashboard", "filters": ["first", "last"], "status": 400},
        {"page": "dashboard", "filters": ["first"], "status": 400},
        {"page": "csv", "filters": ["first", "last"], "status": 400},
    ]
    assert not AuditEvent.objects.filter(event_type="statistics.viewed").exists()


def test_the_csv_export_holds_the_same_suppressed_figures_and_is_audited(client, supervisor, figures):
    sign_in(client, supervisor)
    response = client.get(reverse("statistics:export_csv"), QUERY)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="statistik-2026-01-2026-03.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    nacka = next(row for row in rows if row and row[0] == "Nacka")
    assert "2" not in nacka[1:]
    assert "–" in nacka  # noqa: RUF001
    botkyrka = next(row for row in rows if row and row[0] == "Botkyrka")
    assert "12" in botkyrka
    event = AuditEvent.objects.get(event_type="statistics.exported")
    assert event.data["format"] == "csv" and event.data["from"] == "2026-01"


def test_the_xlsx_export_opens_with_numbers_as_numbers(client, supervisor, figures):
    sign_in(client, supervisor)
    response = client.get(reverse("statistics:export_xlsx"), QUERY)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    values = [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert 12 in values
    assert 2 not in values
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in values)
    assert AuditEvent.objects.filter(event_type="statistics.exported", data__format="xlsx").exists()


def test_a_counsellor_is_refused(client, counsellor):
    sign_in(client, counsellor)
    assert client.get(reverse("statistics:dashboard")).status_code == 403


def test_the_menu_links_the_statistics_for_its_readers(client, supervisor, counsellor):
    sign_in(client, supervisor)
    assert reverse("statistics:dashboard") in client.get(reverse("statistics:dashboard")).content.decode()


def test_the_dashboard_reads_in_swedish(client, supervisor, figures):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    sign_in(client, supervisor)
    html = client.get(reverse("statistics:dashboard"), QUERY).content.decode()
    assert "Uppföljningsstatistik" in html
    assert "Kontakter per kanal" in html
    assert "visas inte: färre än 5" in html
    assert ">Statistik</a>" in html


def test_the_chart_of_a_chosen_municipality_draws_its_own_months(client, supervisor, figures):
    sign_in(client, supervisor)
    html = client.get(reverse("statistics:dashboard"), {**QUERY, "municipality": "Botkyrka"}).content.decode()
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "Contacts per month, Botkyrka" in svg
    assert "2026-02: 0" in svg  # Botkyrka's February, not the county's 11
    assert "2026-02: 11" not in svg


def test_only_completed_months_are_counted_and_the_month_we_are_in_is_refused(client, supervisor):
    """One new contact in the open month changed the published figures by exactly 1: two
    snapshots a day apart pointed at one person. The default period ends with the last month
    that has ended; asking for this month is refused with a message and no figures."""
    import datetime as dt

    from hedershus.statistics.selectors import LOCAL, Period, last_complete_month

    today = dt.datetime.now(LOCAL).date()
    this = today.replace(day=1)
    previous = last_complete_month()
    assert previous < this and Period.default().last == previous
    sign_in(client, supervisor)
    before = client.get(reverse("statistics:dashboard")).content.decode()
    contacts_make(supervisor, 1, municipality="Botkyrka", opened=dt.datetime.now(LOCAL))
    after = client.get(reverse("statistics:dashboard")).content.decode()
    assert f"{previous:%Y-%m}" in after and f"– {this:%Y-%m}" not in after  # noqa: RUF001
    # The figures are the same before and after the new contact in the open month.
    assert before.split('id="suppression-note"')[1] == after.split('id="suppression-note"')[1]
    for name in ("statistics:dashboard", "statistics:export_csv"):
        response = client.get(reverse(name), {"first": f"{previous:%Y-%m}", "last": f"{this:%Y-%m}"})
        assert response.status_code == 400
        assert b"<table" not in response.content
    html = client.get(reverse("statistics:dashboard"), {"last": f"{this:%Y-%m}"}).content.decode()
    assert "Only months that have ended are counted" in html and f"{previous:%Y-%m} or earlier" in html


def test_a_hidden_bar_gives_the_same_reason_as_the_table(client, supervisor, figures):
    """A bar hidden only to protect another figure is not "fewer than 5": the chart says what
    the table says ("fewer than 5, or would reveal such a figure")."""
    sign_in(client, supervisor)
    html = client.get(reverse("statistics:dashboard"), {**QUERY, "municipality": "Nacka"}).content.decode()
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "2026-02: not shown: fewer than 5, or would reveal such a figure" in svg
    assert "(fewer than 5)" not in svg


def test_the_month_fields_show_the_default_period_and_the_heading_breaks_at_a_soft_hyphen(
    client, supervisor, settings
):
    """At 360 px the heading broke mid-word ("Uppföljningsstati stik"): the Swedish heading
    holds a soft hyphen where the word may break. The month fields were empty though the
    default period applied: they show it."""
    from hedershus.statistics.selectors import Period

    default = Period.default()
    sign_in(client, supervisor)
    html = client.get(reverse("statistics:dashboard")).content.decode()
    assert f'name="first" value="{default.first:%Y-%m}"' in html
    assert f'name="last" value="{default.last:%Y-%m}"' in html
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    html = client.get(reverse("statistics:dashboard")).content.decode()
    assert "<h1>Uppföljnings\u00adstatistik</h1>" in html
    assert "<title>Uppföljningsstatistik" in html
