"""Rows written once and never changed or deleted: the ledger, the audit trail, consent records.

A model inherits AppendOnlyModel, names its error and messages, and uses AppendOnlyQuerySet as its
manager. Saving an existing row (or any save with `update_fields` / `force_update`), deleting a row, and
the queryset's `update()`, `bulk_update()` and `delete()` all raise before any SQL is sent. PostgreSQL
triggers refuse UPDATE and DELETE on the ledger and the audit trail whatever the client
(borrowers/migrations/0002_ledger_append_only_trigger.py).
"""

from typing import Any, ClassVar, NoReturn

from django.db import models


class AppendOnlyError(Exception):
    """A change or deletion of an append-only row was attempted."""


def _refuse(model: Any, deleting: bool) -> NoReturn:
    raise model.append_only_error(
        model.append_only_refused_delete if deleting else model.append_only_refused_change
    )


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Reads and inserts only."""

    def update(self, **kwargs: Any) -> int:
        _refuse(self.model, deleting=False)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        _refuse(self.model, deleting=False)

    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse(self.model, deleting=True)


class AppendOnlyModel(models.Model):
    append_only_error: ClassVar[type[AppendOnlyError]] = AppendOnlyError
    append_only_refused_change: ClassVar[str] = "This row cannot be changed: it is append-only."
    append_only_refused_delete: ClassVar[str] = "This row cannot be deleted: it is append-only."

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            _refuse(type(self), deleting=False)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        _refuse(type(self), deleting=True)
