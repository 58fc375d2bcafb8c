"""The audit trail in the admin, and the base class that makes every staff change leave a row in it."""

from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from core.models import AuditEvent
from core.services import audit_record

ModelT = TypeVar("ModelT", bound=models.Model)


def _plain(value: Any) -> Any:
    """A form value as JSON can hold it: an object by its id, money and dates as text."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal | date):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


class AuditedModelAdmin(admin.ModelAdmin[ModelT]):
    """Every add, change and delete made through this admin writes an audit row in the same transaction.

    Actions are named `admin.<model>.added|changed|deleted`. `audit_values = False` keeps only the names
    of the changed fields, for models holding personal data (the audit trail must not become a copy of it).
    """

    audit_values = True

    def _action(self, model: type[models.Model], verb: str) -> str:
        return f"admin.{model._meta.model_name}.{verb}"

    def _changes(self, form: Any) -> dict[str, Any] | list[str]:
        if not self.audit_values:
            return list(form.changed_data)
        return {
            name: {"from": _plain(form.initial.get(name)), "to": _plain(form.cleaned_data.get(name))}
            for name in form.changed_data
        }

    def save_model(self, request: HttpRequest, obj: ModelT, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            action=self._action(type(obj), "changed" if change else "added"),
            actor=request.user,
            target=obj,
            data={"fields": self._changes(form)},
            request=request,
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        parent = form.instance
        for obj in formset.new_objects:
            audit_record(
                action=self._action(type(obj), "added"),
                actor=request.user,
                target=obj,
                data={"in": str(parent.pk), "object": str(obj)},
                request=request,
            )
        for obj, fields in formset.changed_objects:
            audit_record(
                action=self._action(type(obj), "changed"),
                actor=request.user,
                target=obj,
                data={"in": str(parent.pk), "fields": list(fields)},
                request=request,
            )
        for obj in formset.deleted_objects:
            # The object is gone (its pk is cleared), so the row points at the parent and names it.
            audit_record(
                action=self._action(type(obj), "deleted"),
                actor=request.user,
                target=parent,
                data={"object": str(obj)},
                request=request,
            )

    def delete_model(self, request: HttpRequest, obj: ModelT) -> None:
        audit_record(
            action=self._action(type(obj), "deleted"),
            actor=request.user,
            target=obj,
            data={"object": str(obj)},
            request=request,
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[ModelT]) -> None:
        # The bulk "delete selected" action is not wrapped in a transaction by the admin; the audit rows
        # and the deletion must land together.
        with transaction.atomic():
            for obj in queryset:
                audit_record(
                    action=self._action(type(obj), "deleted"),
                    actor=request.user,
                    target=obj,
                    data={"object": str(obj)},
                    request=request,
                )
            super().delete_queryset(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """The audit trail: read-only for everyone, so it says what happened and nothing else."""

    list_display = ("occurred_at", "action", "actor", "object_type", "object_id", "ip_address")
    list_filter = ("action", ("occurred_at", admin.DateFieldListFilter), "object_type")
    search_fields = ("=object_id", "action", "reason")
    date_hierarchy = "occurred_at"
    list_select_related = ("actor",)
    fields = ("occurred_at", "action", "actor", "object_type", "object_id", "reason", "data", "ip_address")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
