"""Discreet mode (R12): on by default; page titles and paths reveal nothing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from hedershus.portal.discreet import is_discreet
from hedershus.portal.tests.helpers import PUBLIC_PAGES

pytestmark = pytest.mark.django_db

REVEALING = re.compile(r"heder|honour|honor|våld|violence|hedershus|عنف|شرف", re.IGNORECASE)


def title(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.DOTALL).group(1)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_titles_are_neutral_by_default(client, path):
    assert not REVEALING.search(title(client.get(path)))


def test_titles_are_neutral_in_each_language(client):
    assert title(client.get("/sv/")) == "Information"
    assert title(client.get("/en/")) == "Information"
    assert title(client.get("/ar/")) == "معلومات"


def test_turning_discreet_mode_off_shows_real_titles_until_turned_on(client):
    client.get("/en/display/")
    response = client.post("/en/display/", {"discreet": "off"})
    assert response.status_code == 302 and response["Location"] == "/en/display/"
    assert title(client.get("/en/info/")) == "Browse safely \N{EN DASH} Hedershus"
    assert "Discreet mode is off" in client.get("/en/info/").content.decode()
    client.post("/en/display/", {"discreet": "on"})
    assert title(client.get("/en/info/")) == "Information"


def test_a_bad_discreet_choice_changes_nothing(client):
    client.get("/en/display/")
    assert client.post("/en/display/", {"discreet": "maybe"}).status_code == 400
    assert title(client.get("/en/")) == "Information"


def test_is_discreet_without_a_session_is_on(rf):
    assert is_discreet(rf.get("/sv/")) is True


def test_public_paths_are_neutral_words():
    for name in ("portal:home", "portal:safety", "portal:search", "portal:display"):
        for code in ("sv", "en", "ar"):
            with translation.override(code):
                assert not REVEALING.search(reverse(name))
