"""Who may open what: the expected answer to a GET of every URL pattern, for every role.

Keyed by the URL pattern's name ("namespace:name"; the route for an unnamed one). A pattern with no rule
here (and not one of the admin's per-model pages, which admin_rules.py derives from the groups'
permissions) fails `test_every_url_pattern_has_a_rule`: a new view is never left out by accident.

A rule is one or more `Case`s: the URL's arguments (a name in brackets is looked up in the world's
objects, e.g. "{loan_a_current}") and the expected answer per role. Roles are looked up from the most to
the least specific name:

    visitor | borrower_a, borrower_b -> borrower | staff:<group> -> staff | staff_no_factor | superuser
    then staff_any (every staff member, with or without a factor, and the superuser), then signed_in, then *

An expected answer is a status code or one of:
    LOGIN     302 to the sign-in page (allauth's, or the admin's, which hands over to allauth)
    REDIRECT  any 302
    DENY      no page: 403, 404, or a 302 that does not lead into the admin or the staff pages
    REAUTH    200, or a 302 to confirm the password (or the code) again: allauth asks before it
              shows or changes a factor, or closes an account
    ANY       any answer but a 5xx (pages whose answer depends on a sign-in's age, say)
"""

from dataclasses import dataclass, field

LOGIN = "login"
REDIRECT = "redirect"
REAUTH = "reauth"
DENY = "deny"
ANY = "any"

Expect = int | str
RoleTable = dict[str, Expect]


@dataclass(frozen=True)
class Case:
    expect: RoleTable
    variant: str = ""
    kwargs: dict[str, str] = field(default_factory=dict)
    query: str = ""
    path: str = ""  # for an unnamed pattern with parameters (it cannot be reversed)


# --- shorthand -------------------------------------------------------------------------------------

PUBLIC: RoleTable = {"*": 200}
SIGNED_IN: RoleTable = {"visitor": LOGIN, "*": 200}
# A signed-in person is sent on (to the dashboard, or away from a form only visitors need).
VISITOR_PAGE: RoleTable = {"visitor": 200, "*": REDIRECT}
VISITOR_REDIRECT: RoleTable = {"*": REDIRECT}
OWNED_BY_A: RoleTable = {"visitor": LOGIN, "borrower_a": 200, "*": 404}
NOBODYS: RoleTable = {"visitor": LOGIN, "*": 404}
# Staff pages outside the admin: staff with a factor and the right permission; nobody else.
STAFF_ONLY: RoleTable = {"visitor": DENY, "signed_in": DENY, "staff_no_factor": DENY, "superuser": 200}
ADMIN_STAFF: RoleTable = {"visitor": LOGIN, "signed_in": DENY, "staff": 200, "superuser": 200}
# allauth's "2FA" pages. Staff without a factor may reach the enrolment flow (that is the point of it).
MFA_PAGE: RoleTable = {"visitor": LOGIN, "*": 200}
# Recovery codes: for those with a factor, after confirming the code again; nobody else has any.
RECOVERY_CODES: RoleTable = {"visitor": LOGIN, "borrower": DENY, "staff_no_factor": DENY, "*": REAUTH}


def staff_with(*groups: str) -> RoleTable:
    """A staff page that the named groups (and the superuser) open; other staff get 403 or 404."""
    table: RoleTable = {"visitor": DENY, "signed_in": DENY, "staff": DENY, "superuser": 200}
    table.update({f"staff:{group}": 200 for group in groups})
    return table


