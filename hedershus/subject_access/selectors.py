"""Reads of data-subject requests and the extract itself (GDPR art. 15).

``extract_build`` gathers everything the case register holds about the request's persons into
one typed structure (``Extract``) that the preview page, the PDF and the JSON all render, so
the three cannot differ. What is about someone else is never put into it: other persons of the
same cases appear only as a withheld marker with the reason. Free text (journal entries, notes,
messages, reasons, document titles) cannot be redacted by a machine, so each such text is an
``Item`` the preparer releases or withholds with a reason (``ItemDecision``); until then it is
withheld. A record goes out whole or not at all: a withheld text withholds its record (a
referral's recipient, status and dates with what it asked), which is then listed only as
"other information in the case" with the reason (``row_gate``, ``CaseExtract.withheld_facts``).
Once approved, the extract is the one approved: records created and reads made after the
approval are left out (and counted for staff: ``Extract.added_after_approval``).

The preview follows the case rules: a viewer who may not read a case now (not assigned, not
its supervisor, no unexpired grant given with a reason) gets its texts hidden and may not
release them, nor approve an extract releasing them (``CaseExtract.readable``). Reads made to
prepare another data-subject request are never listed (they would tell that someone asked).

In a case where the person is not the exposed person (a relative, a perpetrator: the requester
may be the abuser), or where someone else is exposed too, every fact of the case is about
that other person as much as about the requester: which assessments were made and their
results, where the case was referred, protective measures and their dates, follow-up ratings,
contacts, warnings, decisions, documents, journal entries, who read the case, and the
requester's own role and alias. Each record is then one ``Item`` (a "fact", key
``fact:<kind>:<id>``) that covers the record and its texts, withheld until the preparer
releases it (``CaseExtract.caution``; issue 13 item 3 follow-up). Only the requester's own
entry (name, number, age group, gender, location) and the case's reference, status and dates
go out without a decision.

Who may see a request: the staff member who prepared it, and every supervisor (SUPERVISE_CASES,
who approve). Anyone else gets ``None`` (the views answer 404).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hedershus.accounts.models import User
from hedershus.assessments import engine
from hedershus.assessments.models import Assessment
from hedershus.assessments.selectors import AssessmentView
from hedershus.audit.events import EVENT_TYPES
from hedershus.audit.models import ActorKind, AuditEvent
from hedershus.audit.reads import PERSONAL_DATA_READS
from hedershus.case_documents.models import CaseDocument
from hedershus.cases.models import Case, Person, PersonRelation, PersonRole
from hedershus.cases.selectors import _valid_grant, user_is_case_insider, user_may_see_protected_fields
from hedershus.core.access import Capability, Role, roles_with, user_has_capability
from hedershus.core.crypto import decrypt_text
from hedershus.followup.models import FollowUp, ProtectiveMeasure
from hedershus.journal.models import JournalEntry
from hedershus.partners.models import UnitMembership
from hedershus.referrals.models import Referral
from hedershus.subject_access.models import ItemDecision, RequestStatus, SubjectAccessRequest, WithholdReason

# 2: a case's "withheld_information" and null "role"/"alias" of an entry (facts withheld from
# someone who is not the exposed person of the case).
# 3: a withheld text withholds its whole record (left out of its section, listed in
# "withheld_information"); "problem_types_and_urgency" per case; "about_the_processing" (GDPR
# art. 15(1)(a) to (h)); a withheld item's "reason" is a code, never "not_reviewed".
SCHEMA_VERSION = 3
# At most this many reads of the person's cases are listed per extract (newest first); the
# extract says when there were more.
READS_MAX = 2000
# --- requests ------------------------------------------------------------------------------


def due_date(received_on: dt.date) -> dt.date:
    """The day an answer is due: one month after ``received_on`` (GDPR art. 12(3)); the last
    day of the next month when it has no such day (31 January → 28/29 February)."""
    year = received_on.year + (1 if received_on.month == 12 else 0)
    month = received_on.month % 12 + 1
    return dt.date(year, month, min(received_on.day, calendar.monthrange(year, month)[1]))


def is_overdue(request: SubjectAccessRequest, today: dt.date | None = None) -> bool:
    """Not yet delivered (nor refused) and past its due date."""
    today = today or timezone.localdate()
    open_statuses = (RequestStatus.PREPARED, RequestStatus.APPROVED)
    return request.status in open_statuses and today > due_date(request.received_on)


def may_see_requests(user: Any) -> bool:
    return user_has_capability(user, Capability.PREPARE_SUBJECT_ACCESS_EXTRACTS)


def requests_for(user: Any) -> QuerySet[SubjectAccessRequest]:
    """The requests ``user`` may see: every request for a supervisor, their own for anyone else
    who prepares extracts, none otherwise. Oldest received first (the due dates)."""
    if not may_see_requests(user):
        return SubjectAccessRequest.objects.none()
    requests = SubjectAccessRequest.objects.select_related("prepared_by", "decided_by")
    if not user_has_capability(user, Capability.SUPERVISE_CASES):
        requests = requests.filter(prepared_by_id=user.pk)
    return requests.order_by("received_on", "id")


def request_get(user: Any, request_id: int) -> SubjectAccessRequest | None:
    """Request ``request_id`` if ``user`` may see it (``requests_for``), else None."""
    return requests_for(user).filter(pk=request_id).first()


@dataclass(frozen=True)
class RequestRow:
    request: SubjectAccessRequest
    due: dt.date
    overdue: bool


def request_rows(user: Any) -> list[RequestRow]:
    """The list page's rows: each request with its due date and whether it is overdue."""
    today = timezone.localdate()
    return [RequestRow(r, due_date(r.received_on), is_overdue(r, today)) for r in requests_for(user)[:500]]


