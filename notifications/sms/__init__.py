"""Texts to borrowers: a backend interface, the console/file backend (the default) and one HTTP
provider adapter. `sms_backend()` builds the configured one (SMS_BACKEND: "console", "http" or a dotted
path to a class taking no arguments)."""

from django.conf import settings
from django.utils.module_loading import import_string

from notifications.sms.base import SmsBackend, SmsError, SmsPermanentError, SmsTemporaryError
from notifications.sms.console import ConsoleSmsBackend
from notifications.sms.http import HttpSmsBackend

ALIASES = {
    "console": "notifications.sms.console.ConsoleSmsBackend",
    "http": "notifications.sms.http.HttpSmsBackend",
}


def sms_backend() -> SmsBackend:
    """A new backend built from the settings as they are now (tests change them)."""
    path = ALIASES.get(settings.SMS_BACKEND, settings.SMS_BACKEND)
    backend: SmsBackend = import_string(path)()
    return backend


__all__ = [
    "ConsoleSmsBackend",
    "HttpSmsBackend",
    "SmsBackend",
    "SmsError",
    "SmsPermanentError",
    "SmsTemporaryError",
    "sms_backend",
]
