"""Writes of the CMS that matter: who may edit, how pages go live, and their audit trail.

Publishing rule: nothing goes live without a second editor's approval. Editors have no
publish permission in Wagtail; a page goes live when the peer-review workflow approves it
(``publishing.workflow_publish_approved``), or by scheduled publishing of an approved
revision, or by a system command (the demo content). ``publishing.publish_guard`` refuses
every other way an editor could reach ``Page.publish`` (wagtail-localize's "publish
immediately", for one).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy
from wagtail.log_actions import get_active_log_context
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)

from hedershus.audit.services import audit_record
from hedershus.cms.models import (
    DirectoryEntryKind,
    DirectoryEntrySource,
    HelpDirectoryEntry,
    HelpDirectoryPage,
    HomePage,
    PeerReviewTask,
)
from hedershus.core.access import Capability
from hedershus.core.exceptions import AccessDenied, Conflict

EDITORS_GROUP = "Editors"
MODERATORS_GROUP = "Moderators"
REVIEW_WORKFLOW_NAME = "Peer review"
REVIEW_TASK_NAME = "Review by another editor"

# What the Editors group may do. Never "publish_page": publishing goes through review.
EDITOR_PERMISSIONS = (
    ("wagtailadmin", "access_admin"),
    ("wagtail_localize", "submit_translation"),
    # Settings → Promoted search results: pages shown first for chosen search terms.
    ("wagtailsearchpromotions", "add_searchpromotion"),
    ("wagtailsearchpromotions", "change_searchpromotion"),
    ("wagtailsearchpromotions", "delete_searchpromotion"),
)
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page")
EDITOR_COLLECTION_PERMISSIONS = (
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    ("wagtaildocs", "delete_document"),
)

# Set while `migrate` replaces Wagtail's placeholder page: schema set-up, not content work.
_install_setup: ContextVar[bool] = ContextVar("cms_install_setup", default=False)


# --- Groups, permissions, workflow, locales ------------------------------------------------


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def cms_setup_ensure() -> None:
    """Makes the CMS's groups, permissions, review workflow, locales and site root exist.

    Idempotent; runs after every ``migrate`` and before the demo content. The groups'
    permissions are reset to exactly the ones defined here, so a change made by hand in
    the database does not survive (the code is the one place access rules are decided).
    """
    # Wagtail's and our apps' permissions exist only after their post_migrate has run.
    for app_config in django_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    with transaction.atomic():
        locales_ensure()
        editors = _editors_group_ensure()
        moderators, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
        moderators.permissions.clear()
        GroupPagePermission.objects.filter(group=moderators).delete()
        GroupCollectionPermission.objects.filter(group=moderators).delete()
        review_workflow_ensure(moderators)
        site_root_ensure()
        for user in get_user_model().objects.all():
            editor_groups_sync(user, groups=(editors, moderators))


def _editors_group_ensure() -> Group:
    editors, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    editors.permissions.set([_permission(app, codename) for app, codename in EDITOR_PERMISSIONS])
    root = Page.get_first_root_node()
    page_permissions = [_permission("wagtailcore", codename) for codename in EDITOR_PAGE_PERMISSIONS]
    GroupPagePermission.objects.filter(group=editors).exclude(
        page=root, permission__in=page_permissions
    ).delete()
    for permission in page_permissions:
        GroupPagePermission.objects.get_or_create(group=editors, page=root, permission=permission)
    root_collection = Collection.get_first_root_node()
    collection_permissions = [_permission(app, codename) for app, codename in EDITOR_COLLECTION_PERMISSIONS]
    GroupCollectionPermission.objects.filter(group=editors).exclude(
        collection=root_collection, permission__in=collection_permissions
    ).delete()
    for permission in collection_permissions:
        GroupCollectionPermission.objects.get_or_create(
            group=editors, collection=root_collection, permission=permission
        )
    return editors


def locales_ensure() -> None:
    """A Wagtail locale for every configured content language (R4)."""
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)


def review_workflow_ensure(moderators: Group) -> Workflow:
    """The one review workflow, assigned to the whole page tree."""
    task = PeerReviewTask.objects.filter(name=REVIEW_TASK_NAME).first()
    if task is None:
        task = PeerReviewTask.objects.create(name=REVIEW_TASK_NAME)
    task.groups.set([moderators])
    workflow, _ = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW_NAME)
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=Page.get_first_root_node(), defaults={"workflow": workflow})
    # Wagtail's own default workflow would let the "Moderators" group approve their own work.
    Workflow.objects.exclude(pk=workflow.pk).filter(workflow_pages__isnull=True, active=True).exclude(
        pk__in=WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS).values("workflow_id")
    ).update(active=False)
    return workflow


def site_root_ensure() -> HomePage:
    """The default site starts at a Swedish home page, replacing Wagtail's placeholder page.

    Not audited: it runs inside ``migrate`` on a fresh install, before anyone uses the
    system, and creates an empty page rather than publishing content.
    """
    site = Site.objects.filter(is_default_site=True).first()
    root_page = site.root_page.specific if site is not None else None
    if isinstance(root_page, HomePage):
        return root_page
    token = _install_setup.set(True)
    try:
        home = HomePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE, depth=2).first()
        if home is None:
            home = HomePage(
                title="Hedershus",
                slug="hedershus",
                locale=Locale.objects.get(language_code=settings.LANGUAGE_CODE),
                live=True,
            )
            Page.get_first_root_node().add_child(instance=home)
        if site is None:
            site = Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
        else:
            site.root_page = home
            site.site_name = settings.WAGTAIL_SITE_NAME
            site.save()
        # Wagtail's "Welcome to your new Wagtail site!" page, if nobody has touched it.
        if root_page is not None and type(root_page) is Page and root_page.is_leaf():
            root_page.delete()
    finally:
        _install_setup.reset(token)
    return home


def editor_groups_sync(user: Any, groups: tuple[Group, Group] | None = None) -> None:
    """Puts users with the editor capability in the Editors and Moderators groups, and nobody else.

    Called whenever a user is saved, so a role change takes effect at once. Editors
    review each other's pages: every editor is a moderator, and PeerReviewTask keeps
    anyone from approving their own submission.
    """
    if groups is None:
        editors = Group.objects.filter(name=EDITORS_GROUP).first()
        moderators = Group.objects.filter(name=MODERATORS_GROUP).first()
        if editors is None or moderators is None:
            return  # before the first migrate has finished
        groups = (editors, moderators)
    if user.has_capability(Capability.EDIT_CONTENT):
        user.groups.add(*groups)
    else:
        user.groups.remove(*groups)


# --- Translations through review ------------------------------------------------------------


def translation_submit_for_review(page: Page, user: Any) -> WorkflowState:
    """Saves a translated page as a draft from its translated strings and submits it for review.

    wagtail-localize's editor offers "Publish" only to users who may publish; editors use
    this instead, and another editor approves the translation like any other page.
    """
    from wagtail_localize.models import Translation

    with transaction.atomic():
        translation = Translation.objects.filter(
            source__object_id=page.translation_key, target_locale_id=page.locale_id, enabled=True
        ).first()
        if translation is not None:
            translation.save_target(user=user, publish=False)
        page = Page.objects.get(pk=page.pk).specific
        if page.workflow_in_progress:
            raise Conflict(gettext_lazy("This page is already in review."))
        if not page.permissions_for_user(user).can_submit_for_moderation():
            raise AccessDenied(gettext_lazy("You may not submit this page for review."))
        if translation is None and page.get_latest_revision() is None:
            # Review needs a revision; an edited page has one already (its latest draft).
            page.save_revision(user=user)
        workflow = page.get_workflow()
        if workflow is None:
            raise Conflict(gettext_lazy("No review workflow is configured for this page."))
        state: WorkflowState = workflow.start(page, user)
    return state


# --- Audit trail ----------------------------------------------------------------------------


def _page_data(page: Page, **extra: Any) -> dict[str, Any]:
    return {"locale": page.locale.language_code, "title": page.title, **extra}


def _actor(user: Any = None) -> Any:
    return user or get_active_log_context().user


def page_published_record(page: Page, revision_id: int | None) -> None:
    """Wagtail says "published" also when an approved revision is only scheduled to go live."""
    if _install_setup.get():
        return
    if page.live:
        audit_record(
            "cms.page_published", actor=_actor(), target=page, data=_page_data(page, revision=revision_id)
        )
    else:
        go_live_at = page.go_live_at.isoformat() if page.go_live_at else None
        audit_record(
            "cms.page_scheduled",
            actor=_actor(),
            target=page,
            data=_page_data(page, revision=revision_id, go_live_at=go_live_at),
        )


def page_unpublished_record(page: Page) -> None:
    if _install_setup.get():
        return
    audit_record("cms.page_unpublished", actor=_actor(), target=page, data=_page_data(page))


def page_deleted_record(page: Page) -> None:
    if _install_setup.get():
        return
    audit_record("cms.page_deleted", actor=_actor(), target=page, data=_page_data(page))


def review_event_record(event_type: str, workflow_state: WorkflowState, user: Any) -> None:
    """Submitted, approved, changes requested or cancelled. Review comments stay in Wagtail:
    the audit log records who decided what, not the discussion."""
    obj = workflow_state.content_object
    page = obj.specific if isinstance(obj, Page) else obj
    task_state = workflow_state.current_task_state
    audit_record(
        event_type,
        actor=_actor(user),
        target=page,
        data=_page_data(
            page,
            workflow=workflow_state.workflow_id,
            revision=task_state.revision_id if task_state is not None else None,
        ),
    )


# --- Documents: upload, change, deletion ------------------------------------------------------

# A replaced file may get the old one's name (Wagtail deletes the old file first): compare hashes.
_DOCUMENT_FIELDS = {"title": "title", "collection_id": "collection", "file_hash": "file"}


def document_state(document: Any) -> dict[str, Any] | None:
    """A document's stored title, collection and file name before a save; None if it is new."""
    if document.pk is None:
        return None
    return type(document).objects.filter(pk=document.pk).values(*_DOCUMENT_FIELDS).first()


