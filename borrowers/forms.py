"""The borrower's forms: they parse and validate what is typed, and read nothing (a view passes them the
bounds they check against)."""

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from borrowers import promise_rules
from borrowers.promise_rules import PromiseBounds
from core.forms import MoneyField
from core.templatetags.money import day as day_text
from core.templatetags.money import money
from loanmath import DUE_DAY_MAX, DUE_DAY_MIN


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


def _describe_errors(form: forms.Form) -> None:
    """Point each field at its error box (components/field.html draws it as id_<name>_errors) and its help."""
    for name, field in form.fields.items():
        described = [f"id_{name}_errors"]
        if field.help_text:
            described.insert(0, f"id_{name}_helptext")
        field.widget.attrs["aria-describedby"] = " ".join(described)


class PromiseForm(forms.Form):
    """A promise to pay: how much, by when. The view passes the bounds (`borrowers.promise_rules`, the
    ones the service applies); the form checks the typed values against them and reads nothing."""

    amount = MoneyField(
        label=_("Amount I will pay (¥)"),
        error_messages={
            "required": _("Enter the amount you will pay."),
            "invalid": _("Enter an amount in yuan, e.g. 1234.56."),
            "max_decimal_places": _("Enter the amount in yuan and fen: at most 2 decimal places."),
            "max_digits": _("Enter a smaller amount."),
            "min_value": _("Enter an amount more than zero."),
            "max_value": _("Enter a smaller amount."),
        },
    )
    pay_by = forms.DateField(
        label=_("I will pay it by"),
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": _("Choose the date you will pay by."),
            "invalid": _("Enter a date as YYYY-MM-DD, e.g. 2026-12-31."),
        },
    )

    def __init__(self, *args: Any, bounds: PromiseBounds, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bounds = bounds
        self.fields["amount"].help_text = gettext("From %(minimum)s to %(maximum)s.") % {
            "minimum": money(bounds.minimum),
            "maximum": money(bounds.maximum),
        }
        self.fields["amount"].widget.attrs.update(
            {"min": f"{bounds.minimum:f}", "max": f"{bounds.maximum:f}", "autocomplete": "off"}
        )
        self.fields["pay_by"].help_text = gettext("Today or a day up to %(day)s.") % {
            "day": day_text(bounds.latest)
        }
        self.fields["pay_by"].widget.attrs.update(
            {"min": bounds.earliest.isoformat(), "max": bounds.latest.isoformat()}
        )
        _describe_errors(self)

    def clean_amount(self) -> Decimal:
        amount: Decimal = self.cleaned_data["amount"]
        refusal = promise_rules.amount_refusal(self.bounds, amount)
        if refusal:
            raise forms.ValidationError(refusal)
        return amount

    def clean_pay_by(self) -> date:
        pay_by: date = self.cleaned_data["pay_by"]
        refusal = promise_rules.date_refusal(self.bounds, pay_by)
        if refusal:
            raise forms.ValidationError(refusal)
        return pay_by


class DueDayForm(forms.Form):
    """The new monthly due day, 1 to 28 (every month has it)."""

    day = forms.TypedChoiceField(
        label=_("New due day of the month"),
        coerce=int,
        choices=[(n, str(n)) for n in range(DUE_DAY_MIN, DUE_DAY_MAX + 1)],
        help_text=_("1 to 28: every month has these days, so the date never moves to a month's end."),
        error_messages={
            "required": _("Choose a day from 1 to 28."),
            "invalid_choice": _("Choose a day from 1 to 28."),
        },
    )

    def __init__(self, *args: Any, current_day: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current_day = current_day
        _describe_errors(self)

    def clean_day(self) -> int:
        day: int = self.cleaned_data["day"]
        if day == self.current_day:
            raise forms.ValidationError(
                gettext("Your loan falls due on this day already: choose another day.")
            )
        return day
