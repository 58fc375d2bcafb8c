from borrowers.management.commands._import_command import ImportCommand
from borrowers.models import ImportJob


class Command(ImportCommand):
    help = (
        "Import payments from a UTF-8 CSV file with the header receipt_number,loan_reference,amount,paid_on. "
        "All rows or none."
    )
    kind = ImportJob.Kind.PAYMENTS
