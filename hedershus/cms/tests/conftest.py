"""Fixtures for the CMS tests: a small page tree loaded from tests/content/ by the demo loader."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CONTENT = Path(__file__).resolve().parent / "content"


@pytest.fixture(scope="module")
def _tree_ids(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[tuple[str, str], int]]:
    """Loads the test pages once per test module, inside a transaction rolled back at its end.

    Each test then runs in a savepoint within it (pytest-django's ``db``), as Django's
    ``setUpTestData`` does: the loader's work is paid once per module, not once per test.
    """
    from django.db import transaction
    from wagtail.models import Page

    from hedershus.cms.demo import _translation_key, demo_content_load, read_sources

    with django_db_blocker.unblock(), transaction.atomic():
        demo_content_load(CONTENT)
        ids = {
            (source.key, source.lang): Page.objects.get(
                translation_key=_translation_key(source.key), locale__language_code=source.lang
            ).pk
            for source in read_sources(CONTENT)
        }
        yield ids
        transaction.set_rollback(True)


@pytest.fixture
def tree(_tree_ids: dict[tuple[str, str], int], db: Any) -> dict[tuple[str, str], Any]:
    """The test pages, published, keyed by (key, language): ("forced-marriage", "en").

    Fresh objects for every test: a test's changes are rolled back, and must not linger in memory.
    """
    from wagtail.models import Page

    by_pk = {page.pk: page for page in Page.objects.filter(pk__in=_tree_ids.values()).specific()}
    return {key: by_pk[pk] for key, pk in _tree_ids.items()}


def make_article(parent: Any, user: Any, *, title: str, body: str = "", **fields: Any) -> Any:
    """A new article under ``parent`` saved as a draft by ``user``, as the editor view does."""
    from django.utils.text import slugify

    from hedershus.cms.models import ArticlePage

    page = ArticlePage(
        title=title,
        slug=slugify(title),
        intro=fields.pop("intro", ""),
        body=body,
        topic=fields.pop("topic", "rights"),
        live=False,
        owner=user,
        **fields,
    )
    parent.add_child(instance=page)
    page.save_revision(user=user)
    return page


def submit_for_review(page: Any, user: Any) -> Any:
    """What the editor's "Submit for review" button does."""
    from wagtail.log_actions import LogContext

    with LogContext(user=user):
        return page.get_workflow().start(page, user)


def current_task_state(page: Any) -> Any:
    from wagtail.models import Page

    return Page.objects.get(pk=page.pk).specific.current_workflow_task_state
