"""Reading a population file: the seed's layout, a Swedish spreadsheet's, and every problem
reported by line and column with nothing read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from hedershus.core.places import MUNICIPALITIES
from hedershus.costs.demo import POPULATION_FILE
from hedershus.costs.population_csv import PopulationFileInvalid, parse_population_csv
from hedershus.costs.tests.helpers import county_file


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_the_seed_file_reads_26_municipalities_and_its_date():
    parsed = parse_population_csv(POPULATION_FILE.read_bytes())
    assert len(parsed.rows) == 26
    assert parsed.rows[0].name == "Botkyrka" and parsed.rows[0].population == 82_608
    assert parsed.total == 2_054_343
    assert parsed.header_date == dt.date(2010, 12, 31)


def test_a_swedish_spreadsheets_file_reads_too():
    text = county_file(header="nr;kommun;invånare").decode().replace(",", ";")
    text = text.replace("3;Ekerö;25410", "3;Ekerö;25 410").replace("\n", "\r\n") + "\r\n"
    parsed = parse_population_csv(text.encode("cp1252"))
    assert (parsed.rows[2].name, parsed.rows[2].population) == ("Ekerö", 25_410)
    assert len(parsed.rows) == 26
    assert parsed.header_date is None


def _problems(content: str, *, county: bool = False) -> list[str]:
    """The problems of ``content``; names are checked against the county only if ``county``."""
    with pytest.raises(PopulationFileInvalid) as caught:
        parse_population_csv(content.encode(), municipalities=MUNICIPALITIES if county else None)
    return [str(problem) for problem in caught.value.problems]


def test_a_name_that_is_not_a_municipality_of_the_county_is_refused_by_line():
    content = county_file(
        replace={
            "2,Danderyd,31330": "2,Gotham,31330",
            "3,Ekerö,25410": '3,"=HYPERLINK(""http://x"")",25410',
            "4,Haninge,77054": "4,<script>,77054",
        }
    ).decode()
    assert _problems(content, county=True) == [
        "Line 3, column “kommun”: “Gotham” is not a municipality of Stockholm County.",
        'Line 4, column “kommun”: “=HYPERLINK("http://x")” is not a municipality of Stockholm County.',
        "Line 5, column “kommun”: “<script>” is not a municipality of Stockholm County.",
        "Missing municipalities of Stockholm County: “Danderyd”, “Ekerö”, “Haninge”.",
    ]


def test_a_missing_municipality_is_named_and_a_repeated_one_is_reported_by_line():
    missing = county_file(replace={"21,Upplands Väsby,39289": ""}).decode()
    assert _problems(missing, county=True) == ["Missing municipality of Stockholm County: “Upplands Väsby”."]
    repeated = county_file(replace={"5,Huddinge,97453": "5,Botkyrka,97453"}).decode()
    assert _problems(repeated, county=True) == [
        "Line 6, column “kommun”: “Botkyrka” is already on line 2.",
        "Missing municipality of Stockholm County: “Huddinge”.",
    ]


def test_names_are_compared_exactly_after_trimming():
    trimmed = county_file(replace={"1,Botkyrka,82608": "1,  Botkyrka ,82608"})
    assert parse_population_csv(trimmed).rows[0].name == "Botkyrka"
    lower = county_file(replace={"1,Botkyrka,82608": "1,botkyrka,82608"}).decode()
    assert _problems(lower, county=True) == [
        "Line 2, column “kommun”: “botkyrka” is not a municipality of Stockholm County: write “Botkyrka”.",
        "Missing municipality of Stockholm County: “Botkyrka”.",
    ]


def test_a_municipality_of_another_county_is_refused():
    content = county_file(replace={"8,Nacka,90108": "8,Uppsala,90108"}).decode()
    assert _problems(content, county=True)[0] == (
        "Line 9, column “kommun”: “Uppsala” is not a municipality of Stockholm County."
    )


def test_every_bad_row_is_reported_by_line_and_column():
    # Names not checked against the county: this test is about the file's shape.
    problems = _problems(
        "nr,kommun,invanare_2010_12_31\n"
        "1,Botkyrka,82608\n"
        "2,,31330\n"
        "3,Ekerö,many\n"
        "1,Haninge,77054\n"
        "5,botkyrka,1\n"
        "6,Solna\n"
    )
    assert problems == [
        "Line 3, column “kommun”: The municipality's name is empty.",
        "Line 4, column “invanare_2010_12_31”: Write the population as a whole number (digits only).",
        "Line 5, column “nr”: Number 1 is already on line 2.",
        "Line 6, column “kommun”: “botkyrka” is already on line 2.",
        "Line 7: Expected 3 cells, found 2.",
    ]


def test_a_wrong_header_an_empty_file_and_no_rows_are_refused():
    assert "header must be" in _problems("number,name,people\n1,A,2\n")[0]
    assert "three columns" in _problems("nr,kommun\n")[0]
    assert "empty" in _problems("")[0]
    assert "no municipalities" in _problems("nr,kommun,invanare\n\n")[0]
    assert _problems("nr,kommun,invanare\n\n", county=True) == [
        "The file has a header but no municipalities."
    ]
    assert "add up to 0" in _problems("nr,kommun,invanare\n1,A,0\n")[0]
    assert "negative" not in " ".join(_problems("nr,kommun,invanare\n1,A,-5\n"))  # "-5" is not digits


def test_binary_content_is_refused():
    with pytest.raises(PopulationFileInvalid):
        parse_population_csv(b"\x00\x01\x02PK\x03\x04")


@given(st.binary(max_size=2000))
def test_any_bytes_either_read_or_raise_the_files_own_error(content):
    try:
        parsed = parse_population_csv(content)
    except PopulationFileInvalid as error:
        assert error.problems
    else:
        assert parsed.rows and parsed.total > 0


@given(st.text(max_size=500))
def test_any_text_after_a_valid_header_either_reads_or_is_refused_cleanly(body):
    try:
        parsed = parse_population_csv(("nr,kommun,invanare\n" + body).encode())
    except PopulationFileInvalid as error:
        assert error.problems
    else:
        assert all(row.population >= 0 and row.number > 0 for row in parsed.rows)


def test_the_countys_problems_read_in_swedish():
    content = county_file(replace={"2,Danderyd,31330": "2,Gotham,31330", "3,Ekerö,25410": ""})
    with translation.override("sv"):
        with pytest.raises(PopulationFileInvalid) as caught:
            parse_population_csv(content)
        problems = [str(problem) for problem in caught.value.problems]
    assert problems == [
        "Rad 3, kolumn ”kommun”: ”Gotham” är inte en kommun i Stockholms län.",
        "Kommuner i Stockholms län som saknas: ”Danderyd”, ”Ekerö”.",
    ]
