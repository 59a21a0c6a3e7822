"""The demo content loader: files become published pages, once (issue: demo content)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from wagtail.models import Page

from hedershus.audit.models import AuditEvent
from hedershus.cms.demo import (
    DEMO_CONTENT_DIR,
    DemoContentError,
    demo_content_load,
    markdown_to_html,
    read_sources,
)
from hedershus.cms.models import ArticlePage, HelpDirectoryPage, HomePage, KnowledgeIndexPage, ResearchPage
from hedershus.cms.tests.conftest import CONTENT

pytestmark = pytest.mark.django_db


def test_loading_twice_changes_nothing_the_second_time(tree):
    published = AuditEvent.objects.filter(event_type="cms.page_published").count()
    revisions = {page.pk: page.revisions.count() for page in tree.values()}

    report = demo_content_load(CONTENT)

    assert report.created == [] and report.updated == []
    assert len(report.unchanged) == len(tree)
    assert AuditEvent.objects.filter(event_type="cms.page_published").count() == published
    assert {page.pk: page.revisions.count() for page in tree.values()} == revisions


def test_a_changed_file_updates_only_its_page(tree, tmp_path):
    directory = tmp_path / "content"
    shutil.copytree(CONTENT, directory)
    path = directory / "forced-marriage.en.md"
    path.write_text(path.read_text().replace("Forced marriage is forbidden", "Forced marriage is a crime"))

    report = demo_content_load(directory)

    assert report.updated == ["forced-marriage.en.md"]
    assert len(report.unchanged) == len(tree) - 1
    page = Page.objects.get(pk=tree[("forced-marriage", "en")].pk)
    assert page.title == "Forced marriage is a crime" and page.live and not page.has_unpublished_changes


def test_pages_are_published_in_their_tree_and_linked_as_translations(tree):
    sv, en, ar = (tree[("forced-marriage", lang)] for lang in ("sv", "en", "ar"))
    assert all(page.live for page in tree.values())
    assert sv.translation_key == en.translation_key == ar.translation_key
    assert {p.locale.language_code for p in sv.get_translations(inclusive=True)} == {"sv", "en", "ar"}
    assert isinstance(sv.get_parent().specific, KnowledgeIndexPage)
    assert isinstance(tree[("home", "en")], HomePage) and tree[("home", "en")].get_parent().is_root()
    assert sv.url == "/sv/knowledge-bank/forced-marriage/"
    assert en.url == "/en/knowledge-bank/forced-marriage/"


def test_a_translation_without_a_translated_parent_gets_a_draft_copy_of_it(tree):
    article = tree[("forced-marriage", "ar")]
    parent = article.get_parent().specific
    assert parent.locale.language_code == "ar" and not parent.live
    assert parent.translation_key == tree[("knowledge-bank", "sv")].translation_key


def test_fields_come_from_the_header(tree):
    article = tree[("forced-marriage", "en")]
    assert isinstance(article, ArticlePage)
    assert article.audiences == ["exposed", "relative"]
    assert article.topic == "rights" and str(article.last_reviewed) == "2026-10-01"
    assert sorted(tag.name for tag in article.tags.all()) == ["law", "marriage"]
    research = tree[("risk-method", "sv")]
    assert isinstance(research, ResearchPage)
    assert (research.kind, research.publisher, research.year, research.topic) == (
        "method",
        "Hedershus",
        2026,
        "methods",
    )
    directory = tree[("help-directory", "sv")]
    assert isinstance(directory, HelpDirectoryPage)
    entries = list(directory.entries.all())
    assert [(e.name, e.kind, e.phone, e.area) for e in entries] == [
        ("Stödlinjen", "helpline", "070-174 06 10", "Stockholms län"),
        ("Skyddat boende Exempel", "protected_housing", "", "Solna"),
    ]
    assert entries[0].description == "En påhittad stödlinje för testerna."
    assert "Stödlinjen" not in directory.body
    contact = tree[("contact", "en")]
    assert (contact.phone, contact.sms, contact.email) == (
        "070-174 06 05",
        "070-174 06 06",
        "kontakt@hedershus.invalid",
    )


def test_the_body_subset_becomes_escaped_rich_text():
    html = markdown_to_html(
        "A <b>&\n**bold** line.\n\n## Heading\n- one\n- [two](/sv/x/)\n\n### Small\n\n1. first\n2. second"
    )
    assert html == (
        "<p>A &lt;b&gt;&amp; <b>bold</b> line.</p><h2>Heading</h2><ul><li>one</li><li>two</li></ul>"
        "<h3>Small</h3><ol><li>first</li><li>second</li></ol>"
    )


def test_malformed_files_are_reported_together_and_nothing_is_loaded(db, tmp_path):
    (tmp_path / "home.sv.md").write_text("---\ntype: home\nkey: home\nparent: root\ntitle: Hem\n---\nText\n")
    (tmp_path / "orphan.sv.md").write_text(
        "---\ntype: article\nkey: orphan\nparent: nowhere\ntitle: X\ntopic: cooking\naudiences: aliens\n---\n"
    )
    (tmp_path / "broken.sv.md").write_text("no header here\n")
    with pytest.raises(DemoContentError) as error:
        demo_content_load(tmp_path)
    message = str(error.value)
    for expected in (
        "home: no en version",
        "unknown parent 'nowhere'",
        "unknown or missing topic",
        "aliens",
        "broken.sv.md",
    ):
        assert expected in message
    assert not Page.objects.filter(title="Hem").exists()


def test_the_project_demo_content_is_complete():
    """At least 25 pages in Swedish and English, 5 in Arabic, every audience and the topics
    the issue names (the content itself is checked by its writer; this checks its shape)."""
    if not any(Path(DEMO_CONTENT_DIR).glob("*.md")):
        pytest.skip("no demo content yet")
    sources = read_sources(DEMO_CONTENT_DIR)
    by_lang: dict[str, set[str]] = {}
    for source in sources:
        by_lang.setdefault(source.lang, set()).add(source.key)
    assert len(by_lang["sv"] & by_lang["en"]) >= 25
    assert len(by_lang.get("ar", set())) >= 5
    audiences = {s.header["audience"] for s in sources if s.type == "audience"}
    assert audiences == {"exposed", "relative", "perpetrator", "professional"}
    keys = by_lang["sv"]
    assert {"forced-marriage", "child-marriage", "being-taken-abroad", "protected-personal-data"} <= keys
    assert {"contact", "help-directory"} <= keys
