"""Forms of referrals: shape and choices only; the rules are in ``services`` (their
``InvalidInput`` is put back on the form by the view)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from hedershus.cases.models import Case, Urgency
from hedershus.cases.municipalities import STOCKHOLM_DISTRICTS, municipality_choices
from hedershus.partners.models import PartnerUnit, ServiceKind
from hedershus.referrals.models import (
    ConsentForm,
    LegalBasis,
    ReferralChannel,
    ReferralStatus,
    SecrecyException,
    SharedField,
)
from hedershus.referrals.selectors import case_persons
from hedershus.referrals.services import (
    ASKED_MAX,
    NOTE_MAX,
    PERSON_FIELDS,
    REASON_MAX,
    SUMMARY_MAX,
    ReferralInput,
)

# Languages a unit may speak, as the register stores them (ISO 639-1): the brief's languages.
LANGUAGES = (
    ("", _("Any language")),
    ("sv", _("Swedish")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("fa", _("Persian/Dari")),
    ("so", _("Somali")),
    ("ku", _("Kurdish")),
    ("ti", _("Tigrinya")),
    ("tr", _("Turkish")),
)

# The same languages as words inside a sentence ("No unit lists Tigrinya."): Swedish writes
# them in lower case ("Ingen enhet anger tigrinja.").
LANGUAGE_IN_SENTENCE = {
    "sv": pgettext_lazy("language inside a sentence", "Swedish"),
    "en": pgettext_lazy("language inside a sentence", "English"),
    "ar": pgettext_lazy("language inside a sentence", "Arabic"),
    "fa": pgettext_lazy("language inside a sentence", "Persian/Dari"),
    "so": pgettext_lazy("language inside a sentence", "Somali"),
    "ku": pgettext_lazy("language inside a sentence", "Kurdish"),
    "ti": pgettext_lazy("language inside a sentence", "Tigrinya"),
    "tr": pgettext_lazy("language inside a sentence", "Turkish"),
}


def language_in_sentence(code: str) -> str:
    """The name of language ``code`` (ISO 639-1, one of ``LANGUAGES``) for use inside a
    sentence, in the active language; the code itself if it is not one of ours."""
    name = LANGUAGE_IN_SENTENCE.get(code)
    return str(name) if name is not None else code


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "autocomplete": "off"})


class UnitChoiceField(forms.ModelChoiceField):
    """A unit as a choice: its name, free places, and whether it is on Hedershus. When no unit
    lists the language asked for (``missing_language``: its code), each says it does not."""

    missing_language = ""

    def label_from_instance(self, obj: Any) -> str:
        unit: PartnerUnit = obj
        parts = [f"{unit.organisation.name}, {unit.name}"]
        if self.missing_language:
            parts.append(
                str(
                    _("does not list %(language)s")
                    % {"language": language_in_sentence(self.missing_language)}
                )
            )
        if unit.capacity_free is not None:
            count = unit.capacity_free
            parts.append(ngettext("%(count)s free place", "%(count)s free places", count) % {"count": count})
        if not unit.on_platform:
            parts.append(str(_("not on Hedershus: phone or letter")))
        return " · ".join(parts)


class UnitSearchForm(forms.Form):
    """Where the person is and what they need: the units that match (``units_for_referral``)."""

    municipality = forms.ChoiceField(label=_("The person's municipality"), required=False)
    district = forms.ChoiceField(label=_("District (Stockholm city)"), required=False)
    service = forms.ChoiceField(label=_("Service needed"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES, required=False)
    needs_free_places = forms.BooleanField(label=_("Only units with free places (shelters)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = municipality_choices()  # type: ignore[attr-defined]
        self.fields["district"].choices = [("", _("No district")), *((d, d) for d in STOCKHOLM_DISTRICTS)]  # type: ignore[attr-defined]
        self.fields["service"].choices = [("", _("Any service")), *ServiceKind.choices]  # type: ignore[attr-defined]


class ReferralForm(forms.Form):
    """The referral itself: the unit (from the search), how it goes, what is asked, the legal
    basis and the fields to share (none ticked: the referrer picks)."""

    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)
    unit = UnitChoiceField(
        label=_("Unit"), queryset=PartnerUnit.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    channel = forms.ChoiceField(
        label=_("How it goes to the unit"),
        choices=ReferralChannel.choices,
        initial=ReferralChannel.PLATFORM,
        widget=forms.RadioSelect,
    )
    offline_contact = forms.CharField(
        label=_("By phone or letter: who at the unit was reached"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    offline_at = forms.DateTimeField(
        label=_("By phone or letter: when"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    asked = forms.CharField(
        label=_("What the unit is asked to do"), max_length=ASKED_MAX, widget=_textarea(5)
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    legal_basis = forms.ChoiceField(
        label=_("Legal basis for sharing"), choices=LegalBasis.choices, widget=forms.RadioSelect
    )
    consent_date = forms.DateField(
        label=_("Consent: date given"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    consent_form = forms.ChoiceField(
        label=_("Consent: form"), choices=[("", _("Choose")), *ConsentForm.choices], required=False
    )
    secrecy_exception = forms.ChoiceField(
        label=_("Exception relied on"), choices=[("", _("Choose")), *SecrecyException.choices], required=False
    )
    legal_note = forms.CharField(
        label=_("The provision, if another (optional otherwise)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    person = forms.TypedChoiceField(
        label=_("The person the referral is about"), required=False, coerce=int, empty_value=None
    )
    shared_fields = forms.MultipleChoiceField(
        label=_("Case fields to share (only what the unit needs)"),
        choices=SharedField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("Summary (shared only if ticked above)"),
        required=False,
        max_length=SUMMARY_MAX,
        widget=_textarea(5),
    )

    def __init__(self, *args: Any, case: Case, units: Any, missing_language: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitChoiceField)
        unit_field.queryset = units
        unit_field.missing_language = missing_language
        self.fields["urgency"].initial = case.urgency
        persons = list(case_persons(case))
        # A case with no person yet: the fields that are a person's (alias, age group, gender,
        # where they live) are not offered at all, and the page says why (tester's defect 5).
        self.has_persons = bool(persons)
        if persons:
            self.fields["person"].choices = [  # type: ignore[attr-defined]
                ("", _("Nobody in particular")),
                *((p.pk, p.alias) for p in persons),
            ]
        else:
            del self.fields["person"]
            self.fields["shared_fields"].choices = [  # type: ignore[attr-defined]
                (value, label) for value, label in SharedField.choices if value not in PERSON_FIELDS
            ]

    def referral_input(self) -> ReferralInput:
        data = self.cleaned_data
        return ReferralInput(
            unit_id=data["unit"].pk,
            asked=data["asked"],
            urgency=data["urgency"],
            legal_basis=data["legal_basis"],
            consent_date=data["consent_date"],
            consent_form=data["consent_form"],
            secrecy_exception=data["secrecy_exception"],
            legal_note=data["legal_note"],
            person_id=data.get("person"),
            shared_fields=list(data["shared_fields"]),
            summary=data["summary"],
            client_id=data["client_id"],
        )

    def offline_moment(self) -> dt.datetime:
        moment = self.cleaned_data.get("offline_at")
        return moment if moment is not None else timezone.now()


class StaffListFilter(forms.Form):
    """``/staff/referrals/``'s filter (GET: a status names no one) and its page number."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *ReferralStatus.choices], required=False
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX, widget=_textarea(3))


