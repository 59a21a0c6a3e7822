# Wagtail ships no type information, so django-stubs cannot infer the field types of models
# built on Page and Orderable; the fields are plain Django fields all the same.
# mypy: disable-error-code="var-annotated,django-manager-missing"
"""The public portal's page types (R1, R2, R6), edited in Wagtail (R3) and translated per locale (R4).

Every public page type inherits from ``PublicPage``: an intro for listings and search results,
a rich-text body limited to what plain-language pages need (no images or embeds, which would
load files from elsewhere), and the platform's permission rules for unpublishing.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField
from wagtail.models import AbstractGroupApprovalTask, Locale, Orderable, Page, PagePermissionTester
from wagtail.query import PageQuerySet
from wagtail.search import index

from hedershus.cms.choices import Audience, PageType, Topic
from hedershus.cms.forms import PortalSearchForm
from hedershus.cms.languages import page_language_links
from hedershus.cms.publishing import publish_guard, user_may_review

# Headings, emphasis, lists and links: enough for plain-language pages. No images, embeds or
# tables: an embed loads from another host, and images would need a public media server.
RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class CmsPagePermissionTester(PagePermissionTester):
    """Wagtail's page permissions, with one change: editors may take a page offline.

    Editors have no publish permission, so nothing goes live without a second editor's
    approval. Unpublishing is the safe direction (wrong or dangerous information must come
    down at once), so anyone who may edit a live page may also unpublish it; it is audited.
    """

    def can_unpublish(self) -> bool:
        if super().can_unpublish():
            return True
        if not self.user.is_active or not self.page.live or self.page_is_root:
            return False
        if self.page_locked():
            return False
        return "change" in self.permissions


class PublicPage(Page):
    """Fields and rules shared by every page a visitor can read."""

    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("One or two plain-language sentences, shown in listings and search results."),
    )
    body = RichTextField(_("body"), features=RICH_TEXT_FEATURES, blank=True)

    search_fields: ClassVar[list[index.BaseField]] = [
        *Page.search_fields,
        index.SearchField("intro", boost=1.5),
        index.SearchField("body"),
    ]
    content_panels: ClassVar[list[Any]] = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
    ]

    # The key of this page type in the search filter "type" (PageType; PAGE_TYPES below);
    # empty for types a visitor cannot ask for by name.
    page_type_key: ClassVar[str] = ""

    class Meta:
        abstract = True

    def permissions_for_user(self, user: Any) -> PagePermissionTester:
        return CmsPagePermissionTester(user, self)

    def publish(
        self,
        revision: Any,
        user: Any = None,
        changed: bool = True,
        log_action: bool = True,
        previous_revision: Any = None,
        skip_permission_checks: bool = False,
    ) -> Any:
        # Every way to make a page live passes here; only review may do it for an editor.
        publish_guard(self, user)
        return super().publish(
            revision,
            user=user,
            changed=changed,
            log_action=log_action,
            previous_revision=previous_revision,
            skip_permission_checks=skip_permission_checks,
        )

    def live_children(self) -> PageQuerySet:
        """The live, public children of this page, in editors' order."""
        return self.get_children().live().public().specific()

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["children"] = self.live_children()
        context["search_form"] = PortalSearchForm()
        # Replaces the shell's switcher links (a context processor's value) for this page.
        context["language_links"] = page_language_links(request, self)
        return context


class KnowledgeFields(models.Model):
    """Who a knowledge-bank text is for, what it is about, and when it was last checked."""

    for_exposed = models.BooleanField(_("someone exposed"), default=False)
    for_relative = models.BooleanField(_("relatives and friends"), default=False)
    for_perpetrator = models.BooleanField(_("someone who wants to stop"), default=False)
    for_professional = models.BooleanField(_("professionals and volunteers"), default=False)
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices)
    last_reviewed = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_("When someone last checked that the text is still correct."),
    )

    knowledge_search_fields: ClassVar[list[index.BaseField]] = [
        index.FilterField("for_exposed"),
        index.FilterField("for_relative"),
        index.FilterField("for_perpetrator"),
        index.FilterField("for_professional"),
        index.FilterField("topic"),
        index.SearchField("tags"),
    ]
    knowledge_panels: ClassVar[list[Any]] = [
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("for_exposed"),
                        FieldPanel("for_relative"),
                        FieldPanel("for_perpetrator"),
                        FieldPanel("for_professional"),
                    ]
                )
            ],
            heading=_("Written for"),
        ),
        FieldPanel("topic"),
        FieldPanel("tags"),
        FieldPanel("last_reviewed"),
    ]

    class Meta:
        abstract = True
        # The search's audience and topic filters (cms.selectors._filtered_pages) read these;
        # without them PostgreSQL scans every article per filtered search (issue 8, item 8:
        # bench/results/search-latency.md). Partial: each holds only the pages for its audience.
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["topic"], name="%(app_label)s_%(class)s_topic"),
            *(
                models.Index(
                    fields=["page_ptr"],
                    condition=models.Q(**{f"for_{audience}": True}),
                    name=f"%(app_label)s_%(class)s_{audience[:4]}",
                )
                for audience in ("exposed", "relative", "perpetrator", "professional")
            ),
        ]

    @property
    def audiences(self) -> list[str]:
        return [audience.value for audience in Audience if getattr(self, f"for_{audience.value}")]

    @property
    def audience_labels(self) -> list[str]:
        return [str(audience.label) for audience in Audience if getattr(self, f"for_{audience.value}")]

    def set_audiences(self, audiences: list[str]) -> None:
        unknown = set(audiences) - set(Audience.values)
        if unknown:
            raise ValueError(f"Unknown audiences: {sorted(unknown)}")
        for audience in Audience.values:
            setattr(self, f"for_{audience}", audience in audiences)


