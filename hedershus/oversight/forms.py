"""Forms of the log review pages; the rules themselves are in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hedershus.accounts.models import User
from hedershus.cases.models import Case
from hedershus.core.access import Role
from hedershus.oversight.models import ReviewKind, Verdict
from hedershus.oversight.services import COMMENT_MAX, REVIEW_MAX_ITEMS, SAMPLE_SIZE_DEFAULT


class ReviewNewForm(forms.Form):
    """What to review: a kind, a period of whole days, and the target of a targeted review."""

    kind = forms.ChoiceField(label=_("What to review"), choices=ReviewKind.choices, widget=forms.RadioSelect)
    period_start = forms.DateField(label=_("From (date)"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("To (date)"), widget=forms.DateInput(attrs={"type": "date"}))
    sample_size = forms.IntegerField(
        label=_("Reads in the sample"),
        required=False,
        min_value=1,
        max_value=REVIEW_MAX_ITEMS,
        initial=SAMPLE_SIZE_DEFAULT,
        help_text=_("Only for a random sample."),
    )
    case_reference = forms.CharField(
        label=_("Case number"),
        required=False,
        max_length=20,
        help_text=_("Only for a review of one case, e.g. 2026-0012."),
    )
    staff_member = forms.ModelChoiceField(
        label=_("Staff member"),
        required=False,
        queryset=User.objects.none(),
        help_text=_("Only for a review of one staff member."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = self.fields["staff_member"]
        assert isinstance(staff, forms.ModelChoiceField)
        staff.queryset = User.objects.filter(
            role__in=[Role.COUNSELLOR, Role.SUPERVISOR, Role.PARTNER, Role.ADMINISTRATOR, Role.EDITOR]
        ).order_by("last_name", "first_name", "email")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        reference = (data.get("case_reference") or "").strip()
        data["case_id"] = None
        if kind == ReviewKind.CASE:
            case_id = (
                Case.objects.filter(reference=reference).values_list("pk", flat=True).first()
                if reference
                else None
            )
            if case_id is None:
                self.add_error("case_reference", _("No case has that number."))
            data["case_id"] = case_id
        if kind == ReviewKind.STAFF_MEMBER and data.get("staff_member") is None:
            self.add_error("staff_member", _("Choose the staff member to review."))
        return data


class ItemMarkForm(forms.Form):
    """One read's judgement."""

    verdict = forms.ChoiceField(label=_("Judgement"), choices=Verdict.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment (needed when it is to be followed up)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SignForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the review"), max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )


class FollowUpCloseForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
