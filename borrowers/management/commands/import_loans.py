from borrowers.management.commands._import_command import ImportCommand
from borrowers.models import ImportJob


class Command(ImportCommand):
    help = (
        "Import loans from a UTF-8 CSV file with the header "
        "reference,customer_number,full_name,phone,national_id,date_of_birth,product_code,principal,"
        "disbursed_on,first_due_date (first_due_date optional). All rows or none."
    )
    kind = ImportJob.Kind.LOANS
