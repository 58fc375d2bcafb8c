from django.apps import AppConfig
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.features import feature_register, template_problems, url_problems

# What /help/ must still draw for complaints: its section, the link to the form with the topic chosen,
# and the regulator's consumer hotline.
HELP_SHOWS = ('id="complaint"', "?topic=complaint", "12378")


def complaints_problems() -> list[str]:
    """Complaints are taken on /help/: the help page tells how and links to the message form with the
    complaint topic chosen, and the form offers the topic and takes it from that link (the message
    keeps it: the topic is one of its choices)."""
    from portal import views
    from portal.forms import SupportMessageForm
    from portal.models import SupportMessage

    complaint = SupportMessage.Topic.COMPLAINT.value
    problems = url_problems("/help/", name="portal:help", view=views.help_page)
    problems += url_problems("/help/messages/", name="portal:help_messages", view=views.help_messages)
    offered = [value for value, _label in SupportMessageForm.base_fields["topic"].choices]  # type: ignore[attr-defined]
    link = HttpRequest()
    link.GET = QueryDict(f"topic={complaint}")
    if complaint not in offered or views._prefill(link).get("topic") != complaint:
        problems.append(_("the message form no longer offers complaints."))
    return problems + template_problems("portal/help.html", shows=HELP_SHOWS)


class PortalConfig(AppConfig):
    """The pages that put the others together (home, dashboard, help, the site's navigation), and the
    lender's contact channels and borrowers' messages to staff. Near the top of the import graph: it may
    read every app's selectors; only privacy imports it (its personal_data)."""

    name = "portal"
    verbose_name = gettext_lazy("Portal")

    def ready(self) -> None:
        feature_register(
            "complaints",
            label=gettext_lazy("Complaints are taken on /help/"),
            check=complaints_problems,
        )
