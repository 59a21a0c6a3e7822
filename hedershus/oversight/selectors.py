"""Reads for log reviews: which audited reads a review of each kind looks at, and the pages.

Only auditors (REVIEW_AUDIT_LOG) see reviews; supervisors (SUPERVISE_CASES) see the reads
marked for follow-up. Everyone else gets nothing (the views answer 404 for an object URL).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hedershus.audit.models import ActorKind, AuditEvent
from hedershus.audit.reads import PERSONAL_DATA_READS
from hedershus.cases.models import Case, CaseAssignment
from hedershus.core.access import Capability, user_has_capability
from hedershus.core.crypto import decrypt_text
from hedershus.oversight.models import LogReview, LogReviewItem, ReviewKind, Verdict

CASE_OBJECT_TYPE = "cases.case"


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """``[start 00:00, end + 1 day 00:00)`` in the site's time zone (TIME_ZONE), as aware
    datetimes: a review's period is whole local days, both ends included."""
    zone = ZoneInfo(settings.TIME_ZONE)
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    finish = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return begin, finish


def staff_reads(start: dt.date, end: dt.date) -> QuerySet[AuditEvent]:
    """Every read of personal data by a signed-in user (``reads.PERSONAL_DATA_READS``) in the
    period, oldest first."""
    begin, finish = period_bounds(start, end)
    return AuditEvent.objects.filter(
        actor_kind=ActorKind.USER,
        event_type__in=PERSONAL_DATA_READS,
        occurred_at__gte=begin,
        occurred_at__lt=finish,
    ).order_by("id")


def _of_cases(case_ids: list[int]) -> Q:
    """Events about these cases: the case itself as target, or named in ``data["case"]``."""
    return Q(object_type=CASE_OBJECT_TYPE, object_id__in=[str(i) for i in case_ids]) | Q(
        data__case__in=case_ids
    )


def event_case_id(event: AuditEvent) -> int | None:
    """The case an audited read concerns, if it names one (target or ``data["case"]``)."""
    if event.object_type == CASE_OBJECT_TYPE and event.object_id.isdigit():
        return int(event.object_id)
    value = event.data.get("case") if isinstance(event.data, dict) else None
    return value if isinstance(value, int) else None


