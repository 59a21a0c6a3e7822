"""The auditor's pages: search the audit log and export it as CSV (R20, R23)."""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC
from typing import Any

from allauth.account.decorators import reauthentication_required
from asgiref.sync import sync_to_async
from django.contrib import messages
from django.core.handlers.asgi import ASGIRequest
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hedershus.audit.anchors import AnchorNotConfigured, AnchorRefused
from hedershus.audit.forms import AuditSearchForm, filters_query
from hedershus.audit.models import AuditEvent
from hedershus.audit.selectors import audit_anchor_status, audit_events_search, audit_latest_event_id
from hedershus.audit.services import audit_anchor_write, audit_export_start, audit_search_record
from hedershus.core.access import Capability, capability_required

logger = logging.getLogger("hedershus.audit")

PAGE_SIZE = 50
EXPORT_BATCH_SIZE = 1000
CSV_COLUMNS = (
    "id",
    "time",
    "actor_id",
    "actor_email",
    "actor_kind",
    "event_type",
    "object_type",
    "object_id",
    "reason",
    "request_id",
    "data",
    "hash",
    "prev_hash",
    # Which AUDIT_HMAC_KEYS key signed the event: with the key, the file can be verified.
    "key_id",
    # Signed with a sealed event (prev_hash empty): needed to verify it from the file.
    "nonce",
)
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _invalid_search(request: HttpRequest, form: AuditSearchForm) -> HttpResponse:
    return render(
        request, "audit/event_search.html", {"form": form, "anchor": audit_anchor_status()}, status=400
    )


@require_POST
@capability_required(Capability.REVIEW_AUDIT_LOG)
def anchor_now(request: HttpRequest) -> HttpResponse:
    """Writes an anchor of the log's head now (besides the schedule), then back to the log."""
    try:
        anchor, _name = audit_anchor_write(actor=request.user)
    except AnchorNotConfigured:
        messages.error(
            request,
            _("No anchor was written: the operator has not set where anchors go (AUDIT_ANCHOR_DIR)."),
        )
    except AnchorRefused:
        # Logged and mailed by the service; the auditor learns the fact, not the details.
        messages.error(
            request,
            _(
                "No anchor was written: the audit log no longer holds everything the newest anchor "
                "counted. Events may have been removed. Tell the operator to run audit_verify."
            ),
        )
    except OSError:
        logger.exception("audit anchor could not be written")
        messages.error(
            request, _("No anchor was written: its directory could not be written to. Tell the operator.")
        )
    else:
        messages.success(
            request,
            _("Anchor written: %(events)s events up to event %(last)s.")
            % {"events": anchor.events, "last": anchor.max_event_id},
        )
    return redirect("audit:search")


@capability_required(Capability.REVIEW_AUDIT_LOG)
def event_search(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET)
    if not form.is_valid():
        return _invalid_search(request, form)
    filters = form.filters()
    if filters.up_to_id is None:
        # Pin the result to what exists now: the search's own event, and later ones,
        # do not push rows onto the next page while the auditor pages through.
        filters = replace(filters, up_to_id=audit_latest_event_id())
    page = Paginator(audit_events_search(request.user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    audit_search_record(actor=request.user, filters=filters.as_data(), page=page.number)
    return render(
        request,
        "audit/event_search.html",
        {
            "form": form,
            "searched": True,
            "page_obj": page,
            "page_query": urlencode(filters_query(filters, pinned=True)),
            "export_query": urlencode(filters_query(filters, pinned=False)),
            "anchor": audit_anchor_status(),
        },
    )


def csv_safe(value: Any) -> str:
    """A cell a spreadsheet shows as text: a leading apostrophe defuses a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv_row(event: AuditEvent) -> list[str]:
    values = (
        event.pk,
        event.occurred_at.astimezone(UTC).isoformat(),
        event.actor_id,
        event.actor.email if event.actor is not None else "",
        event.actor_kind,
        event.event_type,
        event.object_type,
        event.object_id,
        event.reason,
        event.request_id,
        json.dumps(event.data, sort_keys=True, ensure_ascii=False),
        event.hash,
        event.prev_hash or "",
        event.key_id,
        event.nonce,
    )
    return [csv_safe(value) for value in values]


def _csv_text(rows: list[list[str]] | tuple[tuple[str, ...], ...]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def _next_batch(rows: QuerySet[AuditEvent], after_id: int) -> list[AuditEvent]:
    # Keyset batches: each is one short query on the primary key, with no cursor held open.
    return list(rows.filter(id__gt=after_id).order_by("id")[:EXPORT_BATCH_SIZE])


# The byte order mark lets spreadsheet programs read the file as UTF-8 (å, ä, ö).
_CSV_HEAD = "\ufeff" + _csv_text((CSV_COLUMNS,))


def csv_lines(rows: QuerySet[AuditEvent]) -> Iterator[str]:
    """The export, oldest event first (chain order), in batches."""
    yield _CSV_HEAD
    after_id = 0
    while batch := _next_batch(rows, after_id):
        yield _csv_text([_csv_row(event) for event in batch])
        after_id = batch[-1].pk


async def csv_lines_async(rows: QuerySet[AuditEvent]) -> AsyncIterator[str]:
    """The same as ``csv_lines`` for an ASGI server, which would otherwise read a
    synchronous iterator into memory whole before sending the first byte."""
    yield _CSV_HEAD
    after_id = 0
    next_batch = sync_to_async(_next_batch)
    while batch := await next_batch(rows, after_id):
        yield _csv_text([_csv_row(event) for event in batch])
        after_id = batch[-1].pk


@capability_required(Capability.REVIEW_AUDIT_LOG)
@reauthentication_required
def event_export(request: HttpRequest) -> HttpResponseBase:
    form = AuditSearchForm(request.GET)
    if not form.is_valid():
        return _invalid_search(request, form)
    filters = form.filters()
    # The export is recorded, and committed, before the first row leaves.
    rows, _count = audit_export_start(
        actor=request.user, events=audit_events_search(request.user, filters), filters=filters.as_data()
    )
    content = csv_lines_async(rows) if isinstance(request, ASGIRequest) else csv_lines(rows)
    response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
    filename = f"audit-{timezone.localtime():%Y%m%d-%H%M%S}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
