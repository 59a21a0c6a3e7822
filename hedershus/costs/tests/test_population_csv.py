"""Reading a population file: the seed's layout, a Swedish spreadsheet's, and every problem
reported by line and column with nothing read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from hedershus.costs.demo import POPULATION_FILE
from hedershus.costs.population_csv import PopulationFileInvalid, parse_population_csv


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
    content = "nr;kommun;invånare\r\n1;Ekerö;25 410\r\n2;Täby;63 789\r\n\r\n".encode("cp1252")
    parsed = parse_population_csv(content)
    assert [(row.name, row.population) for row in parsed.rows] == [("Ekerö", 25_410), ("Täby", 63_789)]
    assert parsed.header_date is None


def _problems(content: str) -> list[str]:
    with pytest.raises(PopulationFileInvalid) as caught:
        parse_population_csv(content.encode())
    return [str(problem) for problem in caught.value.problems]


def test_every_bad_row_is_reported_by_line_and_column():
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