def may_decide_items(user: Any, request: SubjectAccessRequest) -> bool:
    """Only the preparer marks items, and only while the request is being prepared."""
    return request.status == RequestStatus.PREPARED and request.prepared_by_id == user.pk


def may_approve(user: Any, request: SubjectAccessRequest) -> bool:
    """A supervisor who did not prepare it (four eyes), while it is being prepared."""
    return (
        request.status == RequestStatus.PREPARED
        and user_has_capability(user, Capability.SUPERVISE_CASES)
        and request.prepared_by_id != user.pk
    )


# --- finding the person --------------------------------------------------------------------


def persons_with_number(number: str) -> list[int]:
    """Ids of every ``Person`` in the case register whose identity number is ``number`` (the
    twelve-digit form of ``identity_number_normalise``). The numbers are encrypted with a
    random nonce, so each is decrypted and compared: one pass over the identified persons."""
    found = []
    rows = Person.objects.exclude(identity_number_encrypted="").values_list("pk", "identity_number_encrypted")
    for pk, token in rows.iterator(chunk_size=500):
        if decrypt_text(token) == number:
            found.append(pk)
    return found


# --- the extract ---------------------------------------------------------------------------


@dataclass
class Item:
    """One piece of free text in the extract, released or withheld by the preparer.

    ``key``: "<kind>:<id>" (what ``ItemDecision.item`` names); ``text``: the decrypted text
    (kept for the preview; the renderers print it only when ``released``); ``state``
    "released", "withheld" or "undecided"; ``reason`` a ``WithholdReason`` code when
    withheld; ``hidden`` the viewer may not see this text (any text of a protected-identity
    case, for staff not assigned to it: ``text`` is then empty) and so may not release it."""

    key: str
    text: str
    state: str = "undecided"
    reason: str = ""
    hidden: bool = False
    # A whole record of a case with a non-exposed requester (see the module), not a text.
    fact: bool = False

    @property
    def default_reason(self) -> str:
        """The reason preselected on the preview while undecided: a fact is information about
        another person (OSL 26 kap. 1 §) unless the preparer says otherwise."""
        return WithholdReason.OTHER_PERSON if self.fact else ""

    @property
    def released(self) -> bool:
        return self.state == "released"

    @property
    def dom_id(self) -> str:
        """The preview's element id of this item ("item-referral-1"); the redirect after a
        decision returns to it (``item_anchor``)."""
        return item_anchor(self.key)

    @property
    def reason_label(self) -> str:
        if self.state == "undecided":
            return _("Not reviewed: withheld")
        if self.reason in WithholdReason.values:
            return str(WithholdReason(self.reason).label)
        return ""


def item_anchor(key: str) -> str:
    """The element id of item ``key`` on the preview: "referral:1" → "item-referral-1"."""
    return "item-" + key.replace(":", "-")


@dataclass
class SubjectEntry:
    """The data subject's own person entry in a case."""

    person_id: int
    role: str
    role_label: str
    alias: str
    name: str
    identity_number: str
    age_group_label: str
    gender_label: str
    # The municipality and district as recorded: one item, released at once for a case without
    # protected identity, to be chosen by the preparer for one with it.
    location: Item
    location_reviewable: bool
    # The viewer may not see the identity of a protected-identity case (not assigned to it).
    identity_hidden: bool = False
    # In a case where the person is not the exposed one: their role and alias ("Pappan",
    # perpetrator) tell what someone said about them; a fact to release or withhold.
    role_alias: Item | None = None

    @property
    def role_alias_shown(self) -> bool:
        return self.role_alias is None or self.role_alias.released


