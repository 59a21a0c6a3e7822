"""Text cleaning shared by every app that stores what a person typed.

``core`` imports no app, so messaging and rooms both use this one definition.
"""

from __future__ import annotations

# Unicode's explicit embedding, override and isolate controls (UAX #9, section 2: U+202A-U+202E,
# U+2066-U+2069). An unbalanced override shows text in another order than written ("Trojan
# Source", CVE-2021-42574). The marks LRM, RLM and ALM (U+200E, U+200F, U+061C) are not in it:
# mixed Arabic and Latin text needs them, and they reorder nothing.
BIDI_CONTROLS = frozenset([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_BIDI_TABLE = dict.fromkeys(BIDI_CONTROLS)


def bidi_controls_strip(text: str) -> str:
    """``text`` without the bidi embedding, override and isolate controls (``BIDI_CONTROLS``);
    everything else, direction marks included, as it was."""
    return text.translate(_BIDI_TABLE)


# Characters that show nothing on their own: soft hyphen, Arabic letter mark, Mongolian vowel
# separator, zero-width space/non-joiner/joiner and the direction marks (U+200B-U+200F), word
# joiner and invisible operators (U+2060-U+2064), byte order mark, and the bidi controls.
_INVISIBLE_TABLE = dict.fromkeys(
    [0x00AD, 0x061C, 0x180E, *range(0x200B, 0x2010), *range(0x2060, 0x2065), 0xFEFF, *BIDI_CONTROLS]
)


def has_visible_text(text: str) -> bool:
    """Whether ``text`` shows anything: False when it is only white space and invisible
    characters (``_INVISIBLE_TABLE``), which a form must treat as empty. The characters stay
    in a text that has content (the non-joiner belongs in Persian words)."""
    return bool(text.translate(_INVISIBLE_TABLE).strip())
