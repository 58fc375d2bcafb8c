"""Bulk reads for the daily reminders and Support's call list (the reminders app): which loans a day's
rules or calls may concern, each loan with its borrower's contact details, and what each reminder must
say — the amount, the next milestone and the cost of waiting — worked out by loanmath from the loan's
own policy, exactly as its page works them out.

Queries: `reminder_candidate_ids` and `call_candidate_loans` one each for the whole book;
`reminder_loans` three per chunk of loans, whatever its size (the loans with their product, policy and
borrower's account; their instalments; their policies' milestones); `borrower_contacts` and
`borrower_active_loan_ids` one each. `reminder_figures` is a pure function over what they fetched.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import fields as fields_of
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Prefetch, Q

import loanmath
from borrowers.models import BorrowerProfile, Instalment, Loan, Milestone
from borrowers.positions import loan_position, policy_for_loanmath
from core.text import phone_masked
from loanmath import ZERO

# How many of the next possible charge days are projected before concluding that waiting adds nothing
# (a pause, a policy with no fee and no penalty, the cost cap reached).
_CHARGE_DAY_TRIES = 4

_UNPAID = (
    Q(principal_paid__lt=F("principal"))
    | Q(interest_paid__lt=F("interest"))
    | Q(fees_paid__lt=F("fees_charged"))
    | Q(penalty_paid__lt=F("penalty_charged"))
)


@dataclass(frozen=True)
class BorrowerContact:
    """Who a reminder or a call reaches, and how: the lender's record of the borrower."""

    borrower_id: int
    user_id: int | None  # None: no Anxin account is linked (no message can be written to them)
    full_name: str
    phone: str  # the borrower's own mobile number, the only one Support may call
    email: str  # the linked account's address ("" without one)
    time_zone: str
    language: str  # "zh-hans" or "en"

    @property
    def phone_masked(self) -> str:
        return phone_masked(self.phone)


@dataclass(frozen=True)
class ReminderLoan:
    """One loan as the reminders see it: its position after its last close of business and its policy,
    built by `borrowers.positions` from the same rows as its page (so the page and a reminder work from
    one position), and its borrower."""

    id: int
    reference: str
    product_name_zh_hans: str
    product_name_en: str
    position: loanmath.LoanPosition
    policy: loanmath.OverduePolicy
    contact: BorrowerContact


@dataclass(frozen=True)
class NextMilestone:
    """The next step of the loan's policy (not a mere reminder) if it stays unpaid: day N past due, of
    kind `kind`, reached on `on`, `days_away` days after today."""

    day: int
    kind: str
    on: date
    days_away: int


@dataclass(frozen=True)
class ReminderFigures:
    """What a reminder about one loan on `today` says, all from loanmath over the loan's ledger.

    amount: what is due by `pay_by` (paying it then adds nothing more). pay_by: the last day before a
    charge is added; charges_from (pay_by + 1): the day the late fee (`extra_fee`) is charged and penalty
    interest starts or goes on; daily_penalty: the penalty interest of that first day (each later day
    adds as much, give or take the cent of the period's single rounding), so extra_fee + daily_penalty is
    what the loan page's "if you pay on" adds for paying on charges_from. pay_by and
    charges_from are None when waiting adds nothing that can be foreseen (charges paused, a policy without
    them, the cost cap reached).
    """

    loan_id: int
    reference: str
    today: date
    days_past_due: int
    bucket: str
    amount_due_today: Decimal
    due_date: date | None  # overdue: the oldest unpaid due date; else the next one (today included)
    amount: Decimal
    pay_by: date | None
    charges_from: date | None
    extra_fee: Decimal
    daily_penalty: Decimal
    next_milestone: NextMilestone | None
    charges_paused_through: date | None


def _loan_ids_with_unpaid_due(dates: Q) -> "Exists":
    return Exists(Instalment.objects.filter(dates, _UNPAID, loan=OuterRef("pk"), superseded_by__isnull=True))


def reminder_candidate_ids(
    *, business_date: date, before_due_days: Iterable[int], overdue_days: Iterable[int]
) -> list[int]:
    """Active loans with an unpaid instalment due on a day some rule names: N days after `business_date`
    (before due), or N days before it (overdue). A superset of the loans the rules match (an older unpaid
    instalment makes a loan more overdue than N); `reminder_figures` decides. One query, in id order."""
    dates = {business_date + timedelta(days=n) for n in before_due_days}
    dates |= {business_date - timedelta(days=n) for n in overdue_days}
    if not dates:
        return []
    loans = Loan.objects.filter(status=Loan.Status.ACTIVE).filter(
        _loan_ids_with_unpaid_due(Q(due_date__in=sorted(dates)))
    )
    return list(loans.order_by("pk").values_list("pk", flat=True))


