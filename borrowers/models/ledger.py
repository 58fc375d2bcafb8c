"""The ledger: the truth of what each loan owes, append-only."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from borrowers.models.fields import MoneyField
from borrowers.models.loans import Instalment, Loan, Payment
from core.append_only import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet


class LedgerIsAppendOnlyError(AppendOnlyError):
    """Someone tried to change or delete a ledger entry."""


class LedgerEntry(AppendOnlyModel):
    """One append-only line of a loan's ledger. Never updated, never deleted: a correction is a new entry.

    Each amount is signed from the borrower's side: positive adds to what they owe, negative reduces it.
    Entries written by jobs carry an idempotency key (loan, kind, business date, instalment) that the
    database holds unique, so running a job twice, or again after a crash, adds nothing twice.
    """

    class Kind(models.TextChoices):
        DISBURSEMENT = "disbursement", _("Loan paid out")
        INTEREST_DUE = "interest_due", _("Interest due")
        PENALTY_INTEREST = "penalty_interest", _("Penalty interest")
        LATE_FEE = "late_fee", _("Late fee")
        PAYMENT = "payment", _("Payment")
        WAIVER = "waiver", _("Waiver")
        RESTRUCTURE = "restructure", _("Restructure")
        REVERSAL = "reversal", _("Reversal")

    loan = models.ForeignKey(
        Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="ledger_entries"
    )
    instalment = models.ForeignKey(
        Instalment,
        verbose_name=_("instalment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    business_date = models.DateField(_("business date"))
    principal = MoneyField(_("principal"))
    interest = MoneyField(_("interest"))
    fees = MoneyField(_("late fees"))
    penalty = MoneyField(_("penalty interest"))
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    # How a charge was worked out (base, rate, flat part, dates), for "why this amount".
    basis = models.JSONField(_("basis"), default=dict, blank=True)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()
    append_only_error = LedgerIsAppendOnlyError
    append_only_refused_change = "Ledger entries cannot be changed; write a reversal instead."
    append_only_refused_delete = "Ledger entries cannot be deleted; write a reversal instead."

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["loan", "business_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "kind", "business_date", "instalment"],
                condition=Q(kind__in=["interest_due", "penalty_interest", "late_fee"]),
                name="ledger_job_entry_idempotent",
            ),
            models.UniqueConstraint(
                fields=["loan"], condition=Q(kind="disbursement"), name="ledger_one_disbursement"
            ),
            models.UniqueConstraint(
                fields=["payment", "instalment"], condition=Q(kind="payment"), name="ledger_payment_line_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.business_date} {self.kind}"

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.fees + self.penalty
