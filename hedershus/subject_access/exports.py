"""The approved extract as JSON and as PDF, both from the same ``selectors.Extract``.

- **JSON** (machine-readable, GDPR art. 15(3) and 20's spirit): UTF-8, keys in English,
  codes where the platform has codes and the reader's-language label beside them. The schema
  is ``hedershus.subject_access.extract`` with ``schema_version`` (``SCHEMA_VERSION``); it is
  documented in the docs (/tmp/docs_subject_access.md, "The JSON"). A withheld text is
  ``{"released": false, "reason": <code>, "reason_text": ...}`` and never holds the text.
- **PDF**: ReportLab's platypus, the Bitstream Vera TrueType that ReportLab ships (embedded,
  so å, ä, ö print anywhere), A4. The same content in the reader's language.

Nothing about other persons is in the ``Extract`` to begin with; withheld items are printed
as "[withheld]" with the reason. A record with a withheld text, and in a case where the person
is not the exposed one any record (a referral, a measure, a reader...) not released, is left
out of its section and marked in the case's "withheld_information" instead (in the PDF,
"Other information in the case"), ordered by reason only: neither a heading nor the order
tells what kind of record it was (``selectors.CaseExtract.withheld_facts``). Schema version
2 added that list, and an entry's "role", "role_text" and "alias" are null when they were
withheld. Version 3 (issue 13 item 3, round 2): the whole-record rule for every case,
"problem_types_and_urgency" per case, and "about_the_processing" (GDPR art. 15(1)(a) to
(h): ``gdpr_information``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from hedershus.core.pdf import pdf_fonts
from hedershus.subject_access.models import WithholdReason
from hedershus.subject_access.selectors import SCHEMA_VERSION, CaseExtract, Extract, Item, due_date, shown

CONTENT_TYPES = {"pdf": "application/pdf", "json": "application/json"}


def filename(extract: Extract, fmt: str) -> str:
    """``registerutdrag-<request id>.<fmt>``: no name or number in it."""
    return f"registerutdrag-{extract.request.pk}.{fmt}"


def _when(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _reason_text(item: Item) -> str:
    """The legal ground of a withheld item, never "not reviewed" (an approved extract has no
    undecided item; records added after approval are left out: ``selectors.extract_build``)."""
    return str(WithholdReason(item.reason).label) if item.reason in WithholdReason.values else ""


def _item(item: Item | None) -> dict[str, Any] | None:
    if item is None:
        return None
    if item.released:
        return {"released": True, "text": item.text}
    return {"released": False, "reason": item.reason or None, "reason_text": _reason_text(item)}


def gdpr_information() -> list[tuple[str, str, str]]:
    """The information GDPR art. 15(1)(a) to (h) and (2) require besides the data, as
    ``(key, heading, text)`` in the active language; the same in the PDF and the JSON. The
    retention periods are read from the retention registry's declarations (R22:
    ``hedershus.core.retention``), so they follow the settings. The texts are to be confirmed by
    the centre's lawyer (docs/oversight.md, "What the extract says about the processing")."""
    from hedershus.cases.models import Case
    from hedershus.core.retention import declaration_for
    from hedershus.subject_access.models import SubjectAccessRequest

    def rule(model: Any) -> str:
        declaration = declaration_for(model)
        if declaration is None or declaration.rule is None:
            return _("see the centre's retention rules")
        return str(declaration.rule())

    return [
        (
            "purposes",
            _("Why we process your data (purposes)"),
            _(
                "To give support, advice and protection to people exposed to honour-related "
                "violence and oppression, to plan and follow up that support together with the "
                "agencies involved, and to keep the records the law requires of that work."
            ),
        ),
        (
            "legal_basis",
            _("Legal basis"),
            _(
                "A task carried out in the public interest and the exercise of official authority "
                "(GDPR art. 6(1)(e)); data about health and other sensitive data under art. 9(2)(g) "
                "and (h) with the Swedish social services and data protection acts. A referral to "
                "another agency is made only with your consent or where a secrecy-breaking rule allows it."
            ),
        ),
        (
            "categories",
            _("Categories of data"),
            _(
                "Identity and contact details, the case's records (contacts, journal, assessments, "
                "referrals, documents, follow-ups, protective measures) and who has read them."
            ),
        ),
        (
            "recipients",
            _("Recipients"),
            _(
                "The centre's staff who work on your case; the partner agencies a case was "
                "referred to (social services, police, health care, shelters), listed in the "
                "extract where released; the platform's IT supplier as a processor. Nothing is "
                "sent outside the EU/EEA."
            ),
        ),
        (
            "retention",
            _("How long the data is kept"),
            _("Case records: %(case)s. This request and our decisions on it: %(request)s.")
            % {"case": rule(Case), "request": rule(SubjectAccessRequest)},
        ),
        (
            "rights",
            _("Your rights"),
            _(
                "You may ask us to correct inaccurate data (art. 16), to erase data (art. 17) or to "
                "restrict its processing (art. 18), and object to the processing (art. 21). Contact "
                "the centre or its data protection officer."
            ),
        ),
        (
            "complaint",
            _("Complaint"),
            _(
                "You may complain to the Swedish Authority for Privacy Protection (IMY), "
                "Box 8114, 104 20 Stockholm, imy.se."
            ),
        ),
        (
            "source",
            _("Where the data comes from"),
            _(
                "From you, from people close to you who contacted the centre, from the agencies "
                "that referred your case or worked on it, and from the centre's staff. No "
                "automated decision-making or profiling (art. 22) is used."
            ),
        ),
    ]


