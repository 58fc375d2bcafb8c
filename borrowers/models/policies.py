"""Under which terms: the overdue policy (and its milestones) and the loan product that uses it."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from borrowers.models.fields import MoneyField, RateField
from core.i18n import in_language
from loanmath import (
    COST_CAP_DAYS_IN_YEAR,
    ZERO,
    DayCount,
    MilestoneKind,
    OverpaymentHandling,
    RepaymentMethod,
)


class OverduePolicy(models.Model):
    """What being late costs under a product. Staff edit it; loanmath applies it.

    Penalty interest is either a yearly rate of its own or the loan's contract rate plus a markup
    (罚息 is commonly the contract rate plus 30 to 50 percent of it). Either way, a penalty that alone
    would cost more than the cost cap (both counted over a 365-day year) is refused: here for a rate of
    its own, and for a markup on each product that uses the policy (LoanProduct.clean)."""

    class PenaltyBasis(models.TextChoices):
        RATE = "rate", _("A yearly rate of its own")
        MARKUP = "markup", _("The loan's contract rate plus a markup")

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
    penalty_basis = models.CharField(
        _("penalty interest is"),
        max_length=10,
        choices=PenaltyBasis.choices,
        default=PenaltyBasis.RATE,
    )
    penalty_markup = RateField(
        _("penalty interest, markup on the contract rate"),
        default=Decimal("0.500000"),
        help_text=_(
            "Used when penalty interest is the contract rate plus a markup: 0.500000 means the contract "
            "rate plus half of it (a 12 percent loan pays 18 percent a year on overdue principal)."
        ),
    )
    day_count = models.PositiveSmallIntegerField(
        _("day count"), choices=[(360, "ACT/360"), (365, "ACT/365")], default=365
    )
    promise_max_days = models.PositiveSmallIntegerField(
        _("promise to pay: longest wait (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("A borrower may promise to pay an overdue loan by a date at most this many days ahead."),
    )
    annual_cost_cap = RateField(
        _("yearly cap on total cost"),
        default=Decimal("0.240000"),
        help_text=_(
            "The true annualised cost of a loan (its IRR, with contract interest, penalty interest and fees "
            "all included) never exceeds this yearly rate."
        ),
    )

    class Meta:
        verbose_name = _("overdue policy")
        verbose_name_plural = _("overdue policies")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.penalty_rate is None or self.annual_cost_cap is None or self.day_count is None:
            return
        if self.penalty_basis == self.PenaltyBasis.RATE and self.penalty_cost_over_a_year(
            self.penalty_rate
        ) > Decimal(self.annual_cost_cap):
            raise ValidationError(
                {
                    "penalty_rate": _(
                        "Penalty interest alone would cost more than the yearly cost cap of %(cap)s."
                    )
                    % {"cap": f"{Decimal(self.annual_cost_cap) * 100:.2f}%"}
                }
            )

        if self.pk is not None:
            # New terms must still hold for every product already under this policy.
            for product in LoanProduct.objects.filter(overdue_policy_id=self.pk):
                product.overdue_policy = self
                try:
                    product.clean()
                except ValidationError as exc:
                    raise ValidationError(
                        _("Product %(code)s would no longer be allowed under these terms: %(reason)s")
                        % {"code": product.code, "reason": " ".join(exc.messages)}
                    ) from exc

    def penalty_rate_for(self, contract_rate: Decimal) -> Decimal:
        """The yearly penalty rate on a loan at ``contract_rate``: the policy's own rate, or the contract
        rate plus the markup (half up to 6 places, the precision rates are kept in)."""
        if self.penalty_basis == self.PenaltyBasis.MARKUP:
            return (contract_rate * (1 + self.penalty_markup)).quantize(
                Decimal("0.000001"), rounding=ROUND_HALF_UP
            )
        return self.penalty_rate

    def penalty_cost_over_a_year(self, penalty_rate: Decimal) -> Decimal:
        """What a penalty rate charged per day of this policy's year costs over a 365-day year."""
        return Decimal(penalty_rate) * COST_CAP_DAYS_IN_YEAR / self.day_count

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

    def clean(self) -> None:
        """A product whose own contract cost exceeds its policy's cost cap is refused, and so is one whose
        penalty interest (the contract rate plus the policy's markup) alone would."""
        super().clean()
        if self.annual_rate is None or self.overdue_policy_id is None:
            return
        policy = self.overdue_policy
        cap = Decimal(policy.annual_cost_cap)
        percent = f"{cap * 100:.2f}%"
        if Decimal(self.annual_rate) > cap:
            raise ValidationError(
                {
                    "annual_rate": _(
                        "The contract rate is above the yearly cost cap of %(cap)s of its overdue policy."
                    )
                    % {"cap": percent}
                }
            )
        penalty = policy.penalty_rate_for(Decimal(self.annual_rate))
        if (
            policy.penalty_basis == policy.PenaltyBasis.MARKUP
            and policy.penalty_cost_over_a_year(penalty) > cap
        ):
            raise ValidationError(
                {
                    "overdue_policy": _(
                        "With this policy's markup, penalty interest alone would cost more than its yearly "
                        "cost cap of %(cap)s."
                    )
                    % {"cap": percent}
                }
            )

    @property
    def name(self) -> str:
        return in_language(self.name_zh_hans, self.name_en)
