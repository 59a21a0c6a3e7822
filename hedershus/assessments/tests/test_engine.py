"""The instrument engine: loading and checking definitions, scoring, triggers, ASQ rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedershus.assessments import engine
from hedershus.assessments.engine import DefinitionError, JudgementFrame, Questionnaire
from hedershus.assessments.frames import frame_parse
from hedershus.assessments.tests.helpers import asq, judgement, phq9, phq9_total

EXAMPLES = Path(engine.__file__).resolve().parent / "examples"


def _phq9() -> Questionnaire:
    definition = engine.shipped_definitions()["phq9"]
    assert isinstance(definition, Questionnaire)
    return definition


def _asq() -> Questionnaire:
    definition = engine.shipped_definitions()["asq"]
    assert isinstance(definition, Questionnaire)
    return definition


def _score(answers: dict[str, str]) -> dict:
    checked = engine.questionnaire_check(_phq9(), answers)
    assert not checked.errors, checked.errors
    return engine.questionnaire_result(_phq9(), checked.answers)


def _screen(answers: dict[str, str]) -> dict:
    checked = engine.questionnaire_check(_asq(), answers)
    assert not checked.errors, checked.errors
    return engine.questionnaire_result(_asq(), checked.answers)


# --- loading ---------------------------------------------------------------------------------


def test_the_shipped_instruments_load_with_both_languages_and_licence_notes():
    found = engine.shipped_definitions()
    assert set(found) == {"phq9", "asq"}
    for definition in found.values():
        assert isinstance(definition, Questionnaire)
        texts = [definition.title, definition.licence, *(item.text for item in definition.items)]
        texts += [option.label for item in definition.items for option in item.scale]
        assert all(text.sv and text.en for text in texts), definition.id
    assert "No permission required" in found["phq9"].licence.en
    assert "public domain" in found["asq"].licence.en
    # Swedish wording not checked by a native speaker says so.
    assert found["phq9"].text_review == "awaiting native reviewer"


def _write(tmp_path: Path, name: str, data: object) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _phq9_data() -> dict:
    return json.loads((engine.INSTRUMENTS_DIR / "phq9.json").read_text(encoding="utf-8"))


def test_a_schema_error_names_the_file_and_the_field(tmp_path):
    data = _phq9_data()
    data["items"][8]["scale"] = [{"value": 0, "label": {"sv": "Nej"}}]
    with pytest.raises(DefinitionError) as caught:
        engine.definition_load_file(_write(tmp_path, "broken.json", data))
    assert caught.value.problems == [
        "broken.json: items.8.scale: List should have at least 2 items after validation, not 1"
    ]


def test_a_missing_field_and_an_unknown_field_are_both_named(tmp_path):
    data = _phq9_data()
    del data["licence"]
    data["items"][0]["colour"] = "red"
    with pytest.raises(DefinitionError) as caught:
        engine.definition_load_file(_write(tmp_path, "two.json", data))
    problems = caught.value.problems
    assert "two.json: licence: Field required" in problems
    assert "two.json: items.0.colour: Extra inputs are not permitted" in problems


def test_bands_that_leave_a_total_unnamed_are_refused(tmp_path):
    data = _phq9_data()
    data["scoring"]["bands"][1]["min"] = 6  # 5 would belong to no band
    with pytest.raises(DefinitionError) as caught:
        engine.definition_load_file(_write(tmp_path, "gap.json", data))
    assert caught.value.problems == ["gap.json: scoring.bands.mild: starts at 6, expected 5"]


def test_a_condition_naming_an_unknown_item_is_refused(tmp_path):
    data = _phq9_data()
    data["triggers"][0]["when"]["item"] = "item99"
    with pytest.raises(
        DefinitionError, match=r"^bad\.json: triggers\.item9_suicide_screening\.when: no item 'item99'"
    ):
        engine.definition_load_file(_write(tmp_path, "bad.json", data))


def test_unreadable_json_and_an_unknown_kind_are_named(tmp_path):
    path = tmp_path / "text.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"^text\.json: not readable JSON"):
        engine.definition_load_file(path)
    with pytest.raises(DefinitionError, match=r"^kind\.json: kind: must be"):
        engine.definition_load_file(_write(tmp_path, "kind.json", {"kind": "quiz"}))


def test_two_files_with_one_id_are_refused(tmp_path):
    _write(tmp_path, "a.json", _phq9_data())
    _write(tmp_path, "b.json", _phq9_data())
    with pytest.raises(DefinitionError, match=r"b\.json: id: 'phq9' is defined twice"):
        engine.shipped_definitions(tmp_path)


def test_the_stored_form_reads_back_to_the_same_definition_and_digest():
    definition = _phq9()
    again = engine.definition_from_stored(engine.definition_json(definition))
    assert again == definition
    assert engine.definition_digest(again) == engine.definition_digest(definition)


# --- PHQ-9 scoring ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_total_falls_in_its_published_band(total, band):
    result = _score(phq9_total(total))
    assert (result["score"], result["max_score"], result["band"]) == (total, 27, band)


def test_phq9_difficulty_item_is_not_scored():
    assert _score(phq9(1, 1, difficulty="3"))["score"] == 2


def test_phq9_item9_above_zero_prompts_the_suicide_screening():
    assert _score(phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))["triggers"] == ["item9_suicide_screening"]
    assert _phq9().triggers[0].instrument == "asq"


def test_phq9_item9_at_zero_prompts_nothing_even_with_a_severe_total():
    assert _score(phq9(3, 3, 3, 3, 3, 3, 3, 3, 0))["triggers"] == []


def test_phq9_every_item_must_be_answered():
    answers = phq9(1, 2)
    del answers["item4"]
    answers["item7"] = "4"
    checked = engine.questionnaire_check(_phq9(), answers)
    assert set(checked.errors) == {"item4", "item7"}
    assert checked.errors["item4"] == "Answer question 4."
    assert checked.errors["item7"] == "Choose one of the answers to question 7."
    assert checked.answers == {}


def test_phq9_difficulty_is_asked_only_after_a_problem():
    assert "difficulty" in engine.questionnaire_check(_phq9(), phq9(1, difficulty="")).errors
    assert "difficulty" in engine.questionnaire_check(_phq9(), {**phq9(), "difficulty": "2"}).errors
    assert engine.questionnaire_check(_phq9(), phq9()).answers["item1"] == 0


# --- ASQ rules -------------------------------------------------------------------------------


def test_asq_no_to_all_of_1_to_4_is_a_negative_screen():
    result = _screen(asq())
    assert (result["outcome"], result["level"]) == ("negative", "none")


@pytest.mark.parametrize("question", ["q1", "q2", "q3", "q4"])
def test_asq_any_yes_to_1_to_4_is_a_positive_screen(question):
    result = _screen({**asq(q5=0), question: "1"})
    assert (result["outcome"], result["level"]) == ("positive", "high")


def test_asq_yes_to_5_is_an_acute_positive_screen():
    result = _screen(asq(q2=1, q5=1))
    assert (result["outcome"], result["level"]) == ("acute_positive", "acute")


def test_asq_question_5_must_be_answered_after_a_yes():
    checked = engine.questionnaire_check(_asq(), asq(q3=1))
    assert list(checked.errors) == ["q5"]


def test_asq_question_5_answered_without_a_yes_to_1_to_4_is_refused_not_ignored():
    checked = engine.questionnaire_check(_asq(), asq(q5=1))
    assert list(checked.errors) == ["q5"]
    assert "Not asked" in checked.errors["q5"]


@given(st.dictionaries(st.sampled_from(["q1", "q2", "q3", "q4", "q5", "x"]), st.text(max_size=5)))
def test_asq_check_never_fails_on_anything_a_form_sends(raw):
    checked = engine.questionnaire_check(_asq(), raw)
    assert bool(checked.errors) != bool(checked.answers)


# --- judgement frames ------------------------------------------------------------------------


def test_the_example_frames_load_from_json_and_csv():
    from_json = frame_parse((EXAMPLES / "example_frame.json").read_bytes(), "example_frame.json")
    from_csv = frame_parse((EXAMPLES / "example_frame.csv").read_bytes(), "example_frame.csv")
    assert isinstance(from_json, JudgementFrame)
    assert [f.id for f in from_json.factors] == [f.id for f in from_csv.factors] == ["A1", "A2", "B1"]
    assert from_csv.factors[2].section is not None and from_csv.factors[2].section.en == "Part B"
    assert "not a real instrument" in from_json.title.en


def test_a_csv_frame_error_names_the_file_and_the_line():
    content = b"type,id,sv,en\nframe,f,Ram,Frame\nversion,1,,\nlicence,,Licens,\nfactr,A1,Text,\n"
    with pytest.raises(DefinitionError) as caught:
        frame_parse(content, "ours.csv")
    assert caught.value.problems == [
        "ours.csv: line 5: type: unknown type 'factr' (frame, version, licence, source, section or factor)"
    ]


def test_a_csv_frame_without_factors_is_refused_by_the_schema():
    content = b"type,id,sv,en\nframe,f,Ram,Frame\nversion,1,,\nlicence,,Licens,\n"
    with pytest.raises(DefinitionError, match=r"ours\.csv: factors: List should have at least 1 item"):
        frame_parse(content, "ours.csv")


def test_a_questionnaire_is_not_loaded_as_a_frame():
    with pytest.raises(DefinitionError, match="only judgement frames"):
        frame_parse((engine.INSTRUMENTS_DIR / "phq9.json").read_bytes(), "phq9.json")


def _frame() -> JudgementFrame:
    return frame_parse((EXAMPLES / "example_frame.json").read_bytes(), "example_frame.json")


def test_a_judgement_needs_every_factor_rated_and_every_level_with_a_reason():
    data = judgement({"A1": "present", "A2": "bogus"})
    data["reason-future"] = "  "
    checked = engine.judgement_check(_frame(), data)
    assert set(checked.errors) == {"factor-A2", "factor-B1", "reason-future"}
    assert checked.answers == {}


def test_a_judgement_result_holds_the_levels_and_counts_the_ratings():
    data = judgement({"A1": "present", "A2": "partly", "B1": "omitted"}, acute="high", future="low")
    checked = engine.judgement_check(_frame(), data)
    assert not checked.errors
    result = engine.judgement_result(_frame(), checked.answers)
    assert result["judgements"] == {"acute": "high", "future": "low", "severity": "low"}
    assert result["factors"] == {"present": 1, "partly": 1, "absent": 0, "omitted": 1}
    assert "reason" not in json.dumps(result)


@given(st.binary(max_size=300), st.sampled_from(["f.csv", "f.json"]))
def test_a_frame_file_of_any_bytes_is_loaded_or_refused_with_problems_never_a_crash(content, name):
    try:
        frame_parse(content, name)
    except DefinitionError as error:
        assert error.problems and all(problem.startswith(f"{name}: ") for problem in error.problems)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["frame", "version", "licence", "section", "factor", "x", ""]),
            st.text(max_size=8),
            st.text(max_size=8),
            st.text(max_size=8),
        ),
        max_size=8,
    )
)
def test_a_csv_frame_of_any_rows_is_loaded_or_refused_with_problems(rows):
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["type", "id", "sv", "en"])
    writer.writerows(rows)
    try:
        frame = frame_parse(out.getvalue().encode(), "rows.csv")
    except DefinitionError as error:
        assert error.problems
    else:
        assert frame.factors