@dataclass(frozen=True)
class ClassificationRow:
    """The case's problem types and urgency (R14): case facts like its status, so in a caution
    case one fact to release or withhold."""

    problem_types: list[str]
    urgency_label: str
    fact: Item | None = None


@dataclass(frozen=True)
class ContactRow:
    occurred_at: dt.datetime
    channel_label: str
    duration_minutes: int | None
    note: Item | None
    fact: Item | None = None


@dataclass(frozen=True)
class FlagRow:
    raised_at: dt.datetime
    lifted_at: dt.datetime | None
    message: Item
    lift_message: Item | None
    fact: Item | None = None


@dataclass(frozen=True)
class DecisionRow:
    decided_at: dt.datetime
    kind_label: str
    reason: Item
    fact: Item | None = None


@dataclass(frozen=True)
class JournalRow:
    signed_at: dt.datetime
    author_role_label: str
    corrects_id: int | None
    entry_id: int
    text: Item
    # In a caution case the entry's text is its own fact (``text`` itself).
    fact: Item | None = None


@dataclass(frozen=True)
class AssessmentRow:
    performed_at: dt.datetime
    instrument: str
    version: str
    result: str
    fact: Item | None = None


@dataclass(frozen=True)
class ReferralRow:
    referral_id: int
    sent_at: dt.datetime
    recipient: str
    channel_label: str
    status_label: str
    asked: Item
    fact: Item | None = None


@dataclass(frozen=True)
class DocumentVersionRow:
    number: int
    uploaded_at: dt.datetime
    file_type: str
    size: int
    withdrawn: bool


@dataclass(frozen=True)
class DocumentRow:
    document_id: int
    created_at: dt.datetime
    title: Item
    versions: list[DocumentVersionRow]
    fact: Item | None = None


@dataclass(frozen=True)
class FollowUpRow:
    held_on: dt.date
    ratings: list[tuple[str, str]]
    note: Item | None
    fact: Item | None = None


@dataclass(frozen=True)
class MeasureRow:
    kind_label: str
    started_on: dt.date
    ended_on: dt.date | None
    note: Item | None
    fact: Item | None = None


@dataclass(frozen=True)
class ReadRow:
    """One read of the case by staff or a partner: when, who (a number per person within this
    extract, their role and, for a partner, their organisation; not their name) and what."""

    occurred_at: dt.datetime
    reader: str
    role_label: str
    organisation: str
    what: str
    actor_id: int = 0
    # In a caution case: the decision on this reader, shared by all their rows in the case.
    fact: Item | None = None
    # The data-subject request whose preparation read the case (``subject_access.case_viewed``).
    request_id: int | None = None


