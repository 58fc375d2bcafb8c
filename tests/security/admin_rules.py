"""The admin, model by model: who opens each registered model's list, add, change, delete and history page.

Expected answers come from two places, so a permission granted by mistake shows up either way:

- the role's actual permissions (a staff group's, read from the database): the list, change and history
  pages open with view or change permission, add with add, delete with delete; otherwise 403;
- `ADMIN_REFUSES`: what the admin refuses to everyone, superusers included (the ledger is never edited,
  the outbox is read-only…), written by hand from what the code promises;

and `SENSITIVE_ALLOWED` caps what each group may ever hold on the models that guard money, identity and
access: `test_no_group_holds_a_sensitive_permission_beyond_its_list` fails on anything more.
"""

from django.contrib import admin
from django.db.models import Model
from django.urls import reverse

from accounts.models import User
from tests.security.access_rules import DENY, LOGIN, REDIRECT, Expect
from tests.security.world import STAFF_NO_FACTOR, STAFF_PREFIX, SUPERUSER, VISITOR

ACTIONS = ("changelist", "add", "change", "delete", "history")
OBJECT_ACTIONS = {"change", "delete", "history"}

# model label -> admin actions nobody may take, whatever their permissions (from the ModelAdmins' promises).
ADMIN_REFUSES: dict[str, set[str]] = {
    # Money moves only through the services; loans, payments, the ledger and imports are never edited.
    "borrowers.ledgerentry": {"add", "delete"},
    "borrowers.loan": {"delete"},
    "borrowers.payment": {"delete"},
    "borrowers.importjob": {"delete"},
    # Close-of-business runs are the nightly job's record: read, never added, edited or deleted.
    "borrowers.closerun": {"add", "delete"},
    # A restructuring is the loan's history: written by accepting an offer, never added or deleted here.
    "borrowers.restructure": {"add", "delete"},
    # A promise to pay changes only through the services (made, paid towards, broken): read here.
    "borrowers.promisetopay": {"add", "delete"},
    # Applications come from borrowers and change only through the review page's services; the hardship
    # policy is one row.
    "hardship.application": {"add", "delete"},
    "hardship.hardshippolicy": {"add", "delete"},
    # Borrowers' budgets are theirs: staff read them.
    "budget.budget": {"add", "delete"},
    # The outbox is written by the code only.
    "notifications.outboundemail": {"add", "delete"},
    # The message log and the SMS provider's delivery reports are written by the code only.
    "notifications.message": {"add", "delete"},
    "notifications.providerreceipt": {"add", "delete"},
    # Consent records moved here from privacy (notifications 0003): still append-only.
    "notifications.consentrecord": {"add", "delete"},
    # Reminder rules are turned off, never deleted (their messages name them). The call list is built
    # after close of business, calls are started and ended on the call screen, flags are raised by a
    # call's outcome and cleared on their page: none is added or deleted here.
    "reminders.reminderrule": {"delete"},
    "reminders.calllistentry": {"add", "delete"},
    "reminders.callattempt": {"add", "delete"},
    "reminders.contactflag": {"add", "delete"},
    # The audit trail: nobody adds, changes or deletes an event.
    "core.auditevent": {"add", "delete"},
    # A factor is enrolled by its owner, a session made by signing in: never from the admin (both may
    # be deleted there: removing a lost factor, ending a session).
    "mfa.authenticator": {"add"},
    "usersessions.usersession": {"add"},
    # One set of contact details, never deleted.
    "portal.contactdetails": {"add", "delete"},
    # Messages come from borrowers and are never deleted.
    "portal.supportmessage": {"add", "delete"},
    # The world's question belongs to a published lesson: only a draft's questions change or go.
    "education.question": {"delete"},
    # Privacy requests come from borrowers, consent is append-only, holds come from carried-out deletions.
    "privacy.privacyrequest": {"add", "delete"},
    "privacy.consentrecord": {"add", "delete"},
    "privacy.retentionhold": {"add", "delete"},
}

