"""The borrower's hardship pages: start an application, the six-step wizard (hardship.views.wizard), the
status page (hardship.views.status), the evidence download and the exports (hardship.views.files).

Thin functions: a form parses, `hardship.selectors` reads (frozen data; None becomes 404 here), and every
write goes through `hardship.services`, whose ApplicationError becomes a form error or a message, never
a 500. Each POST that writes answers with a redirect (post, redirect, get), so reload never posts twice.
"""

from hardship.views import common, files, status, wizard
from hardship.views.common import resume_url
from hardship.views.files import agreement, evidence_download, evidence_response, statement_json
from hardship.views.status import detail
from hardship.views.wizard import SAVE, STEP_LABELS, STEPS, StepLink, start, step

__all__ = [
    "SAVE",
    "STEPS",
    "STEP_LABELS",
    "StepLink",
    "agreement",
    "common",
    "detail",
    "evidence_download",
    "evidence_response",
    "files",
    "resume_url",
    "start",
    "statement_json",
    "status",
    "step",
    "wizard",
]