@dataclass
class CaseExtract:
    case_id: int
    reference: str
    status_label: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    protected_identity: bool
    # The subject is not recorded as the exposed person here (a relative, a perpetrator), or
    # someone else is exposed in it too: every fact of the case is an item to decide (see the
    # module). ``caution_reason``: "not_exposed", "other_exposed" or "".
    caution: bool
    subject: list[SubjectEntry]
    others_withheld: int
    relations_withheld: int
    # The viewer may read the case now under the case rules (assigned, its supervisor, or a
    # grant given with a reason); always True for the download (no viewer).
    readable: bool = True
    classification: list[ClassificationRow] = field(default_factory=list)
    contacts: list[ContactRow] = field(default_factory=list)
    flags: list[FlagRow] = field(default_factory=list)
    decisions: list[DecisionRow] = field(default_factory=list)
    journal: list[JournalRow] = field(default_factory=list)
    assessments: list[AssessmentRow] = field(default_factory=list)
    referrals: list[ReferralRow] = field(default_factory=list)
    documents: list[DocumentRow] = field(default_factory=list)
    follow_ups: list[FollowUpRow] = field(default_factory=list)
    measures: list[MeasureRow] = field(default_factory=list)
    reads: list[ReadRow] = field(default_factory=list)
    reads_truncated: bool = False
    caution_reason: str = ""
    # In a caution case: one item per reader of the case (staff or partner), in reader order.
    readers: list[Item] = field(default_factory=list)

    def facts(self) -> list[Item]:
        """The facts to release or withhold in a caution case, in page order; none otherwise."""
        if not self.caution:
            return []
        found = [s.role_alias for s in self.subject if s.role_alias is not None]
        found.extend(row.fact for row in self.rows() if row.fact is not None)
        found.extend(self.readers)
        return found

    def rows(self) -> list[Any]:
        """Every record of the case's sections (not the reads), in page order."""
        return [
            *self.classification,
            *self.contacts,
            *self.flags,
            *self.decisions,
            *self.journal,
            *self.assessments,
            *self.referrals,
            *self.documents,
            *self.follow_ups,
            *self.measures,
        ]

    def reads_by_reader(self) -> list[tuple[Item, list[ReadRow]]]:
        """In a caution case: each reader's item with their reads (for the preview)."""
        return [(reader, [r for r in self.reads if r.fact is reader]) for reader in self.readers]

    def withheld_facts(self) -> list[Item]:
        """The records not released, one item each (undecided ones too), ordered by reason
        only: the extract lists them together as "other information in the case", so that
        neither a heading nor the order tells what kind of record (a referral, a measure) was
        withheld. A record goes out whole or not at all: withholding any of its texts (a
        referral's question) withholds its recipient, status and dates too (``row_gate``); in
        a caution case its fact decides, and the role and alias and each reader are facts too.
        """
        found = [s.role_alias for s in self.subject if s.role_alias is not None and not s.role_alias.released]
        found.extend(gate for gate in (row_gate(row) for row in self.rows()) if gate is not None)
        found.extend(reader for reader in self.readers if not reader.released)
        # By reason, then in an order that does not follow the kinds (a hash of the key).
        return sorted(found, key=lambda f: (f.reason, hashlib.sha256(f.key.encode()).hexdigest()))

    def items(self) -> list[Item]:
        """The case's reviewable items, in page order: in a caution case the facts (each covers
        its record's texts), else each free text."""
        found: list[Item] = [s.location for s in self.subject if s.location_reviewable]
        if self.caution:
            return found + self.facts()
        found.extend(c.note for c in self.contacts if c.note is not None)
        for flag in self.flags:
            found.append(flag.message)
            if flag.lift_message is not None:
                found.append(flag.lift_message)
        found.extend(d.reason for d in self.decisions)
        found.extend(j.text for j in self.journal)
        found.extend(r.asked for r in self.referrals)
        found.extend(d.title for d in self.documents)
        found.extend(f.note for f in self.follow_ups if f.note is not None)
        found.extend(m.note for m in self.measures if m.note is not None)
        return found


def row_items(row: Any) -> list[Item]:
    """The items that decide whether record ``row`` goes out: its fact in a caution case, else
    each of its texts."""
    if row.fact is not None:
        return [row.fact]
    found = []
    for f in fields(row):
        value = getattr(row, f.name)
        if f.name != "fact" and isinstance(value, Item):
            found.append(value)
    return found


def row_gate(row: Any) -> Item | None:
    """The first item of record ``row`` not released (then the whole record is withheld and
    listed under this item's reason), or None when it goes out."""
    return next((item for item in row_items(row) if not item.released), None)


def shown(rows: Iterable[Any]) -> list[Any]:
    """The rows of a section that go out: those whose every item is released (issue 13 item 3,
    round 2: a withheld text withholds its whole record; ``CaseExtract.withheld_facts`` lists
    it instead, without its kind)."""
    return [row for row in rows if row_gate(row) is None]


@dataclass
class Extract:
    """Everything held about the request's person (see the module). ``persons_gone``: person
    rows found at preparation that no longer exist (their case was culled since)."""

    request: SubjectAccessRequest
    generated_at: dt.datetime
    identity_number: str
    name: str
    cases: list[CaseExtract]
    persons_gone: int
    # Records of the cases added after the approval: left out of the extract (which is the
    # one approved) and counted for staff only.
    added_after_approval: int = 0

    def items(self) -> list[Item]:
        """Every reviewable item, in page order."""
        found: list[Item] = []
        for case in self.cases:
            found.extend(case.items())
        return found

    @property
    def undecided(self) -> int:
        return sum(1 for item in self.items() if item.state == "undecided")

    @property
    def released_count(self) -> int:
        return sum(1 for item in self.items() if item.released)

    @property
    def withheld_count(self) -> int:
        return sum(1 for item in self.items() if item.state == "withheld")


def _plain(token: str) -> str:
    return decrypt_text(token) if token else ""


