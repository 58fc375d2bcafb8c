"""The worked examples' kinds (education.examples) against an exact oracle written here with
fractions.Fraction: the rules of loanmath's docstrings (schedules, the planner's flat fee, the IRR, penalty
interest and late fees, days past due, the payment waterfall) worked out without loanmath, figure by figure.
The checker's reports and the starter curriculum are tested in test_lesson_figures.py.
"""

import math
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from education.examples import FigureCheck, examples_check

# --- the oracle ------------------------------------------------------------------------------------

CENT = Fraction(1, 100)


def cents(x: Fraction) -> Fraction:
    """Half up to the fen (away from zero on a half)."""
    sign = -1 if x < 0 else 1
    return sign * Fraction(math.floor(abs(x) * 100 + Fraction(1, 2)), 100)


def money(x: Fraction) -> str:
    fen = round(x * 100)
    assert fen == x * 100, "money is whole fen"
    sign, fen = ("-" if fen < 0 else ""), abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def places(x: Fraction, n: int) -> str:
    """x rounded half up to n decimal places, written as the checker writes a percentage or factor."""
    scaled = math.floor(x * 10**n + Fraction(1, 2))
    return str(scaled) if n == 0 else f"{scaled // 10**n}.{scaled % 10**n:0{n}d}"


def q(text: str) -> Fraction:
    return Fraction(text)


Line = tuple[Fraction, Fraction, Fraction, Fraction, Fraction]  # payment, principal, interest, fee, balance


def oracle_schedule(
    principal: Fraction, annual: Fraction, months: int, method: str, fee_rate: Fraction = Fraction(0)
) -> list[Line] | None:
    """The schedule by loanmath.schedule's and loanmath.plan_lines' docstrings; None if it does not
    amortise."""
    r = annual / 12
    fee = cents(principal * fee_rate)
    if method == "equal_instalment":
        level = cents(principal / months if r == 0 else principal * r / (1 - (1 + r) ** -months))
    elif method in ("equal_principal", "flat_fee"):
        level = cents(principal / months)
    else:
        level = Fraction(0)
    while True:
        lines: list[Line] = []
        balance = principal
        for n in range(1, months + 1):
            interest = cents(balance * r)
            if n == months:
                part = balance
            elif method == "equal_instalment":
                part = min(max(level - interest, Fraction(0)), balance)
            elif method == "interest_only":
                part = Fraction(0)
            else:
                part = min(level, balance)
            balance -= part
            lines.append((part + interest + fee, part, interest, fee, balance))
        repaid_early = months > 1 and lines[-2][4] == 0
        if not repaid_early or level <= 0 or method == "interest_only":
            break
        level -= CENT
    if method != "interest_only" and any(line[1] <= 0 for line in lines[:-1]):
        return None
    return lines


def oracle_irr(flows: list[Fraction]) -> tuple[Fraction, Fraction]:
    """Bounds on the monthly IRR of flows (borrower's side: received first, then paid) found by
    bisection: the present value rises with the rate, from below zero at 0 % to above it at 100 %."""

    def value(rate: Fraction) -> Fraction:
        total = Fraction(0)
        for flow in reversed(flows):
            total = total / (1 + rate) + flow
        return total

    low, high = Fraction(0), Fraction(1)
    assert value(low) < 0 < value(high)
    while high - low > Fraction(1, 10**14):
        middle = (low + high) / 2
        low, high = (middle, high) if value(middle) < 0 else (low, middle)
    return low, high


def decided(figure: Callable[[Fraction], str], bounds: tuple[Fraction, Fraction]) -> str:
    """The figure, when both ends of the oracle's interval give the same one (else the case is too close
    to a rounding boundary to decide, and is a bad test case)."""
    low, high = (figure(bound) for bound in bounds)
    assert low == high, f"undecided: {low} or {high}"
    return low


def rate_figures(bounds: tuple[Fraction, Fraction], decimals: int = 2) -> dict[str, str]:
    return {
        "monthly_irr": decided(lambda r: places(r * 100, 3), bounds),
        "nominal_apr": decided(lambda r: places(r * 1200, decimals), bounds),
        "effective_rate": decided(lambda r: places(((1 + r) ** 12 - 1) * 100, decimals), bounds),
    }


