"""The two decimal columns of borrowers' money: amounts to the fen and yearly rates."""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from loanmath import ZERO

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


class MoneyField(models.DecimalField[Decimal | int | str, Decimal]):
    """Amounts in yuan to the cent (DESIGN: max_digits=14, decimal_places=2), zero by default."""

    def __init__(self, verbose_name: "StrOrPromise | None" = None, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("default", ZERO)
        super().__init__(verbose_name, **kwargs)


class RateField(models.DecimalField[Decimal | int | str, Decimal]):
    """Annual rates as fractions with 6 places: 0.180000 is 18 % a year (0 to 1000 %)."""

    def __init__(self, verbose_name: "StrOrPromise | None" = None, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 9)
        kwargs.setdefault("decimal_places", 6)
        kwargs.setdefault("validators", [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(10))])
        super().__init__(verbose_name, **kwargs)
