from types import SimpleNamespace
from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.features import feature_register, refers_to


def reminders_pause_hardship_problems() -> list[str]:
    """A submitted hardship application pauses the loans' reminders: the submission cancels those
    waiting, and the daily selection leaves out the loans under review.

    The cancelling is checked statically: the submission the wizard calls (hardship.services'
    `application_submit`) must call notifications' `messages_cancel`. Seeing it cancel would need
    loans, an application and messages in the database, which a check may not touch; what would switch
    the pause off — the call taken out, or pointed at something else — is what this sees. The selection
    is checked both ways: it asks hardship which loans are under review, and its skip rule leaves out a
    loan that is."""
    from borrowers.selectors.reminders import ReminderLoan
    from hardship import selectors as hardship_selectors
    from hardship import services as hardship_services
    from notifications.services import messages_cancel
    from reminders.services import selection

    problems: list[str] = []
    if not refers_to(hardship_services.application_submit, "messages_cancel", messages_cancel):
        problems.append(_("sending a hardship application no longer cancels the loans' waiting reminders."))
    if not refers_to(selection.reminders_select, "loans_under_review", hardship_selectors.loans_under_review):
        problems.append(_("the daily reminders no longer ask which loans are under a hardship review."))
    loan = SimpleNamespace(id=7, contact=SimpleNamespace(user_id=1, borrower_id=1))
    reason = selection._skip_reason(cast(ReminderLoan, loan), frozenset(), frozenset({7}), {})
    if reason != "hardship":
        problems.append(_("the daily reminders no longer leave out a loan under a hardship review."))
    return problems


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = gettext_lazy("Reminders and calls")

    def ready(self) -> None:
        feature_register(
            "reminders-pause-hardship",
            label=gettext_lazy("Reminders pause while a hardship application is reviewed"),
            check=reminders_pause_hardship_problems,
        )
