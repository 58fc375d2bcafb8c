from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.services import NOTE_MAX_CHARS

YES = "yes"
NO = "no"


class ConsentForm(forms.Form):
    marketing = forms.ChoiceField(
        label=_("Offers and news about our products"),
        choices=[(YES, _("Yes, send me offers and news")), (NO, _("No, do not send me offers"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no."), "invalid_choice": _("Choose yes or no.")},
    )

    @property
    def granted(self) -> bool:
        return bool(self.cleaned_data["marketing"] == YES)


class CorrectionForm(forms.Form):
    phone = forms.CharField(
        label=_("New mobile number"),
        required=False,
        max_length=20,
        help_text=_("11 digits, for example 13812345678. Leave it empty if your number is right."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    note = forms.CharField(
        label=_("Anything else to correct"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        help_text=_("For example the spelling of your name. Do not write your full ID number here."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not cleaned.get("phone", "").strip() and not cleaned.get("note", "").strip():
            raise forms.ValidationError(_("Give a new mobile number or tell us what else to correct."))
        return cleaned


class DeletionForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account will be closed and I will no longer be able to sign in."),
        error_messages={"required": _("Tick the box to confirm.")},
        label_suffix="",  # the label is a sentence: no "：" after its "。"
    )


class HandleForm(forms.Form):
    """Staff carrying out or refusing a request in the admin."""

    reason = forms.CharField(
        label=_("Note or reason"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to refuse: say why, in words the borrower understands (they read it)."),
    )
