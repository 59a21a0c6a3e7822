"""Reading a judgement frame from a file a licensed organisation supplies (JSON or CSV).

The platform ships no factor text of PATRIARK, SARA:SV or any other licensed instrument: an
organisation that holds a licence loads its own factors with ``manage.py
assessments_load_frame <file>`` or the supervisors' upload page. Both end in
``services.frame_load``; this module only turns the file's bytes into a checked definition.

JSON: the engine's schema with ``"kind": "judgement"`` (``examples/example_frame.json``).
CSV (UTF-8, comma-separated, as a spreadsheet saves it; ``examples/example_frame.csv``): a
header ``type,id,sv,en`` and one row per line:

=========  =====================  ===========================================
type       id                     sv / en
=========  =====================  ===========================================
frame      the frame's id         its title
version    the version            (empty)
licence    (empty)                the licence note
source     (empty)                where the factors come from (sv or en)
section    (empty)                a heading for the factors below it
factor     the factor's id (H1)   the factor's text
=========  =====================  ===========================================
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from hedershus.assessments.engine import DefinitionError, JudgementFrame, definition_parse

MAX_FRAME_BYTES = 512 * 1024  # a frame is a few kB of text; anything near this is not one
CSV_HEADER = ["type", "id", "sv", "en"]


def _text(row: dict[str, str]) -> dict[str, str]:
    return {"sv": (row.get("sv") or "").strip(), "en": (row.get("en") or "").strip()}


def _from_csv(text: str, name: str) -> dict[str, Any]:
    """The CSV's rows as the JSON schema's object; ``DefinitionError`` names the line."""
    reader = csv.DictReader(io.StringIO(text))
    header = [column.strip().lower() for column in reader.fieldnames or []]
    if header[:4] != CSV_HEADER:
        raise DefinitionError(name, [f"{name}: line 1: the header must be {','.join(CSV_HEADER)}"])
    reader.fieldnames = header
    data: dict[str, Any] = {"kind": "judgement", "factors": []}
    section: dict[str, str] | None = None
    problems: list[str] = []
    for row in reader:
        line = reader.line_num
        kind = (row.get("type") or "").strip().lower()
        ident = (row.get("id") or "").strip()
        if kind == "frame":
            data["id"], data["title"] = ident, _text(row)
        elif kind == "version":
            data["version"] = ident
        elif kind == "licence":
            data["licence"] = _text(row)
        elif kind == "source":
            data["source"] = _text(row)["sv"] or _text(row)["en"]
        elif kind == "section":
            section = _text(row)
        elif kind == "factor":
            factor: dict[str, Any] = {"id": ident, "text": _text(row)}
            if section is not None:
                factor["section"] = section
            data["factors"].append(factor)
        elif kind or ident or any((row.get(c) or "").strip() for c in ("sv", "en")):
            known = "frame, version, licence, source, section or factor"
            problems.append(f"{name}: line {line}: type: unknown type {kind!r} ({known})")
    if problems:
        raise DefinitionError(name, problems)
    return data


def frame_parse(content: bytes, name: str) -> JudgementFrame:
    """A checked judgement frame from a file's ``content``; ``name`` (the file's name) picks
    CSV (``.csv``) or JSON and is named in every problem (``DefinitionError``)."""
    if len(content) > MAX_FRAME_BYTES:
        raise DefinitionError(name, [f"{name}: the file is larger than {MAX_FRAME_BYTES // 1024} kB"])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DefinitionError(name, [f"{name}: the file is not UTF-8 text"]) from None
    if name.lower().endswith(".csv"):
        data: Any = _from_csv(text, name)
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise DefinitionError(name, [f"{name}: not valid JSON: {error}"]) from None
    if isinstance(data, dict) and data.get("kind") != "judgement":
        raise DefinitionError(name, [f"{name}: kind: only judgement frames are loaded from a file"])
    definition = definition_parse(data, name)
    assert isinstance(definition, JudgementFrame)  # the kind was checked above
    return definition