class _Items:
    """Makes ``Item``s with the request's decisions applied."""

    def __init__(self, decisions: dict[str, ItemDecision]) -> None:
        self.decisions = decisions
        # Set per case: its text is hidden from the viewer (protected identity, not assigned).
        self.hidden = False
        # Set per case: a caution case (see the module), whose records are facts.
        self.caution = False

    def __call__(self, key: str, text: str, *, fact: bool = False) -> Item:
        hidden = self.hidden
        if hidden:
            text = ""  # never handed to a page that must not show it
        decision = self.decisions.get(key)
        if decision is None:
            return Item(key, text, hidden=hidden, fact=fact)
        state = "released" if decision.release else "withheld"
        return Item(key, text, state=state, reason=decision.reason, hidden=hidden, fact=fact)

    def optional(self, key: str, token: str) -> Item | None:
        return self(key, decrypt_text(token)) if token else None

    def fact(self, kind: str, pk: int) -> Item | None:
        """The fact of record ``kind``/``pk`` in a caution case, else None (released)."""
        return self(f"fact:{kind}:{pk}", "", fact=True) if self.caution else None

    def text(self, key: str, text: str, fact: Item | None) -> Item:
        """A free text: its own item, or in a caution case a part of its record's ``fact``
        (the same decision; only the fact is listed for review)."""
        if fact is None:
            return self(key, text)
        return self(fact.key, text, fact=True)

    def optional_text(self, key: str, token: str, fact: Item | None) -> Item | None:
        return self.text(key, decrypt_text(token), fact) if token else None


def _location(person: Person) -> str:
    parts = [person.municipality, _plain(person.district_encrypted)]
    return ", ".join(part for part in parts if part)


def _readers(events: Iterable[AuditEvent]) -> dict[int, tuple[str, str, str]]:
    """Actor id → ("Staff member N" or "Partner professional N", role label, organisation)."""
    actor_ids: list[int] = []
    for event in events:
        if event.actor_id is not None and event.actor_id not in actor_ids:
            actor_ids.append(event.actor_id)
    roles = dict(User.objects.filter(pk__in=actor_ids).values_list("pk", "role"))
    organisations: dict[int, set[str]] = {}
    for user_id, name in UnitMembership.objects.filter(user_id__in=actor_ids).values_list(
        "user_id", "unit__organisation__name"
    ):
        organisations.setdefault(user_id, set()).add(name)
    readers = {}
    for number, actor_id in enumerate(sorted(actor_ids), start=1):
        role = roles.get(actor_id, "")
        role_label = str(Role(role).label) if role in Role.values else ""
        organisation = ", ".join(sorted(organisations.get(actor_id, set())))
        if role == Role.PARTNER:
            readers[actor_id] = (_("Partner professional %(n)s") % {"n": number}, role_label, organisation)
        else:
            readers[actor_id] = (_("Staff member %(n)s") % {"n": number}, role_label, _("The centre"))
    return readers


def _reads(
    case_ids: list[int], referral_ids: list[int], request_id: int, as_of: dt.datetime | None
) -> tuple[dict[int, list[ReadRow]], set[int]]:
    """The reads of each case, newest first (at most READS_MAX in all), and the cases whose
    list was cut. Reads made in preparing another data-subject request are left out: they
    would tell that someone else (the exposed daughter, the father) asked; those made for
    request ``request_id`` itself are listed as "read to answer your request". ``as_of``: the
    approval, after which nothing is listed (the extract is the one approved)."""
    match = Q(object_type="cases.case", object_id__in=[str(i) for i in case_ids]) | Q(data__case__in=case_ids)
    if referral_ids:
        match |= Q(object_type="referrals.referral", object_id__in=[str(i) for i in referral_ids])
    other_requests = Q(event_type="subject_access.case_viewed") & ~Q(data__request=request_id)
    events_qs = AuditEvent.objects.filter(
        match, actor_kind=ActorKind.USER, event_type__in=PERSONAL_DATA_READS
    ).exclude(other_requests)
    if as_of is not None:
        events_qs = events_qs.filter(occurred_at__lte=as_of)
    events = list(events_qs.order_by("-occurred_at", "-id")[: READS_MAX + 1])
    cut = len(events) > READS_MAX
    events = events[:READS_MAX]
    referral_case = dict(Referral.objects.filter(pk__in=referral_ids).values_list("pk", "case_id"))
    readers = _readers(events)
    by_case: dict[int, list[ReadRow]] = {}
    for event in events:
        if event.object_type == "cases.case" and event.object_id.isdigit():
            case_id: int | None = int(event.object_id)
        elif event.object_type == "referrals.referral" and event.object_id.isdigit():
            case_id = referral_case.get(int(event.object_id))
        else:
            value = event.data.get("case") if isinstance(event.data, dict) else None
            case_id = value if isinstance(value, int) else None
        if case_id is None or event.actor_id is None:
            continue
        reader, role_label, organisation = readers[event.actor_id]
        label = EVENT_TYPES.get(event.event_type, event.event_type)
        own_request = event.event_type == "subject_access.case_viewed"
        if own_request:
            label = _("Read to answer your request")
        by_case.setdefault(case_id, []).append(
            ReadRow(
                event.occurred_at,
                reader,
                role_label,
                organisation,
                str(label),
                event.actor_id,
                request_id=request_id if own_request else None,
            )
        )
    return by_case, (set(case_ids) if cut else set())


