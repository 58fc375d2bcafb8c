"""Borrowers in the admin: each staff group sees only what its work needs (issue 9, finding 4).

Who sees what:

* Support calls and answers borrowers: customer number, name, the phone masked (138****8001), language,
  time zone and whether an account is linked.
* Hardship reviewers and approvers judge a request: customer number, name, language and the financial
  picture (each loan with what is owed and how late it is).
* Nobody who only reads sees the full phone, the date of birth or the ID's last 4: with a loan reference
  they are everything needed to link the loan. They are shown only on the edit form, to staff who may
  change borrowers (superusers, or someone given `change_borrowerprofile` by hand); no group has that.
  There is deliberately no "show full record" button for the read-only groups: none of their work needs it.
* Every opening of a borrower's page is audited (`borrower.record_viewed`, with the fields shown and the
  client IP).

The masks cannot be worked around from the querystring: `lookup_allowed` refuses every field lookup on
this list (Django admin otherwise lets `?phone__startswith=1380` or `?date_of_birth__year=1998` through),
only the columns shown unmasked can be sorted (sorting by a masked phone would order the hidden digits),
and search matches the customer number exactly, the name, or exactly the last 4 digits of the phone.
Matching any other run of the phone's end would let one type 0–9 before the 4 digits shown and read the
hidden ones a digit at a time; an exact full phone would confirm a guess of the 4 hidden digits in at
most 10,000 tries. The loan and payment lists search the borrower's phone the same way.
"""

import re
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from borrowers import services
from borrowers.admin.common import staff_user
from borrowers.forms_admin import BorrowerProfileAdminForm
from borrowers.models import BorrowerProfile
from core.admin import AuditedModelAdmin, admin_page
from core.services import audit_record
from core.templatetags.money import money

PHONE_LAST4 = re.compile(r"[0-9]{4}")

SUPPORT_FIELDS = (
    "customer_number",
    "full_name",
    "phone_to_call",
    "preferred_language",
    "time_zone",
    "linked",
    "loans_owed",
)
HARDSHIP_FIELDS = ("customer_number", "full_name", "preferred_language", "loans_owed")
GROUP_FIELDS: dict[str, tuple[str, ...]] = {
    "Support": SUPPORT_FIELDS,
    "Hardship reviewers": HARDSHIP_FIELDS,
    "Hardship approvers": HARDSHIP_FIELDS,
}
# Someone who may read borrowers without being in a group above (a permission given by hand).
MINIMAL_FIELDS = ("customer_number", "full_name")
# The edit form, for staff who may change borrowers: the full record.
FULL_FIELDS = (
    "customer_number",
    "full_name",
    "phone",
    "national_id",
    "national_id_last4",
    "date_of_birth",
    "preferred_language",
    "time_zone",
    "user",
    "created_at",
)
DISPLAYED = ("phone_masked", "phone_to_call", "linked", "loans_owed")


def sees_phone(request: HttpRequest) -> bool:
    """Whether this member of staff is shown a borrower's phone (masked or in full) anywhere."""
    if request.user.has_perm("borrowers.change_borrowerprofile"):
        return True
    names = request.user.groups.values_list("name", flat=True)
    return any("phone_to_call" in GROUP_FIELDS.get(name, ()) for name in names)


class PhoneLast4SearchMixin:
    """Search adds one phone match: a term of exactly 4 digits against the end of `phone_path`, for
    staff who are shown the phone. For anyone else it would reveal the 4 digits they are never shown,
    one guess at a time (hardship staff see no phone at all)."""

    phone_path = "phone"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        found, may_have_duplicates = super().get_search_results(  # type: ignore[misc]
            request, queryset, search_term
        )
        term = search_term.strip()
        if PHONE_LAST4.fullmatch(term) and sees_phone(request):
            found |= queryset.filter(**{f"{self.phone_path}__endswith": term})
        return found, may_have_duplicates


def shown_fields(
    request: HttpRequest, model_admin: admin.ModelAdmin[Any], obj: Model | None
) -> tuple[str, ...]:
    """The fields of a borrower this member of staff may see (see the module notes)."""
    if model_admin.has_change_permission(request, obj):
        return FULL_FIELDS
    names = set(request.user.groups.values_list("name", flat=True))
    fields: list[str] = []
    for group, group_fields in GROUP_FIELDS.items():
        if group in names:
            fields += [name for name in group_fields if name not in fields]
    return tuple(fields) or MINIMAL_FIELDS


