"""The register's import: every row checked first, a bad one reported by line and column
and nothing imported; CSV and XLSX; files that are neither refused by their bytes."""

from __future__ import annotations

import contextlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from hedershus.audit.models import AuditEvent
from hedershus.partners import imports, services
from hedershus.partners.models import PartnerOrganisation, PartnerUnit
from hedershus.partners.tests.helpers import organisation_make, unit_make

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
HEADER = ",".join(
    [
        "organisation",
        "organisation_kind",
        "unit",
        "services",
        "municipalities",
        "languages",
        "capacity_free",
        "public",
        "public_description",
    ]
)


def _csv(*lines: str) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _import(administrator, content: bytes) -> services.ImportReport:
    kind, rows = imports.rows_read(content)
    return services.register_import(actor=administrator, rows=rows, file_kind=kind)


def test_the_example_files_import_the_same_units(administrator):
    report = _import(administrator, (EXAMPLES / "partners-example.csv").read_bytes())
    assert (report.organisations_created, report.units_created) == (3, 3)
    shelter = PartnerUnit.objects.get(name="Skyddat boende")
    assert shelter.capacity_free == 2
    assert shelter.languages == ["sv", "en", "ar", "fa"]
    assert shelter.public
    rinkeby = PartnerUnit.objects.get(organisation__name="Stockholms stad")
    assert rinkeby.districts == ["Rinkeby-Kista"]

    again = _import(administrator, (EXAMPLES / "partners-example.xlsx").read_bytes())
    assert (again.organisations_created, again.units_created, again.units_unchanged) == (0, 0, 3)
    assert PartnerUnit.objects.count() == 3


def test_a_bad_row_is_reported_by_line_and_column_and_nothing_is_imported(administrator):
    content = _csv(
        "Nacka kommun,municipality,Socialtjänsten,social_services,Nacka,sv,,no,",
        "Solna stad,municipality,Socialtjänsten,social_servces,Solna,sv,,no,",
        "Täby kommun,municipality,Socialtjänsten,social_services,Täby,svenska,x,no,",
    )
    with pytest.raises(imports.ImportRefused) as refused:
        imports.rows_read(content)
    problems = [(p.line, p.column) for p in refused.value.problems]
    assert problems == [(3, "services (4)"), (4, "capacity_free (7)"), (4, "languages (6)")]
    text = [str(p) for p in refused.value.problems]
    assert text[0].startswith("Line 3, column services (4): Unknown service 'social_servces'")
    assert not PartnerOrganisation.objects.exists()


def test_the_staff_page_imports_nothing_from_a_file_with_one_bad_row(signed_in, administrator):
    signed_in(administrator)
    upload = io.BytesIO(
        _csv(
            "Nacka kommun,municipality,Socialtjänsten,social_services,Nacka,sv,,no,",
            "Solna stad,municipality,Socialtjänsten,social_services,Göteborg,sv,,no,",
        )
    )
    upload.name = "register.csv"
    client = signed_in(administrator)
    response = client.post("/staff/network/import/", {"file": upload})
    assert response.status_code == 400
    assert "Line 3, column municipalities (5)" in response.content.decode()
    assert not PartnerOrganisation.objects.exists()
    assert not AuditEvent.objects.filter(event_type="partners.imported").exists()


def test_xlsx_problems_name_the_column_letter(administrator):
    content = _xlsx(
        [
            ["organisation", "organisation_kind", "unit", "public"],
            ["Lidingö stad", "municipality", "Socialtjänsten", "kanske"],
        ]
    )
    with pytest.raises(imports.ImportRefused) as refused:
        imports.rows_read(content)
    assert str(refused.value.problems[0]) == "Line 2, column public (D): Write yes or no."


def test_a_public_row_without_description_and_a_new_organisation_without_kind_are_refused(administrator):
    content = _csv(
        "Ny förening,,Stöd,support_talks,,sv,,no,",
        "Förening,ngo,Stöd,support_talks,,sv,,yes,",
    )
    with pytest.raises(imports.ImportRefused) as refused:
        imports.rows_read(content)
    assert [(p.line, p.column) for p in refused.value.problems] == [
        (2, "organisation_kind"),
        (3, "public_description (9)"),
    ]


