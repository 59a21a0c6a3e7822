"""Who gets into the CMS at /staff/cms/ (R3, R23): editors only, through the platform's one sign-in."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from hedershus.accounts.services import user_update
from hedershus.cms.services import EDITORS_GROUP, MODERATORS_GROUP
from hedershus.core.access import Capability
from hedershus.core.access_testing import for_roles_with, for_roles_without

pytestmark = pytest.mark.django_db

CMS_PATHS = ["/staff/cms/", "/staff/cms/pages/", "/staff/cms/documents/", "/staff/cms/translation-status/"]


@for_roles_without(Capability.EDIT_CONTENT)
def test_staff_without_the_editor_role_are_refused(cast, signed_in, role):
    user = cast[role]
    client = signed_in(user)
    for path in CMS_PATHS:
        assert client.get(path).status_code == 403, path


@for_roles_with(Capability.EDIT_CONTENT)
def test_editors_get_in(cast, signed_in, tree, role):
    client = signed_in(cast[role])
    for path in CMS_PATHS:
        assert client.get(path).status_code == 200, path


def test_an_anonymous_visitor_is_sent_to_the_platform_sign_in(client):
    response = client.get("/staff/cms/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/auth/login/?next=/staff/cms/pages/"


def test_wagtails_own_sign_in_leads_to_the_platform_sign_in(client):
    response = client.get("/staff/cms/login/", {"next": "/staff/cms/pages/"})
    assert response["Location"] == "/staff/auth/login/?next=%2Fstaff%2Fcms%2Fpages%2F"
    assert client.post("/staff/cms/login/", {"username": "x", "password": "y"})["Location"].startswith(
        "/staff/auth/login/"
    )
    assert (
        client.get("/staff/cms/login/", {"next": "https://evil.example/"})["Location"] == "/staff/auth/login/"
    )
    assert client.get("/staff/cms/password_reset/").status_code == 404


def test_an_editor_without_a_second_factor_must_set_one_up_first(client, db):
    from conftest import _make_user

    user = _make_user("editor", "new-editor@example.org", mfa=False)
    client.force_login(user)
    response = client.get("/staff/cms/")
    assert response.status_code == 302 and response["Location"].startswith("/staff/auth/2fa/")


def test_groups_follow_the_role(editor, administrator):
    names = set(editor.groups.values_list("name", flat=True))
    assert names == {EDITORS_GROUP, MODERATORS_GROUP}
    assert not administrator.groups.exists()

    user_update(
        actor=administrator, user=editor, first_name="E", last_name="D", role="counsellor", is_active=True
    )
    assert not editor.groups.exists()
    user_update(
        actor=administrator, user=editor, first_name="E", last_name="D", role="editor", is_active=False
    )
    assert not editor.groups.exists()
    user_update(
        actor=administrator, user=editor, first_name="E", last_name="D", role="editor", is_active=True
    )
    assert set(editor.groups.values_list("name", flat=True)) == {EDITORS_GROUP, MODERATORS_GROUP}


def test_the_editor_group_may_not_publish():
    editors = Group.objects.get(name=EDITORS_GROUP)
    page_permissions = set(editors.page_permissions.values_list("permission__codename", flat=True))
    assert page_permissions == {"add_page", "change_page", "lock_page"}
    assert not Group.objects.get(name=MODERATORS_GROUP).page_permissions.exists()


def test_the_admin_gets_its_own_csp_and_public_pages_keep_the_strict_one(signed_in, editor, tree, client):
    admin = signed_in(editor).get("/staff/cms/pages/")
    assert "'unsafe-inline'" in admin["Content-Security-Policy"]
    assert "nonce-" not in admin["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    assert admin["X-Frame-Options"] == "SAMEORIGIN"
    assert admin["Cache-Control"] == "no-store"
    for path in ("/sv/", "/en/knowledge-bank/forced-marriage/", "/staff/"):
        response = client.get(path)
        assert "unsafe-inline" not in response.get("Content-Security-Policy", "")


def test_the_staff_menu_links_editors_to_the_cms(signed_in, editor, counsellor, client):
    assert 'href="/staff/cms/"' in signed_in(editor).get("/staff/").content.decode()
    client.logout()
    assert 'href="/staff/cms/"' not in signed_in(counsellor).get("/staff/").content.decode()
