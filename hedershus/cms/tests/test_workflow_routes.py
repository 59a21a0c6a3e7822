"""Nobody approves a page that contains their own text, whichever route led there (issue 7, item 14).

The rule: a reviewer may approve only if no revision since the last published revision was
authored by them (and they did not submit it). Each test walks one route through Wagtail's
workflow and checks that the editor whose text is in the page cannot make it live, while an
editor who wrote none of it can.
"""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import LogContext
from wagtail.models import Page, TaskState, WorkflowState

from hedershus.cms.tests.conftest import current_task_state, make_article, submit_for_review

pytestmark = pytest.mark.django_db


def _editor(email: str) -> Any:
    from allauth.mfa.totp.internal.auth import TOTP

    from hedershus.accounts.models import User

    user = User.objects.create_user(email=email, password="correct-horse-battery-staple", role="editor")
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    return user


@pytest.fixture
def writer(db: Any) -> Any:
    """Editor A: writes the page and submits it."""
    return _editor("writer@example.org")


@pytest.fixture
def reviewer(db: Any) -> Any:
    """Editor B: reviews, and in the dangerous routes also edits."""
    return _editor("reviewer@example.org")


@pytest.fixture
def third(db: Any) -> Any:
    """Editor C: wrote nothing in the page."""
    return _editor("third@example.org")


@pytest.fixture
def draft(tree: Any, writer: Any) -> Any:
    return make_article(tree[("knowledge-bank", "sv")], writer, title="Ny text om stöd", intro="Utkast")


class _FormFields(HTMLParser):
    """The fields of the page editor's form, as a browser would send them."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, Any] = {}
        self._in_form = False
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and a.get("id") == "page-edit-form":
            self._in_form = True
        if not self._in_form or (not a.get("name") and tag != "option"):
            return
        name = a.get("name") or ""
        if tag == "input":
            kind = a.get("type", "text")
            if kind in {"submit", "button", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.data[name] = a.get("value") or "on"
                return
            self.data[name] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data


def editor_form(client: Any, page: Any) -> dict[str, Any]:
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    parser = _FormFields()
    parser.feed(response.content.decode())
    parser.data.pop("csrfmiddlewaretoken", None)
    return parser.data


def edit_in_editor(client: Any, page: Any, intro: str, **action: str) -> Any:
    """Changes the intro in Wagtail's page editor and presses a footer button."""
    data = editor_form(client, page)
    data["intro"] = intro
    data.update(action)
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def action_url(page: Any, task_state: Any, action: str = "approve") -> str:
    return reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])


def is_live(page: Any) -> bool:
    return bool(Page.objects.get(pk=page.pk).live)


def fresh(page: Any) -> Any:
    return Page.objects.get(pk=page.pk).specific


def changes_requested_then_edited_and_resubmitted_by(
    page: Any, writer: Any, reviewer: Any, client: Any
) -> Any:
    """The issue's route: A submits, B requests changes, B edits the page and resubmits it."""
    submit_for_review(page, writer)
    response = client.post(action_url(page, current_task_state(page), "reject"), {"comment": "Fixa"})
    assert response.status_code == 302
    assert fresh(page).current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    response = edit_in_editor(client, page, "B:s egen text", **{"action-submit": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    state = fresh(page).current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by_id == writer.pk  # Wagtail resumed A's review: the old check let B approve
    assert fresh(page).get_latest_revision().user_id == reviewer.pk
    return current_task_state(page)


def test_the_issues_route_b_cannot_approve_his_own_edit_from_any_button(
    draft, writer, reviewer, third, client, signed_in
):
    client = signed_in(reviewer)
    state = changes_requested_then_edited_and_resubmitted_by(draft, writer, reviewer, client)
    task = state.task.specific
    page = fresh(draft)

    assert task.get_actions(page, reviewer) == []
    assert not task.get_task_states_user_can_moderate(reviewer).filter(pk=state.pk).exists()  # dashboard
    # The workflow action URL, as the dashboard's menu posts it: plain and with a comment.
    for data in ({"comment": ""}, {"comment": "Ser bra ut"}):
        response = client.post(action_url(draft, state), data)
        assert response.status_code in (302, 403)
        assert not is_live(draft)
    # The page editor's footer.
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[draft.pk]),
        {"action-workflow-action": "1", "workflow-action-name": "approve"},
    )
    assert (response.status_code, response["Location"]) == (
        302,
        "/staff/cms/",
    )  # Wagtail's "permission denied"
    assert not is_live(draft)
    # A, whose text is in it too, may not either; C, who wrote none of it, may.
    assert task.get_actions(page, writer) == []
    assert {name for name, _label, _modal in task.get_actions(page, third)} == {"approve", "reject"}
    response = signed_in(third).post(action_url(draft, state), {"comment": ""})
    assert response.status_code == 302
    assert is_live(draft)
    assert "B:s egen text" in fresh(draft).intro


def test_changes_requested_then_the_writer_fixes_it_and_the_reviewer_approves(
    draft, writer, reviewer, signed_in
):
    """The ordinary loop still works: only the writer edits, so the reviewer may approve."""
    submit_for_review(draft, writer)
    signed_in(reviewer).post(action_url(draft, current_task_state(draft), "reject"), {"comment": "Fixa"})
    response = edit_in_editor(signed_in(writer), draft, "A:s rättade text", **{"action-submit": "1"})
    assert response.status_code == 302

    response = signed_in(reviewer).post(action_url(draft, current_task_state(draft)), {"comment": ""})

    assert response.status_code == 302 and is_live(draft)