def wrong(checks: tuple[FigureCheck, ...]) -> list[tuple[str, str, str | None]]:
    return [(check.name, check.stated, check.computed) for check in checks if check.computed != check.stated]


def example(key: str, kind: str, inputs: dict[str, Any], figures: dict[str, str]) -> dict[str, Any]:
    return {"key": key, "kind": kind, "inputs": inputs, "figures": figures}


# --- (a) each kind against the oracle ------------------------------------------------------------------

SCHEDULES = [
    # principal, annual rate, months, method, monthly fee rate, up-front fee, rates checked
    ("12000.00", "0.12", 12, "equal_instalment", "0", "0", True),  # the statement lesson's Lin
    ("10000.00", "0.15", 12, "equal_instalment", "0", "0", True),
    ("8000.00", "0.18", 18, "equal_instalment", "0", "400.00", True),
    ("1000.00", "0.10", 360, "equal_instalment", "0", "0", False),  # 8.78 would repay early: 8.77
    ("12000.00", "0.12", 12, "equal_principal", "0", "0", True),
    ("1000.00", "0.09", 7, "equal_principal", "0", "0", False),  # 142.857... the last takes the rest
    ("50000.00", "0.18", 24, "interest_only", "0", "0", True),
    ("10000.00", "0", 12, "flat_fee", "0.008", "0", True),  # the APR lesson's 0.8 % a month
    ("6000.00", "0", 12, "flat_fee", "0.006", "300.00", True),
]


def schedule_figures(lines: list[Line], upfront: Fraction) -> dict[str, str]:
    figures = {}
    for n, (payment, part, interest, fee, balance) in enumerate(lines, start=1):
        figures |= {f"payment[{n}]": money(payment), f"principal[{n}]": money(part)}
        figures |= {
            f"interest[{n}]": money(interest),
            f"fee[{n}]": money(fee),
            f"balance[{n}]": money(balance),
        }
    before_last = {line[0] for line in lines[:-1]}
    if len(before_last) == 1:
        figures["regular_payment"] = money(before_last.pop())
    return figures | {
        "payment[last]": money(lines[-1][0]),
        "last_payment": money(lines[-1][0]),
        "total_interest": money(sum((line[2] for line in lines), Fraction(0))),
        "total_fees": money(sum((line[3] for line in lines), upfront)),
        "total_paid": money(sum((line[0] for line in lines), upfront)),
    }


@pytest.mark.parametrize(("principal", "rate", "months", "method", "fee_rate", "upfront", "rates"), SCHEDULES)
def test_a_schedule_is_the_oracles_line_by_line_with_its_totals_and_rates(
    principal: str, rate: str, months: int, method: str, fee_rate: str, upfront: str, rates: bool
) -> None:
    lines = oracle_schedule(q(principal), q(rate), months, method, q(fee_rate))
    assert lines is not None
    figures = schedule_figures(lines, q(upfront)) | {"amount_received": money(q(principal) - q(upfront))}
    if rates:
        received = q(principal) - q(upfront)
        figures |= rate_figures(oracle_irr([received] + [-line[0] for line in lines]))
    inputs: dict[str, Any] = {"principal": principal, "months": months, "method": method}
    inputs |= {"monthly_fee_rate": fee_rate} if method == "flat_fee" else {"annual_rate": rate}
    if upfront != "0":
        inputs["amount_received"] = money(q(principal) - q(upfront))
    checks = examples_check([example("loan", "schedule", inputs, figures)], text="")
    assert len(checks) == len(figures)
    assert wrong(checks) == []


@settings(max_examples=60, deadline=None)
@given(
    fen=st.integers(min_value=10_000, max_value=50_000_000),
    rate_bp=st.integers(min_value=0, max_value=3600),
    months=st.integers(min_value=1, max_value=60),
    method=st.sampled_from(["equal_instalment", "equal_principal", "interest_only"]),
    monthly=st.booleans(),
)
def test_any_schedule_is_the_oracles(fen: int, rate_bp: int, months: int, method: str, monthly: bool) -> None:
    annual = Fraction(rate_bp, 10_000)
    lines = oracle_schedule(Fraction(fen, 100), annual, months, method)
    assume(lines is not None)
    assert lines is not None
    rate = {"monthly_rate": str(Decimal(rate_bp) / 120_000)} if monthly and rate_bp % 12 == 0 else {}
    inputs = {"principal": money(Fraction(fen, 100)), "months": months, "method": method}
    inputs |= rate or {"annual_rate": str(Decimal(rate_bp) / 10_000)}
    checks = examples_check(
        [example("loan", "schedule", inputs, schedule_figures(lines, Fraction(0)))], text=""
    )
    assert wrong(checks) == []


