"""Demo content: plain-text page files loaded into the page tree, published, idempotently.

The files (``demo_content/<key>.<lang>.md``) are written for the project; their format is
described in docs/editors.md ("Demo content"). Each file is one page in one language: a
header between two ``---`` lines, then a body in a small subset of Markdown (paragraphs,
``##``/``###`` headings, ``-`` lists, ``**bold**``). Translations share the ``key``.

Loading again changes nothing unless a file changed: then that page gets a new revision,
published. Pages are matched by (translation key, locale), the translation key being
derived from the page key, so the loader never duplicates a page.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page

from hedershus.cms.models import (
    ArticlePage,
    Audience,
    AudienceLandingPage,
    ContactPage,
    DirectoryEntryKind,
    HelpDirectoryEntry,
    HelpDirectoryPage,
    HomePage,
    KnowledgeIndexPage,
    PublicPage,
    ResearchIndexPage,
    ResearchKind,
    ResearchPage,
    Topic,
)
from hedershus.cms.services import cms_setup_ensure, site_root_ensure

DEMO_CONTENT_DIR = Path(__file__).resolve().parent / "demo_content"
# Translation keys are derived from page keys, so every run finds the same pages.
_TRANSLATION_KEY_NAMESPACE = uuid.UUID("6f1c2d52-8a0e-4c5e-9b7a-3d0f6a4e9c11")
ROOT_KEY = "root"
HOME_KEY = "home"
REQUIRED_LANGUAGES = ("sv", "en")
PAGE_TYPES = ("home", "audience", "article", "directory", "research", "contact", "index")
_FILE_NAME = re.compile(r"^(?P<key>[a-z0-9][a-z0-9-]*)\.(?P<lang>[a-z]{2,3})\.md$")
_NUMBERED = re.compile(r"^\s*\d+[.)] ")
_ENTRY_START = re.compile(r"^### (?P<name>.+)\n(?=kind:)", re.MULTILINE)


class DemoContentError(ValueError):
    """One or more demo files are malformed; the message lists every problem found."""


@dataclass
class EntrySource:
    name: str
    kind: str
    phone: str = ""
    web: str = ""
    area: str = ""
    description: str = ""


@dataclass
class PageSource:
    path: Path
    key: str
    lang: str
    type: str
    parent: str
    title: str
    intro: str = ""
    header: dict[str, str] = field(default_factory=dict)
    body_html: str = ""
    entries: list[EntrySource] = field(default_factory=list)


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


# --- Parsing ----------------------------------------------------------------------------------


def _inline(text: str) -> str:
    """Escapes text and turns **bold** into <b>; a [text](url) link keeps only its text."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    escaped = html.escape(text, quote=False)
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escaped)


