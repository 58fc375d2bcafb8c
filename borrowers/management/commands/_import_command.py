from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from borrowers import imports
from borrowers.models import ImportJob


class ImportCommand(BaseCommand):
    """Import a CSV file in this process, recording it as an ImportJob like an upload in the admin."""

    kind: str

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("The CSV file (UTF-8)."))

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        with path.open("rb") as handle:
            job = imports.import_job_create(
                kind=self.kind,
                content=File(handle, name=path.name),
                original_name=path.name,
            )
        job = imports.import_job_run(import_job_id=job.pk)
        if job.status == ImportJob.Status.SUCCEEDED:
            skipped = job.rows_total - job.rows_imported
            self.stdout.write(
                self.style.SUCCESS(
                    _("Imported %(imported)d of %(rows)d rows; %(skipped)d already on file (skipped).")
                    % {"imported": job.rows_imported, "rows": job.rows_total, "skipped": skipped}
                )
            )
            if options["verbosity"] > 1:
                self._write_report(job, self.stdout.write)
        elif job.status == ImportJob.Status.DUPLICATE:
            self._write_report(job, self.stdout.write)
        else:
            self._write_report(job, self.stderr.write)
            raise CommandError(
                _("Import #%(id)d refused: %(count)d problems; nothing was imported.")
                % {"id": job.pk, "count": len(job.report)}
            )

    @staticmethod
    def _write_report(job: ImportJob, write: Callable[[str], object]) -> None:
        for entry in job.report:
            if entry["line"]:
                write(_("line %(line)d: %(message)s") % entry)
            else:
                write(entry["message"])
