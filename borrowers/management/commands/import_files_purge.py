from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from borrowers.imports import retention


class Command(BaseCommand):
    help = (
        "Delete import files left behind: those of finished imports, of imports still unfinished after "
        "IMPORT_FILE_RETENTION_DAYS, and files no import names that are older than that."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = retention.import_files_purge()
        self.stdout.write(
            _(
                "Deleted %(total)d import files: %(finished)d of finished imports, %(abandoned)d of imports "
                "that never finished (now refused), %(orphans)d that no import named."
            )
            % {
                "total": result.total,
                "finished": result.finished,
                "abandoned": result.abandoned,
                "orphans": result.orphans,
            }
        )
