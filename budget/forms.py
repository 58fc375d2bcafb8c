"""The budget form: one monthly amount per line, bounded, so no input can crash the page or be saved wrong."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from budget.models import BUDGET_SECTION_CATEGORIES, BudgetCategory, BudgetSection
from budget.services import AMOUNT_MAX_SHOWN, NOTE_MAX_LENGTH, BudgetLineInput
from core.forms import MoneyField
from core.text import refuse_control_characters
from loanmath import BORROWER_AMOUNT_MAX

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


def _amount_messages() -> dict[str, str]:
    """The amount boxes' messages under Django's codes, in the reader's language (so made per form)."""
    fen = gettext("Enter the amount to the fen: at most two decimal places.")
    return {
        "invalid": gettext("Enter an amount in yuan, for example 1200 or 35.50."),
        "min_value": gettext("Enter 0 or more: money going out goes in its own line, not as a minus."),
        "max_value": gettext("Enter at most %(max)s a month.") % {"max": AMOUNT_MAX_SHOWN},
        "max_decimal_places": fen,
        # Within the ceiling, only an amount with many decimals (1e-20) has more digits than the column.
        "max_digits": fen,
    }


class MonthlyAmountField(MoneyField):
    """core.forms.MoneyField for one line: a monthly amount from 0 to BORROWER_AMOUNT_MAX, blank meaning 0.

    Two things of the budget's own: one message per box, the first check that fails (Django would list
    "at most ¥10,000,000" and "too many digits" together for 1e400), and the bounds in the input written in
    whole yuan (min="0", max="10000000"), as the page always had them.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_value=BORROWER_AMOUNT_MAX, blank_is_zero=True, error_messages=_amount_messages(), **kwargs
        )
        bounds = {"min": f"{self.min_value:.0f}", "max": f"{self.max_value:.0f}"}
        self.widget.attrs = {**bounds, **{k: v for k, v in self.widget.attrs.items() if k not in bounds}}

    def run_validators(self, value: Any) -> None:
        try:
            super().run_validators(value)
        except ValidationError as errors:
            raise errors.error_list[0] from None


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
                described_by = [f"id_{category}_errors"]
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
                        error_messages={
                            "max_length": gettext("Keep the note to %(max)d characters or fewer.")
                            % {"max": NOTE_MAX_LENGTH}
                        },
                    )
                    note.widget.attrs["aria-describedby"] = f"id_{category}_note_errors"
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
        """The valid form as lines for budget.services.budget_save."""
        return [
            BudgetLineInput(
                category=category,
                amount=self.cleaned_data[category],
                note=self.cleaned_data.get(note_field_name(category), ""),
            )
            for categories in BUDGET_SECTION_CATEGORIES.values()
            for category in categories
        ]
