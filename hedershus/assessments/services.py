"""Every write of the assessments app, each with its audit event in the same transaction.

Audit events carry the case, the assessment and the instrument's key and version, never an
answer, note, score or level (docs: "The audit log"; R20, R22).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hedershus.assessments import engine
from hedershus.assessments.engine import Definition, DefinitionError
from hedershus.assessments.frames import frame_parse
from hedershus.assessments.models import Assessment, Instrument, InstrumentSource
from hedershus.audit.services import audit_record
from hedershus.cases.models import Case
from hedershus.cases.selectors import case_get_for_user
from hedershus.core.access import Capability, user_has_capability
from hedershus.core.crypto import encrypt_text
from hedershus.core.exceptions import AccessDenied, Conflict, InvalidInput, NotFound


class AnswersInvalid(InvalidInput):
    """Some answers are missing or wrong; ``errors`` maps each form field to its message.
    Nothing was saved."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(
            _("Some answers are missing or wrong. Nothing was saved."), extra={"fields": sorted(errors)}
        )
        self.errors = errors


class FrameInvalid(InvalidInput):
    """A frame file does not follow the schema; ``problems`` name the file, line or field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(_("The file was not loaded: %(problem)s") % {"problem": problems[0]})
        self.problems = problems


def _store(definition: Definition, *, source: str, actor: Any) -> tuple[Instrument, bool]:
    """The row of ``definition``'s version: created (audited) if new, the existing one if it
    holds the same content. The same version with other content is refused: a version, once
    used, must mean one text forever."""
    digest = engine.definition_digest(definition)
    existing = Instrument.objects.filter(key=definition.id, version=definition.version).first()
    if existing is not None:
        if existing.digest != digest:
            raise Conflict(
                _(
                    "Version %(version)s of %(key)s is already loaded with other content. "
                    "Give the new content a new version."
                )
                % {"version": definition.version, "key": definition.id}
            )
        return existing, False
    try:
        with transaction.atomic():
            instrument = Instrument.objects.create(
                key=definition.id,
                version=definition.version,
                kind=definition.kind,
                source=source,
                definition=engine.definition_json(definition),
                digest=digest,
                loaded_by=actor,
                loaded_at=timezone.now(),
            )
            audit_record(
                "assessment.instrument_loaded",
                actor=actor,
                target=instrument,
                data={"instrument": definition.id, "version": definition.version, "source": source},
            )
    except IntegrityError:  # loaded by someone else at the same moment: theirs stands
        return _store(definition, source=source, actor=actor)
    return instrument, True


def instrument_shipped_ensure(key: str) -> Instrument:
    """The row of the shipped instrument ``key``'s current file version (created on first
    use). A file changed without a new version is a deployment error, never silently used:
    old assessments would show texts their answers were not given to."""
    definition = engine.shipped_definitions().get(key)
    if definition is None:
        raise NotFound(_("No such instrument."))
    try:
        instrument, _created = _store(definition, source=InstrumentSource.SHIPPED, actor=None)
    except Conflict as error:
        raise ImproperlyConfigured(
            f"instruments/{key}.json changed but kept version {definition.version}: give it a new version"
        ) from error
    return instrument


def frame_load(*, actor: Any, content: bytes, filename: str) -> tuple[Instrument, bool]:
    """Loads a judgement frame file (JSON or CSV, ``frames.py``) as a new instrument version.

    ``actor``: a supervisor (SUPERVISE_CASES), or None for the management command (the
    system). Returns (the version's row, whether it was new: loading the same file twice is
    harmless). Raises ``FrameInvalid`` (with every problem, naming the file and the field or
    line), ``AccessDenied``, or ``Conflict`` for an id that belongs to a shipped instrument
    or a version already loaded with other content. Older versions stay, with the
    assessments that used them.
    """
    if actor is not None and not user_has_capability(actor, Capability.SUPERVISE_CASES):
        raise AccessDenied(_("Only supervisors load judgement frames."))
    try:
        frame = frame_parse(content, filename)
    except DefinitionError as error:
        raise FrameInvalid(error.problems) from None
    if frame.id in engine.shipped_definitions():
        raise Conflict(
            _("The id %(key)s belongs to an instrument shipped with the platform.") % {"key": frame.id}
        )
    with transaction.atomic():
        return _store(frame, source=InstrumentSource.LOADED, actor=actor)


def _instrument_version(key: str, version: str) -> Instrument:
    """The version the form showed. A shipped instrument's current version is stored on first
    use; any other version must be stored already."""
    instrument = Instrument.objects.filter(key=key, version=version).first()
    if instrument is not None:
        return instrument
    shipped = engine.shipped_definitions().get(key)
    if shipped is not None and shipped.version == version:
        return instrument_shipped_ensure(key)
    raise NotFound(_("No such instrument version."))


def assessment_complete(
    *, actor: Any, case: Case, instrument_key: str, version: str, raw: Mapping[str, str]
) -> Assessment:
    """Stores a completed assessment of ``case`` with the instrument version the form showed.

    ``raw``: the form's fields (item id → value for a questionnaire; ``factor-``, ``note-``,
    ``level-`` and ``reason-`` fields for a judgement frame, see ``engine``). Checks the
    actor may open the case (``case_get_for_user``: NotFound, CaseReasonRequired), then the
    answers: ``AnswersInvalid`` with a message per field, and nothing saved. The answers and
    the computed result are stored encrypted; the result is computed now, by this version's
    rules, and never again. Audited as ``assessment.completed`` (no answers in the event).
    """
    case_get_for_user(actor, case.pk)
    instrument = _instrument_version(instrument_key, version)
    definition = engine.definition_from_stored(instrument.definition)
    checked = engine.answers_check(definition, raw)
    if checked.errors:
        raise AnswersInvalid(checked.errors)
    result = engine.result_compute(definition, checked.answers)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            case=case,
            instrument=instrument,
            answers_encrypted=encrypt_text(json.dumps(checked.answers, ensure_ascii=False)),
            result_encrypted=encrypt_text(json.dumps(result)),
            performed_by=actor,
            performed_at=timezone.now(),
        )
        audit_record(
            "assessment.completed",
            actor=actor,
            target=assessment,
            data={
                "case": case.pk,
                "instrument": instrument.key,
                "version": instrument.version,
                "kind": instrument.kind,
            },
        )
    return assessment


def assessment_list_viewed(*, actor: Any, case: Case) -> None:
    """Records that ``actor`` saw the case's assessment results (a read of case content)."""
    audit_record("assessment.list_viewed", actor=actor, target=case, data={"case": case.pk})


def assessment_viewed(*, actor: Any, assessment: Assessment) -> None:
    """Records that ``actor`` opened one assessment's answers and result."""
    audit_record(
        "assessment.viewed",
        actor=actor,
        target=assessment,
        data={
            "case": assessment.case_id,
            "instrument": assessment.instrument.key,
            "version": assessment.instrument.version,
        },
    )
