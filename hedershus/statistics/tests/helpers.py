"""Rows for the statistics tests: cases with a person and contacts, made directly (no audit)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

from hedershus.cases.models import Case, CaseStatus, Contact, Person, PersonRole

LOCAL = ZoneInfo("Europe/Stockholm")
_numbers = itertools.count(1)


def at(year: int, month: int, day: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, 12, 0, tzinfo=LOCAL)


def case_make(
    user: Any,
    *,
    municipality: str = "Botkyrka",
    opened: dt.datetime | None = None,
    contacts: list[tuple[str, dt.datetime]] | None = None,
    age_group: str = "13-17",
    gender: str = "female",
    protected: bool = False,
    outcome: str = "",
    closed: dt.datetime | None = None,
) -> Case:
    """One case about one exposed person in ``municipality`` with ``contacts`` (channel,
    when); closed with ``outcome`` at ``closed`` when given."""
    opened = opened or at(2026, 1)
    case = Case.objects.create(
        reference=f"ST-{next(_numbers):05d}",
        opened_by=user,
        opened_at=opened,
        protected_identity=protected,
        status=CaseStatus.CLOSED if outcome else CaseStatus.NEW,
        outcome=outcome,
        closed_at=(closed or opened) if outcome else None,
    )
    Person.objects.create(
        case=case,
        alias="A",
        role=PersonRole.EXPOSED,
        age_group=age_group,
        gender=gender,
        municipality=municipality,
        created_by=user,
    )
    for channel, when in contacts if contacts is not None else [("phone", opened)]:
        Contact.objects.create(case=case, channel=channel, occurred_at=when, taken_by=user)
    return case


def contacts_make(user: Any, count: int, **kwargs: Any) -> list[Case]:
    """``count`` cases, each with one contact (``case_make``'s arguments)."""
    return [case_make(user, **kwargs) for _ in range(count)]
