"""The visitor's message form: the thread page's plain form post, which works without
JavaScript (issue 9, item 2). The text, acute flag and file are checked by the services
(``services.messages.message_text_clean``, ``attachments.attachment_check``), so the
form post and the WebSocket give the same answers."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from hedershus.messaging.services.messages import MESSAGE_MAX_CHARS
from hedershus.portal.forms import PRIVATE_INPUT


class MessageForm(forms.Form):
    """``client_id`` is generated when the form is rendered, so submitting the same page
    twice (a double click, a resend after a dropped connection) stores the message once."""

    client_id = forms.UUIDField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Your message"),
        required=False,
        strip=False,  # the service strips, so both ways in count the same characters
        widget=forms.Textarea(attrs={**PRIVATE_INPUT, "rows": 4, "maxlength": MESSAGE_MAX_CHARS}),
    )
    acute = forms.BooleanField(label=_("I need help now"), required=False)
    attachment = forms.FileField(
        label=_("Attach a picture or PDF (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
    )

    @classmethod
    def fresh(cls) -> MessageForm:
        """An empty form with a new client id."""
        return cls(initial={"client_id": uuid.uuid4()})
