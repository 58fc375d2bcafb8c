"""The response headers issue 9 asks of every page (findings 7 and 8), checked in one way by the Django test
client (tests/platform/test_headers.py) and by Chromium (tests/e2e/): a strict Content-Security-Policy, a
Permissions-Policy that turns off what the site does not use, the framing and sniffing headers kept, and
`Cache-Control: no-store` on every answer with personal data.
"""

from collections.abc import Mapping

from django.conf import settings

# The directives issue 9 asks for, exactly; nothing may add 'unsafe-inline', 'unsafe-eval' or a wildcard.
REQUIRED_DIRECTIVES = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}
ALLOWED_IMG_SRC = {"'self'", "data:"}  # data: for the QR code of the TOTP set-up page
TURNED_OFF = ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics", "interest-cohort")

# Reports each CSP violation of the page to Python (a binding of that name is exposed to the page). One
# kind is left out: a <style> added by a script with no address, which is axe-core, run by the test as an
# init script (a <style> in the page, or one a script of ours adds, has the page's or script's address).
# Chromium gives no address for an event-handler attribute: those are reported, with the page's.
CSP_VIOLATION_JS = """
document.addEventListener('securitypolicyviolation', (event) => {
  if (!event.sourceFile && event.effectiveDirective === 'style-src-elem') return;
  window.__anxinCspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || '?'} in ${event.sourceFile || location.href}` +
    `:${event.lineNumber} «${(event.sample || '').slice(0, 60)}»`);
}, true);
"""
CSP_BINDING = "__anxinCspViolation"
# What Chromium's console lines about a CSP violation say.
CSP_CONSOLE = "Content Security Policy"


def csp_directives(header: str) -> dict[str, set[str]]:
    policy: dict[str, set[str]] = {}
    for directive in header.split(";"):
        if directive.strip():
            name, *values = directive.split()
            policy[name.lower()] = set(values)
    return policy


def no_store(headers: Mapping[str, str]) -> bool:
    return "no-store" in {part.strip().lower() for part in headers.get("cache-control", "").split(",")}


def is_personal(headers: Mapping[str, str], *, signed_in: bool, request_cookies: str = "") -> bool:
    """Whether an answer falls under the no-store rule (core.security_headers): to a signed-in user,
    sent with a session cookie, setting a cookie, or varying on Cookie. Keys lower-case."""
    sends_session = f"{settings.SESSION_COOKIE_NAME}=" in request_cookies
    varies = "cookie" in {part.strip().lower() for part in headers.get("vary", "").split(",")}
    return signed_in or sends_session or bool(headers.get("set-cookie")) or varies


def header_problems(headers: Mapping[str, str], *, personal: bool) -> list[str]:
    """What is missing or too lax in a page's response headers (keys lower-case), as readable lines."""
    problems: list[str] = []
    header = headers.get("content-security-policy", "")
    policy = csp_directives(header)
    if not policy:
        problems.append("no Content-Security-Policy header")
    for name, values in REQUIRED_DIRECTIVES.items():
        if policy and policy.get(name) != values:
            problems.append(f"CSP {name} is {sorted(policy.get(name, ()))}, not {sorted(values)}")
    if not policy.get("img-src", set()) <= ALLOWED_IMG_SRC:
        problems.append(f"CSP img-src {sorted(policy['img-src'])}")
    if "unsafe-" in header or "*" in header:
        problems.append(f"CSP too lax: {header}")
    features = dict(
        item.strip().split("=", 1) for item in headers.get("permissions-policy", "").split(",") if "=" in item
    )
    problems += [
        f"Permissions-Policy leaves {feature} on" for feature in TURNED_OFF if features.get(feature) != "()"
    ]
    if headers.get("x-frame-options") != "DENY":
        problems.append(f"X-Frame-Options {headers.get('x-frame-options')!r}, not DENY")
    if headers.get("x-content-type-options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if personal and not no_store(headers):
        problems.append(f"personal data without Cache-Control: no-store ({headers.get('cache-control')!r})")
    return problems
