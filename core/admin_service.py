"""The admin "add" page whose form calls a service instead of saving a model form, defined once.

Beside core.admin.service_form_page (the page it renders); a module of its own so that core.admin,
which every admin imports, stays small.
"""

from typing import Any, TypeVar

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_stubs_ext import StrOrPromise

from core.admin import service_form_page
from core.exceptions import ApplicationError

ModelT = TypeVar("ModelT", bound=models.Model)


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
                opts = self.model._meta
                change_page = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change"
                return HttpResponseRedirect(reverse(change_page, args=[obj.pk]))
        return service_form_page(
            self, request, form, title=self.service_title, submit_label=self.service_submit_label
        )