def test_duplicate_rows_and_unknown_or_missing_columns_are_refused(administrator):
    with pytest.raises(imports.ImportRefused) as refused:
        imports.rows_read(_csv("A,ngo,U,,,,,no,", "A,ngo,U,,,,,no,"))
    assert refused.value.problems[0].line == 3
    with pytest.raises(imports.ImportRefused) as refused:
        imports.rows_read(b"organisation,unit,servics\nA,B,\n")
    assert "Unknown column 'servics'" in str(refused.value.problems[0])
    with pytest.raises(imports.ImportRefused) as refused:
        imports.rows_read(b"organisation,services\nA,\n")
    assert "The column 'unit' is missing." in str(refused.value.problems[0])


def test_an_existing_unit_is_updated_and_an_empty_capacity_keeps_the_units_number(administrator):
    organisation = organisation_make("Nacka kommun", municipality="Nacka")
    unit = unit_make(organisation, "Socialtjänsten", municipalities=["Nacka"], capacity_free=5)
    report = _import(
        administrator, _csv("Nacka kommun,,Socialtjänsten,social_services;child_protection,nacka,SV,,no,")
    )
    assert (report.units_updated, report.units_created) == (1, 0)
    unit.refresh_from_db()
    assert unit.services == ["social_services", "child_protection"]
    assert unit.languages == ["sv"]
    assert unit.capacity_free == 5
    organisation.refresh_from_db()
    assert organisation.kind == "municipality"
    event = AuditEvent.objects.get(event_type="partners.imported")
    assert event.data["units_updated"] == 1
    assert event.data["format"] == "csv"


def test_a_semicolon_separated_csv_with_a_bom_is_read(administrator):
    content = (
        "\ufefforganisation;organisation_kind;unit;services\n"
        "Tyresö kommun;municipality;Socialtjänsten;social_services\n"
    )
    kind, rows = imports.rows_read(content.encode("utf-8"))
    assert kind == "csv"
    assert rows[0].unit.services == ("social_services",)


def test_a_semicolon_csv_as_swedish_excel_saves_it_is_read(administrator):
    """Defect: ``csv.Sniffer`` could not tell the separator of this file (a list cell quoted
    at the end of the row, a comma in a name) and read it with commas: "Unknown column
    'organisation;organisation_kind;…'". The header line tells it."""
    content = (
        "organisation;organisation_kind;unit;services\r\n"
        'Huddinge kommun;municipality;Socialtjänsten, barn och unga;"social_services;child_protection"\r\n'
    )
    report = _import(administrator, content.encode("utf-8-sig"))
    assert report.units_created == 1
    unit = PartnerUnit.objects.get()
    assert unit.name == "Socialtjänsten, barn och unga"
    assert unit.services == ["social_services", "child_protection"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [("a,b;c,d", ","), ("a;b;c", ";"), ("a\tb\tc;d", "\t"), ("organisation", ","), ("a;b,c", ",")],
)
def test_the_csv_separator_is_told_by_the_header_line(line, expected):
    assert imports.csv_delimiter(line) == expected


@pytest.mark.parametrize("separator", [",", ";"])
def test_a_huge_csv_cell_is_reported_by_line_and_column_in_plain_words(separator):
    """Defect: a 1.9 MB cell gave Python's "field larger than field limit (131072)"."""
    header = separator.join(["organisation", "organisation_kind", "unit", "public_description"])
    row = separator.join(["Org", "ngo", "Enhet", '"' + "x" * 1_900_000 + '"'])
    with pytest.raises(imports.ImportRefused) as refused:
        imports.rows_read(f"{header}\nA{separator}ngo{separator}U{separator}\n{row}\n".encode())
    assert [str(p) for p in refused.value.problems] == [
        "Line 3, column public_description (4): The cell is too long: at most 2000 characters."
    ]


def test_a_long_cell_is_reported_once_without_its_text_in_csv_and_xlsx():
    long_name = "Å" * (imports.CELL_MAX + 1)
    for content in (
        f"organisation,organisation_kind,unit\n{long_name},ngo,Enhet\n".encode(),
        _xlsx([["organisation", "organisation_kind", "unit"], [long_name, "ngo", "Enhet"]]),
    ):
        with pytest.raises(imports.ImportRefused) as refused:
            imports.rows_read(content)
        problems = [str(p) for p in refused.value.problems]
        assert len(problems) == 1 and "column organisation (" in problems[0] and "Å" not in problems[0]