def _assessment_row(assessment: Assessment, cache: dict[int, Any], fact: Item | None) -> AssessmentRow:
    definition = cache.get(assessment.instrument_id)
    if definition is None:
        definition = cache[assessment.instrument_id] = engine.definition_from_stored(
            assessment.instrument.definition
        )
    view = AssessmentView(assessment, definition, json.loads(decrypt_text(assessment.result_encrypted)))
    return AssessmentRow(
        assessment.performed_at, view.title, assessment.instrument.version, view.summary, fact
    )


def extract_build(request: SubjectAccessRequest, viewer: Any = None) -> Extract:
    """The extract of ``request`` (see the module). ``viewer``: the staff member the preview is
    for; every text and the identity in a protected-identity case are ``hidden`` from a viewer
    not assigned to that case (``cases.selectors.user_may_see_protected_fields``). None for the
    download, which prints what was released.

    Only the persons found at preparation who still carry the request's number are included:
    one culled since, or whose number was corrected to another, counts in ``persons_gone``.

    In a case where the person is not the exposed one, or another is exposed too, every record
    is a fact to decide (see the module; ``CaseExtract.caution``).

    A viewer who may not read a case now under the case rules (not assigned, not its
    supervisor, no unexpired grant given with a reason: ``cases.selectors``) gets its texts
    and identity ``hidden`` and ``CaseExtract.readable`` False (the preview links to the
    case's reason page). Once the request is approved, the extract is the one approved:
    records created after ``decided_at`` are left out and counted in
    ``added_after_approval``, and so are reads after it."""
    as_of = (
        request.decided_at if request.status in (RequestStatus.APPROVED, RequestStatus.DELIVERED) else None
    )
    added_after = 0

    def kept(when: dt.datetime | None) -> bool:
        nonlocal added_after
        if as_of is None or when is None or when <= as_of:
            return True
        added_after += 1
        return False

    decisions = {d.item: d for d in request.decisions.all()}
    item = _Items(decisions)
    number = decrypt_text(request.identity_number_encrypted)
    persons = [
        person
        for person in Person.objects.filter(pk__in=request.person_ids)
        .select_related("case")
        .order_by("case_id", "id")
        if _plain(person.identity_number_encrypted) == number
    ]
    cases: dict[int, Case] = {}
    subject_by_case: dict[int, list[Person]] = {}
    for person in persons:
        cases[person.case_id] = person.case
        subject_by_case.setdefault(person.case_id, []).append(person)
    case_ids = sorted(cases)
    referral_ids = list(Referral.objects.filter(case_id__in=case_ids).values_list("pk", flat=True))
    reads, cut = _reads(case_ids, referral_ids, request.pk, as_of)
    instruments: dict[int, Any] = {}
    result: list[CaseExtract] = []
    name = ""
    for case_id in case_ids:
        case = cases[case_id]
        own = subject_by_case[case_id]
        own_ids = {p.pk for p in own}
        readable = viewer is None or user_is_case_insider(viewer, case) or _valid_grant(viewer, case)
        hidden = not readable or (
            case.protected_identity and viewer is not None and not user_may_see_protected_fields(viewer, case)
        )
        item.hidden = hidden
        exposed_here = any(p.role == PersonRole.EXPOSED for p in own)
        if not exposed_here:
            caution_reason = "not_exposed"
        elif case.persons.exclude(pk__in=own_ids).filter(role=PersonRole.EXPOSED).exists():
            # A sister exposed in the same case: the case's measures, referrals and ratings
            # may be hers.
            caution_reason = "other_exposed"
        else:
            caution_reason = ""
        item.caution = bool(caution_reason)
        subject = []
        for person in own:
            name = name or _plain(person.name_encrypted)
            location_text = _location(person)
            reviewable = case.protected_identity and bool(location_text)
            location = (
                item(f"location:{person.pk}", location_text)
                if reviewable
                else Item(f"location:{person.pk}", location_text, state="released")
            )
            subject.append(
                SubjectEntry(
                    person.pk,
                    person.role,
                    person.get_role_display(),
                    person.alias,
                    "" if hidden else _plain(person.name_encrypted),
                    "" if hidden else _plain(person.identity_number_encrypted),
                    person.get_age_group_display(),
                    person.get_gender_display(),
                    location,
                    reviewable,
                    identity_hidden=hidden,
                    role_alias=item.fact("entry", person.pk) if not exposed_here else None,
                )
            )
        others = case.persons.exclude(pk__in=own_ids).count()
        relations = PersonRelation.objects.filter(
            Q(from_person_id__in=own_ids) | Q(to_person_id__in=own_ids)
        ).count()
        extract = CaseExtract(
            case_id=case.pk,
            reference=case.reference,
            status_label=case.get_status_display(),
            opened_at=case.opened_at,
            closed_at=case.closed_at,
            protected_identity=case.protected_identity,
            caution=bool(caution_reason),
            caution_reason=caution_reason,
            subject=subject,
            others_withheld=others,
            relations_withheld=relations,
            readable=readable,
        )
        extract.classification.append(
            ClassificationRow(
                [
                    link.problem_type.name_sv if _swedish() else link.problem_type.name_en
                    for link in case.problem_type_links.select_related("problem_type").order_by("id")
                ],
                case.get_urgency_display(),
                item.fact("classification", case.pk),
            )
        )
        for c in case.contacts.order_by("occurred_at", "id"):
            if not kept(c.created_at):
                continue
            fact = item.fact("contact", c.pk)
            extract.contacts.append(
                ContactRow(
                    c.occurred_at,
                    c.get_channel_display(),
                    c.duration_minutes,
                    item.optional_text(f"contact:{c.pk}", c.note_encrypted, fact),
                    fact,
                )
            )
        for f in case.flags.order_by("raised_at", "id"):
            if not kept(f.raised_at):
                continue
            fact = item.fact("flag", f.pk)
            extract.flags.append(
                FlagRow(
                    f.raised_at,
                    f.lifted_at,
                    item.text(f"flag:{f.pk}", decrypt_text(f.message_encrypted), fact),
                    item.optional_text(f"flag_lift:{f.pk}", f.lift_message_encrypted, fact),
                    fact,
                )
            )
        for d in case.decisions.order_by("decided_at", "id"):
            if not kept(d.decided_at):
                continue
            fact = item.fact("decision", d.pk)
            extract.decisions.append(
                DecisionRow(
                    d.decided_at,
                    d.get_kind_display(),
                    item.text(f"decision:{d.pk}", decrypt_text(d.reason_encrypted), fact),
                    fact,
                )
            )
        for e in JournalEntry.objects.filter(case=case, signed_at__isnull=False).order_by("signed_at", "id"):
            if e.signed_at is None or not kept(e.signed_at):
                continue
            # A journal entry is one text already: in a caution case it is its own fact.
            text = item(f"journal:{e.pk}", e.text, fact=item.caution)
            extract.journal.append(
                JournalRow(
                    e.signed_at,
                    e.author_role_label,
                    e.corrects_id,
                    e.pk,
                    text,
                    text if item.caution else None,
                )
            )
        for a in (
            Assessment.objects.filter(case=case).select_related("instrument").order_by("performed_at", "id")
        ):
            if not kept(a.performed_at):
                continue
            extract.assessments.append(_assessment_row(a, instruments, item.fact("assessment", a.pk)))
        for r in (
            Referral.objects.filter(case=case).select_related("unit__organisation").order_by("sent_at", "id")
        ):
            if not kept(r.created_at):
                continue
            fact = item.fact("referral", r.pk)
            extract.referrals.append(
                ReferralRow(
                    r.pk,
                    r.sent_at,
                    f"{r.unit.organisation.name}: {r.unit.name}",
                    r.get_channel_display(),
                    r.get_status_display(),
                    item.text(f"referral:{r.pk}", decrypt_text(r.asked_encrypted), fact),
                    fact,
                )
            )
        for doc in CaseDocument.objects.filter(case=case).order_by("created_at", "id"):
            if not kept(doc.created_at):
                continue
            fact = item.fact("document", doc.pk)
            extract.documents.append(
                DocumentRow(
                    doc.pk,
                    doc.created_at,
                    item.text(f"document:{doc.pk}", _plain(doc.title_encrypted), fact),
                    [
                        DocumentVersionRow(v.number, v.uploaded_at, v.extension, v.size, v.withdrawn)
                        for v in doc.versions.order_by("number")
                    ],
                    fact,
                )
            )
        for fu in FollowUp.objects.filter(case=case).order_by("held_on", "id"):
            if not kept(fu.recorded_at):
                continue
            fact = item.fact("followup", fu.pk)
            extract.follow_ups.append(
                FollowUpRow(
                    fu.held_on,
                    [(r.get_domain_display(), r.get_rating_display()) for r in fu.ratings.order_by("id")],
                    item.optional_text(f"followup:{fu.pk}", fu.note_encrypted, fact),
                    fact,
                )
            )
        for m in ProtectiveMeasure.objects.filter(case=case).order_by("started_on", "id"):
            if not kept(m.recorded_at):
                continue
            fact = item.fact("measure", m.pk)
            extract.measures.append(
                MeasureRow(
                    m.get_kind_display(),
                    m.started_on,
                    m.ended_on,
                    item.optional_text(f"measure:{m.pk}", m.note_encrypted, fact),
                    fact,
                )
            )
        case_reads = reads.get(case_id, [])
        if item.caution:
            # One decision per reader of the case: a partner's organisation tells where the
            # case went, and what a reader opened (a referral, an assessment) what it holds.
            # The reads made in preparing this very request are no fact about anyone else (and
            # would otherwise add an undecided reader each time a supervisor opens the
            # preview); those made for another request (hers, say) are.
            by_reader: dict[int, Item] = {}
            marked = []
            for read in case_reads:
                if read.request_id == request.pk:
                    marked.append(read)
                    continue
                if read.actor_id not in by_reader:
                    by_reader[read.actor_id] = item(f"fact:reads:{case_id}:{read.actor_id}", "", fact=True)
                marked.append(replace(read, fact=by_reader[read.actor_id]))
            extract.readers = list(by_reader.values())
            case_reads = marked
        extract.reads = case_reads
        extract.reads_truncated = case_id in cut
        result.append(extract)
    return Extract(
        request=request,
        generated_at=timezone.now(),
        identity_number=decrypt_text(request.identity_number_encrypted),
        name=name,
        cases=result,
        persons_gone=len(set(request.person_ids) - {p.pk for p in persons}),
        added_after_approval=added_after,
    )