# Models whose permissions guard money, identity or access. A group may hold only what is listed.
SENSITIVE_MODELS = (
    "accounts.user",
    "auth.group",
    "auth.permission",
    "account.emailaddress",
    "mfa.authenticator",
    "usersessions.usersession",
    "core.auditevent",
    "notifications.outboundemail",
    "notifications.message",
    "borrowers.borrowerprofile",
    "borrowers.loan",
    "borrowers.instalment",
    "borrowers.ledgerentry",
    "borrowers.payment",
    "borrowers.importjob",
    "borrowers.loanproduct",
    "borrowers.overduepolicy",
    "portal.repaymentaccount",
    "portal.contactdetails",
    "privacy.privacyrequest",
    "privacy.consentrecord",
    "privacy.retentionhold",
    "borrowers.restructure",
    "hardship.application",
    "hardship.evidence",
    "hardship.offer",
    "hardship.hardshippolicy",
)
_READ_MONEY = {
    "borrowers.view_borrowerprofile",
    "borrowers.view_loan",
    "borrowers.view_instalment",
    "borrowers.view_payment",
    "borrowers.view_ledgerentry",
}
# Hardship staff read applications, their documents and offers, and the restructurings applied
# (hardship 0002); approvers also give second approvals and set the hardship policy.
_HARDSHIP_REVIEW = {
    "hardship.view_application",
    "hardship.review_application",
    "hardship.view_evidence",
    "hardship.view_offer",
    "hardship.view_hardshippolicy",
    "borrowers.view_restructure",
}
SENSITIVE_ALLOWED: dict[str, set[str]] = {
    "Auditors": {"core.view_auditevent"},
    "Content editors": set(),
    "Hardship reviewers": {"accounts.view_user", *_READ_MONEY, *_HARDSHIP_REVIEW},
    "Hardship approvers": {
        "accounts.view_user",
        *_READ_MONEY,
        *_HARDSHIP_REVIEW,
        "hardship.approve_offer",
        "hardship.change_hardshippolicy",
    },
    "Support": {
        "accounts.view_user",
        "notifications.view_outboundemail",
        # The message log (notifications 0005): did the reminder go out, and when.
        "notifications.view_message",
        "portal.view_contactdetails",
        "portal.view_repaymentaccount",
        # Support handles borrowers' privacy requests (privacy 0002).
        "privacy.view_privacyrequest",
        "privacy.change_privacyrequest",
        "privacy.view_consentrecord",
        "privacy.view_retentionhold",
        *_READ_MONEY,
    },
}
# A group not listed above (a new team) may hold no sensitive permission until someone writes its line.


def sensitive(permission: str) -> bool:
    app_label, codename = permission.split(".", 1)
    model = codename.split("_", 1)[1] if "_" in codename else ""
    return f"{app_label}.{model}" in SENSITIVE_MODELS


def model_action_key(model: type[Model], action: str) -> str:
    return f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}"


def old_style_key(model: type[Model]) -> str:
    """The admin's unnamed admin/<app>/<model>/<pk>/ pattern, which redirects to the change page."""
    return f"admin:admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/"


def model_admin_keys() -> set[str]:
    keys = {model_action_key(model, action) for model in admin.site._registry for action in ACTIONS}
    return keys | {old_style_key(model) for model in admin.site._registry}


def expected_admin(
    model: type[Model], action: str, role: str, user: User | None, *, missing: bool = False
) -> Expect:
    expect = _expected_admin(model, action, role, user)
    staff = role.startswith(STAFF_PREFIX) or role == SUPERUSER
    if missing and staff and action in OBJECT_ACTIONS and (expect == 200 or action == "history"):
        return REDIRECT
    return expect


def _expected_admin(model: type[Model], action: str, role: str, user: User | None) -> Expect:
    if role == VISITOR:
        return LOGIN
    if user is None or role == STAFF_NO_FACTOR or not (role.startswith(STAFF_PREFIX) or role == SUPERUSER):
        return DENY
    if action == "old_style":
        return REDIRECT
    if action in ADMIN_REFUSES.get(model._meta.label_lower, set()):
        return 403
    opts = model._meta
    can = {
        verb: user.has_perm(f"{opts.app_label}.{verb}_{opts.model_name}")
        for verb in ("view", "add", "change", "delete")
    }
    allowed = {
        "changelist": can["view"] or can["change"],
        "change": can["view"] or can["change"],
        "history": can["view"] or can["change"],
        "add": can["add"],
        "delete": can["delete"],
    }[action]
    return 200 if allowed else 403


def expected_app_list(app_label: str, role: str, user: User | None) -> Expect:
    """An app's page in the admin opens for staff who hold any permission in that app."""
    if role == VISITOR:
        return LOGIN
    if user is None or role == STAFF_NO_FACTOR or not (role.startswith(STAFF_PREFIX) or role == SUPERUSER):
        return DENY
    return 200 if user.has_module_perms(app_label) else 404


MISSING_PK = "999999999"


def admin_model_urls(model: type[Model]) -> tuple[dict[str, str], bool]:
    """The pages of a registered model for its first row, and whether there is one.

    The world makes a row of nearly every model; for one it cannot (a retention hold needs a carried-out
    deletion) the object pages are opened for a missing row: the admin checks the permission first,
    then sends those who have it back to the list (see `expected_admin(..., missing=True)`).
    """
    instance = model._default_manager.order_by("pk").first()
    pk = str(instance.pk) if instance is not None else MISSING_PK
    urls = {}
    for action in ACTIONS:
        args = [pk] if action in OBJECT_ACTIONS else []
        urls[action] = reverse(model_action_key(model, action), args=args)
    urls["old_style"] = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{pk}/"
    return urls, instance is not None


def app_labels() -> list[str]:
    return sorted({model._meta.app_label for model in admin.site._registry})
