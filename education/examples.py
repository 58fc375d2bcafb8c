"""Worked examples in lessons: every figure a lesson quotes is recomputed by loanmath, and must be the
figure the text quotes.

A lesson carries a list of examples, shared by its languages::

    {"key": "lin", "kind": "schedule",
     "inputs": {"principal": "12000.00", "annual_rate": "0.12", "months": 12, "method": "equal_instalment"},
     "figures": {"payment[1]": "1066.19", "payment[12]": "1066.14", "total_interest": "794.23"}}

``key``: lowercase letters, digits and hyphens, starting with a letter, unique in the lesson. ``inputs``:
amounts are text with at most two decimals ("12000.00"); rates are fractions written as text ("0.12" is
12 %); counts are JSON whole numbers; dates are "YYYY-MM-DD". Wherever an amount is asked for, another
example's figure may stand instead: "lin.payment[1]" (the key of an example listed earlier, a dot, the
figure's name); its value is loanmath's, never the stated one. ``figures``: the figures the text quotes,
by name (none is allowed: a loan only other examples refer to); ``name[n]`` is the n-th
(``name[last]`` the last). How each figure is written in ``figures``
(and so how loanmath's value is rounded to compare with it):

* money (yuan): two decimals, no separators ("1066.19"). Loanmath's amounts are exact to the fen (half
  up, loanmath.money), so a money figure is never rounded further: "794" cannot stand for 794.23.
* percentages: as many decimals as the text quotes ("18.71", "17.3", "13"); loanmath's rate (to 12
  decimal places, loanmath.apr) times 100 is rounded half up to that many places.
* days: a whole number ("41"). Factors ("1.05"): rounded half up to the places written.

A figure is quoted when the text (a lesson's body, title, summary and quiz in one language) contains it
as the lessons write numbers: money with thousands separators, "1,066.19", or, when it is whole yuan,
"12,000" too; a percentage followed by "%"; days as the number.

Kinds, their inputs (optional ones in brackets) and figures:

* ``schedule``: a loan repaid monthly, as Anxin's planner and ledger schedule it (loanmath.plan_simulate,
  the lines of loanmath.build_schedule). Inputs: principal, months, method (equal_instalment 等额本息,
  equal_principal 等额本金, interest_only 先息后本, flat_fee 等本等息), annual_rate or monthly_rate (×
  12) for the first three, monthly_fee_rate (of the original principal) for flat_fee, [upfront_fee or
  amount_received] (a fee taken when the money is paid out). Figures: payment[n], principal[n],
  interest[n], fee[n], balance[n] (owed after instalment n); regular_payment (every instalment's but the
  last, when they are all the same), last_payment, total_interest, total_fees (monthly fees and the
  up-front fee), total_paid (every payment and the up-front fee), amount_received; monthly_irr,
  nominal_apr (monthly IRR × 12), effective_rate ((1 + monthly IRR)^12 − 1): the IRR of receiving
  amount_received and paying each instalment a month apart (loanmath.apr).
* ``cash_flows``: money changing hands a month apart, from the borrower's side (received positive, paid
  negative). Inputs: flows (a list of amounts, "-" for what is paid). Figures: received, paid, cost
  (paid − received); monthly_irr, nominal_apr, effective_rate (loanmath.apr_from_periodic_flows).
* ``rollover``: a one-off shortfall carried by borrowing to repay: every month a new one-month loan
  repays the last one and its cost. Inputs: shortfall, monthly_cost (a fraction), months (1 to 120).
  Figures: owed[n] (after n months; owed[0] is the shortfall), cost (owed[last] − shortfall), growth (1 +
  monthly_cost); monthly_rate, nominal_apr (× 12), effective_rate (compounded; loanmath.Apr). Each month's
  cost is the balance × monthly_cost, half up to the fen (loanmath.monthly_interest).
* ``overdue``: one instalment left unpaid after its due date (loanmath.overdue). Inputs: principal (what
  is overdue of it), [interest], [late_fee_flat], [late_fee_rate], penalty_rate (yearly), [grace_days],
  [day_count: ACT/365 or ACT/360]. Figures: per_day (one day's penalty interest, to the fen), late_fee
  (charged once, the day after grace), penalty[n] (penalty interest for the days after grace up to day n
  past due, rounded once for the period, so penalty[10] need not be 10 × per_day), owed[n] (principal +
  interest + the late fee once charged + penalty[n]). The cost cap of a real loan is left out.
* ``days_past_due``: Anxin's own count of days overdue (loanmath.days_past_due: the day after the due
  date is day 1). Inputs: due_date, on. Figures: days.
* ``waterfall``: a payment shared out over overdue instalments (loanmath.allocate_payment): the oldest
  first, and in each penalty, then fees, then interest, then principal. Inputs: amount, instalments (oldest
  first, each an object with some of penalty, fees, interest, principal). Figures: penalty, fees,
  interest, principal (what the payment pays of each), penalty[i], fees[i], interest[i], principal[i]
  (of instalment i), unapplied (left over), principal_left (principal still owed: the base of penalty).
* ``sum``: amounts added up. Inputs: terms, each an amount or another example's figure, with an optional
  "-" and whole-number count: "1100.00", "-lin.payment[1]", "3*1100.00". Figures: total.
* ``rate_times``: a rate times a number of periods, without compounding (what "0.05% a day" comes to in
  a year), times an optional factor (a rule of thumb's 1.8). Inputs: rate, times, [factor]. Figures:
  percent (loanmath.Apr's nominal rate × factor).
* ``share``: one amount as a percentage of another. Inputs: part, whole. Figures: percent (part × 100 ÷
  whole, exact before the rounding above).

A malformed example (its shape, an input, a stated figure's form, or inputs loanmath refuses) raises
:class:`ExampleError`, naming the example. A figure name a kind does not know, or one these inputs do
not have, is a check whose ``computed`` is None. :func:`examples_covered` gives every number the examples
state or take, so a test can require every amount or percentage with decimals a lesson quotes to be one.
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

import loanmath
from core.exceptions import ApplicationError
from education.example_inputs import (
    DECIMAL_LITERAL,
    MONEY_LITERAL,
    REFERENCE,
    TERM,
    Calculator,
    ExampleInputError,
    FigureUnavailableError,
    Inputs,
    Unit,
)
from education.example_kinds import KINDS, RATE_INPUTS, Kind
from loanmath.money import calculation_context

KEY = re.compile(r"[a-z][a-z0-9-]{0,39}")
FIGURE_NAME = re.compile(r"([a-z_]+)(?:\[([0-9]{1,4}|last)\])?")
FIELDS = frozenset({"key", "kind", "inputs", "figures"})
STATED = {
    Unit.MONEY: re.compile(r"-?[0-9]{1,12}\.[0-9][0-9]"),
    Unit.PERCENT: re.compile(r"-?[0-9]{1,6}(\.[0-9]{1,6})?"),
    Unit.COUNT: re.compile(r"[0-9]{1,6}"),
    Unit.FACTOR: re.compile(r"[0-9]{1,6}(\.[0-9]{1,6})?"),
}
STATED_EXAMPLE = {Unit.MONEY: "1066.19", Unit.PERCENT: "18.71", Unit.COUNT: "41", Unit.FACTOR: "1.05"}
PERCENT_SIGN = r"\s?[%％]"


class ExampleError(ApplicationError):
    """The worked examples are malformed; the message names the example and what is wrong."""


@dataclass(frozen=True)
class Example:
    key: str
    kind: str
    inputs: Mapping[str, Any]
    figures: tuple[tuple[str, str], ...]  # (name, stated), as written


@dataclass(frozen=True)
class FigureCheck:
    example: str  # the example's key
    name: str  # e.g. "payment[12]"
    stated: str  # as written in "figures"
    computed: str | None  # loanmath's value, written the same way; None if it cannot be computed
    quoted: bool  # the stated figure appears in the text, written as the lessons write numbers

    @property
    def ok(self) -> bool:
        return self.computed == self.stated and self.quoted


@dataclass(frozen=True)
class Coverage:
    """Every number the examples state or take as input, as the text would quote it: amounts (money,
    days, factors) and percentages (percent figures, and rate inputs times 100)."""

    amounts: frozenset[Decimal]
    percents: frozenset[Decimal]


def _at(key: str, message: str) -> ExampleError:
    return ExampleError(_("Example “%(example)s”: %(problem)s") % {"example": key, "problem": message})


def _figure_name(name: str) -> tuple[str, str | None] | None:
    match = FIGURE_NAME.fullmatch(name)
    return None if match is None else (match.group(1), match.group(2))


def _unit(kind: Kind, name: str) -> Unit | None:
    parsed = _figure_name(name)
    return None if parsed is None else kind.unit(*parsed)


def _parse_one(number: int, item: Any, earlier: set[str]) -> Example:
    if not isinstance(item, dict) or not set(item) >= FIELDS:
        raise ExampleError(
            _("Example %(number)s must be an object with a key, a kind, inputs and figures.")
            % {"number": number}
        )
    key = item["key"]
    if not isinstance(key, str) or not KEY.fullmatch(key):
        raise ExampleError(
            _("Example %(number)s: its key must be lowercase letters, digits and hyphens, from a letter.")
            % {"number": number}
        )
    if key in earlier:
        raise _at(key, _("another example has the same key."))
    extra = sorted(set(item) - FIELDS)
    if extra:
        raise _at(key, _("an example has no field “%(field)s”.") % {"field": extra[0]})
    kind = KINDS.get(item["kind"]) if isinstance(item["kind"], str) else None
    if kind is None:
        raise _at(key, _("there is no kind “%(kind)s”; the kinds are %(kinds)s.") % {
            "kind": item["kind"], "kinds": ", ".join(KINDS)
        })  # fmt: skip
    inputs, figures = item["inputs"], item["figures"]
    if not isinstance(inputs, dict):
        raise _at(key, _("its inputs must be an object."))
    if not isinstance(figures, dict) or not all(
        isinstance(name, str) and isinstance(stated, str) for name, stated in figures.items()
    ):
        raise _at(key, _("its figures must be an object of figure names and figures written as text."))

    def stand_in(reference: str) -> Decimal:
        if reference.partition(".")[0] not in earlier:
            raise ExampleInputError(
                _("“%(reference)s” names no example listed before it.") % {"reference": reference}
            )
        return Decimal(1)

    try:
        reader = Inputs(inputs, kind.name, stand_in)
        kind.build(reader)
        reader.done()
    except ExampleInputError as problem:
        raise _at(key, problem.message) from problem
    for name, stated in figures.items():
        unit = _unit(kind, name)
        if unit is not None and not STATED[unit].fullmatch(stated):
            raise _at(key, _("%(figure)s must be written like “%(example)s”, not “%(stated)s”.") % {
                "figure": name, "example": STATED_EXAMPLE[unit], "stated": stated
            })  # fmt: skip
    return Example(key=key, kind=kind.name, inputs=inputs, figures=tuple(figures.items()))


# What one lesson's examples may hold, so that checking them stays a fraction of a second while an editor
# waits (each figure is computed, and looked for in the text, on every page that shows them).
MAX_EXAMPLES = 60
MAX_FIGURES = 2000


def examples_parse(raw: Any) -> tuple[Example, ...]:
    """The examples of a lesson (its "examples" list), checked for their form; raises ExampleError."""
    if not isinstance(raw, list):
        raise ExampleError(_("The worked examples must be a list."))
    if len(raw) > MAX_EXAMPLES:
        raise ExampleError(_("A lesson has at most %(most)s worked examples.") % {"most": MAX_EXAMPLES})
    figures = sum(len(item.get("figures") or ()) for item in raw if isinstance(item, dict))
    if figures > MAX_FIGURES:
        raise ExampleError(_("A lesson's examples state at most %(most)s figures.") % {"most": MAX_FIGURES})
    examples: list[Example] = []
    for number, item in enumerate(raw, start=1):
        examples.append(_parse_one(number, item, {example.key for example in examples}))
    return tuple(examples)


def _written(unit: Unit, value: Decimal, stated: str) -> str:
    """loanmath's value written as the stated figure is (module docstring)."""
    if unit is Unit.MONEY:
        return f"{loanmath.quantize(value):f}"
    places = len(stated.partition(".")[2])
    with calculation_context():
        return f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"


