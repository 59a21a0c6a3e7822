"""Reads of the follow-up statistics (R24): counts aggregated in the database, then suppressed.

**Who sees what** (decided here): whoever holds ``Capability.VIEW_STATISTICS``. Supervisors
and administrators see the county and every municipality; a partner professional sees the
municipality of their units' organisations (``partners.selectors.units_of_professional``:
unit → organisation → municipality) beside the county total, nothing else: asking for another
municipality raises ``NotFound`` (404), so the figures of another place never leave here.

**What is counted** (every count from one ``GROUP BY`` query per measure; no row of a case
ever reaches Python, except assessments, below):

- *Contacts* (``cases.Contact``): per channel, per age group and gender of the person the
  case is about (the *audience*, målgrupp), per month, each per municipality. Chat contacts
  are counted here, through the case they were recorded in (a room conversation that never
  became a case is no contact of the centre's follow-up: the visitor stays anonymous).
- *Cases* opened per month, and closed per outcome, per municipality.
- *Referrals* per kind of partner organisation ("service") and status, and their
  turnaround times in days (sent → accepted or declined, sent → done): median and 90th
  percentile (nearest rank), computed by the database with window functions.
- *Assessments* of questionnaires (PHQ-9 bands, ASQ outcomes): the result is encrypted at
  rest (``core.crypto``), so these are read one at a time (an iterator, only the instrument
  key, month and result), decrypted and counted; nothing else is kept.

A case's **municipality** (and age group, gender) is that of its first *exposed* person (the
first person when none is marked exposed); unknown and outside the county are counted as one
column, "other". A case with **protected identity** (skyddade personuppgifter) is counted in
"other", never in its municipality: where such a person lives is not told even as a count
(the same rule as the case search's municipality filter).

Referrals and assessments are county-wide only: there are too few per municipality to show.
Every figure goes through ``suppression``: the threshold rule, complementary suppression
(linked tables share their margins) and cut points against differencing between periods.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Case as When_Case,
)
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Ceil, RowNumber, TruncMonth
from django.utils.translation import gettext_lazy as _

from hedershus.assessments import engine
from hedershus.assessments.models import Assessment, Instrument
from hedershus.cases.models import (
    AgeGroup,
    Case,
    CaseOutcome,
    Channel,
    Contact,
    Gender,
    Person,
    PersonRole,
)
from hedershus.core.access import Capability, Role, user_has_capability
from hedershus.core.crypto import decrypt_text
from hedershus.core.exceptions import NotFound
from hedershus.core.places import MUNICIPALITIES
from hedershus.partners.models import OrganisationKind
from hedershus.partners.selectors import units_of_professional
from hedershus.referrals.models import Referral as ReferralModel
from hedershus.referrals.models import ReferralStatus, ReferralStep, StepKind
from hedershus.statistics import suppression

OTHER = "other"
COLUMNS: tuple[str, ...] = (*MUNICIPALITIES, OTHER)
LOCAL = ZoneInfo(settings.TIME_ZONE)
# The oldest month a period may start in (10 years back): what cases keep at most.
MAX_MONTHS = 120


def threshold() -> int:
    """``settings.STATISTICS_MIN_CELL`` (5 by default; the setting refuses below 3)."""
    return suppression.check_threshold(int(settings.STATISTICS_MIN_CELL))


def column_label(key: str) -> str:
    return str(_("Unknown or outside the county")) if key == OTHER else key


# --- periods ---------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def month_index(month: dt.date, epoch: dt.date) -> int:
    return (month.year - epoch.year) * 12 + month.month - epoch.month


def last_complete_month(today: dt.date | None = None) -> dt.date:
    """The 1st of the last month that has ended in Europe/Stockholm (``settings.TIME_ZONE``):
    the latest month any view may include. The month we are in is never counted: one new
    contact in it changed the published figures by exactly 1 from one day to the next, so two
    snapshots a day apart pointed at one person (the attacker's finding). ``today`` defaults
    to the local date now."""
    return add_months(month_start(today or dt.datetime.now(LOCAL).date()), -1)


@dataclass(frozen=True)
class Period:
    """Whole months ``first``..``last`` (both the 1st of their month), inclusive."""

    first: dt.date
    last: dt.date

    @classmethod
    def default(cls, today: dt.date | None = None) -> Period:
        """The last 12 COMPLETED months: ending with the last month that has ended
        (``last_complete_month``), never the month we are in."""
        last = last_complete_month(today)
        return cls(add_months(last, -11), last)

    @property
    def months(self) -> list[dt.date]:
        return [add_months(self.first, k) for k in range(month_index(self.last, self.first) + 1)]

    def as_data(self) -> dict[str, str]:
        return {"from": self.first.strftime("%Y-%m"), "to": self.last.strftime("%Y-%m")}


# --- who sees which municipality ------------------------------------------------------------


def may_view(user: Any) -> bool:
    return user_has_capability(user, Capability.VIEW_STATISTICS)


def sees_every_municipality(user: Any) -> bool:
    """Supervisors and administrators (every holder of the capability but partners)."""
    return may_view(user) and getattr(user, "role", None) != Role.PARTNER


def municipalities_for(user: Any) -> tuple[str, ...]:
    """The municipalities ``user`` may see figures of: all for supervisors and
    administrators; a partner professional's own (their units' organisations'), in the
    county's order; none for anyone else."""
    if not may_view(user):
        return ()
    if sees_every_municipality(user):
        return MUNICIPALITIES
    own = set(units_of_professional(user).values_list("organisation__municipality", flat=True))
    return tuple(m for m in MUNICIPALITIES if m in own)


def municipality_check(user: Any, municipality: str) -> str:
    """``municipality`` when ``user`` may see it ("" is the county: everyone who may view);
    ``NotFound`` otherwise, as for a municipality that does not exist."""
    if not may_view(user):
        raise NotFound(_("No such statistics."))
    if municipality and municipality not in municipalities_for(user):
        raise NotFound(_("No statistics for that municipality."))
    return municipality


# --- the case's place and audience ----------------------------------------------------------


def _first_person(case_ref: str) -> QuerySet[Person]:
    return Person.objects.filter(case=OuterRef(case_ref)).order_by(
        When_Case(
            When(role=PersonRole.EXPOSED, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
        "id",
    )


def _place(case_ref: str, protected: str) -> When_Case:
    """The case's municipality for counting; "" for a protected case (counted as other)."""
    return When_Case(
        When(**{protected: True}, then=Value("")),
        default=Subquery(_first_person(case_ref).values("municipality")[:1]),
    )


def _column(value: str | None) -> str:
    return value if value in MUNICIPALITIES else OTHER


# --- cubes: counts per (month, row, column) -------------------------------------------------


@dataclass
class Cube:
    """Counts per (month index from ``epoch``, row key, column key); ``months`` from ``epoch``."""

    epoch: dt.date
    months: int
    counts: dict[tuple[int, str, str], int] = field(default_factory=dict)

    def _by_cell(self) -> dict[tuple[str, str], list[tuple[int, int]]]:
        """(row, column) -> its non-zero (month, count) pairs, built once per ``counts``."""
        key = (id(self.counts), len(self.counts))
        cached = self.__dict__.get("_index")
        if cached is None or cached[0] != key:
            index: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
            for (month, row, col), n in self.counts.items():
                index[(row, col)].append((month, n))
            cached = (key, dict(index))
            self.__dict__["_index"] = cached
        return cached[1]

    def series(self, rows: Iterable[str] | None, cols: Iterable[str] | None) -> list[int]:
        """Month by month, summed over the given rows and columns (None: all). Visits only
        the non-zero months of the matching cells, so a table's figures and margins cost a
        few passes over its counts, not one per figure."""
        row_set = None if rows is None else set(rows)
        col_set = None if cols is None else set(cols)
        out = [0] * self.months
        for (row, col), pairs in self._by_cell().items():
            if (row_set is None or row in row_set) and (col_set is None or col in col_set):
                for month, n in pairs:
                    out[month] += n
        return out


def _cube(
    rows: Iterable[tuple[dt.datetime | dt.date | None, str | None, str | None, int]], period: Period
) -> Cube:
    """From ``(month, row key, column key or municipality, count)`` rows of a GROUP BY."""
    grouped: dict[tuple[dt.date, str, str], int] = defaultdict(int)
    for month, row, col, n in rows:
        if month is None:
            continue
        day = month.astimezone(LOCAL).date() if isinstance(month, dt.datetime) else month
        grouped[(month_start(day), row or "", col if col is not None else "")] += n
    months = [key[0] for key in grouped]
    epoch = min([period.first, *months])
    end = max([period.last, *months])
    cube = Cube(epoch=epoch, months=month_index(end, epoch) + 1)
    for (month, row, col), n in grouped.items():
        key = (month_index(month, epoch), row, col)
        cube.counts[key] = cube.counts.get(key, 0) + n
    return cube


def _by_place(cube: Cube) -> Cube:
    """The cube with its columns mapped to ``COLUMNS`` (unknown, outside, protected: other)."""
    mapped = Cube(epoch=cube.epoch, months=cube.months)
    for (month, row, col), n in cube.counts.items():
        key = (month, row, _column(col))
        mapped.counts[key] = mapped.counts.get(key, 0) + n
    return mapped


# --- tables --------------------------------------------------------------------------------


@dataclass
class Table:
    """A suppressed table: ``rows`` and ``columns`` as (key, label); ``result`` the figures.

    ``county_only``: the columns are not municipalities (referrals, assessments); the page
    shows them all. Otherwise ``columns`` are ``COLUMNS`` and the page picks one beside the
    county (the row totals)."""

    key: str
    title: str
    row_heading: str
    rows: list[tuple[str, str]]
    columns: list[tuple[str, str]]
    result: suppression.Suppressed
    county_only: bool = False
    note: str = ""


def _table_cells(
    cube: Cube, row_keys: Sequence[str], col_keys: Sequence[str], period: Period, limit: int
) -> tuple[list[list[int]], set[suppression.Cell]]:
    """The period's counts and the positions its cut points forbid (``suppression``)."""
    first = month_index(period.first, cube.epoch)
    last = month_index(period.last, cube.epoch)
    cells: list[list[int]] = []
    also: set[suppression.Cell] = set()
    rows, cols = len(row_keys), len(col_keys)

    def check(r: int, c: int, monthly: list[int]) -> None:
        if not suppression.window_shown(monthly, first, last, limit):
            also.add((r, c))

    for r, row in enumerate(row_keys):
        line = []
        for c, col in enumerate(col_keys):
            monthly = cube.series([row], [col])
            line.append(suppression.window_sum(monthly, first, last))
            check(r, c, monthly)
        cells.append(line)
        check(r, cols, cube.series([row], col_keys))
    for c, col in enumerate(col_keys):
        check(rows, c, cube.series(row_keys, [col]))
    check(rows, cols, cube.series(row_keys, col_keys))
    return cells, also


def _month_table_cells(
    cube: Cube, col_keys: Sequence[str], period: Period, limit: int
) -> tuple[list[list[int]], set[suppression.Cell]]:
    """Rows: the period's months, each a one-month window of the cube (summed over rows)."""
    months = period.months
    cells: list[list[int]] = []
    also: set[suppression.Cell] = set()
    for r, month in enumerate(months):
        k = month_index(month, cube.epoch)
        line = []
        for c, col in enumerate(col_keys):
            monthly = cube.series(None, [col])
            line.append(suppression.window_sum(monthly, k, k))
            if not suppression.window_shown(monthly, k, k, limit):
                also.add((r, c))
        cells.append(line)
        if not suppression.window_shown(cube.series(None, col_keys), k, k, limit):
            also.add((r, len(col_keys)))
    first, last = month_index(period.first, cube.epoch), month_index(period.last, cube.epoch)
    for c, col in enumerate(col_keys):
        if not suppression.window_shown(cube.series(None, [col]), first, last, limit):
            also.add((len(months), c))
    if not suppression.window_shown(cube.series(None, col_keys), first, last, limit):
        also.add((len(months), len(col_keys)))
    return cells, also


def _month_label(month: dt.date) -> str:
    return month.strftime("%Y-%m")


def _place_columns() -> list[tuple[str, str]]:
    return [(key, column_label(key)) for key in COLUMNS]


def contact_tables(period: Period) -> list[Table]:
    """Contacts per channel, age group, gender and month, each per municipality (linked:
    they share the municipality totals)."""
    limit = threshold()
    base = Contact.objects.annotate(
        month=TruncMonth("occurred_at", tzinfo=LOCAL),
        place=_place("case_id", "case__protected_identity"),
    )
    person = _first_person("case_id")

    def cube_of(row: Any) -> Cube:
        query = base.annotate(row_key=row).values("month", "row_key", "place").annotate(n=Count("id"))
        return _by_place(
            _cube(((q["month"], q["row_key"], q["place"], q["n"]) for q in query.order_by()), period)
        )

    channel = cube_of(F("channel"))
    age = cube_of(Subquery(person.values("age_group")[:1]))
    gender = cube_of(Subquery(person.values("gender")[:1]))
    # Cases without persons: their age group and gender are unknown.
    for cube, unknown in ((age, AgeGroup.UNKNOWN), (gender, Gender.UNKNOWN)):
        fixed: dict[tuple[int, str, str], int] = {}
        for (m, r, c), n in cube.counts.items():
            key = (m, r or str(unknown), c)
            fixed[key] = fixed.get(key, 0) + n
        cube.counts = fixed
    # One epoch for all, so the month table and the others cut the same series alike.
    cols = list(COLUMNS)
    specs: list[tuple[str, Any, Any, Cube, list[tuple[str, Any]]]] = [
        ("contacts_channel", _("Contacts per channel"), _("Channel"), channel, list(Channel.choices)),
        ("contacts_age", _("Contacts per age group"), _("Age group"), age, list(AgeGroup.choices)),
        ("contacts_gender", _("Contacts per gender"), _("Gender"), gender, list(Gender.choices)),
    ]
    cells_list, also_list = [], []
    for _key, _title, _heading, cube, rows in specs:
        cells, also = _table_cells(cube, [k for k, _label in rows], cols, period, limit)
        cells_list.append(cells)
        also_list.append(also)
    month_cells, month_also = _month_table_cells(channel, cols, period, limit)
    cells_list.append(month_cells)
    also_list.append(month_also)
    results = suppression.suppress_linked(cells_list, limit, also=also_list)
    tables = [
        Table(key, str(title), str(heading), [(k, str(label)) for k, label in rows], _place_columns(), result)
        for (key, title, heading, _cube_, rows), result in zip(specs, results[:-1], strict=True)
    ]
    tables.append(
        Table(
            "contacts_month",
            str(_("Contacts per month")),
            str(_("Month")),
            [(_month_label(m), _month_label(m)) for m in period.months],
            _place_columns(),
            results[-1],
        )
    )
    return tables


def case_tables(period: Period) -> list[Table]:
    """Cases opened per month and closed per outcome, each per municipality."""
    limit = threshold()
    base = Case.objects.annotate(place=_place("pk", "protected_identity"))
    cols = list(COLUMNS)
    opened_rows = (
        base.annotate(month=TruncMonth("opened_at", tzinfo=LOCAL))
        .values("month", "place")
        .annotate(n=Count("id"))
        .order_by()
    )
    opened = _by_place(_cube(((q["month"], "opened", q["place"], q["n"]) for q in opened_rows), period))
    cells, also = _month_table_cells(opened, cols, period, limit)
    opened_table = Table(
        "cases_opened",
        str(_("Cases opened per month")),
        str(_("Month")),
        [(_month_label(m), _month_label(m)) for m in period.months],
        _place_columns(),
        suppression.suppress_table(cells, limit, also=also),
    )
    closed_rows = (
        base.filter(closed_at__isnull=False)
        .annotate(month=TruncMonth("closed_at", tzinfo=LOCAL))
        .values("month", "outcome", "place")
        .annotate(n=Count("id"))
        .order_by()
    )
    closed = _by_place(_cube(((q["month"], q["outcome"], q["place"], q["n"]) for q in closed_rows), period))
    outcomes = [(k, str(label)) for k, label in CaseOutcome.choices]
    cells, also = _table_cells(closed, [k for k, _l in outcomes], cols, period, limit)
    closed_table = Table(
        "cases_closed",
        str(_("Cases closed per outcome")),
        str(_("Outcome")),
        outcomes,
        _place_columns(),
        suppression.suppress_table(cells, limit, also=also),
    )
    return [opened_table, closed_table]


def _in_period(field_name: str, period: Period) -> Q:
    start = dt.datetime.combine(period.first, dt.time.min, tzinfo=LOCAL)
    end = dt.datetime.combine(add_months(period.last, 1), dt.time.min, tzinfo=LOCAL)
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


def _referral_status_cells(
    period: Period, limit: int
) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[list[int]], set[suppression.Cell]]:
    """Referrals sent in the period per kind (rows) and current status (columns), with the
    positions their cut points forbid."""
    query = (
        ReferralModel.objects.annotate(month=TruncMonth("sent_at", tzinfo=LOCAL))
        .values("month", "unit__organisation__kind", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    cube = _cube(((q["month"], q["unit__organisation__kind"], q["status"], q["n"]) for q in query), period)
    kinds = [(k, str(label)) for k, label in OrganisationKind.choices]
    statuses = [(k, str(label)) for k, label in ReferralStatus.choices]
    cells, also = _table_cells(cube, [k for k, _l in kinds], [k for k, _l in statuses], period, limit)
    return kinds, statuses, cells, also


def referral_table(period: Period) -> Table:
    """Referrals sent in the period per kind of partner organisation and current status
    (county-wide), suppressed together with the turnaround table (``referral_figures``)."""
    return referral_figures(period)[0]


@dataclass(frozen=True)
class Turnaround:
    """One row of turnaround times (days, one decimal); ``None`` where suppressed."""

    key: str
    label: str
    answered: int | None
    answered_median: float | None
    answered_p90: float | None
    done: int | None
    done_median: float | None
    done_p90: float | None


def _step_time(kinds: Sequence[str]) -> Subquery:
    return Subquery(
        ReferralStep.objects.filter(referral=OuterRef("pk"), kind__in=kinds)
        .order_by()
        .values("referral")
        .annotate(first=Min("at"))
        .values("first")[:1]
    )


def _percentile_days(query: QuerySet[Any], share: float, by_kind: bool) -> dict[str, float]:
    """The nearest-rank percentile ``share`` of ``took`` per kind (or "" for all), in days,
    computed by the database (ROW_NUMBER over the ordered durations)."""
    partition = [F("unit__organisation__kind")] if by_kind else []
    ranked = query.annotate(
        rank=Window(RowNumber(), partition_by=partition, order_by=F("took").asc()),
        size=Window(Count("id"), partition_by=partition),
    ).filter(rank=Ceil(F("size") * Value(share)))
    out: dict[str, float] = {}
    for kind, took in ranked.values_list("unit__organisation__kind", "took"):
        out[kind if by_kind else ""] = round(took.total_seconds() / 86400, 1)
    return out


def turnaround_rows(period: Period) -> list[Turnaround]:
    """The turnaround rows of ``referral_figures`` (suppressed with the status table)."""
    return referral_figures(period)[1]


def referral_figures(period: Period) -> tuple[Table, list[Turnaround]]:
    """The referral table (per kind and status) and the turnaround of referrals sent in the
    period, per kind of partner organisation and for all: how many were answered (accepted or
    declined) and done, and the median and 90th percentile of days from sending.

    The two tables are LINKED (``suppression.suppress_referrals``): the turnaround's *done*
    is the status table's *Done*, and *answered* is Accepted + Declined + Done, so they are
    suppressed as one system (otherwise the sum minus "answered" and the shown statuses gave
    a hidden status away). A median or percentile is shown only over a shown count of at
    least the threshold, so it never rests on a handful of referrals."""
    limit = threshold()
    kinds, statuses, status_cells, status_also = _referral_status_cells(period, limit)
    base = ReferralModel.objects.annotate(
        answered_at=_step_time([StepKind.ACCEPTED, StepKind.DECLINED]),
        done_at=_step_time([StepKind.DONE]),
    )
    measures: dict[str, dict[str, Any]] = {}
    for name, column in (("answered", "answered_at"), ("done", "done_at")):
        timed = base.filter(**{f"{column}__isnull": False})
        counts = (
            timed.annotate(month=TruncMonth("sent_at", tzinfo=LOCAL))
            .values("month", "unit__organisation__kind")
            .annotate(n=Count("id"))
            .order_by()
        )
        raw = _cube(((q["month"], q["unit__organisation__kind"], "n", q["n"]) for q in counts), period)
        cells, also = _table_cells(raw, [k for k, _l in kinds], ["n"], period, limit)
        window = timed.filter(_in_period("sent_at", period)).annotate(
            took=ExpressionWrapper(F(column) - F("sent_at"), output_field=DurationField())
        )
        medians = {**_percentile_days(window, 0.5, True), **_percentile_days(window, 0.5, False)}
        p90s = {**_percentile_days(window, 0.9, True), **_percentile_days(window, 0.9, False)}
        measures[name] = {"cells": cells, "also": also, "median": medians, "p90": p90s}
    status_keys = [k for k, _l in statuses]
    status_result, answered_result, done_result = suppression.suppress_referrals(
        status_cells,
        [row[0] for row in measures["answered"]["cells"]],
        [row[0] for row in measures["done"]["cells"]],
        limit,
        answer_columns=[
            status_keys.index(s)
            for s in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.DONE)
        ],
        done_column=status_keys.index(ReferralStatus.DONE),
        also_status=status_also,
        also_answered=measures["answered"]["also"],
        also_done=measures["done"]["also"],
    )
    table = Table(
        "referrals",
        str(_("Referrals per kind of partner and status")),
        str(_("Partner")),
        kinds,
        statuses,
        status_result,
        county_only=True,
    )
    shown = {"answered": answered_result, "done": done_result}
    rows: list[Turnaround] = []
    for index, (key, label) in enumerate([*kinds, ("", str(_("All partners")))]):
        values: dict[str, Any] = {}
        for name, measure in measures.items():
            result = shown[name]
            n = result.total if key == "" else result.cells[index][0]
            values[name] = n
            # A median or percentile only over a shown count of at least the threshold.
            enough = n is not None and n >= limit
            values[f"{name}_median"] = measure["median"].get(key) if enough else None
            values[f"{name}_p90"] = measure["p90"].get(key) if enough else None
        if key and values["answered"] == 0 and values["done"] == 0:
            continue  # no referrals to this kind: nothing to say
        rows.append(Turnaround(key=key, label=label, **values))
    return table, rows


def _instrument_labels() -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Per questionnaire key: its title and its bands or outcomes (key, label), from the
    newest version of its definition."""
    out: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for row in Instrument.objects.filter(kind="questionnaire").order_by("key", "-loaded_at", "-id"):
        if row.key in out:
            continue
        definition = engine.definition_from_stored(row.definition)
        if not isinstance(definition, engine.Questionnaire):
            continue
        scoring = definition.scoring
        if isinstance(scoring, engine.SumScoring):
            groups = [(band.key, band.label.get()) for band in scoring.bands]
        else:
            groups = [(outcome.key, outcome.label.get()) for outcome in scoring.outcomes]
        out[row.key] = (definition.title.get(), groups)
    return out


def assessment_tables(period: Period) -> list[Table]:
    """Results of completed questionnaires per band or outcome (county-wide), one table per
    instrument. The results are encrypted: read one by one (an iterator over three columns)
    and only counted."""
    limit = threshold()
    labels = _instrument_labels()
    rows = (
        Assessment.objects.filter(instrument__key__in=list(labels))
        .annotate(month=TruncMonth("performed_at", tzinfo=LOCAL))
        .values_list("month", "instrument__key", "result_encrypted")
        .order_by()
    )
    counted: dict[tuple[dt.datetime, str, str], int] = defaultdict(int)
    for month, key, encrypted in rows.iterator(chunk_size=500):
        result = json.loads(decrypt_text(encrypted))
        group = result.get("band") or result.get("outcome") or ""
        counted[(month, key, group)] += 1
    cube = _cube(((m, k, g, n) for (m, k, g), n in counted.items()), period)
    tables = []
    for key, (title, groups) in labels.items():
        single = Cube(
            cube.epoch, cube.months, {(m, g, "n"): n for (m, k, g), n in cube.counts.items() if k == key}
        )
        cells, also = _table_cells(single, [g for g, _l in groups], ["n"], period, limit)
        tables.append(
            Table(
                f"assessments_{key}",
                str(_("Results of %(instrument)s") % {"instrument": title}),
                str(_("Result")),
                groups,
                [("n", str(_("Assessments")))],
                suppression.suppress_table(cells, limit, also=also),
                county_only=True,
            )
        )
    return tables


@dataclass
class Dashboard:
    """Everything the page and the exports show for one period and one municipality ("" for
    the county, every municipality for those who may see them)."""

    period: Period
    municipality: str
    every_municipality: bool
    threshold: int
    contacts: list[Table]
    cases: list[Table]
    referrals: Table
    turnaround: list[Turnaround]
    assessments: list[Table]

    @property
    def tables(self) -> list[Table]:
        return [*self.contacts, *self.cases, self.referrals, *self.assessments]


def dashboard_for(user: Any, period: Period, municipality: str = "") -> Dashboard:
    """The dashboard ``user`` may see: ``NotFound`` for anyone without ``VIEW_STATISTICS``
    and for a municipality they may not see (a partner professional: any but their own).
    Suppression is computed on the whole county's tables whoever asks, so a partner sees
    exactly the figures a supervisor sees for that municipality (no differencing between
    what two people see)."""
    municipality_check(user, municipality)
    months = month_index(period.last, period.first) + 1
    if months < 1 or months > MAX_MONTHS or period.last > last_complete_month():
        raise NotFound(_("No statistics for that period."))
    referrals, turnaround = referral_figures(period)
    return Dashboard(
        period=period,
        municipality=municipality,
        every_municipality=sees_every_municipality(user) and not municipality,
        threshold=threshold(),
        contacts=contact_tables(period),
        cases=case_tables(period),
        referrals=referrals,
        turnaround=turnaround,
        assessments=assessment_tables(period),
    )


def column_index(table: Table, key: str) -> int:
    return [k for k, _label in table.columns].index(key)