def after_hours(reads: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    """Reads on Saturdays and Sundays, or before LOG_REVIEW_WORKDAY_START or from
    LOG_REVIEW_WORKDAY_END o'clock on weekdays, in local time (public holidays are not known
    to the platform: they count as working days)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    annotated = reads.annotate(
        local_hour=ExtractHour("occurred_at", tzinfo=zone),
        local_weekday=ExtractIsoWeekDay("occurred_at", tzinfo=zone),
    )
    return annotated.filter(
        Q(local_weekday__gte=6)
        | Q(local_hour__lt=settings.LOG_REVIEW_WORKDAY_START)
        | Q(local_hour__gte=settings.LOG_REVIEW_WORKDAY_END)
    )


def unassigned_ids(reads: QuerySet[AuditEvent], limit: int) -> tuple[list[int], int]:
    """Ids of reads of a case by someone not assigned to it at the time (no assignment, or one
    made after the read) and not its supervisor: colleagues who gave a reason, and anyone
    else. Returns (at most ``limit`` ids, how many matched). Reads the case-linked events'
    ids, actors and cases, not their content."""
    case_reads = reads.filter(Q(object_type=CASE_OBJECT_TYPE) | Q(data__has_key="case"))
    rows = [
        (e.pk, e.actor_id, event_case_id(e), e.occurred_at)
        for e in case_reads.only(
            "id", "actor_id", "object_type", "object_id", "data", "occurred_at"
        ).iterator(chunk_size=2000)
    ]
    case_ids = {case_id for _, _, case_id, _ in rows if case_id is not None}
    assigned: dict[tuple[int, int], dt.datetime] = {
        (a.case_id, a.user_id): a.assigned_at for a in CaseAssignment.objects.filter(case_id__in=case_ids)
    }
    supervisors = dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "supervisor_id"))
    matched = []
    for pk, actor_id, case_id, when in rows:
        if case_id is None or actor_id is None or supervisors.get(case_id) == actor_id:
            continue
        since = assigned.get((case_id, actor_id))
        if since is None or since > when:
            matched.append(pk)
    return matched[:limit], len(matched)


def review_candidate_ids(
    kind: str,
    start: dt.date,
    end: dt.date,
    *,
    case_id: int | None = None,
    staff_member_id: int | None = None,
    sample_size: int | None = None,
    seed: int | None = None,
    limit: int,
) -> tuple[list[int], int]:
    """The reads a review of ``kind`` looks at: (at most ``limit`` event ids, oldest first, and
    how many matched). A sample draws ``sample_size`` of the period's reads with
    ``random.Random(seed)``, so the same review can be drawn again. Raises ValueError for a
    targeted kind without its target."""
    reads = staff_reads(start, end)
    if kind == ReviewKind.SAMPLE:
        if not sample_size or seed is None:
            raise ValueError("A sample needs a size and a seed.")
        ids = list(reads.values_list("id", flat=True))
        chosen = random.Random(seed).sample(ids, min(sample_size, len(ids), limit))  # noqa: S311 - not a secret
        return sorted(chosen), len(ids)
    if kind == ReviewKind.CASE:
        if case_id is None:
            raise ValueError("A case review needs a case.")
        matching = reads.filter(_of_cases([case_id]))
    elif kind == ReviewKind.STAFF_MEMBER:
        if staff_member_id is None:
            raise ValueError("A review of a staff member needs the staff member.")
        matching = reads.filter(actor_id=staff_member_id)
    elif kind == ReviewKind.PROTECTED:
        protected = list(Case.objects.filter(protected_identity=True).values_list("pk", flat=True))
        matching = reads.filter(_of_cases(protected)) if protected else reads.none()
    elif kind == ReviewKind.AFTER_HOURS:
        matching = after_hours(reads)
    elif kind == ReviewKind.UNASSIGNED:
        return unassigned_ids(reads, limit)
    else:
        raise ValueError(f"Unknown kind of review: {kind!r}")
    return list(matching.values_list("id", flat=True)[:limit]), matching.count()


def reviews_for(user: Any) -> QuerySet[LogReview]:
    """Every review for an auditor, newest first; none for anyone else."""
    if not user_has_capability(user, Capability.REVIEW_AUDIT_LOG):
        return LogReview.objects.none()
    return LogReview.objects.select_related("created_by", "signed_by", "staff_member").annotate(
        reads=Count("items")
    )


def review_get(user: Any, review_id: int) -> LogReview | None:
    """The review, for an auditor; None for anyone else or a review that does not exist."""
    return reviews_for(user).filter(pk=review_id).first()


@dataclass(frozen=True)
class ItemRow:
    """One read in a review as the page shows it: the comment decrypted, and what was read in
    words (``what``: "Case 2026-0003", "Referral 12, case 2026-0003")."""

    item: LogReviewItem
    event: AuditEvent
    comment: str
    follow_up_note: str
    what: str = ""


def _what_was_read(events: list[AuditEvent]) -> dict[int, str]:
    """Event id → what it read, in words: a case by its number (also when the event names the
    case in its data), anything else by its model's name and id."""
    case_ids = {case_id for event in events if (case_id := event_case_id(event)) is not None}
    references: dict[int | None, str] = dict(
        Case.objects.filter(pk__in=case_ids).values_list("pk", "reference")
    )
    described: dict[int, str] = {}
    for event in events:
        case_id = event_case_id(event)
        case_text = _("case %(reference)s") % {"reference": references.get(case_id, str(case_id))}
        if event.object_type == CASE_OBJECT_TYPE and case_id is not None:
            described[event.pk] = case_text[:1].upper() + case_text[1:]
            continue
        try:
            name = str(apps.get_model(event.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            name = event.object_type
        text = f"{name[:1].upper()}{name[1:]} {event.object_id}".strip()
        described[event.pk] = f"{text}, {case_text}" if case_id is not None else text
    return described


def _rows(items: Any) -> list[ItemRow]:
    items = list(items)
    what = _what_was_read([item.event for item in items])
    return [
        ItemRow(
            item=item,
            event=item.event,
            comment=decrypt_text(item.comment_encrypted) if item.comment_encrypted else "",
            follow_up_note=decrypt_text(item.follow_up_note_encrypted)
            if item.follow_up_note_encrypted
            else "",
            what=what.get(item.event_id, ""),
        )
        for item in items
    ]


def review_items(review: LogReview) -> list[ItemRow]:
    """The review's reads with their judgements, oldest read first."""
    return _rows(review.items.select_related("event", "event__actor", "decided_by", "follow_up_closed_by"))


def review_case_reference(review: LogReview) -> str:
    """The number of the case a case review is about ("" for other kinds)."""
    if review.case_id is None:
        return ""
    reference = Case.objects.filter(pk=review.case_id).values_list("reference", flat=True).first()
    return reference or str(review.case_id)


def review_summary(review: LogReview) -> str:
    """The auditor's summary at sign-off, decrypted ("" before)."""
    return decrypt_text(review.summary_encrypted) if review.summary_encrypted else ""


def follow_ups_for(user: Any, *, open_only: bool = True) -> list[ItemRow]:
    """Reads marked for follow-up in signed reviews, for supervisors (SUPERVISE_CASES) and
    auditors; nothing for anyone else. Open ones only unless ``open_only`` is False."""
    if not (
        user_has_capability(user, Capability.SUPERVISE_CASES)
        or user_has_capability(user, Capability.REVIEW_AUDIT_LOG)
    ):
        return []
    items = LogReviewItem.objects.filter(verdict=Verdict.FOLLOW_UP, review__signed_at__isnull=False)
    if open_only:
        items = items.filter(follow_up_closed_at__isnull=True)
    items = items.select_related("event", "event__actor", "review", "follow_up_closed_by").order_by(
        "review__signed_at", "id"
    )
    return _rows(items[:500])


def follow_ups_to_close(user: Any) -> int:
    """How many open follow-ups ``user`` may close: a supervisor's, not of their own reads.
    One COUNT: the start page shows it, so nothing is decrypted or loaded row by row."""
    if not user_has_capability(user, Capability.SUPERVISE_CASES):
        return 0
    return (
        LogReviewItem.objects.filter(
            verdict=Verdict.FOLLOW_UP, review__signed_at__isnull=False, follow_up_closed_at__isnull=True
        )
        .exclude(event__actor_id=user.pk)
        .count()
    )


def follow_up_get(user: Any, item_id: int) -> LogReviewItem | None:
    """An open follow-up, for a supervisor; None otherwise."""
    if not user_has_capability(user, Capability.SUPERVISE_CASES):
        return None
    return (
        LogReviewItem.objects.filter(
            pk=item_id,
            verdict=Verdict.FOLLOW_UP,
            review__signed_at__isnull=False,
            follow_up_closed_at__isnull=True,
        )
        .select_related("review", "event")
        .first()
    )


@dataclass(frozen=True)
class Schedule:
    """When the next sampled review is due: ``interval_days`` after the last signed sample
    (or now, if none was ever signed); ``overdue`` when that day has passed."""

    interval_days: int
    last_signed: dt.datetime | None
    due: dt.date
    overdue: bool


def review_schedule() -> Schedule:
    """The sampled reviews' schedule (LOG_REVIEW_INTERVAL_DAYS)."""
    interval = settings.LOG_REVIEW_INTERVAL_DAYS
    last = (
        LogReview.objects.filter(kind=ReviewKind.SAMPLE, signed_at__isnull=False)
        .order_by("-signed_at")
        .values_list("signed_at", flat=True)
        .first()
    )
    today = timezone.localdate()
    due = timezone.localtime(last).date() + dt.timedelta(days=interval) if last else today
    return Schedule(interval_days=interval, last_signed=last, due=due, overdue=due < today or last is None)


# --- Retention overview (R22, issue 13 item 4): /staff/oversight/retention/ ------------------


@dataclass(frozen=True)
class RetentionRow:
    """One record type on the retention overview. ``due`` is the count the next run would
    delete (None where no job of its own culls it); ``parent`` the name of the record it goes
    with; ``rule`` the sentence (for a job: with the current period; kept: why and how long)."""

    label: str
    name: str
    personal_data: bool
    disposal: str
    rule: str
    parent: str
    job: str
    settings: tuple[str, ...]
    due: int | None
    also_due: tuple[tuple[str, int], ...] = ()

    @property
    def label_parts(self) -> list[str]:
        """The label cut after each "." and "_", for a line break opportunity (``<wbr>``) in
        the template: ``django_tasks_database.DBTaskResult`` is wider than a phone."""
        return re.findall(r"[^._]*[._]|[^._]+$", self.label)


@dataclass(frozen=True)
class RetentionGroup:
    """The record types of one installed app, in the order declared."""

    app_label: str
    app_name: str
    rows: list[RetentionRow]


# What each count of a retention run's audit event means, for the overview's last run (issue
# 13 item 4): a key not listed here (a new job's) is shown as it is.
RETENTION_COUNT_LABELS = {
    "rooms_deleted": gettext_lazy("Rooms deleted"),
    "conversations_closed": gettext_lazy("Conversations closed as idle"),
    "conversations_deleted": gettext_lazy("Conversations deleted"),
    "absences_deleted": gettext_lazy("Absences deleted"),
    "cases_culled": gettext_lazy("Cases culled"),
    "case_culled": gettext_lazy("Cases culled"),
    "consultations_culled": gettext_lazy("Consultations culled"),
    "subject_access_requests_culled": gettext_lazy("Data-subject requests deleted"),
    "sessions_deleted": gettext_lazy("Expired sign-in sessions deleted"),
    "task_results_deleted": gettext_lazy("Background task results deleted"),
    "editing_sessions_deleted": gettext_lazy("Page editing sessions deleted"),
    "form_states_deleted": gettext_lazy("Saved form states deleted"),
    "entries_deleted": gettext_lazy("Entries deleted"),
}


@dataclass(frozen=True)
class RetentionCount:
    """One count of a run: its key in the audit event, its label (the key itself when no
    label is known) and the number."""

    key: str
    label: str
    n: int

    @property
    def labelled(self) -> bool:
        return self.label != self.key

    @property
    def key_parts(self) -> list[str]:
        """The key cut after each "_", for line break opportunities (``<wbr>``) at 360 px."""
        return re.findall(r"[^_]*_|[^_]+$", self.key)


@dataclass(frozen=True)
class RetentionLastRun:
    """The newest ``messaging.retention_run`` audit event: when, whether every job finished,
    the jobs that failed (``failed_jobs``, in run order; ``failed_job`` the first) and the
    counts, by key."""

    occurred_at: dt.datetime
    completed: bool
    failed_job: str
    counts: list[RetentionCount]
    failed_jobs: tuple[str, ...] = ()


@dataclass(frozen=True)
class RetentionOverview:
    """Everything the retention overview shows: the groups, the next run (``next_run``, local
    time, from ``RETENTION_RUN_TIME``), the run time as set, the last run (None before the first)
    and how many records the next run would delete in all."""

    groups: list[RetentionGroup]
    next_run: dt.datetime
    run_time: str
    last_run: RetentionLastRun | None
    due_total: int


def _model_name(label: str) -> str:
    """A model's verbose name ("case"), or for ``"app.*"`` the words for the rest of the app."""
    if label.endswith(".*"):
        return _("Everything else in %(app)s") % {"app": apps.get_app_config(label[:-2]).verbose_name}
    return str(apps.get_model(label)._meta.verbose_name)


def retention_last_run() -> RetentionLastRun | None:
    """The last retention run from the audit log (ids and counts only), or None."""
    from hedershus.messaging.retention import RETENTION_RUN_EVENT

    event = AuditEvent.objects.filter(event_type=RETENTION_RUN_EVENT).order_by("-id").first()
    if event is None:
        return None
    data = event.data or {}
    counts = [
        RetentionCount(key=str(k), label=str(RETENTION_COUNT_LABELS.get(str(k), k)), n=int(v))
        for k, v in sorted(data.items())
        if k not in {"completed", "failed_job"} and isinstance(v, int) and not isinstance(v, bool)
    ]
    failed_job = str(data.get("failed_job", ""))
    failed_jobs = data.get("failed_jobs")
    return RetentionLastRun(
        occurred_at=event.occurred_at,
        completed=bool(data.get("completed")),
        failed_job=failed_job,
        counts=counts,
        failed_jobs=tuple(str(j) for j in failed_jobs)
        if isinstance(failed_jobs, list)
        else ((failed_job,) if failed_job else ()),
    )


def retention_overview(now: dt.datetime | None = None) -> RetentionOverview:
    """The retention overview at ``now`` (default: the current time): every declaration of
    ``hedershus.core.retention`` grouped by installed app (in INSTALLED_APPS order), each job's
    declaration with its count of records the next run would delete (COUNT queries; for cases,
    the cases job's own bounded list) and its other changes (``also_due``: conversations it
    closes as idle). The counts are taken at the next run's time (``next_run``, from
    ``RETENTION_RUN_TIME``), as the run will take them, if nothing changes meanwhile (issue 13
    item 4). No personal data: names of record types and numbers. For administrators and
    auditors (the view checks)."""
    from hedershus.core.retention import next_run, retention_declarations

    now = now or timezone.now()
    at = next_run(now)
    by_app: dict[str, list[RetentionRow]] = {}
    for declaration in retention_declarations():
        due = declaration.due(at) if declaration.due is not None else None
        also_due = tuple((str(label), count(at)) for label, count in declaration.also_due)
        rule = declaration.rule() if declaration.rule is not None else str(declaration.kept_because)
        by_app.setdefault(declaration.app_label, []).append(
            RetentionRow(
                label=declaration.model,
                name=_model_name(declaration.model),
                personal_data=declaration.personal_data,
                disposal=str(declaration.disposal),
                rule=rule,
                parent=_model_name(declaration.parent) if declaration.parent else "",
                job=declaration.job,
                settings=declaration.settings,
                due=due,
                also_due=also_due,
            )
        )
    groups = [
        RetentionGroup(app_label=config.label, app_name=str(config.verbose_name), rows=by_app[config.label])
        for config in apps.get_app_configs()
        if config.label in by_app
    ]
    return RetentionOverview(
        groups=groups,
        next_run=timezone.localtime(at),
        run_time=settings.RETENTION_RUN_TIME,
        last_run=retention_last_run(),
        due_total=sum(row.due or 0 for group in groups for row in group.rows),
    )
