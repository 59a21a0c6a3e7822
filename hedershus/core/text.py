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