def call_candidate_loans(*, business_date: date) -> list[tuple[int, int]]:
    """(loan id, borrower id) of every active loan with an instalment unpaid after its due date, by
    borrower then loan, so a chunk can hold all of a borrower's loans. One query."""
    loans = Loan.objects.filter(status=Loan.Status.ACTIVE).filter(
        _loan_ids_with_unpaid_due(Q(due_date__lt=business_date))
    )
    return list(loans.order_by("borrower_id", "pk").values_list("pk", "borrower_id"))


def _contact(profile: BorrowerProfile) -> BorrowerContact:
    user = profile.user
    return BorrowerContact(
        borrower_id=profile.pk,
        user_id=profile.user_id,
        full_name=profile.full_name,
        phone=profile.phone,
        email=user.email if user is not None else "",
        time_zone=profile.time_zone,
        language=profile.preferred_language,
    )


@dataclass(frozen=True, slots=True)
class _InstalmentRow:
    """An instalment's figures as `borrowers.positions` reads them (positions.InstalmentFigures), read
    as plain values: a chunk of thousands of loans makes no model instance per instalment."""

    number: int
    due_date: date
    principal: Decimal
    interest: Decimal
    interest_billed: Decimal
    principal_paid: Decimal
    interest_paid: Decimal
    fees_charged: Decimal
    fees_paid: Decimal
    penalty_charged: Decimal
    penalty_paid: Decimal
    penalty_period_start: date | None
    penalty_period_formula: Decimal

    @property
    def principal_unpaid(self) -> Decimal:
        return self.principal - self.principal_paid

    @property
    def interest_unpaid(self) -> Decimal:
        return self.interest_billed - self.interest_paid

    @property
    def fees_unpaid(self) -> Decimal:
        return self.fees_charged - self.fees_paid

    @property
    def penalty_unpaid(self) -> Decimal:
        return self.penalty_charged - self.penalty_paid


_INSTALMENT_FIELDS = ("loan_id", *(f.name for f in fields_of(_InstalmentRow)))


def reminder_loans(*, loan_ids: Iterable[int]) -> tuple[ReminderLoan, ...]:
    """The loans, in id order, with their positions, policies and borrowers' contact details. Three
    queries, whatever the number of loans (none for no loan): the loans with their product, policy and
    borrower's account, their policies' milestones, their instalments."""
    ids = sorted(set(loan_ids))
    if not ids:
        return ()
    loans = (
        Loan.objects.filter(pk__in=ids)
        .select_related("product__overdue_policy", "borrower__user")
        .prefetch_related(
            Prefetch(
                "product__overdue_policy__milestones", queryset=Milestone.objects.order_by("day", "kind")
            ),
        )
        .order_by("pk")
    )
    instalments: dict[int, list[_InstalmentRow]] = {}
    rows = Instalment.objects.filter(loan_id__in=ids).order_by("loan_id", "number")
    for loan_id, *values in rows.values_list(*_INSTALMENT_FIELDS):
        instalments.setdefault(loan_id, []).append(_InstalmentRow(*values))
    policies: dict[tuple[int, Decimal], loanmath.OverduePolicy] = {}
    found = []
    for loan in loans:
        key = (loan.product.overdue_policy_id, loan.annual_rate)
        if key not in policies:
            policies[key] = policy_for_loanmath(loan.product.overdue_policy, contract_rate=loan.annual_rate)
        found.append(
            ReminderLoan(
                id=loan.pk,
                reference=loan.reference,
                product_name_zh_hans=loan.product.name_zh_hans,
                product_name_en=loan.product.name_en,
                position=loan_position(loan, instalments.get(loan.pk, [])),
                policy=policies[key],
                contact=_contact(loan.borrower),
            )
        )
    return tuple(found)


def reminder_loan_as_booked(*, reference: str) -> ReminderLoan | None:
    """The loan as it stood when it was disbursed — its schedule, nothing billed, paid or charged — with
    its policy and borrower; None without such a loan. Projected to a later day, it gives what that day's
    reminder said for as long as nothing had been paid (the demo's history of reminders; what the ledger
    holds now cannot be projected backwards). Three queries."""
    loan = (
        Loan.objects.filter(reference=reference)
        .select_related("product__overdue_policy", "borrower__user")
        .prefetch_related(
            Prefetch(
                "product__overdue_policy__milestones", queryset=Milestone.objects.order_by("day", "kind")
            )
        )
        .first()
    )
    if loan is None:
        return None
    scheduled = loan.instalments.filter(superseded_by__isnull=True, restructure__isnull=True).order_by(
        "number"
    )
    return ReminderLoan(
        id=loan.pk,
        reference=loan.reference,
        product_name_zh_hans=loan.product.name_zh_hans,
        product_name_en=loan.product.name_en,
        position=loanmath.LoanPosition(
            principal=loan.principal,
            disbursed_on=loan.disbursed_on,
            as_of=loan.disbursed_on,
            owed=loan.principal,
            instalments=tuple(
                loanmath.OpenInstalment(
                    number=i.number,
                    due_date=i.due_date,
                    principal=i.principal,
                    interest=i.interest,
                    unbilled_interest=i.interest,
                )
                for i in scheduled
            ),
        ),
        policy=policy_for_loanmath(loan.product.overdue_policy, contract_rate=loan.annual_rate),
        contact=_contact(loan.borrower),
    )