def extract_closed(request: SubjectAccessRequest) -> Extract:
    """What the page of a refused or delivered request shows: no case content at all (no
    name, no case; the request's record and its decisions only)."""
    return Extract(
        request=request,
        generated_at=timezone.now(),
        identity_number=decrypt_text(request.identity_number_encrypted),
        name="",
        cases=[],
        persons_gone=0,
    )


def decision_counts(request: SubjectAccessRequest) -> dict[str, int]:
    """The request's decisions as counts: {"released": n, "withheld": n}."""
    released = request.decisions.filter(release=True).count()
    return {"released": released, "withheld": request.decisions.count() - released}


def _swedish() -> bool:
    return (translation.get_language() or "sv").startswith("sv")


def decisions_fingerprint(request: SubjectAccessRequest) -> str:
    """A hash of the request's current decisions, (item, release, reason) sorted: the approve
    form carries the one shown, and approval is refused when they changed since (four eyes:
    the supervisor approves what they saw; issue 13 item 3, round 2)."""
    rows = sorted(request.decisions.values_list("item", "release", "reason"))
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def other_supervisor_exists(user: Any) -> bool:
    """Whether an active supervisor other than ``user`` exists (someone must approve what
    ``user`` prepares: four eyes)."""
    return (
        User.objects.filter(is_active=True, role__in=roles_with(Capability.SUPERVISE_CASES))
        .exclude(pk=user.pk)
        .exists()
    )


