"""How a page goes live: through review by someone whose text is not in it (issue 7, item 14).

- ``review_barred_user_ids`` / ``user_may_review``: who may not approve a page now.
- ``workflow_publish_approved`` (``WAGTAIL_FINISH_WORKFLOW_ACTION``): publishes exactly the
  revision the reviewer approved.
- ``publish_guard``: called by ``PublicPage.publish`` for every other way to make a page live.

Wagtail imports ``workflow_publish_approved`` while it defines its own models (the setting is
read in the body of ``WorkflowState``), before any model can be imported. So this module
imports no models, Wagtail's or ours, and looks up Wagtail's ``Revision`` through the app
registry when it runs; the page models import it, not the other way round.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.apps import apps
from django.utils.translation import gettext_lazy
from wagtail.log_actions import get_active_log_context
from wagtail.log_actions import registry as log_registry

from hedershus.core.exceptions import AccessDenied

# Set while the review workflow publishes what it approved (see publish_guard).
_review_publishing: ContextVar[bool] = ContextVar("cms_review_publishing", default=False)


def review_barred_user_ids(obj: Any) -> set[int]:
    """The users who may not approve ``obj`` now: everyone whose text is in what would go live.

    The rule (issue 7, item 14): a reviewer may approve only if no revision since the last
    published one was authored by them. So the set holds the submitter of the current review,
    the author of every revision after the last published revision (edits made after changes
    were requested, resubmissions, copies, translations), and, for a revision that reverted to
    an older one, the author of that older revision too: reverting restores their text.
    Returns user ids; revisions saved by the system (no user) bar nobody.
    """
    revision_model = apps.get_model("wagtailcore", "Revision")
    barred: set[int] = set()
    state = getattr(obj, "current_workflow_state", None)
    if state is not None and state.requested_by_id is not None:
        barred.add(state.requested_by_id)
    logs = log_registry.get_logs_for_instance(obj)
    baseline = getattr(obj, "live_revision_id", None)
    if baseline is None:
        # Unpublished (or never published): the last revision that went live, if any.
        baseline = (
            logs.filter(action="wagtail.publish", revision__isnull=False)
            .order_by("-timestamp", "-pk")
            .values_list("revision_id", flat=True)
            .first()
        )
    revisions = revision_model.objects.filter(
        base_content_type=obj.get_base_content_type(), object_id=str(obj.pk), pk__gt=baseline or 0
    )
    barred.update(uid for uid in revisions.values_list("user_id", flat=True) if uid is not None)
    restored_ids = [
        data["revision"]["id"]
        for data in logs.filter(action="wagtail.revert", revision__in=revisions).values_list(
            "data", flat=True
        )
        if isinstance(data, dict) and isinstance(data.get("revision"), dict) and data["revision"].get("id")
    ]
    if restored_ids:
        barred.update(
            uid
            for uid in revision_model.objects.filter(pk__in=restored_ids).values_list("user_id", flat=True)
            if uid is not None
        )
    return barred


def user_may_review(obj: Any, user: Any) -> bool:
    """True if ``user`` wrote none of what would go live (see ``review_barred_user_ids``)."""
    return user is not None and user.pk is not None and user.pk not in review_barred_user_ids(obj)


@contextlib.contextmanager
def _publishing_through_review() -> Iterator[None]:
    token = _review_publishing.set(True)
    try:
        yield
    finally:
        _review_publishing.reset(token)


def workflow_publish_approved(workflow_state: Any, user: Any = None) -> None:
    """WAGTAIL_FINISH_WORKFLOW_ACTION: publishes exactly the revision the reviewer approved.

    The approval is the authorisation, so the reviewer needs no publish permission. An
    approval by someone whose own text is in the page is refused here too
    (``PermissionDenied``; ``TaskState.approve`` runs in one transaction, so the approval is
    undone with it): the task checks this first, and this catches any route around the task.
    """
    task_state = workflow_state.current_task_state
    obj = workflow_state.content_object
    if user is not None and not user_may_review(obj, user):
        raise AccessDenied(gettext_lazy("An editor cannot approve a page that contains their own text."))
    revision = task_state.revision if task_state is not None else obj.get_latest_revision()
    with _publishing_through_review():
        revision.publish(user=user, skip_permission_checks=True)


def publish_guard(page: Any, user: Any) -> None:
    """Refuses a publish by a signed-in user who may not publish, outside the review workflow.

    ``user`` is who Wagtail was told publishes; if nobody, the user of the current admin
    request. With neither (scheduled publishing, management commands) the publish goes
    ahead: those only publish what was approved or loaded by an operator.
    """
    if _review_publishing.get():
        return
    actor = user or get_active_log_context().user
    if actor is None or not getattr(actor, "is_authenticated", False):
        return
    if not page.permissions_for_user(actor).can_publish():
        raise AccessDenied(gettext_lazy("Pages go live through review: submit the page for review instead."))
