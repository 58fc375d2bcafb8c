"""The base class that makes every staff change leave an audit row (the trail itself: core.admin_audit),
and the frame of an admin's pages of its own (`admin_page`, `service_form_page`; the mixins that draw
them are in core.admin_service)."""

from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib import admin
from django.db import models, transaction
from django.forms import Form
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django_stubs_ext import StrOrPromise

from core.admin_readonly import ReadOnlyAdminMixin
from core.services import audit_record

__all__ = ["AuditedModelAdmin", "ReadOnlyAdminMixin", "admin_page", "service_form_page"]

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


def admin_page(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    template: str,
    *,
    title: StrOrPromise,
    **context: Any,
) -> TemplateResponse:
    """A page of an admin's own beside its list and change form (answer a message, a lesson's versions,
    a borrower's phone number): the admin's frame (site header, breadcrumbs by `opts`) around `template`."""
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": title,
            **context,
        },
    )


def service_form_page(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    form: Form,
    *,
    title: StrOrPromise,
    submit_label: StrOrPromise,
) -> TemplateResponse:
    """The one admin "add" page whose form calls a service instead of saving a model (book a loan,
    record a payment, upload an import, answer a message): admin/service_form.html, the service's
    refusal shown as a non-field error."""
    return admin_page(
        model_admin, request, "admin/service_form.html", title=title, form=form, submit_label=submit_label
    )


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

    def _describe(self, obj: models.Model) -> dict[str, Any]:
        """What a deleted (or added inline) object was: its text and values, or for personal data only
        its kind and id, so the trail never becomes a copy of a borrower's record."""
        if not self.audit_values:
            return {"object": f"{obj._meta.label_lower} #{obj.pk}"}
        values = {
            field.name: _plain(getattr(obj, field.attname))
            for field in obj._meta.concrete_fields
            if not field.primary_key
        }
        return {"object": str(obj), "values": values}

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # What each inline form held before the save, for the before/after of the rows it changes.
        forms_by_object = {id(inline.instance): inline for inline in formset.forms}
        deleted = {id(f.instance): self._describe(f.instance) for f in formset.deleted_forms if f.instance.pk}
        super().save_formset(request, form, formset, change)
        parent = form.instance
        for obj in formset.new_objects:
            audit_record(
                action=self._action(type(obj), "added"),
                actor=request.user,
                target=obj,
                data={"in": str(parent.pk), **self._describe(obj)},
                request=request,
            )
        for obj, fields in formset.changed_objects:
            inline = forms_by_object.get(id(obj))
            audit_record(
                action=self._action(type(obj), "changed"),
                actor=request.user,
                target=obj,
                data={"in": str(parent.pk), "fields": self._changes(inline) if inline else list(fields)},
                request=request,
            )
        for obj in formset.deleted_objects:
            # The object is gone (its pk is cleared), so the row points at the parent and names it.
            audit_record(
                action=self._action(type(obj), "deleted"),
                actor=request.user,
                target=parent,
                data=deleted.get(id(obj)) or {"object": str(obj)},
                request=request,
            )

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        """Bulk actions write a row per object they were run on (deleting writes its own rows)."""
        actions: dict[str, Any] = dict(super().get_actions(request))
        for name, entry in actions.items():
            if entry is not None and name != "delete_selected":
                func, action_name, description = entry
                actions[name] = (self._audited_action(func, name), action_name, description)
        return actions

    def _audited_action(self, func: Any, name: str) -> Any:
        def run(model_admin: Any, request: HttpRequest, queryset: models.QuerySet[ModelT]) -> Any:
            with transaction.atomic():
                objects = list(queryset)
                response = func(model_admin, request, queryset)
                for obj in objects:
                    audit_record(
                        action=self._action(type(obj), f"action.{name}")[:64],
                        actor=request.user,
                        target=obj,
                        data={"action": name, "selected": len(objects)},
                        request=request,
                    )
            return response

        return run

    def _audit_deleted(self, request: HttpRequest, obj: ModelT) -> None:
        """The row of an object about to be deleted (it still has its pk to point at)."""
        audit_record(
            action=self._action(type(obj), "deleted"),
            actor=request.user,
            target=obj,
            data=self._describe(obj),
            request=request,
        )

    def delete_model(self, request: HttpRequest, obj: ModelT) -> None:
        self._audit_deleted(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[ModelT]) -> None:
        # The bulk "delete selected" action is not wrapped in a transaction by the admin; the audit rows
        # and the deletion must land together.
        with transaction.atomic():
            for obj in queryset:
                self._audit_deleted(request, obj)
            super().delete_queryset(request, queryset)


from core import admin_audit  # noqa: E402,F401  (the audit trail's own admin)
