"""The default SMS backend: nothing leaves the machine. Each text is logged (the number masked) and,
with SMS_FILE_DIR set, written as one JSON line to `SMS_FILE_DIR/sms.jsonl` (demos, tests, a worker
whose texts a person wants to read)."""

import hashlib
import json
import logging
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

FILE_NAME = "sms.jsonl"


def masked(number: str) -> str:
    """The last four digits only: logs are read by more people than the texts are meant for."""
    return f"…{number[-4:]}" if len(number) > 4 else "…"


class ConsoleSmsBackend:
    name = "console"

    def __init__(self, file_dir: str | None = None) -> None:
        self.file_dir = settings.SMS_FILE_DIR if file_dir is None else file_dir

    def send(self, *, to: str, body: str, idempotency_key: str) -> str:
        # The same key gives the same id, as a real provider's would.
        provider_id = "console-" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]
        logger.info("SMS to %s (%s): %s", masked(to), provider_id, body)
        if self.file_dir:
            directory = Path(self.file_dir)
            directory.mkdir(parents=True, exist_ok=True)
            line = json.dumps(
                {
                    "id": provider_id,
                    "to": to,
                    "body": body,
                    "idempotency_key": idempotency_key,
                    "at": timezone.now().isoformat(),
                },
                ensure_ascii=False,
            )
            # One write of one line with O_APPEND: lines from several workers never interleave.
            fd = os.open(directory / FILE_NAME, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, (line + "\n").encode())
            finally:
                os.close(fd)
        return provider_id
