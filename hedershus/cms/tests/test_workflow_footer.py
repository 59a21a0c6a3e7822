"""The reviewer approves from the page editor's footer and is told what happened (issue 7, item 15)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import Page, WorkflowState

from hedershus.cms.tests.conftest import current_task_state, make_article, submit_for_review

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_admin(client):
    """Messages are compared in English; the admin follows the browser's language."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def in_review(tree, editor):
    page = make_article(tree[("knowledge-bank", "sv")], editor, title="Text i granskning", intro="Granskas")
    submit_for_review(page, editor)
    return page


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def messages_after(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_reviewers_footer_offers_approve_and_the_submitters_does_not(
    in_review, editor, outsider, signed_in
):
    reviewer_html = signed_in(outsider).get(edit_url(in_review)).content.decode()
    footer = reviewer_html[reviewer_html.index("<footer") :]
    assert 'data-workflow-action-name="approve"' in footer
    assert 'data-workflow-action-name="reject"' in footer
    # The primary button of the footer is Approve, not "Page locked".
    assert footer.index('data-workflow-action-name="approve"') < footer.index("w-dropdown__toggle")

    writer_html = signed_in(editor).get(edit_url(in_review)).content.decode()
    assert 'data-workflow-action-name="approve"' not in writer_html


def test_approve_from_the_footer_publishes_the_submitted_text_and_confirms(in_review, outsider, signed_in):
    submitted = current_task_state(in_review).revision_id

    response = signed_in(outsider).post(
        edit_url(in_review),
        # Whatever else the form carries is not saved: the page is locked in review.
        {"action-workflow-action": "1", "workflow-action-name": "approve", "intro": "Ändrat av granskaren"},
    )

    assert response.status_code == 302
    page = Page.objects.get(pk=in_review.pk).specific
    assert page.live and page.live_revision_id == submitted
    assert page.intro == "Granskas"
    assert messages_after(response) == ["You approved “Text i granskning”. It is now live."]


def test_request_changes_from_the_footer_with_a_comment_confirms(in_review, outsider, signed_in):
    response = signed_in(outsider).post(
        edit_url(in_review),
        {
            "action-workflow-action": "1",
            "workflow-action-name": "reject",
            "workflow-action-extra-data": '{"comment": "Kolla numret"}',
        },
    )

    assert response.status_code == 302
    page = Page.objects.get(pk=in_review.pk).specific
    assert not page.live
    assert page.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert page.current_workflow_state.current_task_state.comment == "Kolla numret"
    assert messages_after(response) == [
        "You requested changes to “Text i granskning”. It stays offline until it is approved."
    ]


def test_approving_from_the_dashboard_menu_confirms(in_review, outsider, signed_in):
    client = signed_in(outsider)
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[in_review.pk, "approve", current_task_state(in_review).pk]
    )

    response = client.post(f"{url}?next=/staff/cms/", {"comment": ""}, follow=True)

    assert Page.objects.get(pk=in_review.pk).live
    assert "You approved “Text i granskning”. It is now live." in response.content.decode()


def test_the_submitter_cannot_approve_from_the_footer(in_review, editor, signed_in):
    response = signed_in(editor).post(
        edit_url(in_review), {"action-workflow-action": "1", "workflow-action-name": "approve"}
    )

    assert not Page.objects.get(pk=in_review.pk).live
    assert (response.status_code, response["Location"]) == (
        302,
        "/staff/cms/",
    )  # Wagtail's "permission denied"
