"""The admin pages whose form calls a service instead of saving a model form, each defined once: the "add"
page (ServiceAddViewMixin) and the page for acting on one object (ObjectActionAdminMixin).

Beside core.admin.service_form_page and core.admin.admin_page (the pages they render); a module of its
own so that core.admin, which every admin imports, stays small.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from core.admin import admin_page, service_form_page
from core.exceptions import ApplicationError

ModelT = TypeVar("ModelT", bound=models.Model)


def _url_name(model: type[models.Model], page: str) -> str:
    """An admin page's URL name, as Django names its own: `<app>_<model>_<page>`."""
    return f"{model._meta.app_label}_{model._meta.model_name}_{page}"


def _admin_url(model_admin: admin.ModelAdmin[Any], page: str, *args: object) -> str:
    return reverse(f"{model_admin.admin_site.name}:{_url_name(model_admin.model, page)}", args=args)


class ServiceAddViewMixin(admin.ModelAdmin[ModelT]):
    """An admin whose "add" page is a small form that calls a service (book a loan, record a payment,
    upload an import): the form, the service's refusal as a non-field error, and on success the admin's
    history entry, a message and the new object's page.

    Set `service_form_class`, `service_title` and `service_submit_label`; define `service_call` (the
    service, given the cleaned data; it may refuse with ApplicationError) and `service_done_message`;
    override `service_form_initial` for the values the page starts with. The service is its own
    transaction and writes its own audit row, so the page opens no transaction around it: the history
    entry (LogEntry) is written after the service has committed.
    """

    service_form_class: type[Form]
    service_title: StrOrPromise
    service_submit_label: StrOrPromise

    def service_form_initial(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    def service_call(self, request: HttpRequest, data: dict[str, Any]) -> ModelT:
        raise NotImplementedError

    def service_done_message(self, obj: ModelT) -> str:
        raise NotImplementedError

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        posted = request.method == "POST"
        form = self.service_form_class(
            request.POST if posted else None,
            request.FILES if posted else None,
            initial=self.service_form_initial(request),
        )
        if form.is_valid():
            try:
                obj = self.service_call(request, form.cleaned_data)
            except ApplicationError as refused:
                form.add_error(None, refused.message)
            else:
                self.log_addition(request, obj, [{"added": {}}])
                self.message_user(request, self.service_done_message(obj), messages.SUCCESS)
                return HttpResponseRedirect(_admin_url(self, "change", obj.pk))
        return service_form_page(
            self, request, form, title=self.service_title, submit_label=self.service_submit_label
        )


class ObjectActionAdminMixin(admin.ModelAdmin[ModelT]):
    """An admin with a page of its own for acting on one object through services (answer or close a
    support message, carry out or refuse a privacy request): a form, one submit button per action (its
    `action` value says which), the service's refusal as a non-field error, and on success a message and
    the admin's list.

    Set `object_action_path` (the page's last URL segment; its URL name is `<app>_<model>_<path>`),
    `object_action_kwarg` (the name of the object's id in the URL), `object_action_permission` (who may
    open it), `object_action_form_class`, `object_action_template` and `object_action_related` (what to
    select with the object); define `object_action_calls` (for each action, the service call, given the
    cleaned data; it may refuse with ApplicationError), `object_action_title`,
    `object_action_done_message` and `object_action_context` (what else the template shows). The
    services check the right again, lock the object and write the audit row, so the page opens no
    transaction around them.
    """

    object_action_path: str
    object_action_kwarg: str
    object_action_permission: str
    object_action_form_class: type[Form]
    object_action_template: str
    object_action_related: tuple[str, ...] = ()

    def object_action_calls(
        self, request: HttpRequest, obj: ModelT, data: dict[str, Any]
    ) -> dict[str, Callable[[], object]]:
        raise NotImplementedError

    def object_action_title(self, obj: ModelT) -> str:
        raise NotImplementedError

    def object_action_done_message(self, obj: ModelT) -> str:
        raise NotImplementedError

    def object_action_context(self, obj: ModelT) -> dict[str, Any]:
        return {}

    def object_action_url(self, obj: ModelT) -> str:
        """The address of the object's action page (for a link in the list or on the change page)."""
        return _admin_url(self, self.object_action_path, obj.pk)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                f"<int:{self.object_action_kwarg}>/{self.object_action_path}/",
                self.admin_site.admin_view(self.object_action_view),
                name=_url_name(self.model, self.object_action_path),
            ),
            *super().get_urls(),
        ]

    def object_action_view(self, request: HttpRequest, **url_kwargs: int) -> HttpResponse:
        if not request.user.has_perm(self.object_action_permission):
            raise PermissionDenied
        obj = get_object_or_404(
            self.model._default_manager.select_related(*self.object_action_related),
            pk=url_kwargs[self.object_action_kwarg],
        )
        form = self.object_action_form_class(request.POST if request.method == "POST" else None)
        if form.is_valid():
            call = self.object_action_calls(request, obj, form.cleaned_data).get(
                request.POST.get("action", "")
            )
            try:
                if call is None:
                    raise ApplicationError(_("Unknown action."), code="unknown_action")
                call()
            except ApplicationError as refused:
                form.add_error(None, refused.message)
            else:
                self.message_user(request, self.object_action_done_message(obj), messages.SUCCESS)
                return HttpResponseRedirect(_admin_url(self, "changelist"))
        return admin_page(
            self,
            request,
            self.object_action_template,
            title=self.object_action_title(obj),
            form=form,
            **self.object_action_context(obj),
        )
