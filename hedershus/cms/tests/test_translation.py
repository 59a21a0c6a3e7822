"""Translation (R4): locales, the translation status report, submitting a translation for review,
and machine-translated drafts from a self-hosted LibreTranslate, tested against a local stand-in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from wagtail.models import Locale, Page
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.models import StringTranslation, Translation
from wagtail_localize.operations import translate_object
from wagtail_localize.strings import StringValue
from wagtail_localize.views.edit_translation import apply_machine_translation

from hedershus.audit.models import AuditEvent
from hedershus.cms.selectors import translation_status
from hedershus.cms.services import translation_submit_for_review
from hedershus.cms.tests.conftest import current_task_state
from hedershus.cms.translation import MachineTranslationError, SelfHostedLibreTranslator

ROOT = Path(__file__).resolve().parents[3]


class _StandIn(BaseHTTPRequestHandler):
    """Speaks LibreTranslate's POST /translate: {"q": [...], "source", "target", "format"}."""

    received: list[dict[str, Any]]
    broken = False

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append({"path": self.path, "content_type": self.headers["Content-Type"], **body})
        if self.path != "/translate" or type(self).broken:
            self.send_response(500)
            self.end_headers()
            return
        answer = {"translatedText": [f"[{body['target']}] {text}" for text in body["q"]]}
        payload = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def libretranslate() -> Iterator[tuple[str, type[_StandIn]]]:
    handler = type("StandIn", (_StandIn,), {"received": [], "broken": False})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()
    server.server_close()


def locale(code: str) -> Locale:
    return Locale.objects.get(language_code=code)


def test_every_configured_language_has_a_locale(db):
    codes = set(Locale.objects.values_list("language_code", flat=True))
    assert {"sv", "en", "ar", "fa", "so", "ckb", "ti", "tr"} <= codes
    assert Locale.get_default().language_code == "sv"


def test_the_translator_speaks_libretranslates_api(libretranslate):
    url, handler = libretranslate
    translator = SelfHostedLibreTranslator({"URL": url + "/", "API_KEY": "local-key"})
    strings = [StringValue("Hej <b>där</b>"), StringValue("Ring 112")]

    result = translator.translate(locale_stub("sv"), locale_stub("ar"), strings)

    assert [result[s].data for s in strings] == ["[ar] Hej <b>där</b>", "[ar] Ring 112"]
    (request,) = handler.received
    assert request == {
        "path": "/translate",
        "content_type": "application/json",
        "q": ["Hej <b>där</b>", "Ring 112"],
        "source": "sv",
        "target": "ar",
        "format": "html",
        "api_key": "local-key",
    }
    assert translator.can_translate(locale_stub("sv"), locale_stub("ckb"))
    assert not translator.can_translate(locale_stub("sv"), locale_stub("sv"))


def test_a_failing_translator_says_so(libretranslate):
    url, handler = libretranslate
    handler.broken = True
    with pytest.raises(MachineTranslationError):
        SelfHostedLibreTranslator({"URL": url}).translate(
            locale_stub("sv"), locale_stub("en"), [StringValue("x")]
        )
    with pytest.raises(MachineTranslationError):
        SelfHostedLibreTranslator({"URL": "http://127.0.0.1:9", "TIMEOUT": 2}).translate(
            locale_stub("sv"), locale_stub("en"), [StringValue("x")]
        )


@pytest.mark.parametrize(
    "url", ["https://libretranslate.com", "https://api.libretranslate.com/", "ftp://x", ""]
)
def test_only_a_self_hosted_server_is_accepted(url):
    with pytest.raises(ImproperlyConfigured):
        SelfHostedLibreTranslator({"URL": url})


def test_machine_translation_is_off_unless_configured():
    assert settings.LIBRETRANSLATE_URL == "" or "LIBRETRANSLATE_URL" in os.environ
    if not os.environ.get("LIBRETRANSLATE_URL"):
        assert get_machine_translator() is None
    code = "import hedershus.settings as s; print(s.WAGTAILLOCALIZE_MACHINE_TRANSLATOR['CLASS'])"
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "true",
        "LIBRETRANSLATE_URL": "http://libretranslate.internal:5000",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "hedershus.cms.translation.SelfHostedLibreTranslator", result.stderr