def open_requests_with_number(number: str, *, exclude: int | None = None) -> list[SubjectAccessRequest]:
    """Requests not yet delivered or refused for identity number ``number`` (twelve digits):
    the numbers are encrypted with a random nonce, so each open one is decrypted."""
    found = []
    open_ones = SubjectAccessRequest.objects.filter(
        status__in=(RequestStatus.PREPARED, RequestStatus.APPROVED)
    )
    if exclude is not None:
        open_ones = open_ones.exclude(pk=exclude)
    for request in open_ones.order_by("received_on", "id"):
        if _plain(request.identity_number_encrypted) == number:
            found.append(request)
    return found


def reviewable_item(request: SubjectAccessRequest, key: str, viewer: Any) -> Item | None:
    """The reviewable item ``key`` of ``request``'s extract as ``viewer`` sees it, or None when
    the extract has no such item."""
    return next((i for i in extract_build(request, viewer).items() if i.key == key), None)


def request_case_ids(request: SubjectAccessRequest) -> list[int]:
    """The cases the request's persons are in (ids only, for the audit)."""
    return sorted(set(Person.objects.filter(pk__in=request.person_ids).values_list("case_id", flat=True)))


def refusal_reason(request: SubjectAccessRequest) -> str:
    return _plain(request.refusal_reason_encrypted)


def identity_check_note(request: SubjectAccessRequest) -> str:
    return _plain(request.identity_check_note_encrypted)
