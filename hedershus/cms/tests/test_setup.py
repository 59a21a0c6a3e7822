"""What `migrate` leaves behind: groups, the review workflow, locales and a home page, unaudited."""

from __future__ import annotations

import pytest
from wagtail.models import Page, Site, Workflow, WorkflowPage

from hedershus.audit.models import AuditEvent
from hedershus.cms.models import HomePage, PeerReviewTask
from hedershus.cms.services import MODERATORS_GROUP, REVIEW_WORKFLOW_NAME, cms_setup_ensure

pytestmark = pytest.mark.django_db


def test_a_fresh_install_has_a_home_page_and_the_review_workflow_and_no_audit_events():
    # Schema set-up is not content work: the only events are the audit log's own (its
    # migrations record each change of how the chain is kept).
    assert all(t.startswith("audit.") for t in AuditEvent.objects.values_list("event_type", flat=True))
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage) and site.root_page.live
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()
    workflow = WorkflowPage.objects.get(page=Page.get_first_root_node()).workflow
    assert workflow.name == REVIEW_WORKFLOW_NAME and workflow.active
    (task,) = [t.specific for t in workflow.tasks]
    assert isinstance(task, PeerReviewTask)
    assert list(task.groups.values_list("name", flat=True)) == [MODERATORS_GROUP]
    assert Workflow.objects.filter(active=True).count() == 1


def test_setting_up_again_changes_nothing():
    before = (Page.objects.count(), Workflow.objects.count(), PeerReviewTask.objects.count())
    events_before = AuditEvent.objects.count()
    cms_setup_ensure()
    assert (Page.objects.count(), Workflow.objects.count(), PeerReviewTask.objects.count()) == before
    assert AuditEvent.objects.count() == events_before
