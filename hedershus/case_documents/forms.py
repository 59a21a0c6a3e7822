"""Forms of the documents pages: what the person types; the services check it again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from hedershus.case_documents.files import accepted_kinds
from hedershus.case_documents.models import ACCEPTED_EXTENSIONS
from hedershus.case_documents.services import REASON_MAX_LENGTH, TITLE_MAX_LENGTH
from hedershus.cms.documents import max_bytes as document_max_bytes
from hedershus.messaging.attachments import max_bytes as image_max_bytes

# The file picker offers the accepted kinds first (a hint only: the bytes are checked).
_ACCEPT = ",".join(f".{ext}" for ext in (*ACCEPTED_EXTENSIONS, "jpeg"))


def _file_field() -> forms.FileField:
    return forms.FileField(
        label=_("File"),
        help_text=_("Accepted: %(types)s. Largest file: %(max)s (pictures: %(image_max)s).")
        % {
            "types": accepted_kinds(),
            "max": filesizeformat(document_max_bytes()),
            "image_max": filesizeformat(image_max_bytes()),
        },
        widget=forms.FileInput(attrs={"accept": _ACCEPT}),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("The file is empty."),
            "invalid": _("No file was received. Choose the file again."),
        },
    )


class UploadForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_(
            "What the document is, for example “Decision from social services”. Shown in the case's list."
        ),
        error_messages={
            "required": _("Give the document a title."),
            "max_length": _(
                "The title is too long: at most %(limit_value)d characters; this one has %(show_value)d."
            ),
        },
    )
    file = forms.FileField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per form: its help text reads the limits from the settings.
        self.fields["file"] = _file_field()


class VersionForm(forms.Form):
    file = forms.FileField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per form: its help text reads the limits from the settings.
        self.fields["file"] = _file_field()


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it withdrawn?"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example “Wrong file” or “Belongs to another case”. Kept in the case's record."),
        error_messages={"required": _("Say why the file is withdrawn.")},
    )
