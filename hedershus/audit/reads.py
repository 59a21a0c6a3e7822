"""Which audit events are reads of personal data: what a log review (loggkontroll) samples.

Patientdatalagen (2008:355) 4 kap. 3 § asks that access to personal data is logged *and
systematically and repeatedly reviewed*; socialtjänstens dokumentation (SOSFS 2014:5, and
IMY's guidance on logging) the same for social services records. A review looks at staff
opening a person's data, not at their own writes: the event types below. A test fails when an
app registers a new event type that reads like a read (``viewed``, ``opened``, ``downloaded``,
``listed``, ``searched``) without it being listed here or in ``NOT_PERSONAL_DATA``.

It lives with the audit log, below the apps that read it: the log review (``oversight``) samples
these events and a data-subject extract (``subject_access``) lists them as the reads of the
person's data, from this one list.
"""

from __future__ import annotations

# A member of staff (or a partner professional) opened something about a person.
PERSONAL_DATA_READS: frozenset[str] = frozenset(
    {
        "case.viewed",
        "case.listed",
        "journal.viewed",
        "assessment.viewed",
        "assessment.list_viewed",
        "case_document.listed",
        "case_document.viewed",
        "case_document.downloaded",
        "referral.viewed",
        "referral.opened",
        "referral.listed",
        "consultation.viewed",
        "consultation.listed",
        "conversation.viewed",
        "messaging.conversation_opened",
        "messaging.attachment_downloaded",
        "journal.entry_viewed",
        "journal.draft_viewed",
        "followup.timeline_viewed",
        "partner_portal.home_viewed",
        # A data-subject extract shows everything held about one person (hedershus.subject_access).
        "subject_access.case_viewed",
        "subject_access.request_viewed",
        "subject_access.extract_downloaded",
    }
)

# Reads that are not of a client's personal data, or are reviewed elsewhere: staff accounts
# (administrators' work), the audit log itself (the auditors' own), figures and the register.
NOT_PERSONAL_DATA: frozenset[str] = frozenset(
    {
        "user.viewed",
        "user.list_viewed",
        "audit.searched",
        "audit.exported",
        "log_review.viewed",
        "room.opened",
        "case.opened",
        "consultation.case_opened",
        "mfa.recovery_codes_viewed",
        "partner_portal.unit_viewed",
        "costs.population_viewed",
        "costs.list_viewed",
        "costs.table_viewed",
        "costs.table_exported",
        # Suppressed aggregate figures: no person can be read from them (statistics/suppression.py).
        "statistics.viewed",
        "statistics.exported",
        "statistics.refused",
    }
)

READ_WORDS = ("viewed", "opened", "downloaded", "listed", "searched", "exported")


def looks_like_a_read(event_type: str) -> bool:
    """Whether ``event_type`` (``app.verb``) names a read by its verb."""
    verb = event_type.rsplit(".", 1)[-1]
    return any(verb.endswith(word) for word in READ_WORDS)
