"""A case: the centre's record of its work with one person or family network (R14).

This module holds the case itself, who works on it and who was let in with a reason (R20).
Persons, contacts, problem types, flags and the decision are added beside it; the journal,
assessments and documents are apps of their own that point here (docs/architecture.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    ASSESSMENT = "assessment", _("Assessment")
    ONGOING = "ongoing", _("Ongoing")
    REFERRED = "referred", _("Referred")
    CLOSED = "closed", _("Closed")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent")
    ACUTE = "acute", _("Acute")


class CaseOutcome(models.TextChoices):
    """Why a case was closed (R24 counts them per municipality and channel)."""

    HELPED = "helped", _("Support given, needs met")
    REFERRED_ON = "referred_on", _("Referred to another body")
    NO_CONTACT = "no_contact", _("No further contact")
    DECLINED = "declined", _("The person declined support")
    OTHER = "other", _("Other")


class Case(models.Model):
    """One case. ``reference`` is what staff say and write ("2026-0042"); the id never shows.

    Visible to its assigned staff (``CaseAssignment``) and its supervisor; anyone else who
    handles cases must give a reason first (``CaseAccessGrant``), see ``selectors``. With
    ``protected_identity`` (skyddade personuppgifter) identity and location fields show only
    to the assigned staff, and the case is left out of everyone else's searches.
    """

    reference = models.CharField(_("case number"), max_length=16, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.NEW)
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.ROUTINE)
    protected_identity = models.BooleanField(_("protected identity"), default=False)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_cases",
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Why it was closed: set exactly while closed (reopening clears it; the audit log keeps it).
    outcome = models.CharField(_("outcome"), max_length=16, choices=CaseOutcome.choices, blank=True)

    class Meta:
        ordering = ("-opened_at", "-id")
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CaseStatus.values), name="cases_case_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(urgency__in=Urgency.values), name="cases_case_urgency_valid"
            ),
            # Closed exactly when it has a closing time.
            models.CheckConstraint(
                condition=models.Q(status=CaseStatus.CLOSED, closed_at__isnull=False)
                | (~models.Q(status=CaseStatus.CLOSED) & models.Q(closed_at__isnull=True)),
                name="cases_case_closed_at_matches_status",
            ),
            models.CheckConstraint(
                condition=models.Q(status=CaseStatus.CLOSED, outcome__in=CaseOutcome.values)
                | (~models.Q(status=CaseStatus.CLOSED) & models.Q(outcome="")),
                name="cases_case_outcome_matches_status",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "urgency"]),
            # The list and every search are newest first and stop at LIST_LIMIT rows: with this
            # index PostgreSQL walks the newest cases and stops, instead of sorting all that
            # match (bench/results/case-list.md).
            models.Index(fields=["-opened_at", "-id"], name="cases_case_newest_idx"),
        ]

    def __str__(self) -> str:
        return self.reference


class CaseAssignment(models.Model):
    """A staff member working on a case; they see it without giving a reason."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_assignments"
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField()

    class Meta:
        verbose_name = _("case assignment")
        verbose_name_plural = _("case assignments")
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="cases_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.case_id}"