def _document_data(document: Any, **extra: Any) -> dict[str, Any]:
    # No title or file name: the audit log cannot be changed, and a wrongly uploaded file's
    # name may itself be personal data. The hash identifies exactly which file it was.
    name = document.file.name or ""
    return {
        "extension": name.rsplit(".", 1)[-1].lower() if "." in name else "",
        "size": document.file_size,
        "file_hash": document.file_hash,
        "collection": document.collection_id,
        **extra,
    }


def document_saved_record(document: Any, created: bool, before: dict[str, Any] | None) -> None:
    """Records an upload (``cms.document_uploaded``) or a change of title, collection or
    file (``cms.document_changed``, with the names of the changed fields); Wagtail's own
    bookkeeping saves (file size, hash) record nothing."""
    if created or before is None:
        audit_record("cms.document_uploaded", actor=_actor(), target=document, data=_document_data(document))
        return
    changed = sorted(
        label for field, label in _DOCUMENT_FIELDS.items() if before.get(field) != getattr(document, field)
    )
    if changed:
        audit_record(
            "cms.document_changed",
            actor=_actor(),
            target=document,
            data=_document_data(document, changed=changed),
        )


def documents_bulk_changed_record(document_ids: list[int], changed: list[str]) -> None:
    """Records ``cms.document_changed`` for each document a bulk action changed.

    Wagtail's bulk "add to collection" and "add tags" update rows without saving them, so
    no save signal reports them; the admin's ``after_bulk_action`` hook calls this instead.
    """
    from wagtail.documents import get_document_model

    with transaction.atomic():
        for document in get_document_model().objects.filter(pk__in=document_ids).order_by("pk"):
            audit_record(
                "cms.document_changed",
                actor=_actor(),
                target=document,
                data=_document_data(document, changed=changed),
            )


