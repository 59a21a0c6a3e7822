"""Moderation (R3): an editor submits, another editor approves, and only then the page is live.
Every step is an audit event."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail.models import Page, WorkflowState

from hedershus.audit.models import AuditEvent
from hedershus.cms.tests.conftest import current_task_state, make_article, submit_for_review

pytestmark = pytest.mark.django_db


def events(page, event_type):
    return list(AuditEvent.objects.filter(event_type=event_type, object_id=str(page.pk)))


def approve_url(page, task_state, action="approve"):
    return reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])


@pytest.fixture
def draft(tree, editor):
    return make_article(tree[("knowledge-bank", "sv")], editor, title="Ny text om skydd", intro="Utkast")


def test_submitted_then_approved_by_another_editor_goes_live_and_is_audited(
    draft, editor, outsider, signed_in
):
    submit_for_review(draft, editor)
    assert not Page.objects.get(pk=draft.pk).live
    state = current_task_state(draft)

    response = signed_in(outsider).post(approve_url(draft, state), {"comment": ""})

    assert response.status_code == 302
    page = Page.objects.get(pk=draft.pk)
    assert page.live and page.live_revision_id == state.revision_id
    assert [e.actor_id for e in events(draft, "cms.page_submitted")] == [editor.pk]
    assert [e.actor_id for e in events(draft, "cms.page_approved")] == [outsider.pk]
    published = events(draft, "cms.page_published")
    assert [e.actor_id for e in published] == [outsider.pk]
    assert published[0].data["locale"] == "sv" and published[0].data["revision"] == state.revision_id


def test_nobody_approves_their_own_submission(draft, editor, signed_in):
    submit_for_review(draft, editor)
    state = current_task_state(draft)
    task = state.task.specific

    assert task.get_actions(Page.objects.get(pk=draft.pk).specific, editor) == []
    assert not task.get_task_states_user_can_moderate(editor).exists()
    response = signed_in(editor).post(approve_url(draft, state), {"comment": ""})
    assert (
        response.status_code == 302 and response["Location"] == "/staff/cms/"
    )  # Wagtail's "permission denied"
    with pytest.raises(PermissionDenied):
        task.on_action(state, editor, "approve")
    assert not Page.objects.get(pk=draft.pk).live


def test_changes_requested_keep_the_page_offline_and_are_audited(draft, editor, outsider, signed_in):
    submit_for_review(draft, editor)
    state = current_task_state(draft)

    signed_in(outsider).post(approve_url(draft, state, "reject"), {"comment": "Kontrollera telefonnumret."})

    page = Page.objects.get(pk=draft.pk).specific
    assert not page.live
    assert page.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert [e.actor_id for e in events(draft, "cms.page_rejected")] == [outsider.pk]
    # The review discussion stays in Wagtail; the audit log says who decided, not what was said.
    assert "telefonnumret" not in str(events(draft, "cms.page_rejected")[0].data)


def test_a_page_in_review_is_locked_for_everyone(draft, editor, outsider):
    submit_for_review(draft, editor)
    page = Page.objects.get(pk=draft.pk).specific
    assert page.get_lock().for_user(editor)
    assert page.get_lock().for_user(outsider)


def test_editors_cannot_publish_directly(draft, editor, signed_in):
    """No publish button, and every other way to Page.publish is refused for an editor."""
    from wagtail.log_actions import LogContext

    assert not draft.permissions_for_user(editor).can_publish()
    with LogContext(user=editor), pytest.raises(PermissionDenied):
        draft.get_latest_revision().publish()
    with pytest.raises(PermissionDenied):
        draft.get_latest_revision().publish(user=editor, skip_permission_checks=True)
    assert not Page.objects.get(pk=draft.pk).live
    html = signed_in(editor).get(reverse("wagtailadmin_pages:edit", args=[draft.pk])).content.decode()
    assert 'name="action-submit"' in html
    assert 'name="action-publish"' not in html


def test_an_approved_page_with_a_future_date_goes_live_by_publish_scheduled(
    draft, editor, outsider, signed_in
):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    draft.go_live_at = timezone.now() + timedelta(hours=1)
    draft.save_revision(user=editor)
    submit_for_review(draft, editor)
    signed_in(outsider).post(approve_url(draft, current_task_state(draft)), {"comment": ""})
    assert not Page.objects.get(pk=draft.pk).live
    assert events(draft, "cms.page_published") == []
    assert [e.actor_id for e in events(draft, "cms.page_scheduled")] == [outsider.pk]

    # An hour passes: the approved revision's go-live time is now in the past.
    past = timezone.now() - timedelta(minutes=1)
    Page.objects.filter(pk=draft.pk).update(go_live_at=past)
    for revision in draft.revisions.exclude(approved_go_live_at=None):
        revision.content["go_live_at"] = past.isoformat()
        revision.approved_go_live_at = past
        revision.save()
    call_command("publish_scheduled")

    assert Page.objects.get(pk=draft.pk).live
    published = events(draft, "cms.page_published")
    assert len(published) == 1 and published[0].actor_id is None  # the system, on the reviewer's approval


def test_an_editor_unpublishes_alone_and_it_is_audited(tree, editor, signed_in):
    page = tree[("school-guidance", "en")]
    client = signed_in(editor)

    response = client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk]))

    assert response.status_code == 302
    assert not Page.objects.get(pk=page.pk).live
    unpublished = events(page, "cms.page_unpublished")
    assert [e.actor_id for e in unpublished] == [editor.pk]
    assert unpublished[0].data == {"locale": "en", "title": "Guidance for school staff"}