def _quoted_forms(unit: Unit, stated: str) -> list[str]:
    number = abs(Decimal(stated))
    if unit is Unit.MONEY:
        whole = [f"{number:,.0f}"] if number == number.to_integral_value() else []
        return [f"{number:,.2f}", *whole]
    if unit is Unit.COUNT:
        return [f"{number:,}"]
    return [stated.lstrip("-")]


# Every number the text writes, whole (greedy: 1,066.19, not 1,066), and whether a % sign follows it.
NUMBER_TOKEN = re.compile(r"(?<![0-9.,])([0-9]+(?:[.,][0-9]+)*)(" + PERCENT_SIGN + ")?")


@lru_cache(maxsize=8)
def _numbers_in(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The numbers in `text`, and those of them followed by a % sign: one pass over the text, however
    many figures are looked for in it."""
    numbers: set[str] = set()
    percents: set[str] = set()
    for match in NUMBER_TOKEN.finditer(text):
        numbers.add(match.group(1))
        if match.group(2):
            percents.add(match.group(1))
    return frozenset(numbers), frozenset(percents)


def _is_quoted(unit: Unit, stated: str, text: str) -> bool:
    """The figure is in the text as a whole number of its own (not the start of 1,066.195), and a
    percentage with its % sign."""
    numbers, percents = _numbers_in(text)
    written = percents if unit is Unit.PERCENT else numbers
    return any(form in written for form in _quoted_forms(unit, stated))


@dataclass(frozen=True)
class _Row:
    check: FigureCheck
    kind: str
    unit: Unit | None  # None: the kind has no figure of this name


def _guarded(key: str, calculate: Calculator) -> Calculator:
    def figure(name: str, index: str | None) -> Decimal:
        try:
            return calculate(name, index)
        except loanmath.LoanMathError as error:
            raise _at(key, _("loanmath refuses these inputs (%(reason)s).") % {"reason": error}) from error
        except (ArithmeticError, ValueError, RecursionError) as error:
            # A rate of 100 a month compounded, say: beyond what a decimal context holds. An editor's typo
            # must come back as a sentence, never as a server error.
            raise _at(key, _("These inputs give figures too large to compute; check the rates.")) from error

    return figure


def _rows(raw: Any, text: str) -> Iterator[_Row]:
    calculators: dict[str, tuple[Kind, Calculator]] = {}
    for example in examples_parse(raw):
        kind = KINDS[example.kind]

        def resolve(reference: str) -> Decimal:
            key, _dot, name = reference.partition(".")
            source_kind, source = calculators[key]
            parsed = _figure_name(name)
            if parsed is None or source_kind.unit(*parsed) is not Unit.MONEY:
                raise ExampleInputError(_("“%(reference)s” is not an amount.") % {"reference": reference})
            try:
                return source(*parsed)
            except FigureUnavailableError as error:
                raise ExampleInputError(
                    _("“%(reference)s” cannot be computed.") % {"reference": reference}
                ) from error

        try:
            reader = Inputs(example.inputs, kind.name, resolve)
            calculate = _guarded(example.key, kind.build(reader))
        except ExampleInputError as problem:
            raise _at(example.key, problem.message) from problem
        calculators[example.key] = (kind, calculate)
        for name, stated in example.figures:
            unit = _unit(kind, name)
            computed = None
            if unit is not None:
                try:
                    computed = _written(unit, calculate(*(_figure_name(name) or (name, None))), stated)
                except FigureUnavailableError:
                    computed = None
            quoted = unit is not None and _is_quoted(unit, stated, text)
            check = FigureCheck(example.key, name, stated, computed, quoted)
            yield _Row(check=check, kind=kind.name, unit=unit)


def examples_check(raw: Any, *, text: str) -> tuple[FigureCheck, ...]:
    """Each stated figure beside loanmath's, and whether the text quotes it; raises ExampleError."""
    return tuple(row.check for row in _rows(raw, text))


def _shown(unit: Unit, figure: str) -> str:
    """A figure as an editor reads it in a message: "1,066.19", "18.71%", "41"."""
    if unit is Unit.PERCENT:
        return f"{figure}%"
    return _quoted_forms(unit, figure)[0] if unit is not Unit.FACTOR else figure


def examples_problems(raw: Any, *, text: str) -> list[str]:
    """What is wrong with the examples, one translated sentence each, for editors; [] when all is right."""
    try:
        rows = list(_rows(raw, text))
    except ExampleError as error:
        return [error.message]
    problems = []
    for row in rows:
        check = row.check
        names = {"example": check.example, "figure": check.name, "kind": row.kind}
        if row.unit is None:
            problems.append(
                _("Example “%(example)s”: a “%(kind)s” example has no figure “%(figure)s”.") % names
            )
            continue
        stated = _shown(row.unit, check.stated)
        if check.computed is None:
            problems.append(
                _("Example “%(example)s”: %(figure)s cannot be computed from its inputs.") % names
            )
        elif check.computed != check.stated:
            problems.append(
                _("Example “%(example)s”: %(figure)s says %(stated)s but loanmath gives %(computed)s.")
                % {**names, "stated": stated, "computed": _shown(row.unit, check.computed)}
            )
        if not check.quoted:
            problems.append(
                _("Example “%(example)s”: %(figure)s (%(stated)s) does not appear in the text.")
                % {**names, "stated": stated}
            )
    return problems


def _input_numbers(value: Any, rate: bool) -> Iterator[tuple[bool, Decimal]]:
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _input_numbers(item, name in RATE_INPUTS)
    elif isinstance(value, list):
        for item in value:
            yield from _input_numbers(item, rate)
    elif isinstance(value, int) and not isinstance(value, bool):
        yield False, Decimal(value)
    elif isinstance(value, str):
        match = TERM.fullmatch(value.strip())
        operand = match.group(3) if match else ""
        if rate and DECIMAL_LITERAL.fullmatch(value):
            yield True, Decimal(value) * 100
        elif not REFERENCE.fullmatch(operand) and (
            MONEY_LITERAL.fullmatch(operand) or DECIMAL_LITERAL.fullmatch(operand)
        ):
            yield False, Decimal(operand)


def examples_covered(raw: Any) -> Coverage:
    """The numbers the examples state (figures) or take (inputs), for checking that every number a
    lesson quotes is one of them; raises ExampleError."""
    amounts: set[Decimal] = set()
    percents: set[Decimal] = set()
    for example in examples_parse(raw):
        kind = KINDS[example.kind]
        for name, stated in example.figures:
            unit = _unit(kind, name)
            if unit is not None:
                (percents if unit is Unit.PERCENT else amounts).add(abs(Decimal(stated)))
        for is_percent, number in _input_numbers(dict(example.inputs), False):
            (percents if is_percent else amounts).add(abs(number))
    return Coverage(amounts=frozenset(amounts), percents=frozenset(percents))
