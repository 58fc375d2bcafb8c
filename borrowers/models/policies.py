"""Under which terms: the overdue policy (and its milestones) and the loan product that uses it."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from borrowers.models.fields import MoneyField, RateField
from core.i18n import in_language
from loanmath import ZERO, DayCount, MilestoneKind, OverpaymentHandling, RepaymentMethod


class OverduePolicy(models.Model):
    """What being late costs under a product. Staff edit it; loanmath applies it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    grace_days = models.PositiveSmallIntegerField(
        _("grace days"),
        default=3,
        validators=[MaxValueValidator(60)],
        help_text=_("Days after the due date with no late fee and no penalty interest."),
    )
    late_fee_flat = MoneyField(_("late fee, fixed part (¥)"), validators=[MinValueValidator(ZERO)])
    late_fee_rate = RateField(
        _("late fee, share of the overdue instalment"),
        default=Decimal(0),
        help_text=_("A fraction: 0.050000 means 5 percent of the overdue principal and interest."),
    )
    penalty_rate = RateField(
        _("penalty interest, yearly rate"),
        default=Decimal(0),
        help_text=_(
            "A yearly fraction charged by the day on overdue principal: 0.180000 means 18 percent a year."
        ),
    )
    day_count = models.PositiveSmallIntegerField(
        _("day count"), choices=[(360, "ACT/360"), (365, "ACT/365")], default=365
    )
    annual_cost_cap = RateField(
        _("yearly cap on total cost"),
        default=Decimal("0.240000"),
        help_text=_(
            "Contract interest, penalty interest and fees together never exceed this yearly share of the "
            "principal."
        ),
    )

    class Meta:
        verbose_name = _("overdue policy")
        verbose_name_plural = _("overdue policies")

    def __str__(self) -> str:
        return self.name

    @property
    def day_count_convention(self) -> DayCount:
        return DayCount.ACT_360 if self.day_count == 360 else DayCount.ACT_365


class Milestone(models.Model):
    """Day N past due: what happens, in the words the borrower reads (both languages)."""

    policy = models.ForeignKey(
        OverduePolicy, verbose_name=_("overdue policy"), on_delete=models.CASCADE, related_name="milestones"
    )
    day = models.PositiveSmallIntegerField(_("day past due"), validators=[MinValueValidator(1)])
    kind = models.CharField(
        _("what happens"),
        max_length=20,
        choices=[
            (MilestoneKind.REMINDER.value, _("Reminder")),
            (MilestoneKind.CREDIT_BUREAU.value, _("Reported to the credit bureau")),
            (MilestoneKind.COLLECTIONS.value, _("Collections")),
            (MilestoneKind.LEGAL.value, _("Legal action")),
        ],
    )
    text_zh_hans = models.CharField(_("what the borrower reads (Chinese)"), max_length=300)
    text_en = models.CharField(_("what the borrower reads (English)"), max_length=300)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["policy", "day"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "day", "kind"], name="milestone_unique_day_kind")
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.get_kind_display()}"

    @property
    def text(self) -> str:
        return in_language(self.text_zh_hans, self.text_en)


class LoanProduct(models.Model):
    """A loan product: its contract rate, repayment method, term, and overdue policy.

    Its name is kept in both languages, like a course's title (education.Course): the borrower reads the
    one of the page's language. A product from before names were bilingual has no English name yet; it
    shows its Chinese name until staff give it one (the admin asks for both)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    annual_rate = RateField(_("contract rate, yearly"))
    method = models.CharField(
        _("repayment method"),
        max_length=20,
        choices=[
            (RepaymentMethod.EQUAL_INSTALMENT.value, _("Equal instalments")),
            (RepaymentMethod.EQUAL_PRINCIPAL.value, _("Equal principal")),
            (RepaymentMethod.INTEREST_ONLY.value, _("Interest only, principal at the end")),
        ],
    )
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), validators=[MinValueValidator(1), MaxValueValidator(360)]
    )
    overdue_policy = models.ForeignKey(
        OverduePolicy, verbose_name=_("overdue policy"), on_delete=models.PROTECT, related_name="products"
    )
    overpayment_handling = models.CharField(
        _("money paid beyond what is due"),
        max_length=20,
        choices=[
            (OverpaymentHandling.PREPAY_PRINCIPAL.value, _("Repays future principal, last instalment first")),
            (OverpaymentHandling.REFUND.value, _("Is refunded to the borrower")),
        ],
        default=OverpaymentHandling.PREPAY_PRINCIPAL.value,
    )

    class Meta:
        verbose_name = _("loan product")
        verbose_name_plural = _("loan products")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return in_language(self.name_zh_hans, self.name_en)
