from django.apps import AppConfig
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.features import feature_register, url_problems, uses_name

# Any reference: the pages take the application's reference as text and decide 404 themselves.
SOME_REFERENCE = "HS-CHECK"


def hardship_apply_problems() -> list[str]:
    """Apply online (/help/apply/, the wizard's steps), upload documents (the wizard's documents step
    takes files, within a limit above zero, of types that exist) and follow progress (the application's
    own page)."""
    from hardship import evidence, services, views

    problems = url_problems("/help/apply/", name="hardship:start", view=views.start)
    problems += url_problems(f"/help/apply/{SOME_REFERENCE}/step/1/", name="hardship:step", view=views.step)
    problems += url_problems(f"/help/apply/{SOME_REFERENCE}/", name="hardship:detail", view=views.detail)
    takes_documents = any(uses_name(step, "evidence_post") for step in views.STEPS.values())
    if not takes_documents or services.EVIDENCE_MAX_FILES < 1 or not evidence.TYPES:
        problems.append(_("the application no longer takes documents."))
    return problems


class HardshipConfig(AppConfig):
    name = "hardship"
    verbose_name = gettext_lazy("Hardship and restructuring")

    def ready(self) -> None:
        feature_register(
            "hardship-apply",
            label=gettext_lazy("Apply for help online, upload documents, follow progress"),
            check=hardship_apply_problems,
        )
