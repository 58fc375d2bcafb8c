"""The planner's inputs. Every field is bounded so a request can neither crash nor hang the simulator."""

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

import loanmath
from core.forms import MoneyField
from core.templatetags.money import CURRENCY_SYMBOL
from loanmath import BORROWER_AMOUNT_MAX, CENT, ZERO
from repayment.true_rate import ContractPayments

# The limits are loanmath's, so the form and the simulator can never disagree. Every other amount a
# borrower types here (a fee, an extra, a budget) has the same ceiling as the principal, BORROWER_AMOUNT_MAX.
PRINCIPAL_MIN, PRINCIPAL_MAX = loanmath.PLAN_MIN_PRINCIPAL, loanmath.PLAN_MAX_PRINCIPAL
MONTHS_MAX = loanmath.PLAN_MAX_MONTHS
PERCENT = Decimal(100)
LUMP_SUM_SLOTS = 3
# The planner's amount boxes take at most 12 digits (10 before the point), so a pasted run of digits gets
# the same "too many digits" message it always had, beside the ceiling's.
AMOUNT_DIGITS = 12
# Django's min_value message writes the bound as given: Decimal(0) reads "0", where ZERO would read "0.00".
AMOUNT_MIN = Decimal(0)


def _percent(label: Any, *, maximum: Decimal, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal(0),
        max_value=maximum,
        max_digits=7,
        decimal_places=4,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        **kwargs,
    )


