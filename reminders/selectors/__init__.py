"""Reads of the reminders app (never its services): the active rules (`rules`), and Support's calls
(`calls`: open flags, last calls, attempts of a day, the call screen). Callers use the names here."""

from reminders.selectors.calls import (
    AttemptView,
    CallScreen,
    FlagView,
    attempts_on_day,
    call_facts,
    call_screen,
    last_calls,
    open_flags,
)
from reminders.selectors.rules import RuleView, rule_for, rule_for_figures, rules_active

__all__ = [
    "AttemptView",
    "CallScreen",
    "FlagView",
    "RuleView",
    "attempts_on_day",
    "call_facts",
    "call_screen",
    "last_calls",
    "open_flags",
    "rule_for",
    "rule_for_figures",
    "rules_active",
]
