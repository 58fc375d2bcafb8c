"""Close of business: a row per business date run, its chunks, and each loan's time in each overdue bucket."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from borrowers.models.loans import Loan


class LoanBucketSpell(models.Model):
    """A loan's stay in one overdue bucket: from the business date it entered (inclusive) to the one it
    left (exclusive; empty while it is still there). Written by close of business and by payments, in the
    transaction that reclassifies the loan: the basis for roll rates and cure rates."""

    loan = models.ForeignKey(
        Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="bucket_spells"
    )
    bucket = models.CharField(_("overdue bucket"), max_length=8, choices=Loan.Bucket.choices)
    entered_on = models.DateField(_("entered on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("bucket spell")
        verbose_name_plural = _("bucket history")
        ordering = ["loan", "entered_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["loan"], condition=Q(left_on__isnull=True), name="bucket_spell_one_open_per_loan"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("entered_on")),
                name="bucket_spell_leaves_after_entering",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.bucket} {self.entered_on}–{self.left_on or ''}"


class CloseRun(models.Model):
    """One business date's close of business: when it ran, how far it got, what it wrote."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    business_date = models.DateField(_("business date"), unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    loans = models.PositiveIntegerField(_("loans closed"), default=0)
    chunks_total = models.PositiveIntegerField(_("chunks"), default=0)
    chunks_done = models.PositiveIntegerField(_("chunks done"), default=0)
    entries = models.PositiveIntegerField(_("ledger entries written"), default=0)
    errors = models.PositiveIntegerField(_("loans that failed"), default=0)
    error_log = models.TextField(_("errors"), blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("close of business run")
        verbose_name_plural = _("close of business runs")
        ordering = ["-business_date"]

    def __str__(self) -> str:
        return f"{self.business_date} {self.get_status_display()}"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class CloseChunk(models.Model):
    """A range of loan ids one worker closes for one business date, in one transaction; done once."""

    run = models.ForeignKey(CloseRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="chunks")
    first_loan_id = models.BigIntegerField(_("first loan id"))
    last_loan_id = models.BigIntegerField(_("last loan id"))
    loans = models.PositiveIntegerField(_("loans closed"), default=0)
    entries = models.PositiveIntegerField(_("ledger entries written"), default=0)
    errors = models.PositiveIntegerField(_("loans that failed"), default=0)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("close of business chunk")
        verbose_name_plural = _("close of business chunks")
        ordering = ["run", "first_loan_id"]
        constraints = [models.UniqueConstraint(fields=["run", "first_loan_id"], name="close_chunk_once")]

    def __str__(self) -> str:
        return f"{self.run_id} {self.first_loan_id}–{self.last_loan_id}"