class PlanForm(forms.Form):
    """One plan. The field names are the URL's parameters, so a plan's URL can be shared or bookmarked."""

    principal = MoneyField(
        label=_("Amount borrowed (¥)"),
        required=True,
        min_value=AMOUNT_MIN,
        max_value=PRINCIPAL_MAX,
        max_digits=AMOUNT_DIGITS,
        initial=Decimal("10000"),
    )
    method = forms.ChoiceField(
        label=_("How it is repaid"),
        choices=[
            (loanmath.PlanMethod.EQUAL_INSTALMENT.value, _("Equal instalments (等额本息)")),
            (loanmath.PlanMethod.EQUAL_PRINCIPAL.value, _("Equal principal (等额本金)")),
            (loanmath.PlanMethod.INTEREST_ONLY.value, _("Interest only, principal at the end (先息后本)")),
            (loanmath.PlanMethod.FLAT_FEE.value, _("Flat monthly fee (等本等息)")),
        ],
        initial=loanmath.PlanMethod.EQUAL_INSTALMENT.value,
    )
    annual_rate = _percent(
        _("Yearly interest rate (percent)"),
        maximum=loanmath.PLAN_MAX_ANNUAL_RATE * PERCENT,
        required=False,
        initial=Decimal("12"),
        help_text=_("For equal instalments, equal principal and interest only."),
    )
    monthly_fee_rate = _percent(
        _("Monthly fee (percent of the amount borrowed)"),
        maximum=loanmath.PLAN_MAX_MONTHLY_FEE_RATE * PERCENT,
        required=False,
        help_text=_("For a flat monthly fee, as lenders quote it: 0.8 means 0.8 percent a month."),
    )
    months = forms.IntegerField(
        label=_("Term (months)"),
        min_value=1,
        max_value=MONTHS_MAX,
        initial=12,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    start = forms.DateField(
        label=_("Date the money is paid out"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The first payment is due one month later."),
    )
    upfront_fee = MoneyField(
        label=_("Fee paid upfront (¥)"),
        required=False,
        min_value=AMOUNT_MIN,
        max_value=BORROWER_AMOUNT_MAX,
        max_digits=AMOUNT_DIGITS,
        help_text=_("Deducted from the money you receive."),
    )
    extra_monthly = MoneyField(
        label=_("Extra each month (¥)"),
        required=False,
        min_value=AMOUNT_MIN,
        max_value=BORROWER_AMOUNT_MAX,
        max_digits=AMOUNT_DIGITS,
    )
    extra_effect = forms.ChoiceField(
        label=_("Extra payments should"),
        choices=[
            (loanmath.ExtraEffect.SHORTEN_TERM.value, _("Finish sooner (same monthly payment)")),
            (loanmath.ExtraEffect.LOWER_PAYMENT.value, _("Lower the monthly payment (same end date)")),
        ],
        required=False,
        initial=loanmath.ExtraEffect.SHORTEN_TERM.value,
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        for slot in range(1, LUMP_SUM_SLOTS + 1):
            self.fields[f"lump_{slot}_on"] = forms.DateField(
                label=_("One-off payment %(n)s: date") % {"n": slot},
                required=False,
                help_text=_("Counted as paid with the next instalment on or after this date.")
                if slot == 1
                else "",
                input_formats=["%Y-%m-%d"],
                widget=forms.DateInput(attrs={"type": "date"}),
            )
            self.fields[f"lump_{slot}_amount"] = MoneyField(
                label=_("One-off payment %(n)s: amount (¥)") % {"n": slot},
                required=False,
                min_value=AMOUNT_MIN,
                max_value=BORROWER_AMOUNT_MAX,
                max_digits=AMOUNT_DIGITS,
            )

    def clean_start(self) -> date | None:
        """Within ten years back and five ahead: a plan, not a calendar stress test."""
        start: date | None = self.cleaned_data.get("start")
        if start is not None and not (
            loanmath.add_months(self.today, -120) <= start <= loanmath.add_months(self.today, 60)
        ):
            raise forms.ValidationError(_("Choose a date within ten years before or five years after today."))
        return start

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        method = data.get("method")
        if method == loanmath.PlanMethod.FLAT_FEE.value:
            if data.get("monthly_fee_rate") is None:
                self.add_error("monthly_fee_rate", _("Enter the monthly fee for a flat-fee loan, e.g. 0.8."))
        elif method and data.get("annual_rate") is None:
            self.add_error("annual_rate", _("Enter the yearly interest rate, e.g. 12."))
        principal, upfront = data.get("principal"), data.get("upfront_fee")
        if principal is not None and principal < PRINCIPAL_MIN:
            self.add_error(
                "principal",
                _("Enter at least %(minimum)s.") % {"minimum": f"{CURRENCY_SYMBOL}{PRINCIPAL_MIN:,.0f}"},
            )
        if principal is not None and upfront is not None and upfront >= principal:
            self.add_error("upfront_fee", _("The upfront fee must be less than the amount borrowed."))
        start = data.get("start") or self.today
        data["start"] = start
        months = data.get("months")
        for slot in range(1, LUMP_SUM_SLOTS + 1):
            on, amount = data.get(f"lump_{slot}_on"), data.get(f"lump_{slot}_amount")
            if bool(on) != bool(amount):
                self.add_error(
                    f"lump_{slot}_amount" if on else f"lump_{slot}_on", _("Give both a date and an amount.")
                )
            elif on and months and not (start < on <= loanmath.add_months(start, months)):
                self.add_error(f"lump_{slot}_on", _("Choose a date within the loan's term."))
        return data

    def plan_input(self) -> "loanmath.PlanInput":
        """The validated form as loanmath's input (call only when the form is valid)."""
        data = self.cleaned_data
        flat = data["method"] == loanmath.PlanMethod.FLAT_FEE.value
        lumps = tuple(
            loanmath.LumpSum(on=data[f"lump_{slot}_on"], amount=data[f"lump_{slot}_amount"])
            for slot in range(1, LUMP_SUM_SLOTS + 1)
            if data.get(f"lump_{slot}_on") and data.get(f"lump_{slot}_amount")
        )
        return loanmath.PlanInput(
            principal=data["principal"],
            months=data["months"],
            method=loanmath.PlanMethod(data["method"]),
            start=data["start"],
            # Only the rate the method uses: a flat-fee loan has no yearly rate, an interest loan no fee.
            annual_rate=Decimal(0) if flat else (data.get("annual_rate") or Decimal(0)) / PERCENT,
            monthly_fee_rate=(data.get("monthly_fee_rate") or Decimal(0)) / PERCENT if flat else Decimal(0),
            upfront_fee=data.get("upfront_fee") or loanmath.ZERO,
            extra_monthly=data.get("extra_monthly") or loanmath.ZERO,
            lump_sums=lumps,
            extra_effect=loanmath.ExtraEffect(
                data.get("extra_effect") or loanmath.ExtraEffect.SHORTEN_TERM.value
            ),
        )


class DebtsForm(forms.Form):
    """All of a borrower's loans at once: a monthly budget for debt and a strategy."""

    budget = MoneyField(
        label=_("Monthly amount for all your loans (¥)"),
        required=True,
        min_value=AMOUNT_MIN,
        max_value=BORROWER_AMOUNT_MAX,
        max_digits=AMOUNT_DIGITS,
    )
    strategy = forms.ChoiceField(
        label=_("Which loan to pay off first"),
        choices=[
            (loanmath.Strategy.AVALANCHE.value, _("Highest rate first (avalanche: least interest)")),
            (loanmath.Strategy.SNOWBALL.value, _("Smallest balance first (snowball: quick wins)")),
            (loanmath.Strategy.CUSTOM.value, _("My own order")),
        ],
        initial=loanmath.Strategy.AVALANCHE.value,
    )
    order = forms.CharField(
        label=_("My own order (loan references, first to last, separated by commas)"),
        required=False,
        max_length=500,
    )

    def __init__(self, *args: Any, references: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.references = references

    def clean_order(self) -> list[str]:
        raw: str = self.cleaned_data.get("order") or ""
        order = [part.strip().upper() for part in raw.replace("，", ",").split(",") if part.strip()]
        if order and sorted(order) != sorted(self.references):
            raise forms.ValidationError(
                _("List each of your loans exactly once: %(references)s.")
                % {"references": ", ".join(self.references)}
            )
        return order

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("strategy") == loanmath.Strategy.CUSTOM.value and not data.get("order"):
            self.add_error("order", _("List your loans in the order you want to pay them off."))
        return data


FEE_MONTHLY, FEE_UPFRONT = "monthly", "upfront"


# The example of the lesson "monthly-rate-vs-apr", shown on /plan/rate/ before anything is typed: ¥10,000
# over 12 months at a fee of 0.8 % a month, 913.33 × 11 + 913.37.
TRUE_RATE_EXAMPLE = {"principal": "10000", "payment": "913.33", "months": "12", "last_payment": "913.37"}


class TrueRateForm(forms.Form):
    """What a contract or a lender's app shows, to find the loan's real rate (/plan/rate/). The field
    names are the URL's parameters, so a result can be shared. The fields start empty: a value left over
    from an example would be counted in the borrower's own contract (TRUE_RATE_EXAMPLE is shown instead)."""

    principal = MoneyField(
        label=_("Loan amount on the contract (¥)"),
        required=True,
        min_value=AMOUNT_MIN,
        max_value=PRINCIPAL_MAX,
        max_digits=AMOUNT_DIGITS,
    )
    received = MoneyField(
        label=_("Amount you actually received (¥)"),
        required=False,
        min_value=CENT,
        max_value=PRINCIPAL_MAX,
        max_digits=AMOUNT_DIGITS,
        help_text=_(
            "Leave empty if the whole amount reached you; if a fee was taken out first, enter what arrived."
        ),
    )
    payment = MoneyField(
        label=_("Payment each month (¥)"),
        required=True,
        min_value=CENT,
        max_value=BORROWER_AMOUNT_MAX,
        max_digits=AMOUNT_DIGITS,
        help_text=_("As the contract or the app shows it. A fee charged separately goes below."),
    )
    months = forms.IntegerField(
        label=_("Number of monthly payments"),
        min_value=1,
        max_value=MONTHS_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    last_payment = MoneyField(
        label=_("Last payment, if different (¥)"),
        required=False,
        min_value=CENT,
        max_value=BORROWER_AMOUNT_MAX,
        max_digits=AMOUNT_DIGITS,
        help_text=_("A schedule's last payment often differs by a few fen. Leave empty if it is the same."),
    )
    fee = MoneyField(
        label=_("Other fee (¥)"),
        required=False,
        min_value=AMOUNT_MIN,
        max_value=BORROWER_AMOUNT_MAX,
        max_digits=AMOUNT_DIGITS,
        help_text=_(
            "A service fee, membership fee or the like that the payment above does not include; not one "
            "already taken out of the amount you received."
        ),
    )
    fee_timing = forms.ChoiceField(
        label=_("When this fee is paid"),
        choices=[
            (FEE_MONTHLY, _("Every month")),
            (FEE_UPFRONT, _("Once, at the start")),
        ],
        required=False,
        initial=FEE_MONTHLY,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        principal, received = data.get("principal"), data.get("received")
        if principal is not None and principal < PRINCIPAL_MIN:
            self.add_error(
                "principal",
                _("Enter at least %(minimum)s.") % {"minimum": f"{CURRENCY_SYMBOL}{PRINCIPAL_MIN:,.0f}"},
            )
        if principal is not None and received is not None and received > principal:
            self.add_error(
                "received", _("What you received cannot be more than the loan amount on the contract.")
            )
        payment, last = data.get("payment"), data.get("last_payment")
        if data.get("months") == 1 and last is not None and last != payment:
            self.add_error(
                "last_payment",
                _("With a single payment there is no separate last payment: leave this empty."),
            )
        fee, timing = data.get("fee"), data.get("fee_timing")
        if fee and not timing:
            self.add_error("fee_timing", _("Choose when the fee is paid."))
        usable = received if received is not None else principal
        if fee and timing == FEE_UPFRONT and usable is not None and fee >= usable:
            self.add_error("fee", _("A fee paid at the start must be less than the amount you received."))
        return data

    def contract(self) -> ContractPayments:
        """The validated form as plain values (call only when the form is valid)."""
        data = self.cleaned_data
        payment: Decimal = data["payment"]
        return ContractPayments(
            principal=data["principal"],
            received=data["received"] if data.get("received") is not None else data["principal"],
            payment=payment,
            months=data["months"],
            last_payment=data["last_payment"] if data.get("last_payment") is not None else payment,
            fee=data.get("fee") or ZERO,
            fee_monthly=data.get("fee_timing") != FEE_UPFRONT,
        )