class HomePage(PublicPage):
    """The start page of one language's tree."""

    parent_page_types: ClassVar[list[str]] = ["wagtailcore.Page"]
    subpage_types: ClassVar[list[str]] = [
        "cms.AudienceLandingPage",
        "cms.KnowledgeIndexPage",
        "cms.HelpDirectoryPage",
        "cms.ResearchIndexPage",
        "cms.ContactPage",
    ]
    template = "cms/home_page.html"

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def shortcuts(self, children: list[Page]) -> tuple[list[AudienceLandingPage], ContactPage | None]:
        """The first screen: an audience page for each audience, in the order of ``Audience``,
        and the contact page (None when there is none).

        From the home page's live ``children``; where its language has no such page yet, the
        default language's page stands in (shown under the visitor's prefix with a notice), so
        the four ways in are there in every language.
        """
        audiences = {p.audience: p for p in children if isinstance(p, AudienceLandingPage)}
        contact = next((p for p in children if isinstance(p, ContactPage)), None)
        if len(audiences) < len(Audience.values) or contact is None:
            default_home = self.get_translation_or_none(Locale.get_default())
            if default_home is not None and default_home.pk != self.pk and default_home.live:
                for page in default_home.specific.live_children():
                    if isinstance(page, AudienceLandingPage):
                        audiences.setdefault(page.audience, page)
                    elif isinstance(page, ContactPage) and contact is None:
                        contact = page
        return [audiences[a] for a in Audience.values if a in audiences], contact

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        # The first screen of a phone: the four audiences, contact and 112 (issue 7, item 20).
        context["audience_pages"], context["contact_page"] = self.shortcuts(list(context["children"]))
        return context


class AudienceLandingPage(PublicPage):
    """The plain-language start page for one audience."""

    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)

    content_panels: ClassVar[list[Any]] = [*PublicPage.content_panels, FieldPanel("audience")]
    search_fields: ClassVar[list[index.BaseField]] = [
        *PublicPage.search_fields,
        index.FilterField("audience"),
    ]
    parent_page_types: ClassVar[list[str]] = ["cms.HomePage"]
    subpage_types: ClassVar[list[str]] = []
    page_type_key = PageType.AUDIENCE
    template = "cms/audience_landing_page.html"

    class Meta:
        verbose_name = _("audience page")
        verbose_name_plural = _("audience pages")

    def knowledge_pages(self, limit: int = 50) -> list[Page]:
        """Live articles and research pages in this page's language written for its audience,
        most recently reviewed first (never reviewed last), then by title.

        Each page type is ordered and cut to ``limit`` in the database, so at most
        ``2 * limit`` rows are read however many pages match; the two short lists are merged
        here with the same order."""
        flag = {f"for_{self.audience}": True}
        order = (models.F("last_reviewed").desc(nulls_last=True), "title", "pk")
        pages: list[Page] = []
        for model in (ArticlePage, ResearchPage):
            matching = model.objects.live().public().filter(locale=self.locale, **flag)
            pages.extend(matching.order_by(*order)[:limit])
        pages.sort(key=lambda p: p.title)
        pages.sort(key=lambda p: p.last_reviewed or date.min, reverse=True)
        return pages[:limit]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = self.knowledge_pages()
        return context