def test_cash_flows_give_the_oracles_rates_and_totals() -> None:
    flows = ["10000.00", *["-913.33"] * 11, "-913.37"]
    bounds = oracle_irr([q(flow) for flow in flows])
    figures = rate_figures(bounds) | {"received": "10000.00", "paid": "10960.00", "cost": "960.00"}
    assert figures["monthly_irr"] == "1.439"  # the APR lesson's r
    irregular = ["5000.00", "-1000.00", "0", "-2500.00", "-2000.00"]
    figures2 = rate_figures(oracle_irr([q(flow) for flow in irregular]), decimals=4)
    checks = examples_check(
        [
            example("fee", "cash_flows", {"flows": flows}, figures),
            example("uneven", "cash_flows", {"flows": irregular}, figures2 | {"cost": "500.00"}),
        ],
        text="",
    )
    assert wrong(checks) == []


@pytest.mark.parametrize(
    ("shortfall", "cost", "months"),
    [("3000.00", "0.05", 12), ("2000.00", "0.06", 3), ("1234.56", "0.035", 24)],
)
def test_a_rollover_grows_by_its_monthly_cost_rounded_each_month(
    shortfall: str, cost: str, months: int
) -> None:
    owed = [q(shortfall)]
    for _month in range(months):
        owed.append(owed[-1] + cents(owed[-1] * q(cost)))
    figures = {f"owed[{n}]": money(amount) for n, amount in enumerate(owed)}
    rate = q(cost)
    figures |= {
        "owed[last]": money(owed[-1]),
        "cost": money(owed[-1] - owed[0]),
        "growth": places(1 + rate, 3),
        "monthly_rate": places(rate * 100, 2),
        "nominal_apr": places(rate * 1200, 2),
        "effective_rate": places(((1 + rate) ** 12 - 1) * 100, 4),
    }
    assert (
        wrong(
            examples_check(
                [
                    example(
                        "roll",
                        "rollover",
                        {"shortfall": shortfall, "monthly_cost": cost, "months": months},
                        figures,
                    )
                ],
                text="",
            )
        )
        == []
    )


OVERDUE = [
    # principal, interest, flat fee, fee rate, penalty rate, grace days, day count
    ("1000.00", "100.00", "30.00", "0", "0.18", 0, "ACT/365"),  # the late-payment lesson's instalment
    ("2000.00", "0", "0", "0", "0.18", 0, "ACT/365"),
    ("5000.00", "437.50", "20.00", "0.05", "0.24", 3, "ACT/360"),
]


@pytest.mark.parametrize(("principal", "interest", "flat", "fee_rate", "penalty", "grace", "basis"), OVERDUE)
def test_an_overdue_instalment_costs_the_oracles_fee_and_penalty(
    principal: str, interest: str, flat: str, fee_rate: str, penalty: str, grace: int, basis: str
) -> None:
    year = 360 if basis == "ACT/360" else 365
    late_fee = cents(q(flat) + (q(principal) + q(interest)) * q(fee_rate))
    figures = {"late_fee": money(late_fee), "per_day": money(cents(q(principal) * q(penalty) / year))}
    for days in (0, 1, 2, 3, 4, 7, 10, 30, 60, 90, 365):
        charged = max(0, days - grace)
        penalty_then = cents(q(principal) * q(penalty) * charged / year)
        fee_then = late_fee if days > grace else Fraction(0)
        figures[f"penalty[{days}]"] = money(penalty_then)
        figures[f"owed[{days}]"] = money(q(principal) + q(interest) + fee_then + penalty_then)
    inputs = {"principal": principal, "interest": interest, "late_fee_flat": flat, "late_fee_rate": fee_rate}
    inputs |= {"penalty_rate": penalty, "grace_days": grace, "day_count": basis}
    assert wrong(examples_check([example("late", "overdue", inputs, figures)], text="")) == []


