"""The reminders app in the admin: the reminder rules staff edit (`rules`), and Support's call list,
call screen, calls and contact flags (`calls`)."""

from reminders.admin import calls, rules

__all__ = ["calls", "rules"]