class KnowledgeIndexPage(PublicPage):
    """A section that lists its articles (the knowledge bank) or research pages."""

    parent_page_types: ClassVar[list[str]] = ["cms.HomePage"]
    subpage_types: ClassVar[list[str]] = ["cms.ArticlePage"]
    template = "cms/index_page.html"

    class Meta:
        verbose_name = _("knowledge bank")
        verbose_name_plural = _("knowledge banks")


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey("cms.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("article tag")
        verbose_name_plural = _("article tags")


class ArticlePage(PublicPage, KnowledgeFields):  # noqa: DJ008 - Page.__str__ gives the title
    """A knowledge-bank text."""

    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True, verbose_name=_("tags"))

    content_panels: ClassVar[list[Any]] = [*PublicPage.content_panels, *KnowledgeFields.knowledge_panels]
    search_fields: ClassVar[list[index.BaseField]] = [
        *PublicPage.search_fields,
        *KnowledgeFields.knowledge_search_fields,
    ]
    parent_page_types: ClassVar[list[str]] = ["cms.KnowledgeIndexPage"]
    subpage_types: ClassVar[list[str]] = []
    page_type_key = PageType.ARTICLE
    template = "cms/article_page.html"

    class Meta(KnowledgeFields.Meta):
        verbose_name = _("article")
        verbose_name_plural = _("articles")


class DirectoryEntryKind(models.TextChoices):
    HELPLINE = "helpline", _("Helpline")
    AUTHORITY = "authority", _("Authority")
    NGO = "ngo", _("Voluntary organisation")
    EXPERT = "expert", _("Expert")
    PROTECTED_HOUSING = "protected_housing", _("Protected housing")
    TREATMENT = "treatment", _("Treatment")


class DirectoryEntrySource(models.TextChoices):
    """Who keeps an entry up to date: an editor now, the partner register later."""

    EDITOR = "editor", _("Editor")
    PARTNER_REGISTER = "partner_register", _("Partner register")


class HelpDirectoryPage(PublicPage):
    """Where to get help: helplines, authorities, NGOs, experts, protected housing, treatment."""

    content_panels: ClassVar[list[Any]] = [
        *PublicPage.content_panels,
        InlinePanel("entries", heading=_("Entries"), label=_("Entry")),
    ]
    search_fields: ClassVar[list[index.BaseField]] = [
        *PublicPage.search_fields,
        index.RelatedFields(
            "entries",
            [index.SearchField("name"), index.SearchField("description"), index.SearchField("area")],
        ),
    ]
    parent_page_types: ClassVar[list[str]] = ["cms.HomePage"]
    subpage_types: ClassVar[list[str]] = []
    page_type_key = PageType.DIRECTORY
    template = "cms/help_directory_page.html"

    class Meta:
        verbose_name = _("help directory")
        verbose_name_plural = _("help directories")