def markdown_to_html(text: str) -> str:
    """The body subset: paragraphs, ## and ### headings, - and 1. lists, **bold**."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.rstrip() for line in block.strip().splitlines() if line.strip()]
        while lines and lines[0].startswith(("## ", "### ")):
            level = 3 if lines[0].startswith("### ") else 2
            out.append(f"<h{level}>{_inline(lines[0][level + 1 :].strip())}</h{level}>")
            lines = lines[1:]
        if not lines:
            continue
        if all(line.lstrip().startswith(("- ", "* ")) for line in lines):
            items = "".join(f"<li>{_inline(line.lstrip()[2:].strip())}</li>" for line in lines)
            out.append(f"<ul>{items}</ul>")
        elif all(_NUMBERED.match(line) for line in lines):
            items = "".join(f"<li>{_inline(_NUMBERED.sub('', line))}</li>" for line in lines)
            out.append(f"<ol>{items}</ol>")
        else:
            out.append(f"<p>{_inline(' '.join(line.strip() for line in lines))}</p>")
    return "".join(out)


def _parse_header(lines: list[str], path: Path) -> dict[str, str]:
    header: dict[str, str] = {}
    for number, line in enumerate(lines, start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise DemoContentError(f"{path.name}, line {number}: expected 'name: value', got {line!r}")
        value = re.sub(r"\s+#.*$", "", value).strip()  # a trailing comment, as in the format's example
        header[name.strip()] = value
    return header


def _parse_entries(text: str, path: Path) -> list[EntrySource]:
    entries = []
    chunks = _ENTRY_START.split(text)
    # split() with one group gives [before, name1, rest1, name2, rest2, ...]
    for name, rest in zip(chunks[1::2], chunks[2::2], strict=True):
        fields_part, _sep, description = rest.partition("\n\n")
        values: dict[str, str] = {}
        for line in fields_part.splitlines():
            key, sep, value = line.partition(":")
            if sep:
                values[key.strip()] = value.strip()
        kind = values.get("kind", "")
        entries.append(
            EntrySource(
                name=name.strip(),
                kind=kind,
                phone=values.get("phone", ""),
                web=values.get("web", ""),
                area=values.get("area", ""),
                description=" ".join(description.split()),
            )
        )
    return entries


def parse_file(path: Path) -> PageSource:
    match = _FILE_NAME.match(path.name)
    if not match:
        raise DemoContentError(f"{path.name}: the name must be <key>.<lang>.md")
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---" or "---" not in [line.strip() for line in lines[1:]]:
        raise DemoContentError(f"{path.name}: the header must stand between two lines of '---'")
    end = 1 + [line.strip() for line in lines[1:]].index("---")
    header = _parse_header(lines[1:end], path)
    body = "\n".join(lines[end + 1 :])
    page_type = header.get("type", "")
    entries: list[EntrySource] = []
    if page_type == "directory":
        first = _ENTRY_START.search(body)
        if first is not None:
            entries = _parse_entries(body[first.start() :], path)
            body = body[: first.start()]
    return PageSource(
        path=path,
        key=header.get("key", ""),
        lang=match["lang"],
        type=page_type,
        parent=header.get("parent", ""),
        title=header.get("title", ""),
        intro=header.get("intro", ""),
        header=header,
        body_html=markdown_to_html(body),
        entries=entries,
    )


def _split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _problems(source: PageSource, languages: set[str]) -> list[str]:
    name = source.path.name
    problems = []
    if source.key != _FILE_NAME.match(name)["key"]:  # type: ignore[index]
        problems.append(f"{name}: key {source.key!r} does not match the file name")
    if source.lang not in languages:
        problems.append(f"{name}: language {source.lang!r} is not configured")
    if source.type not in PAGE_TYPES:
        problems.append(f"{name}: unknown type {source.type!r}")
    if not source.title:
        problems.append(f"{name}: a title is required")
    if (source.type == "home") != (source.parent == ROOT_KEY):
        problems.append(f"{name}: the home page, and only it, has parent 'root'")
    header = source.header
    if source.type in ("article", "research"):
        unknown = set(_split_list(header.get("audiences", ""))) - set(Audience.values)
        if unknown:
            problems.append(f"{name}: unknown audiences {sorted(unknown)}")
        topic = header.get("topic", "methods" if source.type == "research" else "")
        if topic not in Topic.values:
            problems.append(f"{name}: unknown or missing topic {topic!r}")
        if header.get("last_reviewed"):
            try:
                date.fromisoformat(header["last_reviewed"])
            except ValueError:
                problems.append(f"{name}: last_reviewed must be a date, YYYY-MM-DD")
    if source.type == "research":
        if header.get("kind", "report") not in ResearchKind.values:
            problems.append(f"{name}: unknown research kind {header.get('kind')!r}")
        if header.get("year") and not header["year"].isdigit():
            problems.append(f"{name}: year must be a number")
    if source.type == "audience" and header.get("audience") not in Audience.values:
        problems.append(f"{name}: audience must be one of {Audience.values}")
    for entry in source.entries:
        if entry.kind not in DirectoryEntryKind.values:
            problems.append(f"{name}: entry {entry.name!r} has unknown kind {entry.kind!r}")
    return problems


def read_sources(directory: Path = DEMO_CONTENT_DIR) -> list[PageSource]:
    """Parses and checks every file; raises DemoContentError listing all problems at once."""
    languages = {code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES}
    sources: list[PageSource] = []
    problems: list[str] = []
    for path in sorted(directory.glob("*.md")):
        try:
            sources.append(parse_file(path))
        except DemoContentError as exc:
            problems.append(str(exc))
    for source in sources:
        problems.extend(_problems(source, languages))
    by_key: dict[str, dict[str, PageSource]] = {}
    for source in sources:
        by_key.setdefault(source.key, {})[source.lang] = source
    for key, versions in sorted(by_key.items()):
        for lang in REQUIRED_LANGUAGES:
            if lang not in versions:
                problems.append(f"{key}: no {lang} version ({key}.{lang}.md)")
        types = {source.type for source in versions.values()}
        parents = {source.parent for source in versions.values()}
        if len(types) > 1 or len(parents) > 1:
            problems.append(f"{key}: the translations disagree on type or parent")
        for source in versions.values():
            if source.parent != ROOT_KEY and source.parent not in by_key:
                problems.append(f"{source.path.name}: unknown parent {source.parent!r}")
    if problems:
        raise DemoContentError("Demo content has problems:\n  " + "\n  ".join(problems))
    return sources


# --- Loading ----------------------------------------------------------------------------------


def _translation_key(key: str) -> uuid.UUID:
    if key == HOME_KEY:
        return site_root_ensure().translation_key
    return uuid.uuid5(_TRANSLATION_KEY_NAMESPACE, key)


def _page_class(source: PageSource, sources: Iterable[PageSource]) -> type[PublicPage]:
    if source.type == "index":
        has_research = any(s.parent == source.key and s.type == "research" for s in sources)
        return ResearchIndexPage if has_research else KnowledgeIndexPage
    return {
        "home": HomePage,
        "audience": AudienceLandingPage,
        "article": ArticlePage,
        "directory": HelpDirectoryPage,
        "research": ResearchPage,
        "contact": ContactPage,
    }[source.type]


def _field_values(source: PageSource) -> dict[str, Any]:
    header = source.header
    values: dict[str, Any] = {"title": source.title, "intro": source.intro, "body": source.body_html}
    if source.type in ("article", "research"):
        audiences = set(_split_list(header.get("audiences", "")))
        for audience in Audience.values:
            values[f"for_{audience}"] = audience in audiences
        values["topic"] = header.get("topic", "methods" if source.type == "research" else "")
        reviewed = header.get("last_reviewed", "")
        values["last_reviewed"] = date.fromisoformat(reviewed) if reviewed else None
    if source.type == "research":
        values["kind"] = header.get("kind", "report")
        values["publisher"] = header.get("publisher", "")
        values["year"] = int(header["year"]) if header.get("year") else None
    if source.type == "audience":
        values["audience"] = header["audience"]
    if source.type == "contact":
        for name in ("phone", "sms", "email", "visiting_hours", "address"):
            values[name] = header.get(name, "")
    return values


def _entry_tuples(entries: Iterable[Any]) -> list[tuple[str, ...]]:
    return [(e.kind, e.name, e.phone, e.web, e.area, e.description) for e in entries]


def _is_unchanged(page: PublicPage, source: PageSource, values: dict[str, Any]) -> bool:
    if not page.live or page.has_unpublished_changes:
        return False
    if any(getattr(page, name) != value for name, value in values.items()):
        return False
    if hasattr(page, "tags"):
        wanted = sorted(_split_list(source.header.get("tags", "")))
        if sorted(tag.name for tag in page.tags.all()) != wanted:
            return False
    return not (
        isinstance(page, HelpDirectoryPage)
        and _entry_tuples(page.entries.all()) != _entry_tuples(source.entries)
    )


def _apply(page: PublicPage, source: PageSource, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(page, name, value)
    if hasattr(page, "tags"):
        page.tags.set(_split_list(source.header.get("tags", "")))
    if isinstance(page, HelpDirectoryPage):
        page.entries = [
            HelpDirectoryEntry(
                kind=e.kind, name=e.name, phone=e.phone, web=e.web, area=e.area, description=e.description
            )
            for e in source.entries
        ]


def _parent_for(source: PageSource, locale: Locale) -> Page:
    """The parent in the page's own language; if it is not translated yet, an untranslated
    draft copy of the default language's parent (as wagtail-localize would make)."""
    if source.parent == ROOT_KEY:
        return Page.get_first_root_node()
    key = _translation_key(source.parent)
    parent = Page.objects.filter(translation_key=key, locale=locale).first()
    if parent is not None:
        return parent
    original = Page.objects.get(translation_key=key, locale=Locale.get_default())
    copy: Page = original.specific.copy_for_translation(locale, copy_parents=True)
    return copy


