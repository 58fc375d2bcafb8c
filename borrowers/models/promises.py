"""A borrower's promise to pay an overdue loan: an amount by a date.

Made by `borrowers.services.promises.promise_make` (on the loan page, from a reminder's link, or by staff
on a call); kept when the money paid towards it since it was made reaches the amount (each payment adds
to `paid_towards`), broken when close of business begins a business date after `pay_by` with it still
open, cancelled when a restructuring replaces the schedule it was about. While it is open the loan's
reminders and calls are paused. One open promise per loan, held by the database. Every change of status
writes an audit row (the history staff read in the admin).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from borrowers.models.fields import MoneyField
from borrowers.models.loans import Loan


class PromiseToPay(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        KEPT = "kept", _("Kept")
        BROKEN = "broken", _("Broken")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        SITE = "site", _("On the loan page")
        REMINDER = "reminder", _("From a reminder")
        PHONE = "phone", _("On a call with staff")

    loan = models.ForeignKey(Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="promises")
    amount = MoneyField(_("amount promised"))
    pay_by = models.DateField(_("to be paid by"))
    made_on = models.DateField(_("made on (business date)"))
    made_at = models.DateTimeField(_("made at"), auto_now_add=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(_("closed on (business date)"), null=True, blank=True)
    paid_towards = MoneyField(_("paid towards it"))

    class Meta:
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        ordering = ["-made_on", "-id"]
        indexes = [models.Index(fields=["status", "pay_by"], name="promise_status_pay_by")]
        constraints = [
            models.UniqueConstraint(
                fields=["loan"], condition=Q(status="open"), name="promise_one_open_per_loan"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="promise_amount_positive"),
            models.CheckConstraint(condition=Q(paid_towards__gte=0), name="promise_paid_not_negative"),
            models.CheckConstraint(condition=Q(pay_by__gte=F("made_on")), name="promise_pay_by_not_before"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "kept", "broken", "cancelled"]), name="promise_status_known"
            ),
            models.CheckConstraint(
                condition=Q(source__in=["site", "reminder", "phone"]), name="promise_source_known"
            ),
            # Open: not closed. Closed (kept, broken, cancelled): on a date, not before it was made.
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True)
                | (~Q(status="open") & Q(closed_on__isnull=False, closed_on__gte=F("made_on"))),
                name="promise_closed_when_not_open",
            ),
            models.CheckConstraint(
                condition=~Q(status="kept") | Q(paid_towards__gte=F("amount")), name="promise_kept_when_paid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.amount} by {self.pay_by} ({self.status})"
