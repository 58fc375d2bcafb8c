"""The browser and system a session signed in from, in words a borrower recognises.

The sessions page and the security notices by mail would otherwise show the raw User-Agent header
("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 …"). ua-parser keeps the maintained uap-core
patterns, so a new browser is recognised by upgrading the package, not by editing a regex here.
"""

from functools import lru_cache

import ua_parser
from django.utils.translation import gettext as _

UNKNOWN_FAMILY = "Other"


@lru_cache(maxsize=256)
def _families(user_agent: str) -> tuple[str | None, str | None]:
    parsed = ua_parser.parse(user_agent)
    browser = parsed.user_agent.family if parsed.user_agent else None
    system = parsed.os.family if parsed.os else None
    return (
        browser if browser != UNKNOWN_FAMILY else None,
        system if system != UNKNOWN_FAMILY else None,
    )


def device_describe(user_agent: str | None) -> str:
    """'Chrome on Linux' / 'Linux 上的 Chrome'; whichever half is known; else 'Unknown browser'."""
    browser, system = _families((user_agent or "").strip()[:1000])
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Unknown browser")


def device_families(user_agent: str | None) -> tuple[str, str]:
    """(browser family, system family), each "" when unknown: what makes a device "new" to a person."""
    browser, system = _families((user_agent or "").strip()[:1000])
    return browser or "", system or ""
