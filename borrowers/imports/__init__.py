"""CSV files from the lender's core system: loans and payments, imported all-or-nothing.

A file is kept privately (an ImportJob), then read three times, always streamed, so a 50,000-row file
never sits in memory as rows:

1. on upload: its SHA-256 (the same file twice is imported once) and a line count for the progress bar;
2. check every row: format, a known product or loan, keys unique within the file, agreement with what is
   already on file. Database look-ups are batched per chunk of rows. Any problem refuses the whole file,
   and the report lists every failing line, so the sender fixes the file once rather than line by line;
3. import every row in one transaction through the services (`loan_create`, `payment_record`). If a
   service refuses a row, the whole file is rolled back and the report names that row.

Rows already on file from another file are skipped, so a core system that sends a row twice changes
nothing: a loan with the same terms, a receipt recorded for the same loan, amount and date. A row that
reuses a key with different details is refused: that is a data problem a person must look at.

Only UTF-8 is accepted (with or without the byte-order mark Excel writes). Guessing the encoding of a file
of names risks importing 乱码 without anyone noticing; refusing names the problem so it is fixed at the
source. Line numbers in reports are the file's own: the header is line 1.

Names, keys and every other cell may hold no control or invisible formatting character (NUL, line
breaks, tabs, bidirectional overrides …), and names and keys may not start like a spreadsheet formula
(`= + - @`): see `parse.Cells`. A report never holds a full national ID number (`report_mask`).

The stored file is deleted in the step that makes the job's report, whatever it says; anything left
behind is purged after IMPORT_FILE_RETENTION_DAYS (`retention`).

The package, by step: `parse` reads a file's records and cells, `report` holds the report's lines and the
masking, `importer` the interface each kind of file implements (`loans`, `payments`), `jobs` runs an
ImportJob, and `retention` deletes the stored files. A worker runs a job through `borrowers.tasks`, which
imports this package; nothing here imports the task module.
"""

from borrowers.imports.jobs import IMPORTERS, import_file_fingerprint, import_job_create, import_job_run
from borrowers.imports.report import FileRefusedError, RowProblem, RowRefusedError, report_mask

__all__ = [
    "IMPORTERS",
    "FileRefusedError",
    "RowProblem",
    "RowRefusedError",
    "import_file_fingerprint",
    "import_job_create",
    "import_job_run",
    "report_mask",
]
