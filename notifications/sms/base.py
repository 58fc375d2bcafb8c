"""What every SMS backend offers, and the two ways a send can fail."""

from typing import Protocol


class SmsError(Exception):
    """A text was not accepted. `code` is short and safe to store as the message's reason."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


class SmsTemporaryError(SmsError):
    """Try again later (a timeout, a 5xx, a refused connection): the same idempotency key is sent, so
    the provider never texts twice."""


class SmsPermanentError(SmsError):
    """Trying again will not help (a bad number, a refused text): the message fails with this code."""


class SmsBackend(Protocol):
    # Stored on the message (Message.provider) and on its delivery receipts.
    name: str

    def send(self, *, to: str, body: str, idempotency_key: str) -> str:
        """Hand one text to the provider; the provider's message id. Raises SmsTemporaryError or
        SmsPermanentError. Sending the same idempotency key again returns the same id, never a
        second text."""
        ...
