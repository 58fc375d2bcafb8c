"""The budget form: one monthly amount per line, bounded, so no input can crash the page or be saved wrong."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

import loanmath
from borrowers.models import BUDGET_AMOUNT_MAX, BUDGET_SECTION_CATEGORIES, BudgetCategory, BudgetSection
from borrowers.services_budget import NOTE_MAX_LENGTH, BudgetLineInput
from core.text import refuse_control_characters

ZERO = Decimal("0.00")

# The "other" lines take a few words saying what they are.
NOTE_CATEGORIES = frozenset(
    {
        BudgetCategory.OTHER_INCOME,
        BudgetCategory.OTHER_FIXED,
        BudgetCategory.OTHER_FLEXIBLE,
        BudgetCategory.OTHER_DEBTS,
    }
)

SECTION_INTROS: dict[str, Promise] = {
    BudgetSection.INCOME: _(
        "What comes in each month, after tax. If it changes from month to month, use a usual month."
    ),
    BudgetSection.FIXED: _("Bills you have to pay every month and cannot quickly change."),
    BudgetSection.FLEXIBLE: _(
        "Spending you can change. Each line has a guideline for one person living alone: going above it is "
        "flagged so that you can look again, never refused."
    ),
    BudgetSection.SAVINGS: _("What you put aside each month."),
    BudgetSection.DEBT_REPAYMENTS: _(
        "What you repay each month on loans, credit cards and instalment plans."
    ),
}

# Characters people type around an amount that do not change it: thousands separators, the yuan sign, spaces.
_IGNORED_IN_AMOUNTS = str.maketrans("", "", ",，¥￥ \u00a0\u3000")


class MonthlyAmountField(forms.Field):
    """A monthly amount in yuan, from 0 to 10,000,000, to the fen. Blank means zero.

    "1,200", "¥1200" and "1 200" all read as 1200.00. Anything else that is not such a number gets one plain
    message beside the field (never a 500), and so does a negative, a too large or a fractional-fen amount.
    """

    widget = forms.NumberInput

    default_error_messages = {
        "invalid": _("Enter an amount in yuan, for example 1200 or 35.50."),
        "negative": _("Enter 0 or more: money going out goes in its own line, not as a minus."),
        "too_large": _("Enter at most ¥10,000,000 a month."),
        "fen": _("Enter the amount to the fen: at most two decimal places."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {
            **super().widget_attrs(widget),
            "min": "0",
            "max": f"{BUDGET_AMOUNT_MAX:.0f}",
            "step": "0.01",
            "inputmode": "decimal",
        }

    def to_python(self, value: Any) -> Decimal:
        text = str(value if value is not None else "").translate(_IGNORED_IN_AMOUNTS)
        if not text:
            return ZERO
        if len(text) > 40:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            amount = Decimal(text)
        except (InvalidOperation, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not amount.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if amount < 0:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        if amount > BUDGET_AMOUNT_MAX:
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        rounded = loanmath.quantize(amount)
        if rounded != amount:
            raise forms.ValidationError(self.error_messages["fen"], code="fen")
        return rounded


@dataclass(frozen=True)
class FieldRow:
    """One line of the form as the page lays it out."""

    name: str
    amount: forms.BoundField
    note: forms.BoundField | None
    guideline: Decimal | None
    loan_repayments: Decimal | None


@dataclass(frozen=True)
class FormSection:
    key: str
    legend: str
    intro: str
    rows: tuple[FieldRow, ...]


def note_field_name(category: str) -> str:
    return f"{category}_note"


class BudgetForm(forms.Form):
    """Every line of the statement, in the order of BUDGET_SECTION_CATEGORIES. Field names are the categories
    (and `<category>_note` for the "other" lines)."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        guidelines: Mapping[str, Decimal],
        loan_repayments: Decimal | None = None,
        initial: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)  # type: ignore[arg-type]
        self.guidelines = guidelines
        self.loan_repayments = loan_repayments
        for section, categories in BUDGET_SECTION_CATEGORIES.items():
            for category in categories:
                field = MonthlyAmountField(label=BudgetCategory(category).label)
                described_by = [f"id_{category}-errors"]
                if section == BudgetSection.FLEXIBLE and category in guidelines:
                    described_by.insert(0, f"id_{category}-guideline")
                if category == BudgetCategory.LOANS_WITH_US and loan_repayments is not None:
                    described_by.insert(0, f"id_{category}-hint")
                field.widget.attrs["aria-describedby"] = " ".join(described_by)
                self.fields[category] = field
                if category in NOTE_CATEGORIES:
                    note = forms.CharField(
                        label=_("What is it? (optional)"),
                        required=False,
                        max_length=NOTE_MAX_LENGTH,
                        validators=[refuse_control_characters],
                        error_messages={"max_length": _("Keep the note to 200 characters or fewer.")},
                    )
                    note.widget.attrs["aria-describedby"] = f"id_{category}_note-errors"
                    self.fields[note_field_name(category)] = note

    def sections(self) -> list[FormSection]:
        return [
            FormSection(
                key=str(section),
                legend=str(BudgetSection(section).label),
                intro=str(SECTION_INTROS[section]),
                rows=tuple(
                    FieldRow(
                        name=category,
                        amount=self[category],
                        note=self[note_field_name(category)] if category in NOTE_CATEGORIES else None,
                        guideline=self.guidelines.get(category)
                        if section == BudgetSection.FLEXIBLE
                        else None,
                        loan_repayments=(
                            self.loan_repayments if category == BudgetCategory.LOANS_WITH_US else None
                        ),
                    )
                    for category in categories
                ),
            )
            for section, categories in BUDGET_SECTION_CATEGORIES.items()
        ]

    def amounts(self) -> dict[str, Decimal]:
        """The figures to work out: the cleaned ones once valid, else (an unbound form) the initial ones."""
        if self.is_bound:
            return {
                category: self.cleaned_data[category]
                for categories in BUDGET_SECTION_CATEGORIES.values()
                for category in categories
            }
        return {
            category: Decimal(self.initial[category])
            for categories in BUDGET_SECTION_CATEGORIES.values()
            for category in categories
            if category in self.initial
        }

    def lines(self) -> list[BudgetLineInput]:
        """The valid form as lines for services_budget.budget_save."""
        return [
            BudgetLineInput(
                category=category,
                amount=self.cleaned_data[category],
                note=self.cleaned_data.get(note_field_name(category), ""),
            )
            for categories in BUDGET_SECTION_CATEGORIES.values()
            for category in categories
        ]
