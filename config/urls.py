from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic.base import RedirectView

from portal.views_message_settings import message_settings

admin.site.site_header = _("Anxin staff")
admin.site.site_title = _("Anxin staff")
admin.site.index_title = _("Back office")
admin.autodiscover()
# The admin's own login form would skip allauth's rate limits and its TOTP stage; send staff through
# allauth's login instead.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers ask for /favicon.ico whatever a page links (and for pages that are not ours, like a PDF).
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.ico"))),
    path("loans/", include("borrowers.urls")),
    path("budget/", include("budget.urls")),
    path("plan/", include("repayment.urls")),
    path("learn/", include("education.urls")),
    path("privacy/", include("privacy.urls")),
    path("help/apply/", include("hardship.urls")),
    # The message settings page puts notifications and borrowers together, so portal draws it.
    path("notifications/settings/", message_settings, name="message_settings"),
    path("notifications/", include("notifications.urls")),
    # The SMS provider's signed delivery reports (notifications.views_receipts).
    path("notifications/sms/", include("notifications.urls_receipts")),
    path("", include("portal.urls")),
]
