"""The instrument engine (R15): instruments as versioned definitions in data, checked on load,
and the rules that turn answers into a result.

Two kinds of instrument:

- **questionnaire** (PHQ-9, the ASQ screening): items with an answer scale (values and
  labels), scored by ``sum`` (total → severity bands) or by ``rules`` (ordered outcomes, the
  first whose condition holds), with ``triggers`` (a condition → a prompt shown after saving,
  e.g. "PHQ-9 item 9 above 0 → the suicide-risk screening"). An item may be asked only when
  a condition holds (``ask_when``: the ASQ's acuity question after a yes to 1-4).
- **judgement** (a structured-professional-judgement frame): factors rated present / partly
  present / absent / omitted with notes, and three overall judgements (acute risk, future
  risk, severity: low / medium / high), each with a reason. The platform ships no factor
  text: a licensed organisation loads its own (``frames.py``).

Definitions are validated with pydantic (already locked in requirements/base.txt, through
Wagtail): ``definition_parse`` names the file and the field of every problem. The engine
is pure: no database, no request; ``services`` stores what it computes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"
KEY_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"

# The judgement frame's scales are the platform's, not a licensed instrument's.
FACTOR_RATINGS = ("present", "partly", "absent", "omitted")
LEVELS = ("low", "medium", "high")
JUDGEMENTS = ("acute", "future", "severity")
FACTOR_RATING_LABELS = {
    "present": _("Present"),
    "partly": _("Partly present"),
    "absent": _("Absent"),
    "omitted": _("Omitted (not enough information)"),
}
LEVEL_LABELS = {"low": _("Low"), "medium": _("Medium"), "high": _("High")}
JUDGEMENT_LABELS = {"acute": _("Acute risk"), "future": _("Future risk"), "severity": _("Severity")}
# Notes and reasons are free text about a person: bounded so a form cannot store megabytes.
NOTE_MAX_CHARS = 4000


class DefinitionError(ValueError):
    """A definition does not follow the schema: ``problems`` are "file: field: message" lines."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(problems))


# --- the schema ----------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class LocalText(_Strict):
    """A text in Swedish and English. Shipped instruments give both (a test checks); a loaded
    frame may give one, and the other language falls back to it."""

    sv: str = ""
    en: str = ""

    @model_validator(mode="after")
    def _one_at_least(self) -> LocalText:
        if not self.sv and not self.en:
            raise ValueError("give the text in Swedish (sv) or English (en)")
        return self

    def get(self, language: str | None = None) -> str:
        language = (language or get_language() or "sv")[:2]
        first, other = (self.en, self.sv) if language == "en" else (self.sv, self.en)
        return first or other


class ScaleOption(_Strict):
    value: int = Field(ge=0, le=1000)
    label: LocalText


class ItemCondition(_Strict):
    """``item`` ``op`` ``value``: holds when the item was answered and the comparison holds."""

    item: str
    op: Literal[">", ">=", "==", "!=", "<", "<="]
    value: int


class AnyCondition(_Strict):
    any: list[Condition] = Field(min_length=1)


class AllCondition(_Strict):
    all: list[Condition] = Field(min_length=1)


class ScoreCondition(_Strict):
    """The total (sum of the scored items) compared with ``value``."""

    score: Literal[">", ">=", "==", "!=", "<", "<="]
    value: int


Condition = ItemCondition | AnyCondition | AllCondition | ScoreCondition


class Item(_Strict):
    id: str = Field(pattern=KEY_PATTERN)
    text: LocalText
    scale: list[ScaleOption] = Field(min_length=2)
    scored: bool = True
    # Asked only when this holds (ASQ question 5); otherwise it must be left unanswered.
    ask_when: Condition | None = None
    help: LocalText | None = None

    @model_validator(mode="after")
    def _distinct_values(self) -> Item:
        values = [option.value for option in self.scale]
        if len(set(values)) != len(values):
            raise ValueError(f"item {self.id}: the answer scale repeats a value")
        return self


class Band(_Strict):
    """A range of totals (both ends included) and its name: PHQ-9's 10-14 "moderate"."""

    key: str = Field(pattern=KEY_PATTERN)
    min: int
    max: int
    label: LocalText
    action: LocalText | None = None


class Outcome(_Strict):
    """A rule's outcome; the first whose ``when`` holds wins (``when`` absent: always)."""

    key: str = Field(pattern=KEY_PATTERN)
    when: Condition | None = None
    label: LocalText
    level: Literal["none", "low", "medium", "high", "acute"] = "none"
    action: LocalText | None = None


class SumScoring(_Strict):
    method: Literal["sum"]
    bands: list[Band] = Field(min_length=1)


