"""Reads of assessments that apply the case's access rules (R20).

Every function takes the user and returns nothing (an empty list, or ``NotFound``) for
someone who may not open the case now: assigned staff, the case's supervisor and holders of
an unexpired reasoned grant may (``cases.selectors.cases_visible_to``). Decrypting happens
here; the audit events of reads are recorded by ``services`` (the views call both).

The follow-up timeline (issue 10, item 4) reads ``risk_judgements_for_case`` and
``assessment_results_for_case``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max
from django.utils.translation import gettext as _

from hedershus.assessments import engine
from hedershus.assessments.engine import (
    FACTOR_RATING_LABELS,
    JUDGEMENT_LABELS,
    JUDGEMENTS,
    LEVEL_LABELS,
    Definition,
    JudgementFrame,
    Questionnaire,
    SumScoring,
)
from hedershus.assessments.models import Assessment, Instrument, InstrumentSource
from hedershus.cases.models import Case
from hedershus.cases.selectors import cases_visible_to
from hedershus.core.crypto import decrypt_text
from hedershus.core.exceptions import NotFound


def _may_open(user: Any, case: Case) -> bool:
    return cases_visible_to(user).filter(pk=case.pk).exists()


# --- instruments --------------------------------------------------------------------------


@dataclass(frozen=True)
class InstrumentChoice:
    """An instrument a form can be started with: its newest version."""

    key: str
    version: str
    definition: Definition

    @property
    def title(self) -> str:
        return self.definition.title.get()

    @property
    def is_judgement(self) -> bool:
        return isinstance(self.definition, JudgementFrame)


def instruments_available() -> list[InstrumentChoice]:
    """The shipped instruments (their files' versions) and the newest version of every loaded
    judgement frame, questionnaires first, then by title."""
    found = [InstrumentChoice(d.id, d.version, d) for d in engine.shipped_definitions().values()]
    loaded = Instrument.objects.filter(source=InstrumentSource.LOADED)
    newest = loaded.values("key").annotate(last=Max("id")).values("last")
    for row in loaded.filter(id__in=newest):
        definition = engine.definition_from_stored(row.definition)
        found.append(InstrumentChoice(row.key, row.version, definition))
    return sorted(found, key=lambda c: (c.is_judgement, c.title.lower()))


def instrument_for_form(key: str) -> InstrumentChoice:
    """The newest version of instrument ``key``; ``NotFound`` if there is none."""
    for choice in instruments_available():
        if choice.key == key:
            return choice
    raise NotFound(_("No such instrument."))


def instrument_version_definition(key: str, version: str) -> Definition | None:
    """The stored definition of ``key`` at ``version``, or None if that version is not stored."""
    row = Instrument.objects.filter(key=key, version=version).first()
    return engine.definition_from_stored(row.definition) if row else None


def frames_loaded() -> list[Instrument]:
    """Every loaded judgement frame version, by id and newest first (the supervisors' page)."""
    rows = Instrument.objects.filter(source=InstrumentSource.LOADED).select_related("loaded_by")
    return list(rows.order_by("key", "-loaded_at", "-id"))


# --- completed assessments -----------------------------------------------------------------


@dataclass(frozen=True)
class Prompt:
    """What the result asks the assessor to do next, shown prominently: ``instrument`` is the
    key of the instrument to run (a link), ``urgent`` an acute one."""

    message: str
    instrument: str | None = None
    urgent: bool = False
    instrument_title: str = ""


@dataclass
class AssessmentView:
    """A completed assessment with its version's definition, decrypted result and (for the
    result page only) answers. ``summary`` is the line the list shows."""

    assessment: Assessment
    definition: Definition
    result: dict[str, Any]
    answers: dict[str, Any] | None = None
    prompts: list[Prompt] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.definition.title.get()

    @property
    def is_judgement(self) -> bool:
        return isinstance(self.definition, JudgementFrame)

    @property
    def needs_action(self) -> bool:
        """A trigger fired or the outcome calls for action (shown beside it in the list)."""
        return any(prompt.urgent for prompt in self.prompts)

    @property
    def band_label(self) -> str:
        if not isinstance(self.definition, Questionnaire):
            return ""
        scoring = self.definition.scoring
        if isinstance(scoring, SumScoring):
            band = next((b for b in scoring.bands if b.key == self.result.get("band")), None)
            return band.label.get() if band else ""
        outcome = next((o for o in scoring.outcomes if o.key == self.result.get("outcome")), None)
        return outcome.label.get() if outcome else ""

    @property
    def shows_score(self) -> bool:
        return isinstance(self.definition, Questionnaire) and isinstance(self.definition.scoring, SumScoring)

    @property
    def judgements(self) -> list[dict[str, str]]:
        """``[{"name", "label", "level", "level_label", "reason"}]`` (reason only with answers)."""
        if not self.is_judgement:
            return []
        levels = self.result.get("judgements", {})
        reasons = (self.answers or {}).get("judgements", {})
        return [
            {
                "name": name,
                "label": str(JUDGEMENT_LABELS[name]),
                "level": levels.get(name, ""),
                "level_label": str(LEVEL_LABELS.get(levels.get(name, ""), "")),
                "reason": reasons.get(name, {}).get("reason", ""),
            }
            for name in JUDGEMENTS
        ]

    @property
    def summary(self) -> str:
        if self.is_judgement:
            return "; ".join(f"{j['label']}: {j['level_label']}" for j in self.judgements)
        if self.shows_score:
            return _("%(score)s of %(max)s: %(band)s") % {
                "score": self.result["score"],
                "max": self.result["max_score"],
                "band": self.band_label,
            }
        return self.band_label

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The answers, item by item: ``[{"number", "text", "answer", "section"?, "note"?}]``."""
        answers = self.answers or {}
        if isinstance(self.definition, Questionnaire):
            rows = []
            for number, item in enumerate(self.definition.items, start=1):
                value = answers.get(item.id)
                option = next((o for o in item.scale if o.value == value), None)
                text = f"{option.label.get()} ({option.value})" if option else _("Not asked")
                rows.append({"number": number, "text": item.text.get(), "answer": text})
            return rows
        factors = answers.get("factors", {})
        rows = []
        for number, factor in enumerate(self.definition.factors, start=1):
            given = factors.get(factor.id, {})
            rows.append(
                {
                    "number": number,
                    "id": factor.id,
                    "text": factor.text.get(),
                    "section": factor.section.get() if factor.section else "",
                    "answer": str(FACTOR_RATING_LABELS.get(given.get("rating", ""), "")),
                    "note": given.get("note", ""),
                }
            )
        return rows


def _prompts(definition: Definition, result: dict[str, Any]) -> list[Prompt]:
    """The triggers that fired and, for a rules outcome with an action at a high or acute
    level, that action: from the version used, so they read as they did when it was saved."""
    if not isinstance(definition, Questionnaire):
        return []
    fired = set(result.get("triggers", []))
    shipped = engine.shipped_definitions()
    prompts = [
        Prompt(
            t.message.get(),
            t.instrument,
            urgent=True,
            instrument_title=shipped[t.instrument].title.get() if t.instrument in shipped else "",
        )
        for t in definition.triggers
        if t.key in fired
    ]
    scoring = definition.scoring
    if not isinstance(scoring, SumScoring):
        outcome = next((o for o in scoring.outcomes if o.key == result.get("outcome")), None)
        if outcome is not None and outcome.action is not None:
            prompts.append(Prompt(outcome.action.get(), None, urgent=outcome.level in ("high", "acute")))
    return prompts


def _view(assessment: Assessment, cache: dict[int, Definition], *, with_answers: bool) -> AssessmentView:
    definition = cache.get(assessment.instrument_id)
    if definition is None:
        definition = cache[assessment.instrument_id] = engine.definition_from_stored(
            assessment.instrument.definition
        )
    result = json.loads(decrypt_text(assessment.result_encrypted))
    answers = json.loads(decrypt_text(assessment.answers_encrypted)) if with_answers else None
    return AssessmentView(assessment, definition, result, answers, _prompts(definition, result))


def assessments_for_case(user: Any, case: Case) -> list[AssessmentView]:
    """The case's completed assessments, newest first, with results but no answers; empty for
    anyone who may not open the case."""
    if not _may_open(user, case):
        return []
    rows = (
        Assessment.objects.filter(case=case)
        .select_related("instrument", "performed_by")
        .order_by("-performed_at", "-id")
    )
    cache: dict[int, Definition] = {}
    return [_view(row, cache, with_answers=False) for row in rows]


def assessment_get_for_user(user: Any, case: Case, assessment_id: int) -> AssessmentView:
    """One assessment of ``case`` with its answers; ``NotFound`` if it is not on this case or
    ``user`` may not open the case."""
    if not _may_open(user, case):
        raise NotFound(_("No such assessment."))
    row = (
        Assessment.objects.filter(case=case, pk=assessment_id)
        .select_related("instrument", "performed_by", "case")
        .first()
    )
    if row is None:
        raise NotFound(_("No such assessment."))
    return _view(row, {}, with_answers=True)


# --- the follow-up timeline's read API -------------------------------------------------------


@dataclass(frozen=True)
class RiskJudgement:
    """One structured-professional-judgement on a case: the levels (``"low"``, ``"medium"``,
    ``"high"``) of acute risk, future risk and severity, when, and by which frame version."""

    assessment_id: int
    performed_at: dt.datetime
    acute: str
    future: str
    severity: str
    instrument: str
    version: str
    # The frame's title in the current language: what a page shows (``instrument`` is its key).
    title: str

    @property
    def date(self) -> dt.date:
        return self.performed_at.date()


@dataclass(frozen=True)
class AssessmentResult:
    """One completed assessment's result for the timeline: ``score``/``max_score`` for summed
    instruments (else None), ``band`` or ``outcome`` key, ``label`` (in the current language),
    ``level`` (rules outcomes: none/low/medium/high/acute; judgements: the acute-risk level),
    ``title``: the instrument's title in the current language, for a page or a timeline label
    (``instrument`` is its key, an internal code such as ``phq9``: for links, never shown)."""

    assessment_id: int
    performed_at: dt.datetime
    instrument: str
    version: str
    kind: str
    label: str
    score: int | None
    max_score: int | None
    band: str | None
    outcome: str | None
    level: str
    title: str


def risk_judgements_for_case(user: Any, case: Case) -> list[RiskJudgement]:
    """Every judgement-frame assessment of ``case``, oldest first (a timeline reads forward);
    empty for anyone who may not open the case."""
    found = []
    for view in reversed(assessments_for_case(user, case)):
        if not view.is_judgement:
            continue
        levels = view.result["judgements"]
        found.append(
            RiskJudgement(
                assessment_id=view.assessment.pk,
                performed_at=view.assessment.performed_at,
                acute=levels["acute"],
                future=levels["future"],
                severity=levels["severity"],
                instrument=view.assessment.instrument.key,
                version=view.assessment.instrument.version,
                title=view.title,
            )
        )
    return found


def assessment_results_for_case(user: Any, case: Case) -> list[AssessmentResult]:
    """Every completed assessment of ``case``, oldest first, as ``AssessmentResult``; empty for
    anyone who may not open the case."""
    found = []
    for view in reversed(assessments_for_case(user, case)):
        summed = view.shows_score
        found.append(
            AssessmentResult(
                assessment_id=view.assessment.pk,
                performed_at=view.assessment.performed_at,
                instrument=view.assessment.instrument.key,
                version=view.assessment.instrument.version,
                kind=view.assessment.instrument.kind,
                label=view.summary,
                score=view.result.get("score") if summed else None,
                max_score=view.result.get("max_score") if summed else None,
                band=view.result.get("band"),
                outcome=view.result.get("outcome"),
                level=view.result["judgements"]["acute"]
                if view.is_judgement
                else view.result.get("level", "none"),
                title=view.title,
            )
        )
    return found