def _classification(case: CaseExtract) -> dict[str, Any] | None:
    rows = shown(case.classification)
    if not rows:
        return None
    return {"problem_types": rows[0].problem_types, "urgency": rows[0].urgency_label}


def _withheld(reason: str) -> dict[str, Any]:
    return {"released": False, "reason": reason, "reason_text": str(WithholdReason(reason).label)}


def _case(case: CaseExtract) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "status": case.status_label,
        "opened_at": _when(case.opened_at),
        "closed_at": _when(case.closed_at),
        "protected_identity": case.protected_identity,
        "problem_types_and_urgency": _classification(case),
        "your_entries": [
            {
                "role": s.role if s.role_alias_shown else None,
                "role_text": s.role_label if s.role_alias_shown else None,
                "alias": s.alias if s.role_alias_shown else None,
                "name": s.name or None,
                "identity_number": s.identity_number or None,
                "age_group": s.age_group_label,
                "gender": s.gender_label,
                "location": _item(s.location) if s.location.text or s.location_reviewable else None,
            }
            for s in case.subject
        ],
        "other_persons": [_withheld("other_person") for _n in range(case.others_withheld)],
        "relations": [_withheld("other_person") for _n in range(case.relations_withheld)],
        "withheld_information": [_item(f) for f in case.withheld_facts()],
        "contacts": [
            {
                "at": _when(c.occurred_at),
                "channel": c.channel_label,
                "duration_minutes": c.duration_minutes,
                "note": _item(c.note),
            }
            for c in shown(case.contacts)
        ],
        "flags": [
            {
                "raised_at": _when(f.raised_at),
                "lifted_at": _when(f.lifted_at),
                "message": _item(f.message),
                "lift_message": _item(f.lift_message),
            }
            for f in shown(case.flags)
        ],
        "decisions": [
            {"at": _when(d.decided_at), "decision": d.kind_label, "reason": _item(d.reason)}
            for d in shown(case.decisions)
        ],
        "journal": [
            {
                "entry": j.entry_id,
                "signed_at": _when(j.signed_at),
                "signed_by_role": j.author_role_label,
                "corrects_entry": j.corrects_id,
                "text": _item(j.text),
            }
            for j in shown(case.journal)
        ],
        "assessments": [
            {
                "at": _when(a.performed_at),
                "instrument": a.instrument,
                "version": a.version,
                "result": a.result,
            }
            for a in shown(case.assessments)
        ],
        "referrals": [
            {
                "sent_at": _when(r.sent_at),
                "recipient": r.recipient,
                "channel": r.channel_label,
                "status": r.status_label,
                "asked": _item(r.asked),
            }
            for r in shown(case.referrals)
        ],
        "documents": [
            {
                "created_at": _when(d.created_at),
                "title": _item(d.title),
                "versions": [
                    {
                        "number": v.number,
                        "uploaded_at": _when(v.uploaded_at),
                        "file_type": v.file_type,
                        "size_bytes": v.size,
                        "withdrawn": v.withdrawn,
                    }
                    for v in d.versions
                ],
            }
            for d in shown(case.documents)
        ],
        "follow_ups": [
            {
                "held_on": _when(f.held_on),
                "ratings": [{"domain": domain, "rating": rating} for domain, rating in f.ratings],
                "note": _item(f.note),
            }
            for f in shown(case.follow_ups)
        ],
        "protective_measures": [
            {
                "measure": m.kind_label,
                "from": _when(m.started_on),
                "until": _when(m.ended_on),
                "note": _item(m.note),
            }
            for m in shown(case.measures)
        ],
        "reads": [
            {
                "at": _when(r.occurred_at),
                "reader": r.reader,
                "role": r.role_label,
                "organisation": r.organisation,
                "what": r.what,
            }
            for r in shown(case.reads)
        ],
        "reads_truncated": case.reads_truncated,
    }


