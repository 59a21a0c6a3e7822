"""Page types (issue: page types) can be created only where they belong in the tree."""

from __future__ import annotations

import pytest
from wagtail.models import Page

from hedershus.cms.choices import PageType
from hedershus.cms.forms import PortalSearchForm
from hedershus.cms.models import (
    PAGE_TYPES,
    ArticlePage,
    AudienceLandingPage,
    ContactPage,
    HelpDirectoryPage,
    HomePage,
    KnowledgeIndexPage,
    ResearchIndexPage,
    ResearchPage,
)

pytestmark = pytest.mark.django_db

ALL = [
    HomePage,
    AudienceLandingPage,
    KnowledgeIndexPage,
    ArticlePage,
    HelpDirectoryPage,
    ResearchIndexPage,
    ResearchPage,
    ContactPage,
]
ALLOWED = {
    "root": {HomePage},
    HomePage: {AudienceLandingPage, KnowledgeIndexPage, HelpDirectoryPage, ResearchIndexPage, ContactPage},
    KnowledgeIndexPage: {ArticlePage},
    ResearchIndexPage: {ResearchPage},
    AudienceLandingPage: set(),
    ArticlePage: set(),
    HelpDirectoryPage: set(),
    ResearchPage: set(),
    ContactPage: set(),
}


@pytest.mark.parametrize("parent_type", list(ALLOWED), ids=lambda t: t if isinstance(t, str) else t.__name__)
def test_each_type_is_creatable_only_under_its_parents(tree, parent_type):
    if parent_type == "root":
        parent = Page.get_first_root_node()
    else:
        parent = next(p for (_k, lang), p in tree.items() if type(p) is parent_type and lang == "sv")
    creatable = {model for model in ALL if model.can_create_at(parent)}
    if parent_type is HomePage:
        # One contact page per home page, and the test tree has it already.
        assert not ContactPage.can_create_at(parent)
        creatable.add(ContactPage)
    assert creatable == ALLOWED[parent_type]


def test_article_fields_for_the_knowledge_bank(tree):
    article = tree[("forced-marriage", "en")]
    article.set_audiences(["professional", "perpetrator"])
    assert article.audiences == ["perpetrator", "professional"]
    with pytest.raises(ValueError):
        article.set_audiences(["aliens"])
    assert {"for_exposed", "topic", "last_reviewed"} <= {f.name for f in ArticlePage._meta.get_fields()}
    assert [t.name for t in tree[("forced-marriage", "en")].tags.all()]


def test_every_page_type_key_names_one_page_model_and_the_search_filter_offers_it():
    assert set(PAGE_TYPES) == set(PageType.values)
    assert all(model.page_type_key == key for key, model in PAGE_TYPES.items())
    offered = [value for value, _label in PortalSearchForm().fields["type"].choices if value]
    assert offered == PageType.values
