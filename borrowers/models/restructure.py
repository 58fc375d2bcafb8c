"""A restructuring applied to a loan: the record of what changed, kept for good.

Written once by `borrowers.services.restructure.loan_restructure` (or `borrowers.services.due_day.
loan_due_day_move`, kind "due_day"), in the same transaction as the ledger
entries (WAIVER and RESTRUCTURE) and the new instalments; never changed. It keeps the terms and the
open schedule before, the plan's figures, and which application it came from (one restructuring per
application: a double-click on "accept" applies once).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from borrowers.models.fields import MoneyField
from borrowers.models.loans import Loan
from core.append_only import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet


class RestructureIsAppendOnlyError(AppendOnlyError):
    """Someone tried to change or delete a restructuring record."""


class Restructure(AppendOnlyModel):
    class Kind(models.TextChoices):
        EXTENSION = "extension", _("Term extension")
        HOLIDAY = "holiday", _("Payment holiday")
        LOWER_RATE = "lower_rate", _("Lower interest rate")
        FREEZE = "freeze", _("Interest and penalty freeze")
        ARREARS_PLAN = "arrears_plan", _("Arrears plan")
        WAIVER = "waiver", _("Waiver of late fees and penalty interest")
        # Not a hardship option: the borrower's own once-a-year move of the monthly due day.
        DUE_DAY = "due_day", _("Due day moved")

    loan = models.ForeignKey(
        Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="restructures"
    )
    applied_on = models.DateField(_("applied on (business date)"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    terms = models.JSONField(_("terms"), default=dict)
    # Where it came from: the hardship application's reference (one restructuring each), or for a due-day
    # move "due-day:<loan id>:<business date>" (so a double-click applies once).
    source = models.CharField(_("application"), max_length=32, unique=True)
    terms_before = models.JSONField(_("loan terms before"), default=dict)
    schedule_before = models.JSONField(_("open schedule before"), default=list)
    owed_before = MoneyField(_("owed before"))
    waived_fees = MoneyField(_("late fees waived"))
    waived_penalty = MoneyField(_("penalty interest waived"))
    interest_given_up = MoneyField(_("scheduled interest given up"))
    total_to_pay = MoneyField(_("total to pay on the new schedule"))
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()
    append_only_error = RestructureIsAppendOnlyError
    append_only_refused_change = "A restructuring cannot be changed; it is the loan's history."
    append_only_refused_delete = "A restructuring cannot be deleted; it is the loan's history."

    class Meta:
        verbose_name = _("restructuring")
        verbose_name_plural = _("restructurings")
        ordering = ["loan", "applied_on", "id"]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.applied_on} {self.kind}"