def test_a_machine_draft_then_review_publishes_the_translation(
    tree, editor, outsider, libretranslate, signed_in
):
    url, handler = libretranslate
    source = tree[("forced-marriage", "sv")]
    translate_object(source, [locale("fa")], user=editor)
    target = Page.objects.get(translation_key=source.translation_key, locale=locale("fa")).specific
    assert not target.live  # a new translation is a draft, whatever the original's state
    translation = Translation.objects.get(
        source__object_id=source.translation_key, target_locale=locale("fa")
    )

    apply_machine_translation(translation.pk, editor, SelfHostedLibreTranslator({"URL": url}))

    assert handler.received and handler.received[0]["target"] == "fa"
    assert StringTranslation.objects.filter(locale=locale("fa"), data__startswith="[fa] ").exists()

    translation_submit_for_review(target, editor)
    signed_in(outsider).post(
        reverse(
            "wagtailadmin_pages:workflow_action", args=[target.pk, "approve", current_task_state(target).pk]
        ),
        {"comment": ""},
    )

    published = Page.objects.get(pk=target.pk)
    assert published.live and published.title == "[fa] Tvångsäktenskap är förbjudet"
    assert AuditEvent.objects.filter(event_type="cms.page_published", object_id=str(target.pk)).exists()


def test_submitting_from_the_status_report(tree, editor, signed_in):
    source = tree[("school-guidance", "sv")]
    translate_object(source, [locale("tr")], user=editor)
    target = Page.objects.get(translation_key=source.translation_key, locale=locale("tr"))
    client = signed_in(editor)

    response = client.post(reverse("cms_translation_submit", args=[target.pk]))

    assert response.status_code == 302
    assert Page.objects.get(pk=target.pk).specific.workflow_in_progress
    again = client.post(reverse("cms_translation_submit", args=[target.pk]), follow=True)
    assert "already in review" in again.content.decode()


def test_the_status_report_shows_missing_draft_in_review_outdated_and_current(tree, editor, signed_in):
    def status(key: str, code: str) -> str:
        report = translation_status()
        row = next(r for r in report.rows if r.source.pk == tree[(key, "sv")].pk)
        return next(c.status for c in row.cells if c.locale.language_code == code)

    assert status("forced-marriage", "en") == "current"
    assert status("forced-marriage", "fa") == "missing"
    assert status("school-guidance", "ar") == "missing"
    translate_object(tree[("forced-marriage", "sv")], [locale("fa")], user=editor)
    assert status("forced-marriage", "fa") == "draft"
    fa_page = Page.objects.get(
        translation_key=tree[("forced-marriage", "sv")].translation_key, locale=locale("fa")
    )
    translation_submit_for_review(fa_page.specific, editor)
    assert status("forced-marriage", "fa") == "in_review"

    sv = tree[("forced-marriage", "sv")]
    sv.intro = "Ändrad inledning."
    sv.save_revision().publish()
    assert status("forced-marriage", "en") == "outdated"

    html = signed_in(editor).get(reverse("cms_translation_status")).content.decode()
    # The admin speaks the platform's default language, Swedish.
    assert "Inaktuell" in html and "Saknas" in html and "Under granskning" in html


def locale_stub(code: str) -> Any:
    return type("LocaleStub", (), {"language_code": code})()


def test_submitting_an_edited_translation_reviews_its_latest_draft(tree, editor, outsider, signed_in):
    page = tree[("school-guidance", "en")]
    page.title = "Guidance for school staff, revised"
    page.save_revision(user=editor)

    translation_submit_for_review(Page.objects.get(pk=page.pk).specific, editor)
    signed_in(outsider).post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", current_task_state(page).pk]),
        {"comment": ""},
    )

    assert Page.objects.get(pk=page.pk).title == "Guidance for school staff, revised"