class CaseAccessGrant(models.Model):
    """A colleague outside the case opened it after giving a reason (R20): kept as a record
    and audited (``case.opened_with_reason``); valid until ``expires_at``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("case opened with a reason")
        verbose_name_plural = _("cases opened with a reason")
        indexes = [models.Index(fields=["case", "user", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.case_id} until {self.expires_at:%Y-%m-%d %H:%M}"


# --- Issue 10, item 1: what a case holds beside its access rows ----------------------------


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    VISIT = "visit", _("Visit")
    CHAT = "chat", _("Chat (room conversation)")
    PROFESSIONAL = "professional", _("A professional's request")


class CaseSequence(models.Model):
    """The last case number given in a year. Opening a case locks this row, so two openings
    never get the same number; ``Case.reference``'s UNIQUE is the backstop."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("case number counter")
        verbose_name_plural = _("case number counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Contact(models.Model):
    """One contact with the case, whatever the channel (R14). ``note_encrypted`` is a short
    note (``core.crypto``). ``conversation`` links a chat contact to the room conversation it
    came from; SET_NULL because a visitor may delete their room and its thread at any time
    (their right, R11): the contact stays, ``from_conversation`` says there was one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    occurred_at = models.DateTimeField(_("time"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note_encrypted = models.TextField(blank=True)
    conversation = models.ForeignKey(
        "messaging.Conversation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_conversation = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # The id the form picked when it was shown: a double submit or retry with it returns the
    # first row (services); the partial UNIQUE settles two that arrive at once.
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ("-occurred_at", "-id")
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name="cases_contact_channel_valid"
            ),
            # At most a day: a longer number is a typing mistake (minutes, not seconds).
            models.CheckConstraint(
                condition=models.Q(duration_minutes__lte=24 * 60), name="cases_contact_duration_max"
            ),
            # One case per conversation: a second "open a case" finds the first.
            models.UniqueConstraint(
                fields=["conversation"],
                condition=models.Q(conversation__isnull=False),
                name="cases_contact_one_case_per_conversation",
            ),
            models.UniqueConstraint(
                fields=["taken_by", "client_id"],
                condition=models.Q(client_id__isnull=False),
                name="cases_contact_recorded_once",
            ),
        ]
        indexes = [models.Index(fields=["case", "-occurred_at"], name="cases_contact_case_time_idx")]

    def __str__(self) -> str:
        return f"contact {self.pk} in {self.case_id}"


class ProblemType(models.Model):
    """A kind of problem a case is about (R14). Seeded by migration 0003; supervisors add more."""

    name_sv = models.CharField(_("name in Swedish"), max_length=120, unique=True)
    name_en = models.CharField(_("name in English"), max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)
        verbose_name = _("problem type")
        verbose_name_plural = _("problem types")

    def __str__(self) -> str:
        return self.name_en

    @property
    def name(self) -> str:
        """The name in the active language (Swedish for sv, English otherwise)."""
        return self.name_sv if (get_language() or "sv").startswith("sv") else self.name_en


class CaseProblemType(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="problem_type_links")
    problem_type = models.ForeignKey(ProblemType, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("problem type of a case")
        verbose_name_plural = _("problem types of cases")
        constraints = [
            models.UniqueConstraint(fields=["case", "problem_type"], name="cases_problem_type_once"),
        ]
        indexes = [models.Index(fields=["problem_type", "case"], name="cases_problem_type_case_idx")]

    def __str__(self) -> str:
        return f"{self.problem_type_id} in {self.case_id}"


class Flag(models.Model):
    """A warning on the case ("do not contact the family") with its date; lifted with a
    message, never deleted, so the history shows both. Messages encrypted at rest."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="flags")
    message_encrypted = models.TextField()
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_message_encrypted = models.TextField(blank=True)
    # The id the form picked when it was shown: a double submit or retry with it returns the
    # first row (services); the partial UNIQUE settles two that arrive at once.
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ("-raised_at", "-id")
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(lifted_at__isnull=True, lifted_by__isnull=True, lift_message_encrypted="")
                    | (
                        models.Q(lifted_at__isnull=False, lifted_by__isnull=False)
                        & ~models.Q(lift_message_encrypted="")
                    )
                ),
                name="cases_flag_lifted_complete",
            ),
            models.UniqueConstraint(
                fields=["raised_by", "client_id"],
                condition=models.Q(client_id__isnull=False),
                name="cases_flag_raised_once",
            ),
        ]

    def __str__(self) -> str:
        return f"flag {self.pk} on {self.case_id}"


class DecisionKind(models.TextChoices):
    """The holistic decision the brief asks for (R14)."""

    IN_HOUSE = "in_house", _("Handle in-house")
    WITH_PARTNERS = "with_partners", _("Handle together with partners")
    REFER = "refer", _("Refer")


