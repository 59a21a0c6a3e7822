"""Issue 9, "Done when": a visitor and counsellors in two real Chromium browsers.

The visitor's browser is its own Chromium instance with a profile folder of its own (a
persistent context), so that after the chat the closed profile can be read like a phone
someone else looks through. The counsellors use the session's other Chromium instance.

1. The journey with JavaScript: a room opened from the home page with a passphrase, the code
   shown once; live chat ("sent" only after the server's acknowledgement, held back here to
   prove it); the counsellor sees the conversation arrive in the queue without a reload,
   takes it and replies; a JPEG with GPS data goes up and comes back without it; quick exit;
   return with code and passphrase to the same counsellor; that counsellor away (set on the
   absences page), the next message reaches the stand-in and the visitor is told.
2. The same visitor journey with JavaScript off.
3. The visitor's closed profile holds no trace of the chat (e2e/profile_inspection.py).

Screenshots at 360x740: /tmp/shots/journey-*.png.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sqlite3
import tempfile
import time
import uuid
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import Error as PlaywrightError

from e2e.conftest import LAUNCH_OPTIONS, NEUTRAL_TITLE, NeutralSite, RequestLog, Server
from e2e.profile_inspection import encodings, files_containing, inspect_profile, sqlite_rows
from e2e.staff import staff_sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
SHOTS = Path(tempfile.gettempdir()) / "shots"  # /tmp/shots
CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")
PASSPHRASE = "seven quiet lanterns"
STAFF_PASSWORD = "journey staff password Hedershus 9"
# GPS coordinates and a marker written into the picture's EXIF block.
EXIF_MARKER = "journeyexifmarker"


@dataclass(frozen=True)
class Staff:
    email: str
    first_name: str
    last_name: str
    secret: str


MAJA = Staff("journey.maja@e2e.hedershus.invalid", "Majken", "Journeyson", "JBSWY3DPEHPK3PXPJOURNEYA")
SARA = Staff("journey.sara@e2e.hedershus.invalid", "Saga", "Standinsdottir", "JBSWY3DPEHPK3PXPJOURNEYB")
NOOR = Staff("journey.noor@e2e.hedershus.invalid", "Nour", "Nojavasson", "JBSWY3DPEHPK3PXPJOURNEYC")

CREATE_STAFF = """
from allauth.mfa.totp.internal.auth import TOTP
from hedershus.accounts.models import User
from hedershus.messaging.models import Absence
for email, first, last, secret in {people!r}:
    if not User.objects.filter(email=email).exists():
        user = User.objects.create_user(
            email=email, password={password!r}, role="counsellor", first_name=first, last_name=last
        )
        TOTP.activate(user, secret)
# Nobody away yet: the journey sets the absence itself.
Absence.objects.filter(staff__email__in=[person[0] for person in {people!r}]).delete()
"""


@pytest.fixture(scope="module")
def staff(server: Server) -> dict[str, Staff]:
    people = [(s.email, s.first_name, s.last_name, s.secret) for s in (MAJA, SARA, NOOR)]
    server.manage("shell", "-c", CREATE_STAFF.format(people=people, password=STAFF_PASSWORD))
    return {"maja": MAJA, "sara": SARA, "noor": NOOR}


def facts(server: Server, client_id: str) -> dict[str, Any]:
    """What the server's database holds for the message with ``client_id``, read directly
    (read-only) from the test server's SQLite file: a ``manage.py shell`` per question would
    cost seconds each. Message text is encrypted, so messages are found by their client id;
    the attachment is decrypted with the server's key."""
    database = server.extra["env"]["DATABASE_URL"].removeprefix("sqlite:///")
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
        rows = connection.execute(
            "SELECT c.id, c.status, u.email, a.content_type, a.data_encrypted"
            " FROM messaging_message m JOIN messaging_conversation c ON c.id = m.conversation_id"
            " LEFT JOIN accounts_user u ON u.id = c.assigned_to_id"
            " LEFT JOIN messaging_attachment a ON a.message_id = m.id"
            " WHERE m.client_id = ?",
            (uuid.UUID(client_id).hex,),
        ).fetchall()
    assert rows, f"no message with client id {client_id} in the database"
    conversation, status, assigned_to, content_type, data_encrypted = rows[0]
    key = Fernet(server.extra["env"]["ENCRYPTION_KEYS"].split(",")[0].encode())
    return {
        "copies": len(rows),
        "conversation": conversation,
        "status": status,
        "assigned_to": assigned_to,
        "attachment_type": content_type,
        "attachment": key.decrypt(bytes(data_encrypted)) if data_encrypted else None,
    }


