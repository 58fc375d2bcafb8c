"""The reminders app's tables (issue 13): the reminder rules staff edit, the daily call list and the
calls Support makes. Filled in by the reminders work; see docs/architecture.md."""
