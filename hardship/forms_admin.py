"""The staff forms of the application's review page (hardship.admin): parse and validate only; each is
handed to one service by the admin."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

import loanmath
from hardship.rules import REJECTION_REASON_LABELS

MESSAGE_MAX = 2000
OPTION_KIND_LABELS = {
    loanmath.OptionKind.EXTENSION: _("Term extension"),
    loanmath.OptionKind.HOLIDAY: _("Payment holiday"),
    loanmath.OptionKind.LOWER_RATE: _("Lower interest rate"),
    loanmath.OptionKind.FREEZE: _("Interest and penalty freeze"),
    loanmath.OptionKind.ARREARS_PLAN: _("Arrears plan"),
    loanmath.OptionKind.WAIVER: _("Waiver of late fees and penalty interest"),
}


class StartReviewForm(forms.Form):
    """No fields: the button says it all."""


class InformationRequestForm(forms.Form):
    message = forms.CharField(
        label=_("What the borrower should send"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class OfferForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=list(OPTION_KIND_LABELS.items()))
    months = forms.IntegerField(
        label=_("Months"),
        required=False,
        min_value=0,
        max_value=60,
        help_text=_("Extension 2–60, holiday 1–3, freeze 1–60, arrears plan 1–24; not used otherwise."),
    )
    annual_rate = forms.DecimalField(
        label=_("New yearly rate (%)"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=4,
        help_text=_("For a lower rate only, as a percentage (for example 8 for 8 %)."),
    )
    interest_during_holiday = forms.BooleanField(
        label=_("Pay interest during the holiday"), required=False, initial=True
    )
    waive_fees_and_penalty = forms.BooleanField(
        label=_("Waive late fees and penalty interest"), required=False
    )
    note = forms.CharField(
        label=_("Note to the borrower"),
        max_length=MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        kind = loanmath.OptionKind(data["kind"])
        rate = data.get("annual_rate")
        if kind is loanmath.OptionKind.LOWER_RATE and rate is None:
            self.add_error("annual_rate", _("Give the new yearly rate."))
            return data
        try:
            data["terms"] = loanmath.OptionTerms(
                kind=kind,
                months=data.get("months") or 0,
                annual_rate=(rate / 100).quantize(Decimal("0.000001"))
                if rate is not None and kind is loanmath.OptionKind.LOWER_RATE
                else None,
                interest_during_holiday=bool(data.get("interest_during_holiday")),
                waive_fees_and_penalty=bool(data.get("waive_fees_and_penalty")),
            )
        except loanmath.InvalidInputError:
            self.add_error(
                "months", _("These months do not suit this kind of option (see the ranges below the field).")
            )
        return data

    @staticmethod
    def initial_from(terms: dict[str, Any]) -> dict[str, Any]:
        """The form's starting values from stored terms (the borrower's choice)."""
        if not terms:
            return {
                "kind": loanmath.OptionKind.EXTENSION.value,
                "months": 12,
                "interest_during_holiday": True,
            }
        rate = terms.get("annual_rate") or None
        return {
            "kind": terms.get("kind"),
            "months": terms.get("months") or None,
            "annual_rate": Decimal(str(rate)) * 100 if rate else None,
            "interest_during_holiday": bool(terms.get("interest_during_holiday", True)),
            "waive_fees_and_penalty": bool(terms.get("waive_fees_and_penalty", False)),
        }


class OfferApproveForm(forms.Form):
    """No fields: approves the offer waiting for a second approval."""


class OfferDeclineForm(forms.Form):
    decline_note = forms.CharField(
        label=_("Why you do not approve (for the maker)"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RejectForm(forms.Form):
    reasons = forms.MultipleChoiceField(
        label=_("Reasons"),
        choices=[(key, label) for key, label in REJECTION_REASON_LABELS.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    rejection_note = forms.CharField(
        label=_("Note to the borrower"),
        max_length=MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when the reason is “another reason”."),
    )