def test_approving_from_the_task_state_directly_is_refused_for_a_contributor(draft, writer, reviewer, third):
    """Any code path that approves without the task's checks is caught before publishing."""
    # B edits A's draft before A submits it: B's revision is the one under review.
    page = fresh(draft)
    page.intro = "B ändrade"
    page.save_revision(user=reviewer)
    submit_for_review(draft, writer)
    state = TaskState.objects.get(pk=current_task_state(draft).pk).specific

    with LogContext(user=reviewer), pytest.raises(PermissionDenied):
        state.approve(user=reviewer)
    state.refresh_from_db()
    assert state.status == state.STATUS_IN_PROGRESS  # the approval was undone with the refusal
    assert not is_live(draft)
    with pytest.raises(PermissionDenied):
        state.task.specific.on_action(state, reviewer, "approve")


def test_editing_during_review_is_refused_and_an_edit_saved_anyway_bars_its_author(
    draft, writer, reviewer, third, signed_in
):
    """WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT: an edit restarts the review; it also bars the editor."""
    submit_for_review(draft, writer)
    client = signed_in(reviewer)
    data = editor_form(client, draft)
    data["intro"] = "B skriver i granskningen"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)
    assert response.status_code == 200  # "The page could not be saved as it is locked."
    assert fresh(draft).get_latest_revision().user_id == writer.pk

    page = fresh(draft)
    page.intro = "B skriver i granskningen"
    page.save_revision(user=reviewer)
    assert current_task_state(draft).task.specific.get_actions(fresh(draft), reviewer) == []
    response = client.post(action_url(draft, current_task_state(draft)), {"comment": ""})
    assert not is_live(draft)
    # C approves; the text changed after it was submitted, so Wagtail asks for a second
    # approval of the newest revision (C may give it: he wrote none of it).
    signed_in(third).post(action_url(draft, current_task_state(draft)), {"comment": ""})
    assert not is_live(draft) and fresh(draft).workflow_in_progress
    signed_in(third).post(action_url(draft, current_task_state(draft)), {"comment": ""})
    assert is_live(draft) and fresh(draft).intro == "B skriver i granskningen"


def test_reverting_to_an_older_revision_bars_the_author_of_that_revision(tree, writer, reviewer, third):
    page = tree[("school-guidance", "sv")]
    old = page.get_latest_revision_as_object()
    old.intro = "A:s gamla text"
    old_revision = old.save_revision(user=writer)
    # The system publishes other text after it (A's text never went live).
    current = fresh(page)
    current.intro = "Publicerad text"
    current.save_revision().publish()

    # B brings back A's old text with "Revert to this version" and submits it.
    restored = old_revision.as_object()
    # As the editor's "Replace current draft" does: the revision is logged as a revert.
    restored.save_revision(user=reviewer, previous_revision=old_revision, log_action=True)
    submit_for_review(fresh(page), reviewer)

    task = current_task_state(page).task.specific
    assert task.get_actions(fresh(page), reviewer) == []
    assert task.get_actions(fresh(page), writer) == []
    assert task.get_actions(fresh(page), third)


def test_a_copy_does_not_go_live_and_its_copier_cannot_approve_it(tree, writer, reviewer, signed_in):
    page = tree[("school-guidance", "sv")]
    client = signed_in(reviewer)
    response = client.post(
        reverse("wagtailadmin_pages:copy", args=[page.pk]),
        {
            "new_title": "Kopia",
            "new_slug": "kopia-av-sidan",
            "new_parent_page": page.get_parent().pk,
            "copy_subpages": "",
            "publish_copies": "on",
            "alias": "",
        },
    )
    assert response.status_code == 302
    copy = Page.objects.get(slug="kopia-av-sidan", locale=page.locale)
    assert not copy.live  # "publish copies" needs publish permission, which editors lack

    submit_for_review(copy.specific, writer)
    task = current_task_state(copy).task.specific
    assert task.get_actions(fresh(copy), reviewer) == []  # B made the copy: his revision


def test_a_draft_with_a_go_live_date_is_not_published_by_the_scheduler_without_approval(draft, writer):
    page = fresh(draft)
    page.go_live_at = timezone.now() - timedelta(minutes=5)
    page.save_revision(user=writer)

    call_command("publish_scheduled")

    assert not is_live(draft)


def test_bulk_publish_is_refused_for_editors(draft, writer, signed_in):
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    response = signed_in(writer).post(f"{url}?id={draft.pk}&next=/staff/cms/")
    assert response.status_code in (200, 302, 403)
    assert not is_live(draft)
    with LogContext(user=writer), pytest.raises(PermissionDenied):
        fresh(draft).get_latest_revision().publish(user=writer)


def test_approve_with_comment_by_a_permitted_reviewer_publishes(draft, writer, reviewer, signed_in):
    submit_for_review(draft, writer)
    response = signed_in(reviewer).post(
        action_url(draft, current_task_state(draft)), {"comment": "Bra skrivet"}
    )
    assert response.status_code == 302 and is_live(draft)


def test_the_dashboard_lists_the_review_only_for_editors_who_may_approve(
    draft, writer, reviewer, third, signed_in
):
    submit_for_review(draft, writer)
    page = fresh(draft)
    page.intro = "B ändrade"
    page.save_revision(user=reviewer)

    def awaiting(user: Any) -> bool:
        html = signed_in(user).get(reverse("wagtailadmin_home")).content.decode()
        return "Ny text om stöd" in html and action_url(draft, current_task_state(draft)) in html

    assert not awaiting(reviewer)
    assert not awaiting(writer)
    assert awaiting(third)
