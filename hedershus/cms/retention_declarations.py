"""What the public portal's content management keeps and how long (R22;
``hedershus.core.retention``): the platform's page types and Wagtail's own tables.

Public content names no client. Wagtail's tables that name an editor (owner, revision, log
entry, comment, upload) are personal data about staff and are declared one by one. One job
here, ``wagtail_editing``, deletes Wagtail's stale editing sessions (who has a page open,
after ``EditingSession.STALE_TIMEOUT``) and stale preview form states (an editor's unsaved
form, after ``FormState.STALE_TIMEOUT``): Wagtail removes them itself only while someone
edits or previews.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.models import EditingSession, FormState

from hedershus.core.retention import (
    RetentionDeclaration,
    declare_retention,
    register_retention_job,
    text,
)
from hedershus.core.retention_declarations import delete_in_batches

PAGE = "wagtailcore.Page"
PUBLIC_PAGES = (
    "cms.HomePage",
    "cms.AudienceLandingPage",
    "cms.KnowledgeIndexPage",
    "cms.ArticlePage",
    "cms.HelpDirectoryPage",
    "cms.ResearchIndexPage",
    "cms.ResearchPage",
    "cms.ContactPage",
)


def editing_sessions_stale(*, now: dt.datetime) -> QuerySet[EditingSession]:
    """Editing sessions nobody has pinged for ``EditingSession.STALE_TIMEOUT`` before ``now``."""
    return EditingSession.objects.filter(last_seen_at__lt=now - EditingSession.STALE_TIMEOUT)


def form_states_stale(*, now: dt.datetime) -> QuerySet[FormState]:
    """Preview form states not updated for ``FormState.STALE_TIMEOUT`` before ``now``."""
    return FormState.objects.filter(last_updated_at__lt=now - FormState.STALE_TIMEOUT)


def wagtail_editing_job(
    now: dt.datetime, batch_size: int, *, progress: dict[str, int] | None = None
) -> dict[str, int]:
    """Job ``wagtail_editing``: deletes stale editing sessions and preview form states.
    Returns ``{"editing_sessions_deleted": n, "form_states_deleted": n}``."""
    sessions = delete_in_batches(
        editing_sessions_stale(now=now), batch_size, progress, "editing_sessions_deleted"
    )
    states = delete_in_batches(form_states_stale(now=now), batch_size, progress, "form_states_deleted")
    return {"editing_sessions_deleted": sessions, "form_states_deleted": states}


def register() -> None:
    """Registers the ``wagtail_editing`` job and declares the CMS's and Wagtail's record types
    (from ``CmsConfig.ready``)."""
    register_retention_job("wagtail_editing", wagtail_editing_job)
    public = _("Public content naming no client; kept until an editor deletes it.")
    declare_retention(
        *(RetentionDeclaration(model=label, personal_data=False, parent=PAGE) for label in PUBLIC_PAGES),
        RetentionDeclaration(model="cms.ArticlePageTag", personal_data=False, parent="cms.ArticlePage"),
        RetentionDeclaration(model="cms.ResearchPageTag", personal_data=False, parent="cms.ResearchPage"),
        RetentionDeclaration(
            model="cms.HelpDirectoryEntry", personal_data=False, parent="cms.HelpDirectoryPage"
        ),
        RetentionDeclaration(model="cms.ResearchDocument", personal_data=False, parent="cms.ResearchPage"),
        RetentionDeclaration(
            model="cms.PeerReviewTask",
            personal_data=False,
            kept_because=_("The editors' review step names a group, not a person; kept while it is used."),
        ),
        RetentionDeclaration(
            model=PAGE,
            personal_data=True,
            kept_because=_(
                "Public pages, kept until an editor deletes them. A page names the editor who owns "
                "or locked it."
            ),
        ),
        RetentionDeclaration(
            model="wagtailcore.Revision",
            personal_data=True,
            kept_because=_(
                "Every saved version of a page, naming the editor who saved it; deleted with the page. "
                "Wagtail's purge_revisions command removes old ones."
            ),
        ),
        RetentionDeclaration(
            model="wagtailcore.PageLogEntry",
            personal_data=True,
            kept_because=_("Wagtail's history of editors' actions on pages; no job removes it yet."),
        ),
        RetentionDeclaration(
            model="wagtailcore.ModelLogEntry",
            personal_data=True,
            kept_because=_(
                "Wagtail's history of editors' actions on snippets and files; no job removes it yet."
            ),
        ),
        RetentionDeclaration(model="wagtailcore.Comment", personal_data=True, parent=PAGE),
        RetentionDeclaration(
            model="wagtailcore.CommentReply", personal_data=True, parent="wagtailcore.Comment"
        ),
        RetentionDeclaration(model="wagtailcore.PageSubscription", personal_data=True, parent=PAGE),
        RetentionDeclaration(
            model="wagtailcore.WorkflowState",
            personal_data=True,
            kept_because=_("A page's review history (who asked for review); kept with the page."),
        ),
        RetentionDeclaration(
            model="wagtailcore.TaskState",
            personal_data=True,
            kept_because=_("A page's review history (who approved or rejected); kept with the page."),
        ),
        RetentionDeclaration(
            model="wagtailcore.UploadedFile",
            personal_data=True,
            kept_because=_(
                "A file being uploaded in the editor; Wagtail removes it when the upload is saved."
            ),
        ),
        RetentionDeclaration(model="wagtailcore.APIToken", personal_data=True, parent="accounts.User"),
        RetentionDeclaration(
            model="wagtailcore.*",
            personal_data=False,
            kept_because=_("Sites, locales, collections, workflows and permissions name no person."),
        ),
        RetentionDeclaration(
            model="wagtailadmin.EditingSession",
            personal_data=True,
            rule=text(_("An hour after the editor's page last reported it open")),
            job="wagtail_editing",
            due=lambda now: editing_sessions_stale(now=now).count(),
        ),
        RetentionDeclaration(
            model="wagtailadmin.FormState",
            personal_data=True,
            rule=text(_("A day after the editor's preview was last updated")),
            job="wagtail_editing",
            due=lambda now: form_states_stale(now=now).count(),
        ),
        RetentionDeclaration(
            model="wagtailadmin.*",
            personal_data=False,
            kept_because=_("Holds no rows (it carries the admin's permission)."),
        ),
        RetentionDeclaration(model="wagtailusers.UserProfile", personal_data=True, parent="accounts.User"),
        RetentionDeclaration(
            model="wagtaildocs.Document",
            personal_data=True,
            kept_because=_(
                "Public documents, kept until an editor deletes them; names the editor who uploaded it."
            ),
        ),
        RetentionDeclaration(
            model="wagtailimages.Image",
            personal_data=True,
            kept_because=_(
                "Public images, kept until an editor deletes them; names the editor who uploaded it."
            ),
        ),
        RetentionDeclaration(
            model="wagtailimages.Rendition", personal_data=False, parent="wagtailimages.Image"
        ),
        RetentionDeclaration(
            model="wagtailsearch.*",
            personal_data=False,
            kept_because=_("The search index of public content; rebuilt from the pages."),
        ),
        RetentionDeclaration(
            model="wagtailsearchpromotions.*",
            personal_data=False,
            kept_because=_("Editors' promoted search results; no visitor's search is stored."),
        ),
        RetentionDeclaration(
            model="wagtail_localize.StringTranslation",
            personal_data=True,
            kept_because=_(
                "Translations of public content, kept while the page is translated; names the translator."
            ),
        ),
        RetentionDeclaration(
            model="wagtail_localize.SegmentOverride",
            personal_data=True,
            kept_because=_(
                "Translations of public content, kept while the page is translated; names the translator."
            ),
        ),
        RetentionDeclaration(
            model="wagtail_localize.*",
            personal_data=False,
            kept_because=public,
        ),
        RetentionDeclaration(model="taggit.*", personal_data=False, kept_because=public),
    )
