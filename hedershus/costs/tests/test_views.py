"""Cost sharing's pages, forms and exports: accessible tables, clear refusals that save
nothing, files that open and hold the rows, and an audit event for every read."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import sign_in
from hedershus.audit.models import AuditEvent
from hedershus.core.access import Role
from hedershus.costs.demo import POPULATION_FILE
from hedershus.costs.models import CostAgreement, FixedShare, PopulationTable
from hedershus.costs.tests.helpers import agreement_make, county_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def admin(cast):
    return cast[Role.ADMINISTRATOR]


@pytest.fixture
def agreement(admin):
    return agreement_make(admin)


def _url(name, **kwargs):
    return reverse(f"costs:{name}", kwargs=kwargs or None)


def test_a_partner_reads_the_year_table_as_an_accessible_table_and_it_is_audited(client, cast, agreement):
    partner = cast[Role.PARTNER]
    sign_in(client, partner)
    response = client.get(_url("table", agreement_id=agreement.pk, scope="2012"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption" in html and '<th scope="row">Stockholm</th>' in html
    assert 'role="region"' in html and 'tabindex="0"' in html
    assert "1,236,998" in html or "1 236 998" in html or "1236998" in html
    assert "6,000,000" in html or "6 000 000" in html
    assert 'style="' not in html and "<script" not in html.split("<main", 1)[1]
    # A partner reads; nothing to change.
    assert _url("part_new", agreement_id=agreement.pk) not in html
    event = AuditEvent.objects.get(event_type="costs.table_viewed")
    assert event.actor_id == partner.pk and event.data == {"scope": "2012"}


def test_the_agreement_page_shows_parts_shares_years_and_the_period(client, admin, agreement):
    sign_in(client, admin)
    html = client.get(_url("agreement", agreement_id=agreement.pk)).content.decode()
    assert "Fysiskt hus" in html and "Polisen" in html and "25.00 %" in html
    for year in (2012, 2013, 2014):
        assert _url("table", agreement_id=agreement.pk, scope=str(year)) in html
    assert "Kronor, whole period" in html
    assert _url("export", agreement_id=agreement.pk, scope="period", fmt="xlsx") in html
    assert _url("part_new", agreement_id=agreement.pk) in html


def test_the_index_lists_agreements_and_tables_and_is_audited(client, cast, agreement):
    sign_in(client, cast[Role.SUPERVISOR])
    html = client.get(_url("index")).content.decode()
    assert _url("agreement", agreement_id=agreement.pk) in html
    assert "Populations on 2010-12-31" in html
    assert _url("agreement_new") not in html
    assert AuditEvent.objects.filter(event_type="costs.list_viewed").count() == 1


def test_a_year_outside_the_agreement_or_an_unknown_format_is_404(client, admin, agreement):
    sign_in(client, admin)
    assert client.get(_url("table", agreement_id=agreement.pk, scope="2011")).status_code == 404
    assert client.get(_url("table", agreement_id=agreement.pk, scope="x")).status_code == 404
    assert client.get(_url("export", agreement_id=agreement.pk, scope="2012", fmt="doc")).status_code == 404
    assert not AuditEvent.objects.filter(event_type="costs.table_exported").exists()


def test_the_csv_export_holds_every_row_and_the_exact_total(client, admin, agreement):
    sign_in(client, admin)
    response = client.get(_url("export", agreement_id=agreement.pk, scope="period", fmt="csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="kostnadsfordelning-' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2 + 26 + 1
    assert list(rows[0]) == [
        "partner",
        "kind",
        "population",
        "share_percent",
        "amount_2012",
        "amount_2013",
        "amount_2014",
        "total",
    ]
    assert rows[-1]["total"] == "18000000"
    assert sum(int(row["total"]) for row in rows[:-1]) == 18_000_000
    event = AuditEvent.objects.get(event_type="costs.table_exported")
    assert event.data == {"scope": "period", "format": "csv", "via": "web"}


def test_the_xlsx_export_opens_and_holds_the_rows_as_numbers(client, admin, agreement):
    from openpyxl import load_workbook

    sign_in(client, admin)
    response = client.get(_url("export", agreement_id=agreement.pk, scope="2013", fmt="xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [row for row in sheet.iter_rows(values_only=True) if row and row[0]]
    by_name = {row[0]: row for row in values}
    assert by_name["Stockholm"][-1] == 1_236_997 or by_name["Stockholm"][-1] == 1_236_998
    assert by_name["Polisen"][-1] == 1_500_000
    assert by_name["Total"][-1] == 6_000_000


def test_the_pdf_export_opens_and_holds_the_rows(client, admin, agreement):
    from pypdf import PdfReader

    sign_in(client, admin)
    response = client.get(_url("export", agreement_id=agreement.pk, scope="period", fmt="pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for name in ("Polisen", "Landstinget", "Stockholm", "Österåker", "Upplands-Bro"):
        assert name in text
    assert "18,000,000" in text or "18 000 000" in text or "18000000" in text


def test_a_formula_in_a_name_is_defused_in_csv_and_kept_as_text_in_xlsx(client, admin, agreement):
    from openpyxl import load_workbook

    FixedShare.objects.create(agreement=agreement, name="=HYPERLINK(1)", basis_points=100)
    sign_in(client, admin)
    text = client.get(_url("export", agreement_id=agreement.pk, scope="2012", fmt="csv")).content.decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK(1)" in text
    book = load_workbook(
        io.BytesIO(client.get(_url("export", agreement_id=agreement.pk, scope="2012", fmt="xlsx")).content)
    )
    cells = [cell for row in book.active.iter_rows() for cell in row if cell.value == "=HYPERLINK(1)"]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_an_administrator_builds_an_agreement_through_the_forms(client, admin):
    sign_in(client, admin)
    upload = SimpleUploadedFile("kommuner.csv", POPULATION_FILE.read_bytes(), content_type="text/csv")
    response = client.post(
        _url("population_import"), {"reference_date": "2010-12-31", "source_note": "SCB", "file": upload}
    )
    assert response.status_code == 302
    table = PopulationTable.objects.get()
    response = client.post(
        _url("agreement_new"),
        {"name": "Hedershus", "first_year": "2012", "last_year": "2014", "population_table": table.pk},
    )
    agreement = CostAgreement.objects.get()
    assert response.status_code == 302 and response["Location"] == _url(
        "agreement", agreement_id=agreement.pk
    )
    response = client.post(
        _url("part_new", agreement_id=agreement.pk),
        {"name": "Fysiskt hus", "amount": "5 000 000", "first_year": "2012", "last_year": "2014"},
    )
    assert response.status_code == 302
    response = client.post(_url("share_new", agreement_id=agreement.pk), {"name": "Polisen", "percent": "25"})
    assert response.status_code == 302
    assert agreement.parts.get().amount == 5_000_000
    assert agreement.fixed_shares.get().basis_points == 2500
    assert {
        "costs.population_imported",
        "costs.agreement_created",
        "costs.part_added",
        "costs.share_added",
    } <= set(AuditEvent.objects.values_list("event_type", flat=True))


def test_a_bad_file_shows_every_problem_and_saves_nothing(client, admin):
    sign_in(client, admin)
    upload = SimpleUploadedFile(
        "bad.csv", b"nr,kommun,invanare\n1,A,12\n2,B,x\n3,,5\n", content_type="text/csv"
    )
    response = client.post(_url("population_import"), {"reference_date": "2010-12-31", "file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "Line 3, column “invanare”" in html and "Line 4, column “kommun”" in html
    assert not PopulationTable.objects.exists()


def test_a_share_taking_the_total_past_100_per_cent_is_refused_on_the_form(client, admin, agreement):
    sign_in(client, admin)
    response = client.post(
        _url("share_new", agreement_id=agreement.pk), {"name": "Länsstyrelsen", "percent": "50.5"}
    )
    assert response.status_code == 400
    assert "more than 100" in response.content.decode()
    assert agreement.fixed_shares.count() == 2


def test_a_bad_amount_is_refused_with_a_message(client, admin, agreement):
    sign_in(client, admin)
    response = client.post(
        _url("part_new", agreement_id=agreement.pk),
        {"name": "Lokal", "amount": "5,5 Mkr", "first_year": "2012", "last_year": "2014"},
    )
    assert response.status_code == 400
    assert "whole kronor" in response.content.decode()
    assert agreement.parts.count() == 2


def test_removing_a_share_changes_the_table(client, admin, agreement):
    sign_in(client, admin)
    share = agreement.fixed_shares.first()
    response = client.post(_url("share_remove", agreement_id=agreement.pk, share_id=share.pk))
    assert response.status_code == 302
    assert agreement.fixed_shares.count() == 1


def test_the_pages_read_in_swedish_with_swedish_numbers(client, cast, agreement):
    sign_in(client, cast[Role.SUPERVISOR])
    client.cookies["django_language"] = "sv"
    response = client.get(_url("table", agreement_id=agreement.pk, scope="2012"), HTTP_ACCEPT_LANGUAGE="sv")
    html = response.content.decode()
    assert "kostnadsfördelning 2012" in html and "Invånare" in html and "Andel (%)" in html
    assert (
        "1\u00a0236\u00a0998" in html or "1\u00a0236\u00a0997" in html
    )  # Swedish thousands: no-break spaces
    assert "20,62" in html  # Stockholm's share, decimal comma
    assert ">Kostnadsfördelning</a>" in html  # the staff menu's link


def test_a_file_with_a_name_outside_the_county_shows_it_escaped_and_saves_nothing(client, admin):
    sign_in(client, admin)
    content = county_file(replace={"4,Haninge,77054": "4,<script>alert(1)</script>,77054"})
    upload = SimpleUploadedFile("kommuner.csv", content, content_type="text/csv")
    response = client.post(_url("population_import"), {"reference_date": "2010-12-31", "file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;” is not a municipality of Stockholm County" in html
    assert "Missing municipality of Stockholm County: “Haninge”" in html
    assert "<script>alert" not in html
    assert not PopulationTable.objects.exists()


def test_a_fixed_share_for_a_municipality_is_refused_on_the_form(client, admin, agreement):
    sign_in(client, admin)
    response = client.post(_url("share_new", agreement_id=agreement.pk), {"name": "botkyrka", "percent": "5"})
    assert response.status_code == 400
    assert "Botkyrka is a municipality of this agreement&#x27;s population table" in response.content.decode()
    assert agreement.fixed_shares.count() == 2
