"""Site search (R2): published pages in the visitor's language, filters, and no term in any address."""

from __future__ import annotations

import pytest
from wagtail.models import Locale

from hedershus.cms.selectors import SearchFilters, pages_search
from hedershus.cms.tests.conftest import make_article

pytestmark = pytest.mark.django_db


def titles(results):
    return [page.title for page in results.pages]


def search(client, language, q, **filters):
    response = client.post(f"/{language}/search/", {"q": q, **filters})
    assert response.status_code == 200
    return response


def test_finds_a_published_page_in_swedish_and_in_english(tree, client):
    sv = search(client, "sv", "tvångsäktenskap").content.decode()
    en = search(client, "en", "marriage").content.decode()
    assert "Tvångsäktenskap är förbjudet" in sv and "Forced marriage is forbidden" not in sv
    assert "Forced marriage is forbidden" in en and "Tvångsäktenskap är förbjudet" not in en


def test_results_link_to_neutral_paths_in_discreet_mode(tree, client):
    html = search(client, "en", "marriage").content.decode()
    assert f'href="/en/p/{tree[("forced-marriage", "en")].pk}/"' in html
    assert "/knowledge-bank/" not in html


def test_drafts_and_unpublished_pages_are_not_found(tree, editor):
    make_article(tree[("knowledge-bank", "en")], editor, title="Secret draft about marriage")
    tree[("school-guidance", "en")].unpublish()
    results = pages_search("marriage", Locale.objects.get(language_code="en"))
    assert "Secret draft about marriage" not in titles(results)
    assert titles(pages_search("school", Locale.objects.get(language_code="en"))) == []


def test_other_languages_are_not_searched(tree):
    assert titles(pages_search("marriage", Locale.objects.get(language_code="sv"))) == []
    assert titles(pages_search("tvångsäktenskap", Locale.objects.get(language_code="en"))) == []


def test_filters_by_audience_topic_and_type(tree):
    en = Locale.objects.get(language_code="en")

    def found(q, **filters):
        return set(titles(pages_search(q, en, SearchFilters(**filters))))

    assert found("marriage") == {"Forced marriage is forbidden", "Guidance for school staff"}
    assert found("marriage", audience="professional") == {"Guidance for school staff"}
    assert found("marriage", audience="exposed") == {"Forced marriage is forbidden"}
    assert found("marriage", topic="school") == {"Guidance for school staff"}
    assert found("marriage", topic="rights", audience="professional") == set()
    assert found("method", page_type="research") == {"Structured risk assessment"}
    assert found("method", page_type="article") == set()
    assert found("helpline", page_type="directory") == {"Where to get help"}
    assert found("exposed", audience="exposed") == {"If you are exposed"}


def test_unknown_filter_values_are_ignored_not_queried():
    assert SearchFilters.from_data(
        {"audience": "x'; drop", "topic": "rights", "type": "user"}
    ) == SearchFilters(topic="rights")


def test_the_term_never_appears_in_an_address(tree, client):
    response = search(client, "en", "forbidden marriage secret")
    assert "Location" not in response
    html = response.content.decode()
    actions = {part.split('"')[0] for part in html.split('action="')[1:]}
    assert actions == {"/en/search/"}
    for href in (part.split('"')[0] for part in html.split('href="')[1:]):
        assert "forbidden" not in href and "secret" not in href
    # A term in the query string is not run.
    assert "Forced marriage" not in client.get("/en/search/", {"q": "marriage"}).content.decode()


def test_many_results_are_paged_by_post(tree, editor, client):
    parent = tree[("knowledge-bank", "en")]
    for number in range(22):
        page = make_article(parent, editor, title=f"Shelter note {number}", intro="shelter")
        page.get_latest_revision().publish()
    first = search(client, "en", "shelter").content.decode()
    assert "22 pages found." in first and 'name="page" value="2"' in first
    second = search(client, "en", "shelter", page="2").content.decode()
    assert second.count("<li>\n        <a href=") == 2
    assert "Previous results" in second


def test_an_arabic_search_finds_the_arabic_page(tree, client):
    html = search(client, "ar", "الزواج").content.decode()
    assert "الزواج القسري ممنوع" in html


def test_a_title_match_ranks_above_a_body_match(tree, editor):
    parent = tree[("knowledge-bank", "en")]
    in_body = make_article(parent, editor, title="Something else", body="<p>Zephyrine is mentioned here.</p>")
    in_title = make_article(parent, editor, title="Zephyrine explained", body="<p>Other words.</p>")
    for page in (in_body, in_title):
        page.get_latest_revision().publish()
    results = pages_search("zephyrine", Locale.objects.get(language_code="en"))
    assert titles(results) == ["Zephyrine explained", "Something else"]
    assert results.total == 2