RULES: dict[str, tuple[Case, ...]] = {
    # --- portal -------------------------------------------------------------------------------------
    "portal:home": (Case({"visitor": 200, "borrower": REDIRECT, "*": ANY}),),
    "portal:dashboard": (Case(SIGNED_IN),),
    "portal:help": (Case(PUBLIC),),
    "portal:help_messages": (
        Case(SIGNED_IN),
        Case(SIGNED_IN, "prefilled-own", query="topic=promise_to_pay&loan={loan_a_overdue}"),
        # Another borrower's loan in the prefill is ignored, never shown.
        Case(SIGNED_IN, "prefilled-theirs", query="topic=promise_to_pay&loan={loan_b}"),
    ),
    "portal:help_message": (
        Case(OWNED_BY_A, "own", {"pk": "{message_a}"}),
        Case({"visitor": LOGIN, "borrower_b": 200, "*": 404}, "theirs", {"pk": "{message_b}"}),
        Case(NOBODYS, "missing", {"pk": "999999999"}),
    ),
    "portal:healthz": (Case(PUBLIC),),
    # --- loans --------------------------------------------------------------------------------------
    "borrowers:loans": (Case(SIGNED_IN),),
    "borrowers:link": (Case(SIGNED_IN),),
    "borrowers:detail": (
        Case(OWNED_BY_A, "current", {"reference": "{loan_a_current}"}),
        Case(OWNED_BY_A, "overdue", {"reference": "{loan_a_overdue}"}),
        Case(OWNED_BY_A, "htmx-pay-on", {"reference": "{loan_a_overdue}"}, "pay_on=2027-01-15"),
        Case(OWNED_BY_A, "paid-off", {"reference": "{loan_a_paid_off}"}),
        Case({"visitor": LOGIN, "borrower_b": 200, "*": 404}, "b", {"reference": "{loan_b}"}),
        # Nobody's account holds it yet: a 404 like any unknown reference, never a page.
        Case(NOBODYS, "unlinked", {"reference": "{loan_unlinked}"}),
        Case(NOBODYS, "missing", {"reference": "AX-NOPE-0000"}),
    ),
    "borrowers:settlement": (
        Case(OWNED_BY_A, "paid-off", {"reference": "{loan_a_paid_off}"}),
        Case(NOBODYS, "not-settled", {"reference": "{loan_a_current}"}),
        Case(NOBODYS, "b", {"reference": "{loan_b}"}),
    ),
    # A promise to pay (the page answers a loan not overdue with why) and the due-day move: the owner's.
    "borrowers:promise": (
        Case(OWNED_BY_A, "overdue", {"reference": "{loan_a_overdue}"}),
        Case(OWNED_BY_A, "current", {"reference": "{loan_a_current}"}),
        Case(OWNED_BY_A, "from-reminder", {"reference": "{loan_a_overdue}"}, "from=reminder"),
        Case({"visitor": LOGIN, "borrower_b": 200, "*": 404}, "b", {"reference": "{loan_b}"}),
        Case(NOBODYS, "unlinked", {"reference": "{loan_unlinked}"}),
        Case(NOBODYS, "missing", {"reference": "AX-NOPE-0000"}),
    ),
    "borrowers:due_day": (
        Case(OWNED_BY_A, "current", {"reference": "{loan_a_current}"}),
        Case(OWNED_BY_A, "preview", {"reference": "{loan_a_current}"}, "day=25"),
        Case(OWNED_BY_A, "overdue", {"reference": "{loan_a_overdue}"}),
        Case({"visitor": LOGIN, "borrower_b": 200, "*": 404}, "b", {"reference": "{loan_b}"}, "day=25"),
        Case(NOBODYS, "unlinked", {"reference": "{loan_unlinked}"}),
        Case(NOBODYS, "missing", {"reference": "AX-NOPE-0000"}),
    ),
    "budget:budget": (Case(PUBLIC),),
    # --- planner ------------------------------------------------------------------------------------
    "repayment:plan": (
        Case(PUBLIC),
        Case(
            PUBLIC,
            "result",
            query="principal=10000&method=equal_instalment&annual_rate=12&months=12&start=2026-01-15",
        ),
        Case(
            PUBLIC,
            "csv",
            query="principal=10000&method=equal_instalment&annual_rate=12&months=12&start=2026-01-15"
            "&format=csv",
        ),
    ),
    "repayment:compare": (Case(PUBLIC),),
    # The export of someone with no loan is refused as a bad request (there is nothing to export).
    "repayment:my_loans": (
        Case(SIGNED_IN),
        Case({"visitor": LOGIN, "borrower": 200, "*": 400}, "csv", query="format=csv"),
    ),
    # A contract's real rate: open to everyone, like the planner; refused input is a 200 with the message.
    "repayment:true_rate": (
        Case(PUBLIC),
        Case(
            PUBLIC,
            "fees",
            query="principal=10000&received=9500&payment=913.33&months=12&fee=20&fee_timing=monthly",
        ),
        Case(PUBLIC, "never-repays", query="principal=10000&payment=100&months=12"),
    ),
    # --- learn --------------------------------------------------------------------------------------
    "education:index": (Case(PUBLIC),),
    "education:review": (Case(SIGNED_IN),),
    "education:preview": (
        Case(
            # Drafts: staff who may read lessons in the admin; to anyone else there is nothing here.
            {
                "visitor": LOGIN,
                "signed_in": 404,
                "staff_no_factor": DENY,
                "superuser": 200,
                "staff": 404,
                "staff:Content editors": 200,
            },
            "lesson",
            {"lesson_id": "{lesson_id}"},
        ),
        Case({"visitor": LOGIN, "*": DENY}, "missing", {"lesson_id": "999999999"}),
    ),
    "education:course": (
        Case(PUBLIC, "course", {"course_key": "{course_key}"}),
        Case({"*": 404}, "missing", {"course_key": "no-such-course"}),
    ),
    "education:certificate": (
        Case(OWNED_BY_A, "completed", {"course_key": "{course_key}"}),
        Case(NOBODYS, "missing", {"course_key": "no-such-course"}),
    ),
    "education:lesson": (
        Case(PUBLIC, "lesson", {"course_key": "{course_key}", "lesson_key": "{lesson_key}"}),
        Case({"*": 404}, "missing", {"course_key": "{course_key}", "lesson_key": "no-such-lesson"}),
    ),
    # GET sends the reader to the lesson page; only POST scores.
    "education:quiz": (
        Case(VISITOR_REDIRECT, "lesson", {"course_key": "{course_key}", "lesson_key": "{lesson_key}"}),
    ),
    # --- site ---------------------------------------------------------------------------------------
    "set_language": (Case({"*": REDIRECT}),),  # GET changes nothing and sends back
    "favicon.ico": (Case({"*": 302}),),
    # --- allauth: signing in and up (a signed-in person is sent on) ---------------------------------
    "account_login": (Case(VISITOR_PAGE),),
    "account_signup": (Case(VISITOR_PAGE),),
    "account_logout": (Case({"visitor": REDIRECT, "*": 200}),),  # GET asks; only POST signs out
    "account_inactive": (Case(PUBLIC),),
    "account_reauthenticate": (Case(SIGNED_IN),),
    # Login and reauthentication by code are off (ACCOUNT_LOGIN_BY_CODE_ENABLED).
    "account_request_reauthentication_code": (Case({"visitor": LOGIN, "*": ANY}),),
    "account_confirm_reauthentication_code": (Case({"visitor": LOGIN, "*": ANY}),),
    "account_confirm_login_code": (Case({"*": ANY}),),
    # A staff member without a factor may change neither the login address nor the password: with a
    # stolen password that would send the next enrolment link to the thief (accounts.middleware).
    "account_email": (Case(SIGNED_IN | {"staff_no_factor": DENY}),),
    "account_email_verification_sent": (Case(PUBLIC),),
    "account_change_password": (Case(SIGNED_IN | {"staff_no_factor": DENY}),),
    "account_set_password": (Case({"visitor": LOGIN, "*": REDIRECT}),),  # every account has a password
    "account_reset_password": (Case(PUBLIC),),
    "account_reset_password_done": (Case(PUBLIC),),
    "account_reset_password_from_key": (Case(PUBLIC, "expired", {"uidb36": "1", "key": "expired-key"}),),
    "account_reset_password_from_key_done": (Case(PUBLIC),),
    "account_confirm_email": (Case(PUBLIC, "expired", {"key": "expired-key"}),),
    # --- allauth: two-factor -----------------------------------------------------------------------
    "mfa_index": (Case(MFA_PAGE),),
    # Only during a sign-in that waits for its code; anyone else is sent away.
    "mfa_authenticate": (Case({"*": REDIRECT}),),
    "mfa_reauthenticate": (Case({"visitor": LOGIN, "*": ANY}),),
    # Borrowers may enrol; staff with a factor are sent on to the 2FA page; staff without one are
    # refused: a password alone must not enrol a first factor (only an enrolment link does).
    "mfa_activate_totp": (
        Case({"visitor": LOGIN, "borrower": REAUTH, "staff_no_factor": DENY, "*": REDIRECT}),
    ),
    # Staff may not remove their factor; borrowers have none to remove.
    "mfa_deactivate_totp": (Case({"visitor": LOGIN, "*": DENY}),),
    "mfa_view_recovery_codes": (Case(RECOVERY_CODES),),
    "mfa_generate_recovery_codes": (Case(RECOVERY_CODES),),
    "mfa_download_recovery_codes": (Case(RECOVERY_CODES),),
    "usersessions_list": (Case(SIGNED_IN),),
    # --- the admin's own pages (the per-model pages are in admin_rules.py) ----------------------------
    "admin:index": (Case(ADMIN_STAFF),),
    # The admin's login hands over to allauth's (rate limits and the TOTP stage apply).
    # Signed in but not staff (or staff without a factor): refused outright.
    "admin:login": (Case({"visitor": REDIRECT, "signed_in": 403, "staff": REDIRECT, "superuser": REDIRECT}),),
    # POST only; anyone not staff is sent back to the admin's door (which refuses them).
    "admin:logout": (
        Case(
            {
                "visitor": REDIRECT,
                "signed_in": REDIRECT,
                "staff_no_factor": DENY,
                "staff": 405,
                "superuser": 405,
            }
        ),
    ),
    "admin:password_change": (Case(ADMIN_STAFF),),
    "admin:password_change_done": (Case(ADMIN_STAFF),),
    "admin:jsi18n": (Case(ADMIN_STAFF),),
    "admin:autocomplete": (Case({"visitor": LOGIN, "signed_in": DENY, "*": 403}),),  # needs its params
    "admin:view_on_site": (
        Case(
            {"visitor": LOGIN, "signed_in": DENY, "*": 404},
            "nothing",
            {"content_type_id": "0", "object_id": "1"},
        ),
    ),
    # --- the admin's extra per-object pages ------------------------------------------------------------
    "admin:education_lesson_versions": (
        Case(staff_with("Content editors"), "lesson", {"lesson_id": "{lesson_id}"}),
    ),
    "admin:education_lesson_workflow": (
        Case(staff_with("Content editors"), "lesson", {"lesson_id": "{lesson_id}"}),
    ),
    "admin:education_lesson_restore": (
        Case(
            {
                "visitor": LOGIN,
                "signed_in": DENY,
                "staff": DENY,
                "staff:Content editors": 405,
                "superuser": 405,
            },
            "lesson",
            {"lesson_id": "{lesson_id}", "number": "999999"},
        ),
    ),
    # Another person's password, set by hand: only the superuser (nobody else holds change_user).
    "admin:auth_user_password_change": (Case(staff_with(), "borrower-a", {"id": "{borrower_a_id}"}),),
    "admin:borrowers_importjob_progress": (
        Case(
            staff_with() | {"staff": 403},  # view_importjob: no group holds it
            "job",
            {"object_id": "{import_job}"},
        ),
    ),
    # Answering needs change_supportmessage (Support); GET shows the form.
    "admin:portal_supportmessage_answer": (
        Case(staff_with("Support") | {"staff": 403}, "message-a", {"message_id": "{message_a}"}),
    ),
    # The full number to call: Support only, and only by a POST (audited); a GET reveals nothing (405).
    "admin:borrowers_borrowerprofile_phone": (
        Case(
            staff_with("Support") | {"staff:Support": 405, "superuser": 405, "staff": 403},
            "profile-a",
            {"profile_id": "{profile_a}"},
        ),
    ),
    "admin:privacy_privacyrequest_handle": (
        Case(staff_with("Support") | {"staff": 403}, "request-a", {"request_id": "{privacy_request_a}"}),
    ),
    # The admin's "no such page" and its old-style object URLs (a redirect to the change page).
    "admin:admin/(?P<url>.*)$": (
        Case(
            {"visitor": LOGIN, "signed_in": DENY, "staff": 404, "superuser": 404},
            "unknown",
            path="/admin/no/such/page/",
        ),
    ),
    # --- reminders: Support's calls (admin) --------------------------------------------------------------
    # Starting a call and recording its outcome are POST only (a GET changes nothing: 405), for those who
    # may call (Support); other staff 403. The flag's page: 404 for a missing flag to those who may clear.
    "admin:reminders_calllistentry_call_start": (
        Case(
            staff_with("Support") | {"staff:Support": 405, "superuser": 405, "staff": 403},
            "missing",
            {"entry_id": "999999999"},
        ),
    ),
    "admin:reminders_calllistentry_call_outcome": (
        Case(
            staff_with("Support") | {"staff:Support": 405, "superuser": 405, "staff": 403},
            "missing",
            {"entry_id": "999999999"},
        ),
    ),
    "admin:reminders_contactflag_clear": (
        Case(
            staff_with("Support") | {"staff:Support": 404, "superuser": 404, "staff": 403},
            "missing",
            {"flag_id": "999999999"},
        ),
    ),
    # --- hardship: the borrower's own applications ----------------------------------------------------
    "hardship:start": (Case(SIGNED_IN), Case(SIGNED_IN, "prefilled", query="loan={loan_a_overdue}")),
    "hardship:detail": (
        Case(OWNED_BY_A, "own", {"reference": "{hardship_a}"}),
        Case({"visitor": LOGIN, "borrower_b": 200, "*": 404}, "theirs", {"reference": "{hardship_b}"}),
        Case(NOBODYS, "missing", {"reference": "HA-NOPE0000"}),
    ),
    "hardship:step": (
        Case(OWNED_BY_A, "own", {"reference": "{hardship_a}", "n": "2"}),
        Case(
            {"visitor": LOGIN, "borrower_b": 200, "*": 404}, "theirs", {"reference": "{hardship_b}", "n": "2"}
        ),
        Case(NOBODYS, "missing", {"reference": "HA-NOPE0000", "n": "1"}),
    ),
    "hardship:evidence": (
        Case(OWNED_BY_A, "own", {"reference": "{hardship_a}", "token": "{hardship_a_evidence}"}),
        # A's document under B's application, or a token that does not exist: nobody's.
        Case(NOBODYS, "crossed", {"reference": "{hardship_b}", "token": "{hardship_a_evidence}"}),
        Case(NOBODYS, "missing", {"reference": "{hardship_a}", "token": "no-such-token"}),
    ),
    "hardship:statement_json": (
        Case(OWNED_BY_A, "own", {"reference": "{hardship_a}"}),
        Case({"visitor": LOGIN, "borrower_b": 200, "*": 404}, "theirs", {"reference": "{hardship_b}"}),
    ),
    # Nothing is agreed on a draft: its agreement is a 404 even to its owner, like anyone else's.
    "hardship:agreement": (
        Case(NOBODYS, "draft", {"reference": "{hardship_a}"}),
        Case(NOBODYS, "theirs", {"reference": "{hardship_b}"}),
    ),
    # --- hardship: the staff review (admin) ------------------------------------------------------------
    "admin:hardship_application_review": (
        Case(
            staff_with("Hardship reviewers", "Hardship approvers") | {"staff": 403},
            "application-a",
            {"application_id": "{hardship_a_id}"},
        ),
    ),
    "admin:hardship_application_evidence": (
        Case(
            staff_with("Hardship reviewers", "Hardship approvers") | {"staff": 403},
            "own",
            {"application_id": "{hardship_a_id}", "token": "{hardship_a_evidence}"},
        ),
        # A token that does not exist: hardship staff get 404, other staff 403.
        Case(
            staff_with()
            | {
                "staff": 403,
                "staff:Hardship reviewers": 404,
                "staff:Hardship approvers": 404,
                "superuser": 404,
            },
            "missing",
            {"application_id": "{hardship_a_id}", "token": "no-such-token"},
        ),
    ),
    # --- privacy: the borrower's own records -----------------------------------------------------------
    "privacy:index": (Case(SIGNED_IN),),
    "privacy:export": (Case({"*": 405}),),  # POST only: each download is recorded
    "privacy:consent": (Case({"*": 405}),),  # POST only
    "privacy:correct": (Case(SIGNED_IN),),
    # Needs a recent sign-in: a fresh one is; allauth may ask for the password again (a redirect).
    "privacy:delete": (Case({"visitor": LOGIN, "*": REAUTH}),),
    "privacy:request": (
        Case(OWNED_BY_A, "own", {"pk": "{privacy_request_a}"}),
        Case({"visitor": LOGIN, "borrower_b": 200, "*": 404}, "theirs", {"pk": "{privacy_request_b}"}),
        Case(NOBODYS, "missing", {"pk": "999999999"}),
    ),
    # --- notifications: the borrower's messages ---------------------------------------------------------
    "notifications:centre": (Case(SIGNED_IN), Case(SIGNED_IN, "page-2", query="page=2")),
    "notifications:unread": (Case(SIGNED_IN),),
    "notifications:open": (Case({"*": 405}, "missing", {"pk": "999999999"}),),  # POST only
    "notifications:read_all": (Case({"*": 405}),),  # POST only
    "notifications_sms:receipts": (Case({"*": 405}),),  # POST only: the SMS provider's signed callback
    "message_settings": (Case(SIGNED_IN),),
    # No sign-in: the signed link names the account. A link that is not ours is a clear 404 to anyone.
    "notifications:unsubscribe": (
        Case({"*": 404}, "forged", {"token": "eyJ1IjoxLCJwIjoibWFya2V0aW5nIn0:1xYWyN:forged"}),
        Case({"*": 404}, "garbage", {"token": "not-a-token"}),
    ),
}

# The admin's old-style object URL (admin/<app>/<model>/<pk>/): the site sends staff to the change page.
OLD_STYLE_ADMIN_OBJECT: RoleTable = {
    "visitor": LOGIN,
    "signed_in": DENY,
    "staff": REDIRECT,
    "superuser": REDIRECT,
}

# Borrower-only pages of the privacy app (export, correction, deletion): a visitor is sent to sign in,
# a signed-in person sees their own; another's object is a 404. A privacy pattern with no rule above
# falls back to this (and must have no parameters: one with parameters needs its own rule).
PRIVACY_NAMESPACE = "privacy:"
PRIVACY_DEFAULT: RoleTable = SIGNED_IN
