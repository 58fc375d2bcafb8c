"""The borrower's situation and what to read now: the rules staff edit (RecommendationRule) applied to
the situations the borrower's loans put them in, and the /learn/ page that shows them with the catalogue.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from borrowers.selectors import LoanCard, borrower_has_loan_fallen_due, borrower_loan_cards
from core import business_date as clock
from core.i18n import reader_language
from education.models import RecommendationRule, Situation
from education.selectors.catalogue import (
    Catalogue,
    CourseItem,
    LessonItem,
    MilestoneItem,
    catalogue,
    milestones,
    reader_progress,
    review_count,
)
from hardship.selectors import has_open_application

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

RECOMMENDATIONS_SHOWN = 3
# A payment due within this many days counts as "due soon".
DUE_SOON_DAYS = 3
REASONS: dict[str, "StrOrPromise"] = {
    Situation.NEW_BORROWER: _("New here? Start by learning to read your statement."),
    Situation.DUE_SOON: _("A payment is due within 3 days."),
    Situation.FIRST_MISSED_PAYMENT: _(
        "A payment is late. Here is what happens next and how to keep the cost down."
    ),
    Situation.OVERDUE_30_PLUS: _(
        "Your loan is more than 30 days overdue. Know your rights, and keep away from fake debt-relief "
        "agents."
    ),
    Situation.HARDSHIP: _("You have asked for a hardship plan."),
    Situation.PAID_OFF: _("You paid a loan off: a good moment to start an emergency fund."),
}


@dataclass(frozen=True)
class Recommendation:
    lesson: LessonItem
    situation: str
    reason: "StrOrPromise"


@dataclass(frozen=True)
class LearnIndex:
    signed_in: bool
    courses: tuple[CourseItem, ...]
    review_count: int
    recommendations: tuple[Recommendation, ...]
    milestones: tuple[MilestoneItem, ...]


def borrower_situations(*, user: User, today: date, cards: Sequence[LoanCard]) -> set[str]:
    """The situations the signed-in borrower is in, from their loans and whether they have a hardship
    application open (hardship.selectors): at most two queries beyond `cards`."""
    situations: set[str] = set()
    for card in cards:
        if card.is_paid_off:
            situations.add(Situation.PAID_OFF)
        elif card.days_past_due >= 30:
            situations.add(Situation.OVERDUE_30_PLUS)
        elif card.days_past_due >= 1:
            situations.add(Situation.FIRST_MISSED_PAYMENT)
        elif card.amount_due_today > 0 or (
            card.next_due_date is not None and (card.next_due_date - today).days <= DUE_SOON_DAYS
        ):
            situations.add(Situation.DUE_SOON)
    if not cards:
        situations.add(Situation.NEW_BORROWER)
    elif not borrower_has_loan_fallen_due(user=user, today=today) and any(c.is_active for c in cards):
        # Every loan they have is so new that its first instalment is not due yet.
        situations.add(Situation.NEW_BORROWER)
    if has_open_application(user=user):
        situations.add(Situation.HARDSHIP)
    return situations


def _recommend(*, situations: set[str], catalogue: Catalogue, limit: int) -> tuple[Recommendation, ...]:
    """Apply the active rules for these situations (one query), best priority first; skip lessons that are
    not visible or already completed. Lessons for the same situation come together."""
    if not situations:
        return ()
    items = {(i.course_key, i.key): i for c in catalogue.courses for i in c.lessons}
    chosen: list[Recommendation] = []
    seen: set[tuple[str, str]] = set()
    rules = (
        RecommendationRule.objects.filter(active=True, situation__in=situations)
        .select_related("lesson")
        .order_by("priority", "id")
    )
    for rule in rules:
        if rule.lesson is not None:
            ident = catalogue.by_ident.get((rule.lesson.course_id, rule.lesson.key))
            candidates = [ident] if ident else []
        else:
            candidates = [key for key, tags in catalogue.tags.items() if rule.tag in tags]
        for key in candidates:
            item = items.get(key)
            if item is None or item.completed or key in seen:
                continue
            seen.add(key)
            chosen.append(
                Recommendation(lesson=item, situation=rule.situation, reason=REASONS[rule.situation])
            )
            if len(chosen) >= limit:
                return _grouped(chosen)
    return _grouped(chosen)


def _grouped(chosen: Sequence[Recommendation]) -> tuple[Recommendation, ...]:
    """The same lessons with those for one situation next to each other (situations in the order of their
    best rule), so a page can say each reason once above its lessons (`{% regroup … by situation %}`)."""
    first: dict[str, int] = {}
    for n, recommendation in enumerate(chosen):
        first.setdefault(recommendation.situation, n)
    return tuple(sorted(chosen, key=lambda recommendation: first[recommendation.situation]))


def learning_recommendations(
    *,
    user: User | AnonymousUser,
    cards: Sequence[LoanCard] | None = None,
    limit: int = RECOMMENDATIONS_SHOWN,
) -> tuple[Recommendation, ...]:
    """What to read now, for the dashboard. Pass the loan cards a page already has to save their
    queries."""
    if not isinstance(user, User) or not user.is_authenticated:
        return ()
    today = clock.today()
    if cards is None:
        cards = borrower_loan_cards(user=user, today=today)
    found = catalogue(now=clock.now(), language=reader_language(), progress=reader_progress(user))
    situations = borrower_situations(user=user, today=today, cards=cards)
    return _recommend(situations=situations, catalogue=found, limit=limit)


def learn_index(*, user: User | AnonymousUser) -> LearnIndex:
    """The /learn/ page: every course, and for a signed-in reader what to read now, what to review and
    their milestones."""
    now, today = clock.now(), clock.today()
    progress = reader_progress(user)
    found = catalogue(now=now, language=reader_language(), progress=progress)
    recommendations: tuple[Recommendation, ...] = ()
    signed_in = isinstance(user, User) and user.is_authenticated
    if signed_in and isinstance(user, User):
        cards = borrower_loan_cards(user=user, today=today)
        situations = borrower_situations(user=user, today=today, cards=cards)
        recommendations = _recommend(situations=situations, catalogue=found, limit=RECOMMENDATIONS_SHOWN)
    return LearnIndex(
        signed_in=signed_in,
        courses=found.courses,
        review_count=review_count(user=user, now=now, today=today),
        recommendations=recommendations,
        milestones=milestones(found.courses) if signed_in else (),
    )