def document_deleted_record(document: Any) -> None:
    """Records a deletion (``cms.document_deleted``)."""
    audit_record("cms.document_deleted", actor=_actor(), target=document, data=_document_data(document))


# --- Promoted search results ----------------------------------------------------------------


def search_promotion_record(event_type: str, promotion: Any) -> None:
    """Records an editor's promoted search result being saved or deleted
    (``cms.search_promotion_saved`` / ``cms.search_promotion_deleted``): it changes what
    visitors are shown first. Data: the editor's search term and the promoted page's id (or
    that it is a link to another site, which visitors are never shown)."""
    audit_record(
        event_type,
        actor=_actor(),
        target=promotion,
        data={
            "term": promotion.query.query_string,
            "page": promotion.page_id,
            "external_link": bool(promotion.external_link_url),
        },
    )


# --- The help directory, fed by the partner register later ----------------------------------


@dataclass(frozen=True)
class DirectoryEntryData:
    source_key: str
    kind: str
    name: str
    phone: str = ""
    web: str = ""
    area: str = ""
    description: str = ""


def directory_entries_sync(
    page: HelpDirectoryPage, entries: Iterable[DirectoryEntryData], *, source: str, user: Any = None
) -> HelpDirectoryPage:
    """Makes the page's entries from ``source`` match ``entries``; editors' own entries stay.

    Saves a new draft revision: the change goes live through review like an editor's.
    """
    if source == DirectoryEntrySource.EDITOR:
        raise ValueError("Editors' entries are kept by editors, not synchronised.")
    if source not in DirectoryEntrySource.values:
        raise ValueError(f"Unknown source: {source!r}")
    wanted = {entry.source_key: entry for entry in entries}
    for entry in wanted.values():
        if entry.kind not in DirectoryEntryKind.values:
            raise ValueError(f"Unknown kind of entry: {entry.kind!r}")
    with transaction.atomic():
        draft = page.get_latest_revision_as_object()
        kept = [e for e in draft.entries.all() if e.source != source or e.source_key in wanted]
        by_key = {e.source_key: e for e in kept if e.source == source}
        for key, data in wanted.items():
            entry = by_key.get(key) or HelpDirectoryEntry(source=source, source_key=key)
            for field in ("kind", "name", "phone", "web", "area", "description"):
                setattr(entry, field, getattr(data, field))
            if key not in by_key:
                kept.append(entry)
        draft.entries = kept
        draft.save_revision(user=user)
    return draft
