"""Reads of follow-up (R18): one timeline of a case, from what the case apps record.

The caller has opened the case through ``cases.selectors.case_get_for_user``; the risk
judgements are read through assessments' own selector, which applies the same rule again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from hedershus.assessments.engine import LEVEL_LABELS
from hedershus.assessments.selectors import assessment_results_for_case, risk_judgements_for_case
from hedershus.cases.models import Case, Channel, Contact, Decision, DecisionKind
from hedershus.core.crypto import decrypt_text
from hedershus.followup.chart import Chart, chart_build
from hedershus.followup.models import FollowUp, LifeDomain, MeasureKind, ProtectiveMeasure, Rating
from hedershus.referrals.selectors import referral_steps_for_timeline


@dataclass(frozen=True)
class FollowUpRow:
    """One follow-up for the data table: the rating per domain in ``LifeDomain`` order
    (None: not assessed that day) and its note, decrypted."""

    follow_up: FollowUp
    ratings: tuple[int | None, ...]
    note: str

    @property
    def cells(self) -> list[tuple[int | None, str]]:
        return [(value, str(Rating(value).label) if value else "") for value in self.ratings]


@dataclass(frozen=True)
class MeasureRow:
    measure: ProtectiveMeasure
    note: str


@dataclass(frozen=True)
class TimelineEvent:
    """One line of the chronological timeline; ``kind`` names its CSS class. A referral's
    step also has its moment (``at``, aware: shown with the time, as two steps of a day must
    be told apart) and ``referral_id`` (the row links to the referral's page)."""

    day: dt.date
    kind: str
    text: str
    at: dt.datetime | None = None
    referral_id: int | None = None


@dataclass
class Timeline:
    case: Case
    chart: Chart
    follow_ups: list[FollowUpRow] = field(default_factory=list)
    measures: list[MeasureRow] = field(default_factory=list)
    events: list[TimelineEvent] = field(default_factory=list)

    @property
    def domains(self) -> list[tuple[str, str]]:
        return [(str(domain.value), str(domain.label)) for domain in LifeDomain]

    @property
    def series_by_key(self) -> dict[str, Any]:
        return {series.key: series for series in self.chart.series}


def _decrypted(token: str) -> str:
    return decrypt_text(token) if token else ""


def case_timeline(user: Any, case: Case) -> Timeline:
    """``case``'s follow-up over time for ``user``, who may open it: the ratings of every
    follow-up (chart and table), protective measures, contacts, risk judgements and the
    holistic decisions, and the steps of the case's referrals, as one chart and one chronological list,
    oldest first. Notes are decrypted here for the page; nothing is recorded (the view
    records the read through ``services.timeline_viewed``)."""
    follow_ups = list(FollowUp.objects.filter(case=case).prefetch_related("ratings"))
    measures = list(ProtectiveMeasure.objects.filter(case=case))
    contacts = list(Contact.objects.filter(case=case).order_by("occurred_at", "id"))
    decisions = list(Decision.objects.filter(case=case).order_by("decided_at", "id"))
    judgements = risk_judgements_for_case(user, case)
    results = assessment_results_for_case(user, case)
    referral_steps = referral_steps_for_timeline(case)

    order = list(LifeDomain)
    rows = []
    per_domain: dict[str, list[tuple[dt.date, int]]] = {domain.value: [] for domain in order}
    for follow_up in follow_ups:
        by_domain = {rating.domain: rating.rating for rating in follow_up.ratings.all()}
        for domain, value in by_domain.items():
            per_domain[domain].append((follow_up.held_on, value))
        rows.append(
            FollowUpRow(
                follow_up,
                tuple(by_domain.get(domain.value) for domain in order),
                _decrypted(follow_up.note_encrypted),
            )
        )

    def local(moment: dt.datetime) -> dt.date:
        return timezone.localdate(moment)

    channel_labels = dict(Channel.choices)
    decision_labels = dict(DecisionKind.choices)
    measure_labels = dict(MeasureKind.choices)
    chart = chart_build(
        domains=[(domain.value, str(domain.label), per_domain[domain.value]) for domain in order],
        rows=[
            (
                "contacts",
                _("Contacts"),
                [(local(c.occurred_at), str(channel_labels.get(c.channel, c.channel)), "") for c in contacts],
            ),
            (
                "risk",
                _("Acute risk"),
                [(local(j.performed_at), str(LEVEL_LABELS[j.acute]), j.acute) for j in judgements],
            ),
            (
                "decisions",
                _("Decisions"),
                [(local(d.decided_at), str(decision_labels.get(d.kind, d.kind)), d.kind) for d in decisions],
            ),
            (
                "referrals",
                _("Referrals"),
                [(local(step.at), step.text, step.kind) for step in referral_steps],
            ),
        ],
        spans=(
            "measures",
            _("Protective measures"),
            [(m.started_on, m.ended_on, str(measure_labels.get(m.kind, m.kind))) for m in measures],
        ),
        today=timezone.localdate(),
    )

    events: list[TimelineEvent] = []
    for row in rows:
        rated = ", ".join(
            f"{label} {value}"
            for (_key, label), value in zip(_domain_pairs(), row.ratings, strict=True)
            if value
        )
        events.append(
            TimelineEvent(row.follow_up.held_on, "follow-up", _("Follow-up: %(rated)s") % {"rated": rated})
        )
    for contact in contacts:
        label = channel_labels.get(contact.channel, contact.channel)
        events.append(
            TimelineEvent(
                local(contact.occurred_at), "contact", _("Contact: %(channel)s") % {"channel": label}
            )
        )
    for result in results:
        events.append(
            TimelineEvent(
                local(result.performed_at),
                "assessment",
                _("Assessment %(instrument)s: %(result)s")
                % {"instrument": result.title, "result": result.label},
            )
        )
    for decision in decisions:
        label = decision_labels.get(decision.kind, decision.kind)
        events.append(
            TimelineEvent(local(decision.decided_at), "decision", _("Decision: %(kind)s") % {"kind": label})
        )
    for measure in measures:
        label = measure_labels.get(measure.kind, measure.kind)
        events.append(
            TimelineEvent(measure.started_on, "measure", _("Measure begins: %(kind)s") % {"kind": label})
        )
        if measure.ended_on:
            events.append(
                TimelineEvent(measure.ended_on, "measure", _("Measure ends: %(kind)s") % {"kind": label})
            )
    # Each step of each referral (R16): sent, received, accepted or declined, done, withdrawn,
    # escalated; the unit's name only, never a reason or what was shared.
    for step in referral_steps:
        events.append(
            TimelineEvent(local(step.at), "referral", step.text, at=step.at, referral_id=step.referral_id)
        )
    events.sort(key=lambda event: event.day)
    return Timeline(
        case=case,
        chart=chart,
        follow_ups=rows,
        measures=[MeasureRow(m, _decrypted(m.note_encrypted)) for m in measures],
        events=events,
    )


def _domain_pairs() -> list[tuple[str, str]]:
    return [(str(domain.value), str(domain.label)) for domain in LifeDomain]


def measure_get(case: Case, measure_id: int) -> ProtectiveMeasure | None:
    """Measure ``measure_id`` if it belongs to ``case`` (the caller opened the case)."""
    return ProtectiveMeasure.objects.filter(case=case, pk=measure_id).first()