class HelpDirectoryEntry(Orderable):
    """One place to get help. ``source`` and ``source_key`` let the partner register keep its
    own entries in step later (services.directory_entries_sync) without touching editors' ones."""

    page = ParentalKey(HelpDirectoryPage, related_name="entries", on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=24, choices=DirectoryEntryKind.choices)
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    web = models.CharField(
        _("website"), max_length=200, blank=True, help_text=_("Domain only, shown as text, not as a link.")
    )
    area = models.CharField(_("area"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(
        _("kept up to date by"),
        max_length=24,
        choices=DirectoryEntrySource.choices,
        default=DirectoryEntrySource.EDITOR,
        editable=False,
    )
    source_key = models.CharField(max_length=64, blank=True, editable=False)

    panels: ClassVar[list[Any]] = [
        FieldPanel("kind"),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("web")]),
        FieldPanel("area"),
        FieldPanel("description"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")
        constraints = (
            # One row per register entry on a page; editors' own entries have no key.
            models.UniqueConstraint(
                fields=("page", "source", "source_key"),
                condition=~models.Q(source_key=""),
                name="cms_directory_entry_source_key_unique",
            ),
        )

    def __str__(self) -> str:
        return self.name


class ResearchIndexPage(PublicPage):
    parent_page_types: ClassVar[list[str]] = ["cms.HomePage"]
    subpage_types: ClassVar[list[str]] = ["cms.ResearchPage"]
    template = "cms/index_page.html"

    class Meta:
        verbose_name = _("research and methods")
        verbose_name_plural = _("research and methods")


class ResearchKind(models.TextChoices):
    REPORT = "report", _("Report")
    EVALUATION = "evaluation", _("Evaluation")
    METHOD = "method", _("Method description")


class ResearchPageTag(TaggedItemBase):
    content_object = ParentalKey("cms.ResearchPage", related_name="tagged_items", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("research tag")
        verbose_name_plural = _("research tags")


class ResearchPage(PublicPage, KnowledgeFields):  # noqa: DJ008 - Page.__str__ gives the title
    """A report, evaluation or method description, with its documents to download (R6)."""

    kind = models.CharField(_("kind"), max_length=16, choices=ResearchKind.choices)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    tags = ClusterTaggableManager(through=ResearchPageTag, blank=True, verbose_name=_("tags"))

    content_panels: ClassVar[list[Any]] = [
        *PublicPage.content_panels,
        FieldRowPanel([FieldPanel("kind"), FieldPanel("publisher"), FieldPanel("year")]),
        InlinePanel("documents", heading=_("Documents"), label=_("Document")),
        *KnowledgeFields.knowledge_panels,
    ]
    search_fields: ClassVar[list[index.BaseField]] = [
        *PublicPage.search_fields,
        *KnowledgeFields.knowledge_search_fields,
        index.SearchField("publisher"),
        index.FilterField("kind"),
    ]
    parent_page_types: ClassVar[list[str]] = ["cms.ResearchIndexPage"]
    subpage_types: ClassVar[list[str]] = []
    page_type_key = PageType.RESEARCH
    template = "cms/research_page.html"

    class Meta(KnowledgeFields.Meta):
        verbose_name = _("research or method")
        verbose_name_plural = _("research and method pages")


class ResearchDocument(Orderable):
    page = ParentalKey(ResearchPage, related_name="documents", on_delete=models.CASCADE)
    document = models.ForeignKey(
        get_document_model_string(), on_delete=models.PROTECT, related_name="+", verbose_name=_("document")
    )
    label = models.CharField(
        _("label"), max_length=200, blank=True, help_text=_("Shown instead of the document's title.")
    )

    panels: ClassVar[list[Any]] = [FieldPanel("document"), FieldPanel("label")]

    class Meta(Orderable.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.label or str(self.document)


class ContactPage(PublicPage):
    """How to reach the centre: phone, SMS, e-mail and visits (R8)."""

    phone = models.CharField(_("phone"), max_length=64, blank=True)
    sms = models.CharField(_("SMS"), max_length=64, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    visiting_hours = models.TextField(_("visiting hours"), blank=True)
    address = models.TextField(_("address"), blank=True)

    content_panels: ClassVar[list[Any]] = [
        *PublicPage.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("phone"), FieldPanel("sms"), FieldPanel("email")]),
                FieldPanel("visiting_hours"),
                FieldPanel("address"),
            ],
            heading=_("Contact details"),
        ),
    ]
    parent_page_types: ClassVar[list[str]] = ["cms.HomePage"]
    subpage_types: ClassVar[list[str]] = []
    max_count_per_parent = 1
    page_type_key = PageType.CONTACT
    template = "cms/contact_page.html"

    class Meta:
        verbose_name = _("contact page")
        verbose_name_plural = _("contact pages")


# Search filter "type": the page types a visitor can ask for by name (PageType), from each
# model's own key.
PAGE_TYPES: dict[str, type[PublicPage]] = {
    model.page_type_key: model
    for model in (ArticlePage, ResearchPage, HelpDirectoryPage, AudienceLandingPage, ContactPage)
}


class PeerReviewTask(AbstractGroupApprovalTask):
    """A review step where nobody approves their own work (four eyes).

    Members of the chosen groups may approve or ask for changes, except anyone whose text is
    in what would go live (``publishing.review_barred_user_ids``): the submitter, and every author of a
    revision since the last published one, however they got there. While the page is in
    review nobody edits it: what the reviewer approves is exactly what goes live. A permitted
    reviewer approves or requests changes from the dashboard or the page editor's footer
    (``hedershus.cms.review``); to change the text, the submitter cancels the review, edits,
    and submits again.
    """

    class Meta:
        verbose_name = _("peer review task")
        verbose_name_plural = _("peer review tasks")

    @staticmethod
    def user_may_review(obj: Any, user: Any) -> bool:
        """True if ``user`` wrote none of what would go live (``publishing.user_may_review``)."""
        return user_may_review(obj, user)

    def get_actions(self, obj: Any, user: Any) -> list[tuple[str, Any, bool]]:
        if not self.user_may_review(obj, user):
            return []
        actions: list[tuple[str, Any, bool]] = super().get_actions(obj, user)
        return actions

    def locked_for_user(self, obj: Any, user: Any) -> bool:
        return True

    def user_can_lock(self, obj: Any, user: Any) -> bool:
        return False

    def get_task_states_user_can_moderate(self, user: Any, **kwargs: Any) -> Any:
        states = (
            super()
            .get_task_states_user_can_moderate(user, **kwargs)
            .exclude(workflow_state__requested_by=user)
        )
        barred = [
            state.pk
            for state in states.select_related("workflow_state")
            if not self.user_may_review(state.workflow_state.content_object, user)
        ]
        return states.exclude(pk__in=barred)

    def on_action(self, task_state: Any, user: Any, action_name: str, **kwargs: Any) -> None:
        obj = task_state.workflow_state.content_object
        if not self.user_may_review(obj, user):
            raise PermissionDenied("An editor cannot review a page that contains their own text.")
        # The reviewer's confirmation follows from Wagtail's task_approved/task_rejected
        # signals (signals.py → review.review_confirmation_message).
        super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls) -> Any:
        return _("Members of the chosen groups approve, except editors whose text is in the page")