def borrower_contacts(*, borrower_ids: Iterable[int]) -> dict[int, BorrowerContact]:
    """The borrowers' contact details by borrower id. One query."""
    profiles = BorrowerProfile.objects.filter(pk__in=set(borrower_ids)).select_related("user")
    return {profile.pk: _contact(profile) for profile in profiles}


def borrower_of_user(*, user_id: int) -> BorrowerContact | None:
    """The borrower linked to this account, or None. One query."""
    profile = BorrowerProfile.objects.filter(user_id=user_id).select_related("user").first()
    return _contact(profile) if profile is not None else None


def borrower_active_loan_ids(*, borrower_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """Each borrower's active loans (ids in order), for the pauses a call respects. One query."""
    found: dict[int, list[int]] = {}
    rows = Loan.objects.filter(borrower_id__in=set(borrower_ids), status=Loan.Status.ACTIVE).order_by("pk")
    for loan_id, borrower_id in rows.values_list("pk", "borrower_id"):
        found.setdefault(borrower_id, []).append(loan_id)
    return {borrower_id: tuple(ids) for borrower_id, ids in found.items()}


def _penalty(projection: loanmath.Projection) -> Decimal:
    return sum((c.amount for c in projection.charges if c.kind is loanmath.ChargeKind.PENALTY_INTEREST), ZERO)


def reminder_figures(loan: ReminderLoan, today: date) -> ReminderFigures:
    """The figures a reminder about this loan says on `today` (see ReminderFigures), by
    `loanmath.project_amount_due` from the loan's position, as its page's "if you pay on…" works them
    out, so the message and the page never disagree. No query."""
    policy, position = loan.policy, loan.position
    on = max(today, position.as_of)
    projections: dict[date, loanmath.Projection] = {}

    def projected(day: date) -> loanmath.Projection:
        if day not in projections:
            projections[day] = loanmath.project_amount_due(position=position, policy=policy, on=day)
        return projections[day]

    now = projected(on)
    open_items = [i for i in position.instalments if i.total > 0]
    fallen_due = [i.due_date for i in open_items if i.due_date <= on]
    upcoming = [i.due_date for i in open_items if i.due_date > on]
    due_date = min(fallen_due) if fallen_due else (min(upcoming) if upcoming else None)

    # The first day after `on` that can add a charge: an instalment's late-fee day (the day after its
    # grace, when its penalty interest starts too), or tomorrow for one already past grace, never a day
    # inside a pause. Project each candidate until one adds something.
    floor = on + timedelta(days=1)
    paused = position.charges_paused_through
    if paused is not None and paused >= floor:
        floor = paused + timedelta(days=1)
    candidates = sorted(
        {max(loanmath.late_fee_charge_date(due_date=i.due_date, policy=policy), floor) for i in open_items}
    )
    charges_from = next(
        (
            day
            for day in candidates[:_CHARGE_DAY_TRIES]
            if projected(day).cost_of_waiting > now.cost_of_waiting
        ),
        None,
    )
    extra_fee = daily_penalty = ZERO
    pay_by: date | None = None
    if charges_from is not None:
        last_free_day = charges_from - timedelta(days=1)
        pay_by = last_free_day
        then = projected(charges_from)
        extra_fee = sum(
            (
                c.amount
                for c in then.charges
                if c.kind is loanmath.ChargeKind.LATE_FEE and c.start == charges_from
            ),
            ZERO,
        )
        # The first day's penalty interest (each day after adds the same, give or take the cent the
        # period's single rounding moves): what the loan page adds for paying on charges_from.
        daily_penalty = _penalty(then) - _penalty(now)
        amount = projected(last_free_day).amount_due
    else:
        amount = projected(max(on, due_date)).amount_due if due_date is not None else now.amount_due

    next_milestone = None
    if due_date is not None:
        for m in policy.milestones:
            if m.kind is not loanmath.MilestoneKind.REMINDER and m.day > now.days_past_due:
                reached = due_date + timedelta(days=m.day)
                next_milestone = NextMilestone(
                    day=m.day, kind=m.kind.value, on=reached, days_away=(reached - today).days
                )
                break
    return ReminderFigures(
        loan_id=loan.id,
        reference=loan.reference,
        today=today,
        days_past_due=now.days_past_due,
        bucket=now.bucket.value,
        amount_due_today=now.amount_due,
        due_date=due_date,
        amount=amount,
        pay_by=pay_by,
        charges_from=charges_from,
        extra_fee=extra_fee,
        daily_penalty=daily_penalty,
        next_milestone=next_milestone,
        charges_paused_through=paused if paused is not None and paused >= on else None,
    )
