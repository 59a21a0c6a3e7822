"""WAGTAIL_FINISH_WORKFLOW_ACTION. Wagtail imports it while defining its own models, so the
real work (services.workflow_publish_approved) is imported only when a review finishes."""

from __future__ import annotations

from typing import Any


def publish_approved(workflow_state: Any, user: Any = None) -> None:
    from hedershus.cms.services import workflow_publish_approved

    workflow_publish_approved(workflow_state, user)
