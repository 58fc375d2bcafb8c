"""The borrower's forms: they parse and validate what is typed, and read nothing (a view passes them the
bounds they check against)."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _


class PayOnForm(forms.Form):
    """The "if you pay on…" date, from `earliest` (today's business date) to `latest` (the view passes the
    selectors' horizon, so a projection never walks further than a year)."""

    pay_on = forms.DateField(
        label=_("If I pay on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD, e.g. 2026-12-31.")},
    )

    def __init__(self, *args: object, earliest: date, latest: date, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.earliest, self.latest = earliest, latest
        widget = self.fields["pay_on"].widget
        widget.attrs.update({"min": earliest.isoformat(), "max": latest.isoformat()})

    def clean_pay_on(self) -> date:
        value: date = self.cleaned_data["pay_on"]
        if value < self.earliest:
            raise forms.ValidationError(_("Choose today or a later date."))
        if value > self.latest:
            raise forms.ValidationError(_("Choose a date within the next 12 months."))
        return value


class LoanLinkForm(forms.Form):
    reference = forms.CharField(
        label=_("Loan reference"),
        max_length=32,
        help_text=_("As printed on your loan contract or statement, e.g. AX20260512001."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD, e.g. 1998-05-20.")},
    )
    national_id_last4 = forms.RegexField(
        label=_("Last 4 characters of your ID number"),
        regex=r"^\s*[0-9]{3}[0-9Xx]\s*$",
        max_length=6,
        error_messages={
            "invalid": _("Enter the last 4 characters of your ID number: 4 digits, or 3 digits and X.")
        },
        widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off", "size": "6"}),
    )
