"""The application's income and expenditure statement as JSON, in the shape of the UK Standard Financial
Statement toolkit (household, income, expenditure with fixed and flexible costs, savings, totals). Amounts
are strings to the fen ("1200.00"), so no reader turns them into floating point."""

import json
from datetime import date
from decimal import Decimal
from typing import Any

from budget.selectors import BUDGET_SECTION_CATEGORIES  # type: ignore[attr-defined]  # not re-exported
from hardship.selectors import OTHER_DEBT_CATEGORIES, ApplicationDetail, StatementFigures
from loanmath import ZERO

FORMAT = "anxin-sfs-1"


def _fen(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01')):f}"


def _section(amounts: dict[str, Decimal], section: str) -> dict[str, str]:
    return {category: _fen(amounts.get(category, ZERO)) for category in BUDGET_SECTION_CATEGORIES[section]}


def statement_document(
    *, application: ApplicationDetail, figures: StatementFigures, today: date
) -> dict[str, Any]:
    amounts = application.statement_amounts
    summary = figures.results.summary
    return {
        "format": FORMAT,
        "household": {
            "reference": application.reference,
            "prepared_on": today.isoformat(),
            "currency": "CNY",
            "period": "monthly",
            "reason": application.reason,
            "duration": application.duration,
        },
        "income": _section(amounts, "income"),
        "expenditure": {
            "fixed_costs": _section(amounts, "fixed"),
            "flexible_costs": _section(amounts, "flexible"),
            "debt_repayments": _section(amounts, "debt"),
        },
        "savings": _fen(amounts.get("savings", ZERO)),
        "notes": application.statement_notes,
        "totals": {
            "income": _fen(summary.total_income),
            "fixed_costs": _fen(summary.total_fixed),
            "flexible_costs": _fen(summary.total_flexible),
            "savings": _fen(summary.total_savings),
            "debt_repayments": _fen(summary.total_debt_repayments),
            "other_debt_repayments": _fen(figures.other_debt_repayments),
            "available_for_loans_with_us": _fen(figures.affordable),
            "surplus": _fen(summary.surplus),
            "shortfall": _fen(summary.shortfall),
        },
        "other_debt_categories": list(OTHER_DEBT_CATEGORIES),
        "flagged_flexible_costs": sorted(figures.results.flagged_categories),
    }


def statement_json(*, application: ApplicationDetail, figures: StatementFigures, today: date) -> str:
    return json.dumps(
        statement_document(application=application, figures=figures, today=today),
        ensure_ascii=False,
        indent=2,
    )
