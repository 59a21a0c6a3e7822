"""The reviewer's side of peer review in Wagtail's admin (issue 7, item 15).

- **Approve in the page editor's footer.** A page in review is locked for everyone, so what
  is approved is exactly what was submitted (``PeerReviewTask.locked_for_user``). Wagtail
  hides workflow actions on a locked page and refuses the editor's form, so a permitted
  reviewer's footer gets the actions here (``review_menu_items``), and their post is
  handled here (``review_action_from_editor``) without saving anything from the form.
- **A confirmation after every review decision**, whichever route it came by (dashboard,
  footer, the action URL, with or without a comment): Wagtail's ``task_approved`` and
  ``task_rejected`` signals call ``review_confirmation_message`` (``signals.py``), which
  speaks to the admin request being served (``CmsAdminMiddleware`` binds it with
  ``admin_request_bound``).

Who may decide is not decided here: ``PeerReviewTask.get_actions`` and ``on_action`` are
the one place (``publishing.review_barred_user_ids``).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

from asgiref.local import Local
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import formats
from django.utils.translation import gettext as _
from wagtail.admin.action_menu import ActionMenuItem, WorkflowMenuItem
from wagtail.models import Page

# The admin request being served: asgiref's Local follows the request through
# sync_to_async, as Wagtail's own LogContext does.
_admin: Local = Local()


@contextlib.contextmanager
def admin_request_bound(request: HttpRequest) -> Iterator[None]:
    """Makes ``request`` the one review confirmations are added to, for the ``with`` block."""
    previous = getattr(_admin, "request", None)
    _admin.request = request
    try:
        yield
    finally:
        _admin.request = previous


def review_confirmation_message(task_state: Any, action_name: str) -> None:
    """Tells the reviewer what their decision did: live now, live at a time, or sent back.

    Does nothing outside an admin request (tests, management commands).
    """
    request = getattr(_admin, "request", None)
    if request is None:
        return
    page = Page.objects.get(pk=task_state.workflow_state.object_id)
    title = page.get_admin_display_title()
    if action_name == "approve":
        if page.workflow_in_progress:
            text = _(
                "You approved “%(title)s”. It changed after it was submitted, so it is in review again."
            ) % {"title": title}
        elif page.live and page.live_revision_id == task_state.revision_id:
            text = _("You approved “%(title)s”. It is now live.") % {"title": title}
        elif task_state.revision.approved_go_live_at:
            when = formats.date_format(task_state.revision.approved_go_live_at, "DATETIME_FORMAT")
            text = _("You approved “%(title)s”. It goes live on %(when)s.") % {"title": title, "when": when}
        else:
            text = _("You approved “%(title)s”.") % {"title": title}
        messages.success(request, text)
    elif action_name == "reject":
        messages.success(
            request,
            _("You requested changes to “%(title)s”. It stays offline until it is approved.")
            % {"title": title},
        )


class ReviewMenuItem(WorkflowMenuItem):
    """A workflow action in the footer of a page that is locked for review.

    Wagtail's own item hides itself on a locked page; this one is offered only when the
    task gives the user the action, which it does only to a permitted reviewer.
    """

    def is_shown(self, context: dict[str, Any]) -> bool:
        return bool(context.get("view") == "edit")


def review_menu_items(
    menu_items: list[ActionMenuItem], request: HttpRequest, context: dict[str, Any]
) -> None:
    """``construct_page_action_menu``: the reviewer's Approve first, then Request changes."""
    page = context.get("page")
    if context.get("view") != "edit" or page is None or not context.get("locked_for_user"):
        return
    task = page.current_workflow_task
    if task is None:
        return
    # Wagtail added none of its own workflow items: they hide themselves on a locked page.
    added = [
        ReviewMenuItem(name, label, modal, icon_name="success" if name == "approve" else "edit")
        for name, label, modal in task.get_actions(page, request.user)
    ]
    # Primary button: Approve, so the reviewer sees it without opening the menu.
    added.sort(key=lambda item: (item.name != "approve", item.launch_modal))
    menu_items[0:0] = added


def review_action_from_editor(request: HttpRequest, page: Page) -> HttpResponse | None:
    """``before_edit_page``: performs a review decision posted from the locked editor's footer.

    Nothing from the editor's form is saved: the reviewer decides on the submitted text.
    Returns None for every other request, which Wagtail then handles as usual. Raises
    ``PermissionDenied`` if the user may not take the action (``PeerReviewTask``).
    """
    if request.method != "POST" or not request.POST.get("action-workflow-action"):
        return None
    lock = page.get_lock()
    if lock is None or not lock.for_user(request.user):
        return None  # not locked: Wagtail's own footer handling applies
    task = page.current_workflow_task
    task_state = page.current_workflow_task_state
    action_name = request.POST.get("workflow-action-name", "")
    if task is None or task_state is None:
        messages.error(request, _("This page is not in review any more."))
        return redirect("wagtailadmin_pages:edit", page.pk)
    if action_name not in {name for name, _label, _modal in task.get_actions(page, request.user)}:
        raise PermissionDenied
    try:
        extra = json.loads(request.POST.get("workflow-action-extra-data") or "{}")
    except ValueError:
        extra = {}
    comment = extra.get("comment", "") if isinstance(extra, dict) else ""
    task.on_action(task_state, request.user, action_name, comment=str(comment or ""))
    return redirect("wagtailadmin_explore", page.get_parent().pk)