class Shots:
    """Numbered phone-sized screenshots of each step."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.count = 0
        SHOTS.mkdir(parents=True, exist_ok=True)

    def take(self, page: Any, name: str, showing: Any = None) -> None:
        """Screenshot of the phone's screen, scrolled to ``showing`` (a locator) if given."""
        for _attempt in range(3):  # live pages replace parts of themselves: find it again
            if showing is None:
                break
            try:
                showing.scroll_into_view_if_needed()
                break
            except PlaywrightError:
                continue
        self.count += 1
        page.screenshot(path=str(SHOTS / f"journey-{self.prefix}{self.count:02d}-{name}.png"))


def sign_in(context: Any, server: Server, person: Staff) -> Any:
    page = staff_sign_in(context.new_page(), server, person.email, STAFF_PASSWORD, person.secret)
    page.wait_for_url(server.url("/staff/"))
    return page


def watch_without_reload(page: Any) -> None:
    """Marks the page's window; ``still_same_page`` then proves no reload or navigation."""
    page.evaluate("() => { window.__journeyMark = true; }")


def still_same_page(page: Any) -> bool:
    return bool(page.evaluate("() => window.__journeyMark === true"))


def open_room(page: Any, server: Server, shots: Shots) -> str:
    """From the home page's first screen to the room's thread; returns the code shown once."""
    page.goto(server.url("/en/"))
    shots.take(page, "home")
    page.locator("nav.first-screen a.room-link").click()
    page.wait_for_url(re.compile(r"/en/room/open/$"))
    page.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    page.get_by_label("The same passphrase again").fill(PASSPHRASE)
    shots.take(page, "open")
    page.get_by_role("button", name="Open a room").click()
    code_box = page.locator(".room-code code")
    code_box.wait_for()
    code = code_box.inner_text().strip()
    assert CODE.match(code), code
    assert code not in page.url and PASSPHRASE.split()[0] not in page.url
    shots.take(page, "code")
    page.get_by_role("link", name="I have written it down: go to my room").click()
    page.get_by_role("heading", name="Your conversation").wait_for()
    return code


def enter_room(page: Any, server: Server, code: str, shots: Shots) -> None:
    """Back in a room that had been left: the room's address leads to the entry form."""
    page.goto(server.url("/en/room/"))
    page.wait_for_url(re.compile(r"/en/room/enter/"))
    page.get_by_label("Room code").fill(code.lower().replace("-", " "))  # as a person copies it
    page.get_by_label("Passphrase (if you chose one)").fill(PASSPHRASE)
    shots.take(page, "enter")
    page.get_by_role("button", name="Enter").click()
    page.get_by_role("heading", name=re.compile("Welcome back to your room|Your conversation")).wait_for()
    if page.get_by_role("heading", name="Welcome back to your room").is_visible():
        assert page.locator(".room-code code").inner_text().strip() == code  # once more on the first return
        page.get_by_role("link", name="I have written it down: go to my room").click()
    page.get_by_role("heading", name="Your conversation").wait_for()


class AckGate:
    """Sits between the room page and /ws/room/ (Playwright's WebSocket routing) and can hold
    back what the server sends, to show the page says "Sent" only once the server confirmed.

    While holding, every server frame waits, in order, as on a stalled network: the ack and
    also the room's broadcast of the new message, which reads "Sent" too (it is stored). Holding
    only acks let that broadcast through first now and then, and the page rightly said "Sent".
    """

    def __init__(self) -> None:
        self.holding = False
        self.held: list[tuple[Any, str | bytes]] = []

    def route(self, ws: Any) -> None:
        server = ws.connect_to_server()

        def from_server(message: str | bytes) -> None:
            if self.holding:
                self.held.append((ws, message))
                return
            ws.send(message)

        server.on_message(from_server)
        ws.on_message(lambda message: server.send(message))

    def ack_held(self) -> bool:
        """Whether an "ack" frame is among the held ones."""
        return any(
            isinstance(message, str) and json.loads(message).get("type") == "ack" for _, message in self.held
        )

    def release(self) -> None:
        self.holding = False
        for ws, message in self.held:
            ws.send(message)
        self.held.clear()