def _depth(source: PageSource, by_key: dict[str, PageSource]) -> int:
    depth, parent = 0, source.parent
    while parent != ROOT_KEY and depth < 20:
        depth, parent = depth + 1, by_key[parent].parent
    return depth


def demo_content_load(directory: Path = DEMO_CONTENT_DIR) -> LoadReport:
    """Creates or updates every page in ``directory`` and publishes it; see the module doc.

    Also makes sure the locales, editor groups and review workflow exist. Runs as a system
    action: the pages are published without review, and each publish is audited.
    """
    sources = read_sources(directory)
    cms_setup_ensure()
    default = settings.LANGUAGE_CODE
    by_key = {s.key: s for s in sources if s.lang == default}
    order = {lang: i for i, (lang, _name) in enumerate(settings.WAGTAIL_CONTENT_LANGUAGES)}
    sources.sort(key=lambda s: (order.get(s.lang, 99), _depth(by_key[s.key], by_key), s.key))
    report = LoadReport()
    with transaction.atomic():
        for source in sources:
            locale = Locale.objects.get(language_code=source.lang)
            model = _page_class(source, sources)
            values = _field_values(source)
            label = source.path.name
            existing = Page.objects.filter(
                translation_key=_translation_key(source.key), locale=locale
            ).first()
            if existing is not None:
                page = existing.specific
                if not isinstance(page, model):
                    raise DemoContentError(
                        f"{label}: the page exists as {type(page).__name__}, not {model.__name__}"
                    )
                if _is_unchanged(page, source, values):
                    report.unchanged.append(label)
                    continue
                _apply(page, source, values)
                if page.alias_of_id is None and page.slug != source.key and source.key != HOME_KEY:
                    page.slug = source.key
                page.save_revision().publish()
                report.updated.append(label)
                continue
            parent = _parent_for(source, locale)
            slug = source.key if source.key != HOME_KEY else f"hedershus-{source.lang}"
            page = model(slug=slug, locale=locale, translation_key=_translation_key(source.key))
            _apply(page, source, values)
            parent.add_child(instance=page)
            page.save_revision().publish()
            report.created.append(label)
    return report
