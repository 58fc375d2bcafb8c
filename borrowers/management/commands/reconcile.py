from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from borrowers.reconciliation import reconcile


class Command(BaseCommand):
    help = (
        "Check that every loan's cached balances agree with its ledger. "
        "Exits 1 and lists each mismatch if not."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = reconcile()
        self.stdout.write(
            _("Checked %(loans)d loans, %(entries)d ledger entries, %(payments)d payments.")
            % {"loans": report.loans_checked, "entries": report.entries, "payments": report.payments}
        )
        if report.agrees:
            self.stdout.write(self.style.SUCCESS(_("Every cached balance agrees with the ledger.")))
            return
        for mismatch in report.mismatches:
            self.stdout.write(
                _("%(loan)s: %(what)s: ledger says %(expected)s, cached %(found)s")
                % {
                    "loan": mismatch.loan_reference,
                    "what": mismatch.what,
                    "expected": mismatch.expected,
                    "found": mismatch.found,
                }
            )
        raise CommandError(
            _("%(count)d mismatches between cached balances and the ledger.")
            % {"count": len(report.mismatches)},
            returncode=1,
        )
