"""The assessment forms' fields, built from an instrument version's definition.

Not Django forms: the fields come from data (the instrument), and ``engine`` checks the
answers. These functions only shape what the templates render: one fieldset per item or
factor, its radio options with the submitted choice kept, and its error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hedershus.assessments.engine import (
    FACTOR_RATING_LABELS,
    FACTOR_RATINGS,
    JUDGEMENT_LABELS,
    JUDGEMENTS,
    LEVEL_LABELS,
    LEVELS,
    NOTE_MAX_CHARS,
    JudgementFrame,
    Questionnaire,
)


def _options(name: str, choices: list[tuple[str, str]], chosen: str) -> list[dict[str, Any]]:
    return [
        {"id": f"id_{name}_{index}", "value": value, "label": label, "checked": value == chosen}
        for index, (value, label) in enumerate(choices)
    ]


def questionnaire_fields(
    questionnaire: Questionnaire, data: Mapping[str, str], errors: Mapping[str, str]
) -> list[dict[str, Any]]:
    """``[{"name", "number", "legend", "help", "options": [...], "error"}]``, in item order.
    An item asked only on a condition gets a first option "Not asked" (value ""), chosen by
    default: without JavaScript a chosen radio button cannot be cleared."""
    fields = []
    for number, item in enumerate(questionnaire.items, start=1):
        chosen = data.get(item.id, "")
        choices = [(str(option.value), option.label.get()) for option in item.scale]
        if item.ask_when is not None:
            choices.insert(0, ("", _("Not asked")))
        fields.append(
            {
                "name": item.id,
                "number": number,
                "legend": item.text.get(),
                "help": item.help.get() if item.help else "",
                "options": _options(item.id, choices, chosen),
                "error": errors.get(item.id, ""),
            }
        )
    return fields


def judgement_fields(
    frame: JudgementFrame, data: Mapping[str, str], errors: Mapping[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """``{"factors": [...], "judgements": [...]}``: per factor its rating options and note;
    per overall judgement its level options and reason. ``section`` is set on the first
    factor of each section (the template starts a heading there)."""
    ratings = [(value, str(FACTOR_RATING_LABELS[value])) for value in FACTOR_RATINGS]
    factors = []
    previous = None
    for number, factor in enumerate(frame.factors, start=1):
        section = factor.section.get() if factor.section else ""
        name = f"factor-{factor.id}"
        factors.append(
            {
                "name": name,
                "note_name": f"note-{factor.id}",
                "id": factor.id,
                "number": number,
                "legend": factor.text.get(),
                "section": section if section != previous else "",
                "options": _options(name, ratings, data.get(name, "")),
                "note": data.get(f"note-{factor.id}", ""),
                "maxlength": NOTE_MAX_CHARS,
                "error": errors.get(name, "") or errors.get(f"note-{factor.id}", ""),
            }
        )
        previous = section
    levels = [(value, str(LEVEL_LABELS[value])) for value in LEVELS]
    judgements = [
        {
            "name": f"level-{name}",
            "reason_name": f"reason-{name}",
            "legend": str(JUDGEMENT_LABELS[name]),
            "options": _options(f"level-{name}", levels, data.get(f"level-{name}", "")),
            "reason": data.get(f"reason-{name}", ""),
            "maxlength": NOTE_MAX_CHARS,
            "error": errors.get(f"level-{name}", ""),
            "reason_error": errors.get(f"reason-{name}", ""),
        }
        for name in JUDGEMENTS
    ]
    return {"factors": factors, "judgements": judgements}


class FrameUploadForm(forms.Form):
    """The supervisors' upload of a judgement frame file (JSON or CSV)."""

    file = forms.FileField(
        label=gettext_lazy("Frame file (JSON or CSV)"),
        help_text=gettext_lazy("UTF-8 text, at most 512 kB. See the example file in the documentation."),
    )
