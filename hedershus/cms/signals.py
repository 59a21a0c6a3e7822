"""Connects Wagtail's page and workflow signals, and user saves, to the CMS services (and
review decisions to the reviewer's confirmation, ``review.review_confirmation_message``)."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from wagtail.models import Page, TaskState, WorkflowState
from wagtail.signals import (
    page_published,
    page_unpublished,
    post_page_move,
    task_approved,
    task_rejected,
    workflow_cancelled,
    workflow_submitted,
)

from hedershus.cms import page_cache, review, services
from hedershus.cms.documents import document_pre_delete, document_pre_save


def _on_published(sender: Any, instance: Page, revision: Any = None, **kwargs: Any) -> None:
    services.page_published_record(instance, getattr(revision, "pk", None))


def _on_unpublished(sender: Any, instance: Page, **kwargs: Any) -> None:
    services.page_unpublished_record(instance)


def _on_page_deleted(sender: Any, instance: Page, **kwargs: Any) -> None:
    services.page_deleted_record(instance)


def _on_submitted(sender: Any, instance: WorkflowState, user: Any = None, **kwargs: Any) -> None:
    services.review_event_record("cms.page_submitted", instance, user)


def _on_task_approved(sender: Any, instance: TaskState, user: Any = None, **kwargs: Any) -> None:
    services.review_event_record("cms.page_approved", instance.workflow_state, user)
    # Sent after the workflow moved on (published, or scheduled), whichever route the
    # decision came by: the confirmation can say what happened.
    review.review_confirmation_message(instance, "approve")


def _on_task_rejected(sender: Any, instance: TaskState, user: Any = None, **kwargs: Any) -> None:
    services.review_event_record("cms.page_rejected", instance.workflow_state, user)
    review.review_confirmation_message(instance, "reject")


def _on_cancelled(sender: Any, instance: WorkflowState, user: Any = None, **kwargs: Any) -> None:
    services.review_event_record("cms.review_cancelled", instance, user)


def _on_document_pre_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    document_pre_save(instance)
    # What changed, for the audit event after the save.
    instance._hedershus_before = services.document_state(instance)


def _on_document_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        services.document_saved_record(instance, created, getattr(instance, "_hedershus_before", None))


def _on_document_pre_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    document_pre_delete(instance)


def _on_document_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    services.document_deleted_record(instance)


def _on_search_promotion_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        services.search_promotion_record("cms.search_promotion_saved", instance)


def _on_search_promotion_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    services.search_promotion_record("cms.search_promotion_deleted", instance)


def _on_user_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        services.editor_groups_sync(instance)


def on_post_migrate(sender: AppConfig, **kwargs: Any) -> None:
    services.cms_setup_ensure()


def connect() -> None:
    from django.contrib.auth import get_user_model

    uid = "hedershus.cms"
    # Rendered public pages are kept until anything they may show changes (page_cache.py).
    post_save.connect(page_cache.on_model_change, dispatch_uid=f"{uid}.page_cache_saved")
    post_delete.connect(page_cache.on_model_change, dispatch_uid=f"{uid}.page_cache_deleted")
    for signal, name in (
        (page_published, "published"),
        (page_unpublished, "unpublished"),
        (post_page_move, "moved"),
    ):
        signal.connect(page_cache.on_page_change, dispatch_uid=f"{uid}.page_cache_{name}")
    page_published.connect(_on_published, dispatch_uid=f"{uid}.published")
    page_unpublished.connect(_on_unpublished, dispatch_uid=f"{uid}.unpublished")
    # Sent once per deleted page, whatever its type (multi-table inheritance deletes the base row).
    post_delete.connect(_on_page_deleted, sender=Page, dispatch_uid=f"{uid}.deleted")
    workflow_submitted.connect(_on_submitted, dispatch_uid=f"{uid}.submitted")
    workflow_cancelled.connect(_on_cancelled, dispatch_uid=f"{uid}.cancelled")
    # Task signals are sent with the specific task state class as sender: listen to all.
    task_approved.connect(_on_task_approved, dispatch_uid=f"{uid}.approved")
    task_rejected.connect(_on_task_rejected, dispatch_uid=f"{uid}.rejected")
    post_save.connect(_on_user_saved, sender=get_user_model(), dispatch_uid=f"{uid}.user_saved")
    # Documents: checked before every save, and every upload, change and deletion audited.
    from wagtail.documents import get_document_model

    document = get_document_model()
    pre_save.connect(_on_document_pre_save, sender=document, dispatch_uid=f"{uid}.document_pre_save")
    post_save.connect(_on_document_saved, sender=document, dispatch_uid=f"{uid}.document_saved")
    # A document a live page links to keeps its file and title, and is not deleted (documents.py).
    pre_delete.connect(_on_document_pre_delete, sender=document, dispatch_uid=f"{uid}.document_pre_delete")
    post_delete.connect(_on_document_deleted, sender=document, dispatch_uid=f"{uid}.document_deleted")
    # Promoted search results change what visitors see first: audited like pages.
    from wagtail.contrib.search_promotions.models import SearchPromotion

    post_save.connect(
        _on_search_promotion_saved, sender=SearchPromotion, dispatch_uid=f"{uid}.promotion_saved"
    )
    post_delete.connect(
        _on_search_promotion_deleted, sender=SearchPromotion, dispatch_uid=f"{uid}.promotion_deleted"
    )
