"""Languages a partner unit speaks, as ISO 639-1 codes (two letters, lower case).

``ISO_639_1``: every code of ISO 639-1 (the Library of Congress's list, 183 codes).
``LANGUAGE_NAMES``: display names for the languages the county's partners commonly offer;
any other valid code is shown as the code itself.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ISO_639_1: frozenset[str] = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy
    da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu
    hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb
    lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om
    or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw
    ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu""".split()  # noqa: SIM905 - the codes read best as one block
)

LANGUAGE_NAMES: dict[str, Promise] = {
    "am": _("Amharic"),
    "ar": _("Arabic"),
    "bs": _("Bosnian"),
    "de": _("German"),
    "en": _("English"),
    "es": _("Spanish"),
    "fa": _("Persian (Dari, Farsi)"),
    "fi": _("Finnish"),
    "fr": _("French"),
    "hr": _("Croatian"),
    "ku": _("Kurdish"),
    "pl": _("Polish"),
    "ps": _("Pashto"),
    "ro": _("Romanian"),
    "ru": _("Russian"),
    "so": _("Somali"),
    "sq": _("Albanian"),
    "sr": _("Serbian"),
    "sv": _("Swedish"),
    "ti": _("Tigrinya"),
    "tr": _("Turkish"),
    "uk": _("Ukrainian"),
    "ur": _("Urdu"),
}


def language_name(code: str) -> str:
    """The display name of ``code`` in the current language, or the code itself."""
    name = LANGUAGE_NAMES.get(code)
    return str(name) if name is not None else code
