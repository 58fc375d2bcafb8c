"""Support's calls in the admin (电话提醒): the day's call list ordered by priority (the formula is on the
page), the call screen of each entry (its change page: what the borrower owes, the cost of waiting,
their rights, the options to offer, the guardrails as they stand), and the two POST-only steps of a call
— start it, record its outcome in one click — each calling one reminders.services entry point, which
enforces the guardrails, locks and audits. The calls and the contact flags are read here; a flag is
cleared on its own page, with a note.

Entries are never added, edited or deleted here: the list is built after close of business."""

from datetime import date
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from borrowers import selectors as borrower_selectors
from core import business_date as clock
from core.admin import admin_page
from core.admin_readonly import ReadOnlyAdminMixin
from core.admin_service import ObjectActionAdminMixin
from core.exceptions import ApplicationError
from core.templatetags.money import money
from hardship import selectors as hardship_selectors
from reminders import services
from reminders.admin.screen import PRIORITY_FORMULA, PRIORITY_PARTS, call_screen_context
from reminders.forms_admin import CallOutcomeForm, FlagClearForm
from reminders.models import CallAttempt, CallListEntry, ContactFlag
from reminders.selectors import call_screen


def _staff(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


class BusinessDateFilter(admin.SimpleListFilter):
    """The day's list by default; earlier days on request."""

    title = gettext_lazy("business date")
    parameter_name = "day"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        today = clock.business_date_today()
        days = (
            CallListEntry.objects.exclude(business_date=today)
            .order_by("-business_date")
            .values_list("business_date", flat=True)
            .distinct()[:7]
        )
        return [("all", gettext_lazy("Every day"))] + [(d.isoformat(), d.isoformat()) for d in days]

    def choices(self, changelist: Any) -> Any:
        # "Today" stands first, selected when no day is asked for.
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Today (%(day)s)") % {"day": clock.business_date_today().isoformat()},
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == "all":
            return queryset
        if value:
            try:
                return queryset.filter(business_date=date.fromisoformat(value))
            except ValueError:
                return queryset.none()
        return queryset.filter(business_date=clock.business_date_today())


@admin.register(CallListEntry)
class CallListEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[CallListEntry]):
    class Media:
        css = {"all": ("css/reminders-admin.css",)}

    change_list_template = "admin/reminders/calllistentry/change_list.html"
    list_display = (
        "priority",
        "call_link",
        "loan_reference",
        "days_past_due",
        "bucket",
        "amount_shown",
        "next_milestone_on",
        "broken_promises",
        "calls_made",
        "last_outcome",
        "business_date",
    )
    list_display_links = None
    list_filter = (BusinessDateFilter, "bucket")
    list_select_related = ("borrower", "loan")
    search_fields = ("=loan__reference", "=borrower__customer_number")
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[CallListEntry]:
        last = CallAttempt.objects.filter(entry=OuterRef("pk")).exclude(outcome="").order_by("-started_at")
        # A promise made or an application submitted since the list was built takes the borrower off it
        # (the service refuses the call anyway): nobody works down a list of people they may not call.
        # The call screen itself still opens and says why the call is refused.
        entries = super().get_queryset(request)
        match = request.resolver_match
        if match is not None and (match.url_name or "").endswith("_changelist"):
            entries = entries.exclude(borrower_id__in=borrower_selectors.promise_open_borrower_ids()).exclude(
                borrower_id__in=hardship_selectors.borrowers_under_review()
            )
        return entries.annotate(
            calls=Count("attempts"), last_outcome_code=Subquery(last.values("outcome")[:1])
        )

    def get_ordering(self, request: HttpRequest) -> list[str]:
        return ["-business_date", "-priority", "pk"]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {"priority_formula": PRIORITY_FORMULA, "priority_parts": list(PRIORITY_PARTS.values())}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    @admin.display(description=gettext_lazy("borrower"), ordering="borrower__full_name")
    def call_link(self, obj: CallListEntry) -> str:
        url = reverse(f"{self.admin_site.name}:reminders_calllistentry_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.borrower.full_name)

    @admin.display(description=gettext_lazy("loan"), ordering="loan__reference")
    def loan_reference(self, obj: CallListEntry) -> str:
        return obj.loan.reference

    @admin.display(description=gettext_lazy("amount due"), ordering="amount_due")
    def amount_shown(self, obj: CallListEntry) -> str:
        return money(obj.amount_due)

    @admin.display(description=gettext_lazy("calls"))
    def calls_made(self, obj: Any) -> int:
        return int(getattr(obj, "calls", 0))

    @admin.display(description=gettext_lazy("last outcome"))
    def last_outcome(self, obj: Any) -> str:
        code = getattr(obj, "last_outcome_code", None)
        return str(dict(CallAttempt.Outcome.choices).get(code, "")) if code else ""

    # --- the call screen ----------------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:entry_id>/call/start/",
                self.admin_site.admin_view(self.call_start_view),
                name="reminders_calllistentry_call_start",
            ),
            path(
                "<int:entry_id>/call/outcome/",
                self.admin_site.admin_view(self.call_outcome_view),
                name="reminders_calllistentry_call_outcome",
            ),
            *super().get_urls(),
        ]

    def _screen(
        self, request: HttpRequest, entry_id: int, form: CallOutcomeForm | None = None
    ) -> HttpResponse:
        staff = _staff(request)
        screen = call_screen(
            entry_id=entry_id, staff_id=staff.pk, now=clock.now(), today=clock.business_date_today()
        )
        if screen is None:
            return self._missing(request, str(entry_id))
        return admin_page(
            self,
            request,
            "admin/reminders/calllistentry/call.html",
            title=_("Call %(name)s") % {"name": screen.contact.full_name},
            **call_screen_context(
                screen,
                form=form or CallOutcomeForm(),
                may_call=staff.has_perm(services.CALL_PERMISSION),
            ),
        )

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        try:
            entry_id = int(object_id)
        except ValueError:
            return self._missing(request, object_id)
        return self._screen(request, entry_id)

    def _missing(self, request: HttpRequest, object_id: str) -> HttpResponseRedirect:
        """As the admin answers a change page whose object is gone: a message and its index."""
        self.message_user(
            request,
            _("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?")
            % {"name": self.opts.verbose_name, "key": object_id},
            messages.WARNING,
        )
        return HttpResponseRedirect(reverse(f"{self.admin_site.name}:index"))

    def _may_call(self, request: HttpRequest) -> User:
        staff = _staff(request)
        if not staff.has_perm(services.CALL_PERMISSION):
            raise PermissionDenied
        return staff

    def _back(self, entry_id: int) -> HttpResponseRedirect:
        return HttpResponseRedirect(
            reverse(f"{self.admin_site.name}:reminders_calllistentry_change", args=[entry_id])
        )

    def call_start_view(self, request: HttpRequest, entry_id: int) -> HttpResponse:
        staff = self._may_call(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            services.call_start(actor=staff, entry_id=entry_id)
        except ApplicationError as refused:
            self.message_user(request, refused.message, messages.ERROR)
        else:
            self.message_user(request, _("Call started: dial the number shown, then record what happened."))
        return self._back(entry_id)

    def call_outcome_view(self, request: HttpRequest, entry_id: int) -> HttpResponse:
        staff = self._may_call(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = CallOutcomeForm(request.POST)
        attempt = CallAttempt.objects.filter(entry_id=entry_id, staff=staff, ended_at__isnull=True).first()
        if attempt is None:
            self.message_user(request, _("Start the call before recording its outcome."), messages.ERROR)
            return self._back(entry_id)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.call_outcome_record(
                    actor=staff,
                    attempt_id=attempt.pk,
                    outcome=data["outcome"],
                    note=data["note"],
                    promise_amount=data["promise_amount"],
                    promise_pay_by=data["promise_pay_by"],
                )
            except ApplicationError as refused:
                form.add_error(None, refused.message)
            else:
                self.message_user(request, _("The call's outcome is recorded."), messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse(f"{self.admin_site.name}:reminders_calllistentry_changelist")
                )
        response = self._screen(request, entry_id, form=form)
        if isinstance(response, TemplateResponse):
            response.status_code = 400
        return response


@admin.register(CallAttempt)
class CallAttemptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[CallAttempt]):
    class Media:
        css = {"all": ("css/reminders-admin.css",)}

    list_display = ("started_at", "borrower", "staff", "local_day", "outcome", "ended_at")
    list_filter = ("outcome",)
    list_select_related = ("borrower", "staff")
    search_fields = ("=borrower__customer_number",)
    actions = None


@admin.register(ContactFlag)
class ContactFlagAdmin(ReadOnlyAdminMixin, ObjectActionAdminMixin[ContactFlag]):
    """Open flags first. A flag is cleared on its page (`<id>/clear/`), with a note; never deleted."""

    class Media:
        css = {"all": ("css/reminders-admin.css",)}

    object_action_path = "clear"
    object_action_kwarg = "flag_id"
    object_action_permission = services.CALL_PERMISSION
    object_action_form_class = FlagClearForm
    object_action_template = "admin/reminders/contactflag/clear.html"
    object_action_related = ("borrower", "set_by")

    list_display = ("borrower", "kind", "set_at", "set_by", "clear_link", "cleared_at", "cleared_by")
    list_filter = ("kind",)
    list_select_related = ("borrower", "set_by", "cleared_by")
    actions = None

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        return [F("cleared_at").desc(nulls_first=True), "-set_at"]

    @admin.display(description=gettext_lazy("clear"))
    def clear_link(self, obj: ContactFlag) -> str:
        if obj.cleared_at is not None:
            return ""
        return format_html('<a href="{}">{}</a>', self.object_action_url(obj), _("Clear the flag"))

    def object_action_calls(
        self, request: HttpRequest, obj: ContactFlag, data: dict[str, Any]
    ) -> dict[str, Any]:
        staff = _staff(request)
        return {"clear": lambda: services.contact_flag_clear(actor=staff, flag_id=obj.pk, note=data["note"])}

    def object_action_title(self, obj: ContactFlag) -> str:
        return _("Clear the flag: %(kind)s") % {"kind": obj.get_kind_display()}

    def object_action_done_message(self, obj: ContactFlag) -> str:
        return _("The flag is cleared: calls and reminders may reach the borrower again.")

    def object_action_context(self, obj: ContactFlag) -> dict[str, Any]:
        return {"flag": obj}