def test_a_huge_cell_gives_a_swedish_message(administrator):
    from django.utils import translation

    row = "Org,ngo,Enhet," + "y" * 200_000
    with translation.override("sv"):
        with pytest.raises(imports.ImportRefused) as refused:
            imports.rows_read(f"organisation,organisation_kind,unit,address\n{row}\n".encode())
        message = str(refused.value.problems[0])
    assert message == "Rad 2, kolumn address (4): Cellen är för lång: högst 2000 tecken."


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n\x00\x01binary",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel",  # an .xls (OLE2)
        b"\x89PNG\r\n\x1a\n\x00\x00",
        "organisation,unit\nA,B\n".encode("utf-16"),
    ],
    ids=["pdf", "xls", "png", "utf16"],
)
def test_files_that_are_not_csv_or_xlsx_are_refused_by_their_bytes(content):
    with pytest.raises(imports.ImportRefused):
        imports.rows_read(content)


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<x/>")
    with pytest.raises(imports.ImportRefused) as refused:
        imports.rows_read(out.getvalue())
    assert "not an Excel workbook" in str(refused.value)
    assert str(refused.value.problems[0]).startswith("This is not an Excel workbook")


def test_size_and_row_limits(monkeypatch):
    with pytest.raises(imports.ImportRefused):
        imports.rows_read(b"x" * (imports.MAX_BYTES + 1))
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    with pytest.raises(imports.ImportRefused) as refused:
        imports.rows_read(_csv("A,ngo,U1,,,,,no,", "A,ngo,U2,,,,,no,", "A,ngo,U3,,,,,no,"))
    assert refused.value.problems[0].line == 4
    monkeypatch.setattr(imports, "MAX_LINES", 5)
    with pytest.raises(imports.ImportRefused) as refused:  # empty lines count towards the walk
        imports.rows_read(_csv("A,ngo,U1,,,,,no,", *([",,,,,,,,"] * 10)))
    assert refused.value.problems[0].line == 6


def test_a_workbook_claiming_thousands_of_columns_is_read_to_the_limit_only(administrator):
    content = _xlsx(
        [["organisation", "organisation_kind", "unit"], ["Org", "ngo", "Enhet", *([""] * 2000), "x"]]
    )
    kind, rows = imports.rows_read(content)
    assert (kind, rows[0].unit.name) == ("xlsx", "Enhet")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=600))
def test_any_bytes_are_either_read_or_refused_never_a_crash(content):
    with contextlib.suppress(imports.ImportRefused):
        imports.rows_read(content)


def test_the_command_imports_a_good_file_and_refuses_a_bad_one(administrator, tmp_path, capsys):
    call_command("partners_import", str(EXAMPLES / "partners-example.xlsx"), "--actor", administrator.email)
    assert PartnerUnit.objects.count() == 3
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv("Nya kommun,municipality,Enhet,nope,,,,no,"))
    with pytest.raises(CommandError):
        call_command("partners_import", str(bad), "--actor", administrator.email)
    assert "Line 2, column services (4)" in capsys.readouterr().err
    assert PartnerUnit.objects.count() == 3


def test_the_command_refuses_an_actor_who_does_not_maintain_the_register(counsellor):
    with pytest.raises(CommandError):
        call_command("partners_import", str(EXAMPLES / "partners-example.csv"), "--actor", counsellor.email)
    assert not PartnerUnit.objects.exists()


_cell = st.text(alphabet=st.sampled_from(list('abcå ;,"\n\t-_x01yes')), max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_cell, min_size=0, max_size=10), max_size=6))
def test_any_csv_text_is_either_read_or_refused_with_line_numbers(rows):
    import csv

    out = io.StringIO()
    csv.writer(out).writerows([["organisation", "organisation_kind", "unit", "services", "public"], *rows])
    try:
        _kind, found = imports.rows_read(out.getvalue().encode())
    except imports.ImportRefused as refused:
        assert all(problem.line >= 1 and str(problem) for problem in refused.problems)
    else:
        assert all(row.organisation.name and row.unit.name for row in found)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_cell, min_size=5, max_size=5), min_size=1, max_size=5))
def test_a_file_reads_the_same_whether_saved_with_commas_or_semicolons(rows):
    import csv

    def read(delimiter: str) -> object:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerows([["organisation", "organisation_kind", "unit", "services", "public"], *rows])
        try:
            return imports.rows_read(out.getvalue().encode())
        except imports.ImportRefused as refused:
            return [str(problem) for problem in refused.problems]

    assert read(",") == read(";")