def as_dict(extract: Extract) -> dict[str, Any]:
    """The JSON document as a dict (see the module)."""
    request = extract.request
    return {
        "schema": "hedershus.subject_access.extract",
        "schema_version": SCHEMA_VERSION,
        "request": {
            "id": request.pk,
            "received_on": _when(request.received_on),
            "due_on": _when(due_date(request.received_on)),
            "approved_at": _when(request.decided_at),
            "generated_at": _when(extract.generated_at),
        },
        "data_subject": {"identity_number": extract.identity_number, "name": extract.name or None},
        "holds_data": bool(extract.cases),
        "cases": [_case(case) for case in extract.cases],
        "entries_removed_since_request": extract.persons_gone,
        "withholding_reasons": {code: str(label) for code, label in WithholdReason.choices},
        "about_the_processing": {
            key: {"heading": heading, "text": text} for key, heading, text in gdpr_information()
        },
    }


def as_json(extract: Extract) -> bytes:
    """The JSON document, UTF-8, indented for a human reader too."""
    return json.dumps(as_dict(extract), ensure_ascii=False, indent=2).encode("utf-8")


# --- PDF -------------------------------------------------------------------------------------


def _local(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def item_text(item: Item | None) -> str:
    """An item as printed: its text, or "[withheld]" and the reason."""
    if item is None:
        return ""
    if item.released:
        return item.text
    return _("[withheld] %(reason)s") % {"reason": _reason_text(item)}


def title() -> str:
    return _("Extract of personal data (GDPR art. 15)")


def as_pdf(extract: Extract) -> bytes:
    """The extract as a PDF (A4, see the module)."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    regular, bold = pdf_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title(),
        author="Hedershus",
    )
    h1 = ParagraphStyle("h1", fontName=bold, fontSize=15, leading=19, spaceAfter=6)
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=12, leading=15, spaceBefore=10, spaceAfter=4)
    h3 = ParagraphStyle("h3", fontName=bold, fontSize=10, leading=13, spaceBefore=6, spaceAfter=2)
    body = ParagraphStyle("body", fontName=regular, fontSize=9, leading=12, spaceAfter=3)
    row = ParagraphStyle("row", parent=body, leftIndent=8)
    story: list[Any] = []

    def para(text: str, style: ParagraphStyle = body) -> None:
        story.append(Paragraph(escape(text).replace("\n", "<br/>"), style))

    request = extract.request
    para(title(), h1)
    para(_("Personal identity number: %(number)s") % {"number": extract.identity_number})
    if extract.name:
        para(_("Name: %(name)s") % {"name": extract.name})
    para(
        _("Request %(id)s received %(received)s, answered %(made)s.")
        % {"id": request.pk, "received": _local(request.received_on), "made": _local(extract.generated_at)}
    )
    para(
        _(
            "This extract lists what the centre's case register holds about you. Information about "
            "other persons is not included: where it was, it is marked [withheld] with the reason. "
            "Documents are listed, not attached: ask for a copy of any of them."
        )
    )
    if not extract.cases:
        para(_("We hold no personal data about you in the case register."), h2)
    for case in extract.cases:
        para(_("Case %(reference)s") % {"reference": case.reference}, h2)
        para(
            _("Status: %(status)s. Opened %(opened)s%(closed)s.")
            % {
                "status": case.status_label,
                "opened": _local(case.opened_at),
                "closed": (", " + _("closed %(when)s") % {"when": _local(case.closed_at)})
                if case.closed_at
                else "",
            }
        )
        for k in shown(case.classification):
            para(
                _("Problem types: %(types)s. Urgency: %(urgency)s.")
                % {"types": ", ".join(k.problem_types) or "–", "urgency": k.urgency_label}  # noqa: RUF001
            )
        para(_("Your entry"), h3)
        for s in case.subject:
            if s.role_alias_shown:
                para(_("Role: %(role)s. Alias: %(alias)s.") % {"role": s.role_label, "alias": s.alias}, row)
            if s.name:
                para(_("Name: %(name)s") % {"name": s.name}, row)
            if s.identity_number:
                para(_("Personal identity number: %(number)s") % {"number": s.identity_number}, row)
            para(
                _("Age group: %(age)s. Gender: %(gender)s.")
                % {"age": s.age_group_label, "gender": s.gender_label},
                row,
            )
            if s.location.text or s.location_reviewable:
                para(_("Municipality and district: %(where)s") % {"where": item_text(s.location)}, row)
        if case.others_withheld or case.relations_withheld:
            para(_("Other persons in the case"), h3)
            reason = str(WithholdReason.OTHER_PERSON.label)
            for _n in range(case.others_withheld):
                para(_("Another person: [withheld] %(reason)s") % {"reason": reason}, row)
            for _n in range(case.relations_withheld):
                para(_("A family relation: [withheld] %(reason)s") % {"reason": reason}, row)
        withheld = case.withheld_facts()
        if withheld:
            para(_("Other information in the case"), h3)
            for fact in withheld:
                para(item_text(fact), row)
        lifted = _("lifted")
        sections: list[tuple[str, list[str]]] = [
            (
                _("Contacts"),
                [
                    f"{_local(c.occurred_at)}, {c.channel_label}"
                    + (f" ({c.duration_minutes} min)" if c.duration_minutes else "")
                    + (f": {item_text(c.note)}" if c.note else "")
                    for c in shown(case.contacts)
                ],
            ),
            (
                _("Warnings on the case"),
                [
                    f"{_local(f.raised_at)}: {item_text(f.message)}"
                    + (
                        f" — {lifted} {_local(f.lifted_at)}: {item_text(f.lift_message)}"
                        if f.lifted_at
                        else ""
                    )
                    for f in shown(case.flags)
                ],
            ),
            (
                _("Decisions"),
                [
                    f"{_local(d.decided_at)}, {d.kind_label}: {item_text(d.reason)}"
                    for d in shown(case.decisions)
                ],
            ),
            (
                _("Journal"),
                [
                    f"{_local(j.signed_at)}, {j.author_role_label}: {item_text(j.text)}"
                    for j in shown(case.journal)
                ],
            ),
            (
                _("Assessments"),
                [
                    f"{_local(a.performed_at)}, {a.instrument} ({a.version}): {a.result}"
                    for a in shown(case.assessments)
                ],
            ),
            (
                _("Referrals"),
                [
                    f"{_local(r.sent_at)}, {r.recipient}, {r.channel_label}, {r.status_label}: "
                    + item_text(r.asked)
                    for r in shown(case.referrals)
                ],
            ),
            (
                _("Documents (listed, not attached)"),
                [
                    f"{_local(d.created_at)}: {item_text(d.title)} — "
                    + "; ".join(
                        _("version %(n)s, %(type)s, %(size)s bytes%(withdrawn)s")
                        % {
                            "n": v.number,
                            "type": v.file_type,
                            "size": v.size,
                            "withdrawn": ", " + _("withdrawn") if v.withdrawn else "",
                        }
                        for v in d.versions
                    )
                    for d in shown(case.documents)
                ],
            ),
            (
                _("Follow-ups"),
                [
                    f"{_local(f.held_on)}: "
                    + "; ".join(f"{domain}: {rating}" for domain, rating in f.ratings)
                    + (f". {item_text(f.note)}" if f.note else "")
                    for f in shown(case.follow_ups)
                ],
            ),
            (
                _("Protective measures"),
                [
                    f"{m.kind_label}, {_local(m.started_on)}–{_local(m.ended_on)}"  # noqa: RUF001
                    + (f": {item_text(m.note)}" if m.note else "")
                    for m in shown(case.measures)
                ],
            ),
            (
                _("Who has read your data"),
                [
                    f"{_local(r.occurred_at)}, {r.reader} ({r.role_label}, {r.organisation}): {r.what}"
                    for r in shown(case.reads)
                ]
                + ([_("Only the newest reads are listed.")] if case.reads_truncated else []),
            ),
        ]
        for heading, lines in sections:
            if not lines:
                continue
            para(heading, h3)
            for line in lines:
                para(line, row)
    story.append(Spacer(1, 6 * mm))
    para(_("Reasons for withholding"), h2)
    for _code, label in WithholdReason.choices:
        para(str(label), row)
    para(_("About the processing of your data"), h2)
    for _key, heading, text in gdpr_information():
        para(heading, h3)
        para(text, row)
    document.build(story)
    return buffer.getvalue()
