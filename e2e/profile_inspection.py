"""What a closed Chromium profile keeps about a site (issue 9, item 7; R12).

A visitor's phone may be looked through by the person they fear. After the browser is
closed, its profile folder is what that person can read: this module lists what in it
names the site or holds anything the visitor typed, read or sent. Used by
e2e/test_room_journey.py; what is checked and why is in docs/messaging.md ("What the
browser keeps").

Every check here can fail: the tests that use it visit a neutral site first, whose lasting
cookie and cached page the same checks find (the controls).
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# Folders where a site's own data would live: web storage, databases, service workers and
# their caches, file system and blob storage, compression dictionaries. Newer Chromium keeps
# some of them per storage key under WebStorage.
STORAGE_FOLDERS = (
    "Local Storage",
    "Session Storage",
    "IndexedDB",
    "Service Worker",
    "WebStorage",
    "File System",
    "blob_storage",
    "Shared Dictionary",
    "databases",
)
# The HTTP cache and the compiled-script cache.
CACHE_FOLDERS = ("Cache", "Code Cache", "GPUCache", "DawnGraphiteCache", "DawnWebGPUCache")


def sqlite_rows(database: Path, query: str) -> list[tuple]:
    """Rows of ``query`` on a copy of ``database`` (with its -wal and -journal files, so rows
    not yet checkpointed are read too); no rows when the file does not exist."""
    if not database.exists():
        return []
    folder = database.parent / (database.name + ".inspect")
    folder.mkdir(exist_ok=True)
    copy = folder / database.name
    for suffix in ("", "-wal", "-journal"):
        source = database.with_name(database.name + suffix)
        if source.exists():
            shutil.copy(source, folder / (database.name + suffix))
    try:
        with sqlite3.connect(copy) as connection:
            return connection.execute(query).fetchall()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def encodings(text: str) -> list[bytes]:
    """The byte forms a string takes in Chromium's files: UTF-8 (SQLite, LevelDB, cache) and
    UTF-16 little-endian (session restore, page state, some LevelDB values)."""
    return [text.encode("utf-8"), text.encode("utf-16-le")]


def files_under(folder: Path) -> Iterable[Path]:
    if folder.exists():
        yield from (path for path in folder.rglob("*") if path.is_file())


def files_containing(folder: Path, needles: Iterable[bytes]) -> list[str]:
    """Every file under ``folder`` (read binary-safe, whole) holding any of ``needles``."""
    wanted = [needle for needle in needles if needle]
    found = []
    for path in files_under(folder):
        try:
            data = path.read_bytes()
        except OSError:  # a socket or a file removed while listing
            continue
        if any(needle in data for needle in wanted):
            found.append(str(path.relative_to(folder)))
    return found


@dataclass
class ProfileReport:
    """What the closed profile holds about the site (empty lists: nothing)."""

    cookies: list[tuple] = field(default_factory=list)
    storage_files: list[str] = field(default_factory=list)
    cache_files: list[str] = field(default_factory=list)
    history: list[tuple[str, str]] = field(default_factory=list)
    password_manager: list[tuple] = field(default_factory=list)
    secrets_found: dict[str, list[str]] = field(default_factory=dict)
    files_naming_the_host: list[str] = field(default_factory=list)


def inspect_profile(
    profile: Path, *, host: str, origin: str, secrets: dict[str, list[bytes]]
) -> ProfileReport:
    """Reads a closed profile folder.

    ``host`` is "127.0.0.1:<port>", ``origin`` "http://<host>"; ``secrets`` maps a name
    ("room code", "passphrase", …) to the byte strings that must appear in no file of the
    profile. Returns the site's cookies (any, lasting or not), files under the storage and
    cache folders that name the host, the history's (url, title) rows for the origin, and
    for each secret the files holding it.
    """
    default = profile / "Default"
    hostname = host.split(":")[0]
    report = ProfileReport()
    report.cookies = [
        row
        for row in sqlite_rows(default / "Cookies", "SELECT host_key, name, is_persistent FROM cookies")
        if hostname in row[0]
    ]
    host_forms = encodings(host) + encodings(origin)
    for name in STORAGE_FOLDERS:
        report.storage_files += [f"{name}/{path}" for path in files_containing(default / name, host_forms)]
        # A folder named for the site's origin (IndexedDB "http_127.0.0.1_<port>.indexeddb…").
        report.storage_files += [
            f"{name}/{path.relative_to(default / name)}"
            for path in (default / name).rglob(f"*{hostname}*")
            if (default / name).exists()
        ]
    for name in CACHE_FOLDERS:
        report.cache_files += [f"{name}/{path}" for path in files_containing(default / name, host_forms)]
    report.history = [
        (url, title)
        for url, title in sqlite_rows(default / "History", "SELECT url, title FROM urls")
        if url.startswith(origin)
    ]
    # The password manager: saved logins, and the "stats" it keeps of offers to save one (the
    # username typed, in clear, even when the offer was never answered).
    login_data = default / "Login Data"
    report.password_manager = [
        ("logins", *row)
        for row in sqlite_rows(login_data, "SELECT origin_url, username_value FROM logins")
        if hostname in row[0]
    ] + [
        ("stats", *row)
        for row in sqlite_rows(login_data, "SELECT origin_domain, username_value FROM stats")
        if hostname in row[0]
    ]
    for name, needles in secrets.items():
        found = files_containing(profile, needles)
        if found:
            report.secrets_found[name] = found
    report.files_naming_the_host = files_containing(profile, host_forms)
    return report