@admin.register(BorrowerProfile)
class BorrowerProfileAdmin(PhoneLast4SearchMixin, AuditedModelAdmin[BorrowerProfile]):
    form = BorrowerProfileAdminForm
    audit_values = False  # personal data: the audit row names the changed fields, not their values
    list_display = ("customer_number", "full_name", "phone_masked", "linked")
    sortable_by = ("customer_number", "full_name")
    search_fields = ("=customer_number", "full_name")
    list_select_related = ("user",)
    fields = FULL_FIELDS
    # The account is linked only by the borrower proving who they are (services.loan_link).
    readonly_fields = ("national_id_last4", "user", "created_at", *DISPLAYED)

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        return False  # no filter on this list: any field lookup would read past the masks

    def get_list_display(self, request: HttpRequest) -> tuple[str, ...]:
        shown = shown_fields(request, self, None)
        if "phone" in shown or "phone_masked" in shown:
            return ("customer_number", "full_name", "phone_masked", "linked")
        return ("customer_number", "full_name", "linked")

    def get_fields(self, request: HttpRequest, obj: BorrowerProfile | None = None) -> tuple[str, ...]:
        return shown_fields(request, self, obj)

    @admin.display(description=gettext_lazy("mobile phone"))
    def phone_masked(self, obj: BorrowerProfile) -> str:
        return obj.phone_masked

    @admin.display(description=gettext_lazy("mobile phone"))
    def phone_to_call(self, obj: BorrowerProfile) -> str:
        # A button of the change form itself (which carries the CSRF token), posting to the reveal page.
        return format_html(
            '{} <button type="submit" formmethod="post" formaction="{}" class="button">{}</button>',
            obj.phone_masked,
            reverse("admin:borrowers_borrowerprofile_phone", args=[obj.pk]),
            _("Show the number to call"),
        )

    @admin.display(description=gettext_lazy("account linked"), boolean=True)
    def linked(self, obj: BorrowerProfile) -> bool:
        # A closed account (privacy deletion) is no longer anyone's way in.
        return obj.user is not None and obj.user.is_active

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:profile_id>/phone/",
                self.admin_site.admin_view(self.phone_view),
                name="borrowers_borrowerprofile_phone",
            ),
            *super().get_urls(),
        ]

    def phone_view(self, request: HttpRequest, profile_id: int) -> HttpResponse:
        """The full number, for Support to phone the borrower: asked for by a POST, one audit row each."""
        if not (self.has_view_permission(request) and sees_phone(request)):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        profile = get_object_or_404(BorrowerProfile, pk=profile_id)
        audit_record(action="borrower.phone_revealed", actor=request.user, target=profile, request=request)
        return admin_page(
            self,
            request,
            "admin/borrowers/borrowerprofile/phone.html",
            title=_("Call %(name)s") % {"name": profile.full_name},
            original=profile,
            phone=profile.phone,
        )

    @admin.display(description=gettext_lazy("loans"))
    def loans_owed(self, obj: BorrowerProfile) -> str:
        loans = list(obj.loans.order_by("-disbursed_on", "reference"))
        if not loans:
            return _("No loans.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a>: {}</li>',
                (
                    (
                        reverse("admin:borrowers_loan_change", args=[loan.pk]),
                        loan.reference,
                        _("%(owed)s owed, %(days)d days past due, %(status)s")
                        % {
                            "owed": money(loan.total_balance),
                            "days": loan.days_past_due,
                            "status": loan.get_status_display(),
                        },
                    )
                    for loan in loans
                ),
            ),
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            profile = self.get_object(request, object_id)
            if profile is not None:
                shown = shown_fields(request, self, profile)
                # A staff page view that writes one row: who read which borrower's record, and what of it.
                audit_record(
                    action="borrower.record_viewed",
                    actor=request.user,
                    target=profile,
                    data={"fields": [name for name in shown if name != "national_id"]},
                    request=request,
                )
        return response

    def save_model(self, request: HttpRequest, obj: BorrowerProfile, form: Any, change: bool) -> None:
        # The service hashes the national ID number and writes the audit row this admin would (the
        # changed fields' names only: audit_values is off), in the change form's transaction.
        services.borrower_profile_save(
            profile=obj,
            national_id=form.cleaned_data.get("national_id") or "",
            changed_fields=form.changed_data,
            saved_by=staff_user(request),
            request=request,
        )