def wait_until(page: Any, condition: Any, what: str, timeout: float = 10) -> None:
    """Lets Playwright deliver events (page.wait_for_timeout) until ``condition()`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        page.wait_for_timeout(25)


def send_live(page: Any, text: str) -> Any:
    """Sends over the socket; returns the message's list item once it shows "Sent"."""
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()
    mine = page.locator("[data-thread] li.message-visitor", has_text=text)
    mine.locator(".message-state", has_text="Sent").wait_for(timeout=10_000)
    return mine


def picture_with_gps(path: Path) -> bytes:
    """A JPEG of noise (so its bytes are found nowhere else) with GPS and a marker in EXIF."""
    from PIL import ExifTags, Image

    image = Image.effect_noise((160, 120), 80).convert("RGB")
    exif = Image.Exif()
    exif[ExifTags.Base.ImageDescription] = EXIF_MARKER
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (59.0, 19.0, 48.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (18.0, 4.0, 7.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    data = buffer.getvalue()
    path.write_bytes(data)
    # Control: the file as sent does carry the position.
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    return data


def assert_no_metadata(data: bytes) -> None:
    from PIL import ExifTags, Image

    image = Image.open(io.BytesIO(data))
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo), "GPS data left in the picture"
    assert not dict(image.getexif()), f"EXIF left in the picture: {dict(image.getexif())}"
    assert EXIF_MARKER.encode() not in data and b"Exif" not in data


def queue_link(page: Any, conversation: int) -> Any:
    return page.locator(f"#queue-lists a[href='/staff/conversations/{conversation}/']")


def queue_section(page: Any, conversation: int) -> str | None:
    """Which list of the queue shows the conversation: "queue-waiting", "queue-mine", …"""
    link = page.locator(f"a[href='/staff/conversations/{conversation}/']")
    return page.locator("#queue-lists section", has=link).get_attribute("aria-labelledby")


def claim_and_reply(page: Any, server: Server, conversation: int, reply: str) -> None:
    queue_link(page, conversation).click()
    page.wait_for_url(server.url(f"/staff/conversations/{conversation}/"))
    page.get_by_role("button", name="Take this conversation").click()
    page.get_by_label("Your reply").wait_for()
    page.get_by_label("Your reply").fill(reply)
    page.get_by_role("button", name="Send reply").click()
    # In the thread: the page's address matched before the reply was sent.
    page.locator("#conversation-live").get_by_text(reply).wait_for()


def close_conversation(page: Any, server: Server, conversation: int) -> None:
    page.goto(server.url(f"/staff/conversations/{conversation}/"))
    page.get_by_role("button", name="Close the conversation").click()
    page.wait_for_url(re.compile(rf"/staff/conversations/{conversation}/"))
    page.get_by_role("button", name="Close the conversation").wait_for(state="detached")


def stockholm_today() -> dt.date:
    # Absences are in the centre's days (Europe/Stockholm), not the machine's.
    return dt.datetime.now(ZoneInfo("Europe/Stockholm")).date()


@dataclass
class Trail:
    """What the journey left for the profile inspection: the profile folder and every secret."""

    profile: Path
    code: str
    texts: list[str] = field(default_factory=list)
    picture_sent: bytes = b""
    picture_served: bytes = b""
    live_notice: bool = False


def secrets_of(trail: Trail) -> dict[str, list[bytes]]:
    code = trail.code
    variants = {code, code.replace("-", ""), code.lower(), code.lower().replace("-", " ")}
    secrets = {
        "room code": [form for variant in variants for form in encodings(variant)],
        "passphrase": encodings(PASSPHRASE),
    }
    for number, text in enumerate(trail.texts, 1):
        secrets[f"message {number}"] = encodings(text)
    # Stretches from the middle of the pictures' compressed data: found only where a copy is.
    for name, data in (("picture as sent", trail.picture_sent), ("picture as served", trail.picture_served)):
        middle = len(data) // 2
        secrets[name] = [data[middle : middle + 48], data[middle // 2 : middle // 2 + 48]]
    return secrets


@pytest.fixture(scope="module")
def journey(
    playwright_driver: Any,
    browser: Any,
    server: Server,
    neutral_site: NeutralSite,
    staff: dict[str, Staff],
    tmp_path_factory: pytest.TempPathFactory,
) -> Trail:
    """The whole journey with JavaScript on, then the visitor's browser closed; returns what
    the profile test needs. Its steps assert as they go (a failing step fails both tests)."""
    workdir = tmp_path_factory.mktemp("journey")
    profile = workdir / "visitor-profile"
    log = RequestLog()
    visitor_context = playwright_driver.chromium.launch_persistent_context(
        user_data_dir=str(profile), viewport=PHONE, locale="en-US", ignore_https_errors=True, **LAUNCH_OPTIONS
    )
    visitor_context.on("request", log.record)
    gate = AckGate()
    visitor_context.route_web_socket(re.compile(r"/ws/room/(\?.*)?$"), gate.route)
    staff_contexts = [browser.new_context(viewport=PHONE, locale="en-US") for _ in range(2)]
    try:
        trail = _journey(
            visitor_context, staff_contexts, gate, server, neutral_site, Shots(""), profile, workdir
        )
    finally:
        for context in staff_contexts:
            context.close()
        visitor_context.close()  # the persistent context is the visitor's whole browser
    # The control visit to the neutral site over plain http is the test's own.
    foreign = [
        url for url in log.foreign(server, neutral_site) if not url.startswith(neutral_site.plain_origin)
    ]
    assert foreign == [], "the visitor's browser asked another host"
    return trail


def _journey(
    visitor_context: Any,
    staff_contexts: list[Any],
    gate: AckGate,
    server: Server,
    neutral_site: NeutralSite,
    shots: Shots,
    profile: Path,
    workdir: Path,
) -> Trail:
    visitor = visitor_context.pages[0] if visitor_context.pages else visitor_context.new_page()
    # Controls for the profile test: an everyday site leaves a lasting cookie and a cached page
    # (over plain http: a page whose certificate failed is not cached).
    visitor.goto(neutral_site.plain_url("/"))
    visitor.goto(neutral_site.start_url)

    # The counsellor is on duty, looking at the queue.
    maja = sign_in(staff_contexts[0], server, MAJA)
    maja.goto(server.url("/staff/conversations/"))
    watch_without_reload(maja)

    # The visitor opens a room from the home page, with a passphrase; the code is shown once.
    code = open_room(visitor, server, shots)
    trail = Trail(profile=profile, code=code)
    visitor.locator("[data-thread][data-live=on]").wait_for()
    watch_without_reload(visitor)
    shots.take(visitor, "room")

    # "Sent" only after the server's acknowledgement: with the ack held back, the message
    # stays "Sending…"; once it is let through, "Sent".
    first = "Hello, is anyone there? I am scared to go home. (journey one)"
    trail.texts.append(first)
    gate.holding = True
    visitor.get_by_label("Your message").fill(first)
    visitor.get_by_role("button", name="Send").click()
    mine = visitor.locator("[data-thread] li.message-visitor", has_text=first)
    mine.locator(".message-state", has_text="Sending").wait_for()
    wait_until(visitor, gate.ack_held, "the server's ack")
    assert mine.locator(".message-state").inner_text() != "Sent"
    gate.release()
    mine.locator(".message-state", has_text="Sent").wait_for()
    client_id = mine.get_attribute("data-client-id")
    assert client_id
    first_facts = facts(server, client_id)
    assert first_facts["copies"] == 1 and first_facts["assigned_to"] is None  # a first-time visitor
    conversation = first_facts["conversation"]
    assert mine.get_attribute("data-seq")

    # It arrives in the counsellor's queue without a reload.
    queue_link(maja, conversation).wait_for(timeout=10_000)
    assert still_same_page(maja), "the queue was reloaded"
    assert queue_section(maja, conversation) == "queue-waiting"
    shots.take(maja, "queue", queue_link(maja, conversation))

    # The counsellor takes it and replies; the reply reaches the visitor without a reload.
    reply = "Hi, I am here and I am listening. You are safe to write. (journey two)"
    trail.texts.append(reply)
    claim_and_reply(maja, server, conversation, reply)
    answer = visitor.locator("[data-thread] li.message-staff", has_text=reply)
    answer.wait_for(timeout=10_000)
    assert still_same_page(visitor), "the visitor's page was reloaded"
    assert MAJA.first_name in answer.inner_text()
    assert MAJA.last_name not in visitor.content() and MAJA.email not in visitor.content()
    shots.take(visitor, "reply", answer)

    # A picture with GPS data goes by the form post; what the centre keeps and serves has none.
    picture = workdir / "IMG_2041.jpg"
    trail.picture_sent = picture_with_gps(picture)
    visitor.get_by_label("Attach a picture or PDF (optional)").set_input_files(str(picture))
    picture_client_id = visitor.locator("input[name=client_id]").input_value()
    visitor.get_by_role("button", name="Send").click()
    download = visitor.get_by_role("link", name="Download the file")
    download.wait_for()
    visitor.locator("[data-thread][data-live=on]").wait_for()
    response = visitor_context.request.get(urljoin(server.origin, download.last.get_attribute("href")))
    assert response.status == 200
    assert "no-store" in response.headers["cache-control"]
    trail.picture_served = response.body()
    assert_no_metadata(trail.picture_served)
    picture_facts = facts(server, picture_client_id)
    assert picture_facts["conversation"] == conversation and picture_facts["copies"] == 1
    assert picture_facts["attachment_type"] == "image/jpeg"
    assert picture_facts["attachment"] == trail.picture_served  # what is kept is what is served
    # Live on her page too, as a link to view it; what she gets is what the visitor sent.
    view = maja.get_by_role("link", name="View the picture (image/jpeg")  # a substring
    view.wait_for(timeout=10_000)
    seen = maja.request.get(server.url(view.get_attribute("href") or ""))
    assert seen.ok and seen.body() == trail.picture_served, seen.status
    assert "no-store" in seen.headers["cache-control"] and seen.headers["x-content-type-options"] == "nosniff"
    shots.take(visitor, "picture", download.last)

    # The counsellor closes the conversation when it is done.
    close_conversation(maja, server, conversation)

    # The visitor leaves by quick exit: the room session ends with it.
    visitor.locator("a.quick-exit").click()
    visitor.wait_for_url(server.exit_url)

    # Later: back with the code and passphrase; a new message goes to the same counsellor.
    maja.goto(server.url("/staff/conversations/"))
    watch_without_reload(maja)
    enter_room(visitor, server, code, shots)
    visitor.locator("[data-thread][data-live=on]").wait_for()
    again = "I am back. Can I talk to the same person as last time? (journey three)"
    trail.texts.append(again)
    client_id = send_live(visitor, again).get_attribute("data-client-id")
    second_facts = facts(server, client_id)
    second = second_facts["conversation"]
    assert second != conversation  # a new conversation, routed (not the old one reopened)
    assert second_facts["assigned_to"] == MAJA.email, second_facts
    queue_link(maja, second).wait_for(timeout=10_000)
    assert still_same_page(maja)
    assert queue_section(maja, second) == "queue-mine"
    shots.take(maja, "queue-mine", queue_link(maja, second))
    welcome = "Welcome back, it is me again. (journey four)"
    trail.texts.append(welcome)
    claim_and_reply(maja, server, second, welcome)
    visitor.locator("[data-thread] li.message-staff", has_text=welcome).wait_for(timeout=10_000)
    close_conversation(maja, server, second)

    # The counsellor will be away: she sets her absence with a stand-in on the absences page.
    maja.goto(server.url("/staff/conversations/absences/"))
    maja.get_by_label("Stand-in").select_option(label=f"{SARA.first_name} {SARA.last_name}")
    today = stockholm_today()
    maja.get_by_label("First day").fill(today.isoformat())
    maja.get_by_label("Last day").fill((today + dt.timedelta(days=7)).isoformat())
    maja.get_by_role("button", name="Save").click()
    maja.get_by_text("The absence was saved.").wait_for()
    shots.take(maja, "absence")

    # The visitor's next message reaches the stand-in, who sees it arrive and answers.
    sara = sign_in(staff_contexts[1], server, SARA)
    sara.goto(server.url("/staff/conversations/"))
    watch_without_reload(sara)
    where = "Is she there today? (journey five)"
    trail.texts.append(where)
    client_id = send_live(visitor, where).get_attribute("data-client-id")
    third_facts = facts(server, client_id)
    third = third_facts["conversation"]
    assert third_facts["assigned_to"] == SARA.email, third_facts
    queue_link(sara, third).wait_for(timeout=10_000)
    assert still_same_page(sara)
    shots.take(sara, "queue-stand-in", queue_link(sara, third))
    stand_in_reply = "She is away this week. I am answering for her. (journey six)"
    trail.texts.append(stand_in_reply)
    claim_and_reply(sara, server, third, stand_in_reply)
    answer = visitor.locator("[data-thread] li.message-staff", has_text=stand_in_reply)
    answer.wait_for(timeout=10_000)
    assert SARA.first_name in answer.inner_text() and SARA.last_name not in visitor.content()
    # The visitor sees that someone else is answering.
    notice = f"Your contact person is away. {SARA.first_name} is answering in the meantime."
    live_notice = visitor.get_by_text(notice).is_visible()
    shots.take(visitor, "stand-in", answer)
    visitor.reload()
    visitor.get_by_text(notice).wait_for()
    shots.take(visitor, "stand-in-reloaded", visitor.get_by_text(notice))

    # The visitor leaves by quick exit and the browser is closed.
    visitor.locator("a.quick-exit").click()
    visitor.wait_for_url(server.exit_url)
    trail.live_notice = live_notice
    return trail


def test_a_visitor_chats_leaves_and_returns_to_the_same_counsellor_then_to_the_stand_in(
    journey: Trail,
) -> None:
    """The journey runs in the ``journey`` fixture (the profile test needs it too); here what
    is left to judge: whether the stand-in notice came without a reload."""
    assert CODE.match(journey.code)
    assert len(journey.texts) == 6 and journey.picture_served
    assert journey.live_notice, "the stand-in notice shows without a reload (room.js)"


def test_the_same_visitor_journey_works_without_javascript(
    context_factory: Any, server: Server, staff: dict[str, Staff]
) -> None:
    shots = Shots("nojs-")
    visitor = context_factory(viewport=PHONE, locale="en-US", java_script_enabled=False).new_page()
    code = open_room(visitor, server, shots)

    text = "Writing without JavaScript, from a school computer. (no script one)"
    visitor.get_by_label("Your message").fill(text)
    client_id = visitor.locator("input[name=client_id]").input_value()
    with visitor.expect_navigation():
        visitor.get_by_role("button", name="Send").click()
    assert urlsplit(visitor.url).path == "/en/room/", visitor.url  # Post/Redirect/Get
    visitor.locator("[data-thread] li.message-visitor", has_text=text).wait_for()
    conversation = facts(server, client_id)["conversation"]

    # A counsellor (with JavaScript, in the other browser's context) takes it and replies.
    noor_context = context_factory(viewport=PHONE, locale="en-US")
    noor = sign_in(noor_context, server, NOOR)
    noor.goto(server.url("/staff/conversations/"))
    reply = "I read you. Reload the page to see answers. (no script two)"
    claim_and_reply(noor, server, conversation, reply)

    # The visitor's reload shows the reply.
    assert reply not in visitor.content()
    visitor.reload()
    visitor.locator("[data-thread] li.message-staff", has_text=reply).wait_for()
    shots.take(visitor, "reply", visitor.locator("[data-thread] li.message-staff", has_text=reply))

    # Leave, and come back with the code and passphrase: the thread is there.
    visitor.get_by_role("button", name="Leave the room").click()
    visitor.get_by_role("heading", name="You have left the room").wait_for()
    enter_room(visitor, server, code, shots)
    visitor.locator("[data-thread] li.message-staff", has_text=reply).wait_for()
    visitor.locator("[data-thread] li.message-visitor", has_text=text).wait_for()
    shots.take(visitor, "returned", visitor.locator("[data-thread] li.message-staff", has_text=reply))


def test_the_closed_visitor_profile_holds_no_trace_of_the_chat(journey: Trail, server: Server) -> None:
    """After the whole chat (picture included), quick exit and the browser closed."""
    default = journey.profile / "Default"
    # Controls: the same reads find the neutral site's lasting cookie and cached page.
    assert ("localhost", "neutral", 1) in sqlite_rows(
        default / "Cookies", "SELECT host_key, name, is_persistent FROM cookies"
    )
    assert files_containing(default / "Cache", [b"Weather today"])
    report = inspect_profile(
        journey.profile, host=server.host, origin=server.origin, secrets=secrets_of(journey)
    )
    assert report.cookies == [], f"cookies for the site left in the profile: {report.cookies}"
    assert report.storage_files == [], f"site storage in the profile: {report.storage_files}"
    assert report.cache_files == [], f"HTTP or code cache entries for the site: {report.cache_files}"
    # The shell shows one neutral title on every page (discreet mode), so the history names
    # no room, no conversation and no code; /exit is listed with the neutral site's title.
    revealing = [
        (url, title) for url, title in report.history if title not in ("", "Information", NEUTRAL_TITLE)
    ]
    assert revealing == [], f"history entries reveal more than a neutral title: {revealing}"
    # Chromium's password manager took the room entry form (code, then a password field) for
    # a sign-in form and kept the code as typed in Login Data until the passphrase fields
    # said autocomplete="one-time-code" (docs/safety.md): nothing may be there now either.
    assert report.password_manager == [], f"the password manager kept: {report.password_manager}"
    assert report.secrets_found == {}, f"found in the profile: {report.secrets_found}"