@pytest.mark.parametrize(
    ("due", "on"),
    [
        ("2025-01-28", "2025-03-10"),
        ("2024-02-28", "2024-03-01"),
        ("2025-06-15", "2025-06-15"),
        ("2025-06-15", "2025-06-01"),
        ("2024-12-31", "2026-01-01"),
    ],
)
def test_days_past_due_count_from_the_day_after_the_due_date(due: str, on: str) -> None:
    day, days = date.fromisoformat(due), 0
    while day < date.fromisoformat(on):
        day, days = day + timedelta(days=1), days + 1
    checks = examples_check(
        [example("d", "days_past_due", {"due_date": due, "on": on}, {"days": str(days)})], text=""
    )
    assert wrong(checks) == []


def oracle_waterfall(amount: Fraction, owed: list[dict[str, str]]) -> dict[str, str]:
    figures: dict[str, Fraction] = {}
    left = amount
    for n, instalment in enumerate(owed, start=1):
        for part in ("penalty", "fees", "interest", "principal"):
            paid = min(q(instalment.get(part, "0")), left)
            left -= paid
            figures[f"{part}[{n}]"] = paid
            figures[part] = figures.get(part, Fraction(0)) + paid
    figures["unapplied"] = left
    figures["principal_left"] = (
        sum((q(i.get("principal", "0")) for i in owed), Fraction(0)) - figures["principal"]
    )
    return {name: money(value) for name, value in figures.items()}


@pytest.mark.parametrize(
    ("amount", "owed"),
    [
        ("100.00", [{"principal": "1000.00", "interest": "100.00", "fees": "30.00", "penalty": "14.79"}]),
        (
            "2500.00",
            [
                {"principal": "1000.00", "interest": "100.00", "fees": "30.00", "penalty": "44.38"},
                {"principal": "1000.00", "interest": "100.00", "fees": "30.00", "penalty": "29.59"},
            ],
        ),
        (
            "4000.00",
            [
                {"principal": "1500.00", "interest": "45.00"},
                {"principal": "1500.00", "interest": "30.00", "fees": "50.00"},
            ],
        ),
    ],
)
def test_a_part_payment_goes_to_penalty_fees_interest_then_principal_oldest_first(
    amount: str, owed: list[dict[str, str]]
) -> None:
    figures = oracle_waterfall(q(amount), owed)
    checks = examples_check(
        [example("w", "waterfall", {"amount": amount, "instalments": owed}, figures)], text=""
    )
    assert wrong(checks) == []


def test_sums_shares_and_simple_rates_are_exact() -> None:
    lines = oracle_schedule(q("12000.00"), q("0.12"), 12, "equal_instalment")
    assert lines is not None
    rest = 10 * lines[0][0] + lines[11][0] - q("500.00")
    share = lines[0][2] / lines[0][0] * 100
    checks = examples_check(
        [
            example(
                "lin",
                "schedule",
                {"principal": "12000.00", "annual_rate": "0.12", "months": 12, "method": "equal_instalment"},
                {},
            ),
            example(
                "rest",
                "sum",
                {"terms": ["10*lin.payment[1]", "lin.payment[12]", "-500.00"]},
                {"total": money(rest)},
            ),
            example(
                "minus",
                "sum",
                {"terms": ["-3 × 1100.00", "lin.interest[1]"]},
                {"total": money(-3 * q("1100.00") + lines[0][2])},
            ),
            example(
                "share",
                "share",
                {"part": "lin.interest[1]", "whole": "lin.payment[1]"},
                {"percent": places(share, 2)},
            ),
            example(
                "daily",
                "rate_times",
                {"rate": "0.0005", "times": 365},
                {"percent": places(q("0.0005") * 365 * 100, 2)},
            ),
            example(
                "thumb",
                "rate_times",
                {"rate": "0.008", "times": 12, "factor": "1.8"},
                {"percent": places(q("0.008") * 12 * q("1.8") * 100, 2)},
            ),
            example(
                "thumb1", "rate_times", {"rate": "0.008", "times": 12, "factor": "1.8"}, {"percent": "17.3"}
            ),
        ],
        text="",
    )
    assert {check.example: check.computed for check in checks} == {
        "rest": "11228.04",
        "minus": "-3180.00",
        "share": "11.26",  # 120 / 1,066.19 = 11.25503...%, half up to 2 places
        "daily": "18.25",
        "thumb": "17.28",
        "thumb1": "17.3",
    }
    assert wrong(checks) == []