class Decision(models.Model):
    """One holistic decision; the newest is in force, the older ones are its history."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("decision"), max_length=16, choices=DecisionKind.choices)
    reason_encrypted = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    # The id the form picked when it was shown: a double submit or retry with it returns the
    # first row (services); the partial UNIQUE settles two that arrive at once.
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ("-decided_at", "-id")
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DecisionKind.values), name="cases_decision_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["decided_by", "client_id"],
                condition=models.Q(client_id__isnull=False),
                name="cases_decision_recorded_once",
            ),
        ]

    def __str__(self) -> str:
        return f"decision {self.pk} on {self.case_id}"


class AgeGroup(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    UNDER_13 = "0-12", _("12 or younger")
    TEEN = "13-17", _("13 to 17")
    YOUNG_ADULT = "18-25", _("18 to 25")
    ADULT = "26-64", _("26 to 64")
    OLDER = "65+", _("65 or older")


class Gender(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    GIRL_WOMAN = "female", _("Girl/woman")
    BOY_MAN = "male", _("Boy/man")
    OTHER = "other", _("Other or non-binary")


class PersonRole(models.TextChoices):
    EXPOSED = "exposed", _("Exposed")
    RELATIVE = "relative", _("Relative")
    PERPETRATOR = "perpetrator", _("Perpetrator")
    PROFESSIONAL = "professional", _("Professional")


class Person(models.Model):
    """A person in a case (R14): pseudonymous (an alias, never the real name), identified
    only when needed. Several perpetrators per case are allowed (collective honour violence).

    Identity (``name_encrypted``, ``identity_number_encrypted``) and location
    (``municipality``, ``district_encrypted``) are shown only to those ``user_may_see_protected_fields``
    allows. Both identity fields are encrypted at rest; the number is shown masked.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="persons")
    alias = models.CharField(_("alias"), max_length=80)
    role = models.CharField(_("role in the case"), max_length=16, choices=PersonRole.choices)
    age_group = models.CharField(
        _("age group"), max_length=8, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN
    )
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, default=Gender.UNKNOWN)
    municipality = models.CharField(_("municipality"), max_length=40, blank=True)
    # Free text narrower than the municipality (a street, a school's area): encrypted like the
    # identity, so a copy of the database does not say where a protected person lives.
    district_encrypted = models.TextField(blank=True)
    name_encrypted = models.TextField(blank=True)
    identity_number_encrypted = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The id the form picked when it was shown: a double submit or retry with it returns the
    # first row (services); the partial UNIQUE settles two that arrive at once.
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ("id",)
        verbose_name = _("person in a case")
        verbose_name_plural = _("persons in cases")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=PersonRole.values), name="cases_person_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(age_group__in=AgeGroup.values), name="cases_person_age_group_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(gender__in=Gender.values), name="cases_person_gender_valid"
            ),
            models.UniqueConstraint(
                fields=["created_by", "client_id"],
                condition=models.Q(client_id__isnull=False),
                name="cases_person_added_once",
            ),
        ]
        indexes = [
            models.Index(fields=["alias"], name="cases_person_alias_idx"),
            models.Index(fields=["municipality", "case"], name="cases_person_municipality_idx"),
        ]

    def __str__(self) -> str:
        return self.alias


class RelationKind(models.TextChoices):
    """``from_person`` is the <kind> ``to_person``."""

    MOTHER = "mother", _("mother of")
    FATHER = "father", _("father of")
    PARENT = "parent", _("parent of")
    BROTHER = "brother", _("brother of")
    SISTER = "sister", _("sister of")
    SIBLING = "sibling", _("sibling of")
    SPOUSE = "spouse", _("spouse of")
    FIANCE = "fiance", _("fiancé(e) of")
    CHILD = "child", _("child of")
    UNCLE_AUNT = "uncle_aunt", _("uncle or aunt of")
    COUSIN = "cousin", _("cousin of")
    GRANDPARENT = "grandparent", _("grandparent of")
    IN_LAW = "in_law", _("in-law of")
    OTHER = "other", _("other relative of")


class PersonRelation(models.Model):
    """Two persons of one family network (the same case): "A is the mother of B"."""

    from_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations_from")
    to_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations_to")
    kind = models.CharField(_("relation"), max_length=16, choices=RelationKind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)
        verbose_name = _("relation between persons")
        verbose_name_plural = _("relations between persons")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_person=models.F("to_person")), name="cases_relation_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=RelationKind.values), name="cases_relation_kind_valid"
            ),
            models.UniqueConstraint(fields=["from_person", "to_person", "kind"], name="cases_relation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.from_person_id} {self.kind} {self.to_person_id}"
