"""The loans, their schedules and the payments received.

The balances on Loan and the paid/charged amounts on Instalment are caches of the ledger (ledger.py),
changed only in the same transaction as the entries that explain them.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from borrowers.models.fields import MoneyField, RateField
from borrowers.models.policies import LoanProduct
from borrowers.models.profiles import BorrowerProfile
from loanmath import ZERO, OverdueBucket


class Loan(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAID_OFF = "paid_off", _("Paid off")

    class Bucket(models.TextChoices):
        CURRENT = OverdueBucket.CURRENT.value, _("Current")
        M1 = OverdueBucket.M1.value, _("M1 (1–30 days)")
        M2 = OverdueBucket.M2.value, _("M2 (31–60 days)")
        M3 = OverdueBucket.M3.value, _("M3 (61–90 days)")
        M3_PLUS = OverdueBucket.M3_PLUS.value, _("M3+ (over 90 days)")

    reference = models.CharField(_("loan reference"), max_length=32, unique=True)
    borrower = models.ForeignKey(
        BorrowerProfile, verbose_name=_("borrower"), on_delete=models.PROTECT, related_name="loans"
    )
    product = models.ForeignKey(
        LoanProduct, verbose_name=_("loan product"), on_delete=models.PROTECT, related_name="loans"
    )
    principal = MoneyField(_("principal lent"))
    annual_rate = RateField(_("contract rate, yearly"))
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    method = models.CharField(_("repayment method"), max_length=20)
    disbursed_on = models.DateField(_("disbursed on"))
    first_due_date = models.DateField(_("first due date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)

    # Cached balances: what is owed now, changed only together with ledger entries.
    principal_balance = MoneyField(_("principal outstanding"))
    interest_balance = MoneyField(_("interest due and unpaid"))
    fee_balance = MoneyField(_("late fees unpaid"))
    penalty_balance = MoneyField(_("penalty interest unpaid"))
    # Classification, set by close of business and by payments.
    days_past_due = models.PositiveIntegerField(_("days past due"), default=0)
    bucket = models.CharField(
        _("overdue bucket"), max_length=8, choices=Bucket.choices, default=Bucket.CURRENT
    )
    closed_through = models.DateField(
        _("close of business done through"),
        null=True,
        blank=True,
        help_text=_("The last business date whose charges are in the ledger."),
    )
    # The cost cap's running base (loanmath.cost_cap_limit): the principal on the disbursement date, then
    # after each payment the most that could be owed that day less the money kept. A cache of the ledger's
    # payments, changed only with them, and proved by `manage.py reconcile`. May go below zero.
    cost_cap_base = models.DecimalField(_("cost cap base"), max_digits=15, decimal_places=2, default=ZERO)
    cost_cap_base_on = models.DateField(_("cost cap base date"))
    # No late fee and no penalty interest on any day up to and including this date: a hardship
    # application's breathing space while it is reviewed, or an interest and penalty freeze (set only by
    # borrowers.services.restructure).
    charges_paused_through = models.DateField(
        _("late fees and penalty paused through"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # The loan's terms: as booked, changed after only by a restructuring (borrowers.services.restructure),
    # whose record keeps the terms before it. The admin's "Terms" and a borrower's data export.
    TERMS = ("principal", "annual_rate", "term_months", "method", "disbursed_on", "first_due_date")
    # The ledger's caches on a loan, in the order its pages show them: written only with the entries that
    # explain them (borrowers.services.ledger), shown by its admin and given in a borrower's data export.
    LEDGER_CACHE = (
        "principal_balance",
        "interest_balance",
        "fee_balance",
        "penalty_balance",
        "days_past_due",
        "bucket",
        "closed_through",
        "cost_cap_base",
        "cost_cap_base_on",
    )

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["disbursed_on", "reference"]
        indexes = [models.Index(fields=["status", "bucket"])]
        constraints = [
            models.CheckConstraint(condition=Q(principal__gt=0), name="loan_principal_positive"),
            models.CheckConstraint(
                condition=Q(principal_balance__gte=0, principal_balance__lte=F("principal"))
                & Q(interest_balance__gte=0)
                & Q(fee_balance__gte=0)
                & Q(penalty_balance__gte=0),
                name="loan_balances_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def total_balance(self) -> Decimal:
        return self.principal_balance + self.interest_balance + self.fee_balance + self.penalty_balance


class Instalment(models.Model):
    """One scheduled instalment, with what has been charged and paid on it (caches of the ledger)."""

    loan = models.ForeignKey(
        Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="instalments"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    due_date = models.DateField(_("due date"))
    principal = MoneyField(_("scheduled principal"))
    interest = MoneyField(_("scheduled interest"))
    interest_billed = MoneyField(_("interest fallen due"))
    principal_paid = MoneyField(_("principal paid"))
    interest_paid = MoneyField(_("interest paid"))
    fees_charged = MoneyField(_("late fees charged"))
    fees_paid = MoneyField(_("late fees paid"))
    penalty_charged = MoneyField(_("penalty interest charged"))
    penalty_paid = MoneyField(_("penalty interest paid"))
    # The penalty accrual period under way: penalty accrues on the days after this date, and
    # `penalty_period_formula` is what the formula gave for the period so far (see loanmath.projection).
    penalty_period_start = models.DateField(_("penalty accrual period from"), null=True, blank=True)
    penalty_period_formula = MoneyField(_("penalty accrued in period (formula)"))
    # Part of the scheduled interest that an early repayment does not work out again (a payment holiday's
    # deferred interest, loanmath.restructure).
    interest_fixed = MoneyField(_("interest kept if repaid early"))
    # The restructuring that created this instalment, and the one that replaced it (its unpaid amounts
    # moved onto the new schedule; the row stays as history).
    restructure = models.ForeignKey(
        "borrowers.Restructure",
        verbose_name=_("created by restructuring"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instalments",
    )
    superseded_by = models.ForeignKey(
        "borrowers.Restructure",
        verbose_name=_("replaced by restructuring"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded",
    )

    # The running totals the ledger keeps on an instalment, charged beside paid: written only with the
    # entries that explain them, shown by the loan's admin, exported, and proved by `manage.py reconcile`.
    LEDGER_TOTALS = (
        "interest_billed",
        "principal_paid",
        "interest_paid",
        "fees_charged",
        "fees_paid",
        "penalty_charged",
        "penalty_paid",
    )

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["loan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "number"], name="instalment_unique_number"),
            models.CheckConstraint(
                condition=Q(principal_paid__gte=0, principal_paid__lte=F("principal"))
                & Q(interest_paid__gte=0, interest_paid__lte=F("interest_billed"))
                & Q(interest_billed__lte=F("interest"))
                & Q(fees_paid__gte=0, fees_paid__lte=F("fees_charged"))
                & Q(penalty_paid__gte=0, penalty_paid__lte=F("penalty_charged")),
                name="instalment_paid_within_charged",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} #{self.number}"

    @property
    def principal_unpaid(self) -> Decimal:
        return self.principal - self.principal_paid

    @property
    def interest_unpaid(self) -> Decimal:
        """Interest fallen due and not paid (interest not yet due is not owed yet)."""
        return self.interest_billed - self.interest_paid

    @property
    def fees_unpaid(self) -> Decimal:
        return self.fees_charged - self.fees_paid

    @property
    def penalty_unpaid(self) -> Decimal:
        return self.penalty_charged - self.penalty_paid

    @property
    def is_settled(self) -> bool:
        """Nothing left to pay on it, now or on its due date: principal, all its interest (fallen due or
        not: an interest-only instalment has no principal and still owes interest), fees and penalty.
        (The interest of a period whose principal was repaid early is repriced to what is really owed,
        0.00 when none is left, so it does not keep the instalment open.)"""
        return (
            self.principal_unpaid == 0
            and self.interest_paid == self.interest
            and self.fees_unpaid == 0
            and self.penalty_unpaid == 0
        )


class Payment(models.Model):
    """Money received from the borrower, identified by the receipt number of the payment channel."""

    receipt_number = models.CharField(_("receipt number"), max_length=64, unique=True)
    loan = models.ForeignKey(Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="payments")
    amount = MoneyField(_("amount"))
    paid_on = models.DateField(_("paid on"))
    unapplied = MoneyField(_("refunded (more than was owed)"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=20, default="admin")
    # The cost cap in force when it was recorded: the loan's cap base moved on at this rate, so a later
    # change of the policy's cap does not rewrite the past (reconcile recomputes the base with it).
    cost_cap_rate = models.DecimalField(
        _("cost cap when recorded"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(unapplied__gte=0, unapplied__lte=F("amount")), name="payment_unapplied_in_range"
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_number