class RulesScoring(_Strict):
    method: Literal["rules"]
    outcomes: list[Outcome] = Field(min_length=1)


class Trigger(_Strict):
    """A prompt shown prominently after saving when ``when`` holds; ``instrument`` is the key
    of the instrument it asks for next (a link to its form)."""

    key: str = Field(pattern=KEY_PATTERN)
    when: Condition
    message: LocalText
    instrument: str | None = Field(default=None, pattern=KEY_PATTERN)


class _Base(_Strict):
    id: str = Field(pattern=KEY_PATTERN)
    version: str = Field(min_length=1, max_length=32)
    title: LocalText
    licence: LocalText
    source: str = ""
    # Texts not yet checked by a native speaker say so ("awaiting native reviewer").
    text_review: str = ""
    description: LocalText | None = None


class Questionnaire(_Base):
    kind: Literal["questionnaire"]
    items: list[Item] = Field(min_length=1)
    scoring: Annotated[SumScoring | RulesScoring, Field(discriminator="method")]
    triggers: list[Trigger] = []

    @model_validator(mode="after")
    def _consistent(self) -> Questionnaire:
        ids = [item.id for item in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("items: two items have the same id")
        known = set(ids)
        conditions: list[tuple[str, Condition]] = [
            (f"items.{item.id}.ask_when", item.ask_when) for item in self.items if item.ask_when
        ]
        conditions += [(f"triggers.{t.key}.when", t.when) for t in self.triggers]
        if isinstance(self.scoring, RulesScoring):
            conditions += [
                (f"scoring.outcomes.{o.key}.when", o.when) for o in self.scoring.outcomes if o.when
            ]
        for where, condition in conditions:
            for name in _condition_items(condition):
                if name not in known:
                    raise ValueError(f"{where}: no item {name!r}")
        if isinstance(self.scoring, SumScoring):
            self._check_bands(self.scoring.bands)
        return self

    def _check_bands(self, bands: list[Band]) -> None:
        """Bands must cover every possible total exactly once, so no total goes unnamed."""
        low = sum(min(o.value for o in item.scale) for item in self.items if item.scored)
        high = sum(max(o.value for o in item.scale) for item in self.items if item.scored)
        expected = low
        for band in sorted(bands, key=lambda b: b.min):
            if band.min > band.max:
                raise ValueError(f"scoring.bands.{band.key}: min above max")
            if band.min != expected:
                raise ValueError(f"scoring.bands.{band.key}: starts at {band.min}, expected {expected}")
            expected = band.max + 1
        if expected != high + 1:
            raise ValueError(f"scoring.bands: end at {expected - 1}, the highest total is {high}")

    def item(self, item_id: str) -> Item:
        return next(item for item in self.items if item.id == item_id)


class Factor(_Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
    text: LocalText
    section: LocalText | None = None


class JudgementFrame(_Base):
    kind: Literal["judgement"]
    factors: list[Factor] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _distinct(self) -> JudgementFrame:
        ids = [factor.id.lower() for factor in self.factors]
        if len(set(ids)) != len(ids):
            raise ValueError("factors: two factors have the same id")
        return self


Definition = Questionnaire | JudgementFrame

# The conditions refer to each other; resolve the forward references once all are defined.
for _model in (AnyCondition, AllCondition, Item, Outcome, Trigger, Questionnaire):
    _model.model_rebuild()


class _Envelope(BaseModel):
    definition: Annotated[Questionnaire | JudgementFrame, Field(discriminator="kind")]


def _condition_items(condition: Condition) -> list[str]:
    if isinstance(condition, ItemCondition):
        return [condition.item]
    if isinstance(condition, AnyCondition):
        return [name for part in condition.any for name in _condition_items(part)]
    if isinstance(condition, AllCondition):
        return [name for part in condition.all for name in _condition_items(part)]
    return []


# --- loading -----------------------------------------------------------------------------


def _where(location: tuple[int | str, ...]) -> str:
    """pydantic's error location as a dotted field path, without its union-branch names."""
    parts = [str(part) for part in location[1:]]  # [0] is the envelope's "definition"
    noise = {"questionnaire", "judgement", "sum", "rules"} | {
        "ItemCondition",
        "AnyCondition",
        "AllCondition",
        "ScoreCondition",
    }
    return ".".join(part for part in parts if part not in noise) or "(top level)"


def definition_parse(data: Any, source: str) -> Definition:
    """A checked definition from ``data`` (parsed JSON). Raises ``DefinitionError`` naming
    ``source`` (a file name) and the field of each problem, e.g.
    ``phq9.json: items.8.scale: List should have at least 2 items``."""
    if not isinstance(data, dict):
        raise DefinitionError(source, [f"{source}: the file must hold one JSON object"])
    if data.get("kind") not in ("questionnaire", "judgement"):
        raise DefinitionError(source, [f"{source}: kind: must be 'questionnaire' or 'judgement'"])
    try:
        return _Envelope.model_validate({"definition": data}).definition
    except ValidationError as error:
        problems = [_problem(source, e["loc"], e["msg"]) for e in error.errors()]
        raise DefinitionError(source, problems) from None


def _problem(source: str, location: tuple[int | str, ...], message: str) -> str:
    """One "file: field: message" line. A check across fields (our model validators) names
    its own fields in its message, so the line does not name the object it was raised on."""
    where = _where(location)
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
        if where == "(top level)":
            return f"{source}: {message}"
    return f"{source}: {where}: {message}"


def definition_load_file(path: Path) -> Definition:
    """The definition in the JSON file ``path``; ``DefinitionError`` names the file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DefinitionError(path.name, [f"{path.name}: not readable JSON: {error}"]) from None
    return definition_parse(data, path.name)


def shipped_definitions(directory: Path | None = None) -> dict[str, Definition]:
    """The instruments shipped in ``instruments/*.json`` (or ``directory``), by id. Raises
    ``DefinitionError`` for the first bad file, or for two files with one id."""
    found: dict[str, Definition] = {}
    for path in sorted((directory or INSTRUMENTS_DIR).glob("*.json")):
        definition = definition_load_file(path)
        if definition.id in found:
            raise DefinitionError(path.name, [f"{path.name}: id: {definition.id!r} is defined twice"])
        found[definition.id] = definition
    return found


def definition_json(definition: Definition) -> dict[str, Any]:
    """The definition as stored: normalised JSON (defaults filled in), parsed again on read."""
    return definition.model_dump(mode="json")


def definition_digest(definition: Definition) -> str:
    """SHA-256 (hex) of the canonical JSON: a changed text under an old version is caught."""
    canonical = json.dumps(definition_json(definition), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def definition_from_stored(data: dict[str, Any]) -> Definition:
    """A definition stored by ``definition_json`` (checked again: it came from the database)."""
    return definition_parse(data, f"{data.get('id', '?')} {data.get('version', '?')}")


# --- answers and results ------------------------------------------------------------------


def _compare(left: int, op: str, right: int) -> bool:
    return {
        ">": left > right,
        ">=": left >= right,
        "==": left == right,
        "!=": left != right,
        "<": left < right,
        "<=": left <= right,
    }[op]


def condition_holds(condition: Condition, answers: Mapping[str, int], total: int) -> bool:
    """Whether ``condition`` holds for ``answers`` (item id → value; unanswered items absent,
    and a comparison with an unanswered item does not hold) and the ``total``."""
    if isinstance(condition, ItemCondition):
        value = answers.get(condition.item)
        return value is not None and _compare(value, condition.op, condition.value)
    if isinstance(condition, AnyCondition):
        return any(condition_holds(part, answers, total) for part in condition.any)
    if isinstance(condition, AllCondition):
        return all(condition_holds(part, answers, total) for part in condition.all)
    return _compare(total, condition.score, condition.value)


@dataclass
class Checked:
    """Answers after validation: ``answers`` (item id → value, only items asked) or ``errors``
    (field name → message for the user); ``errors`` empty means valid."""

    answers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _total(questionnaire: Questionnaire, answers: Mapping[str, int]) -> int:
    return sum(value for key, value in answers.items() if questionnaire.item(key).scored)


def questionnaire_check(questionnaire: Questionnaire, raw: Mapping[str, str]) -> Checked:
    """Checks a form's answers (``raw``: item id → the submitted value, as text).

    Every item asked must have one of its scale's values; an item whose ``ask_when`` does not
    hold must be left unanswered ("" counts as unanswered), since its answer would count for
    nothing and could hide a contradiction (an ASQ "yes" to question 5 after "no" to 1-4).
    Items are checked in order, so ``ask_when`` sees the answers above it.
    """
    checked = Checked()
    answers: dict[str, int] = {}
    for number, item in enumerate(questionnaire.items, start=1):
        value = (raw.get(item.id) or "").strip()
        asked = item.ask_when is None or condition_holds(
            item.ask_when, answers, _total(questionnaire, answers)
        )
        if not asked:
            if value:
                checked.errors[item.id] = str(
                    _(
                        "Question %(number)s is asked only after the answers above call for it: "
                        "choose “Not asked”."
                    )
                    % {"number": number}
                )
            continue
        allowed = {str(option.value): option.value for option in item.scale}
        if value not in allowed:
            message = (
                _("Answer question %(number)s.")
                if not value
                else _("Choose one of the answers to question %(number)s.")
            )
            checked.errors[item.id] = str(message % {"number": number})
            continue
        answers[item.id] = allowed[value]
    if not checked.errors:
        checked.answers = dict(answers)
    return checked


def questionnaire_result(questionnaire: Questionnaire, answers: Mapping[str, int]) -> dict[str, Any]:
    """The result stored with an assessment: JSON-safe, with everything the result page needs
    from the version used, so a later version cannot change it.

    ``{"score": int, "max_score": int, "band": key|None, "outcome": key|None,
    "level": str, "triggers": [key, ...]}``: ``band`` for ``sum`` scoring (the band holding
    the total), ``outcome`` for ``rules`` (the first outcome whose condition holds; None if
    none does, which the checked definitions' last unconditional outcome prevents).
    """
    total = _total(questionnaire, answers)
    maximum = sum(max(o.value for o in item.scale) for item in questionnaire.items if item.scored)
    result: dict[str, Any] = {
        "score": total,
        "max_score": maximum,
        "band": None,
        "outcome": None,
        "level": "none",
    }
    scoring = questionnaire.scoring
    if isinstance(scoring, SumScoring):
        band = next((b for b in scoring.bands if b.min <= total <= b.max), None)
        result["band"] = band.key if band else None
    else:
        outcome = next(
            (o for o in scoring.outcomes if o.when is None or condition_holds(o.when, answers, total)), None
        )
        result["outcome"] = outcome.key if outcome else None
        result["level"] = outcome.level if outcome else "none"
    result["triggers"] = [t.key for t in questionnaire.triggers if condition_holds(t.when, answers, total)]
    return result


def judgement_check(frame: JudgementFrame, raw: Mapping[str, str]) -> Checked:
    """Checks a judgement form: ``factor-<id>`` (a rating), ``note-<id>`` (optional text),
    ``level-<judgement>`` (low/medium/high) and ``reason-<judgement>`` (required text).

    ``answers``: ``{"factors": {id: {"rating", "note"}}, "judgements": {name: {"level", "reason"}}}``.
    """
    checked = Checked()
    factors: dict[str, dict[str, str]] = {}
    for number, factor in enumerate(frame.factors, start=1):
        rating = (raw.get(f"factor-{factor.id}") or "").strip()
        note = (raw.get(f"note-{factor.id}") or "").strip()
        if rating not in FACTOR_RATINGS:
            checked.errors[f"factor-{factor.id}"] = str(
                _("Rate factor %(number)s (%(id)s): present, partly present, absent or omitted.")
                % {"number": number, "id": factor.id}
            )
        if len(note) > NOTE_MAX_CHARS:
            checked.errors[f"note-{factor.id}"] = str(
                _("The note on factor %(id)s is too long (at most %(max)s characters).")
                % {"id": factor.id, "max": NOTE_MAX_CHARS}
            )
        factors[factor.id] = {"rating": rating, "note": note}
    judgements: dict[str, dict[str, str]] = {}
    for name in JUDGEMENTS:
        level = (raw.get(f"level-{name}") or "").strip()
        reason = (raw.get(f"reason-{name}") or "").strip()
        label = JUDGEMENT_LABELS[name]
        if level not in LEVELS:
            checked.errors[f"level-{name}"] = str(_("Judge %(what)s: low, medium or high.") % {"what": label})
        if not reason:
            checked.errors[f"reason-{name}"] = str(
                _("Give the reason for the judgement of %(what)s.") % {"what": label}
            )
        elif len(reason) > NOTE_MAX_CHARS:
            checked.errors[f"reason-{name}"] = str(
                _("The reason for %(what)s is too long (at most %(max)s characters).")
                % {"what": label, "max": NOTE_MAX_CHARS}
            )
        judgements[name] = {"level": level, "reason": reason}
    if not checked.errors:
        checked.answers = {"factors": factors, "judgements": judgements}
    return checked


def judgement_result(frame: JudgementFrame, answers: Mapping[str, Any]) -> dict[str, Any]:
    """``{"judgements": {"acute"|"future"|"severity": level}, "factors": {rating: count}}``:
    the levels (the reasons stay with the answers) and how many factors had each rating."""
    counts = dict.fromkeys(FACTOR_RATINGS, 0)
    for factor in answers["factors"].values():
        counts[factor["rating"]] += 1
    return {
        "judgements": {name: answers["judgements"][name]["level"] for name in JUDGEMENTS},
        "factors": counts,
    }


def answers_check(definition: Definition, raw: Mapping[str, str]) -> Checked:
    if isinstance(definition, Questionnaire):
        return questionnaire_check(definition, raw)
    return judgement_check(definition, raw)


def result_compute(definition: Definition, answers: Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(definition, Questionnaire):
        return questionnaire_result(definition, answers)
    return judgement_result(definition, answers)