class WithdrawForm(ReasonForm):
    """The counsellor's withdrawal: the reason is the centre's own (it may identify the
    person), so the unit sees only that the referral was withdrawn, and when
    (``selectors.referral_details``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = _(
            "The reason stays with the centre: the unit sees only that the referral was withdrawn, and when."
        )


class CompleteForm(forms.Form):
    successful = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("yes", _("Successful")), ("no", _("Not successful"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Why not (required when not successful)"),
        required=False,
        max_length=REASON_MAX,
        widget=_textarea(3),
    )


class OfflineAnswer:
    RECEIVED = "received"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    DONE = "done"
    DONE_NOT = "done_not"


class RecordAnswerForm(forms.Form):
    """For a referral by phone or letter: the counsellor records what the unit answered."""

    answer = forms.ChoiceField(
        label=_("What the unit answered"),
        choices=[
            (OfflineAnswer.RECEIVED, _("It has received the referral")),
            (OfflineAnswer.ACCEPTED, _("It accepts the referral")),
            (OfflineAnswer.DECLINED, _("It declines the referral")),
            (OfflineAnswer.DONE, _("Done, successfully")),
            (OfflineAnswer.DONE_NOT, _("Done, not successfully")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (when declined or not successful)"),
        required=False,
        max_length=REASON_MAX,
        widget=_textarea(3),
    )
