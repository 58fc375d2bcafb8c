"""The default contact details and repayment channels, put back when missing (`manage.py seed_demo`, or a
browser test after a flush): the same values migration 0002 creates. Idempotent: rows staff have edited
are left alone.
"""

import importlib

from portal.models import ContactDetails, RepaymentAccount, RepaymentChannel

_DEFAULTS = importlib.import_module("portal.migrations.0002_contact_defaults_and_support")


def seed() -> None:
    ContactDetails.objects.get_or_create(pk=ContactDetails.SINGLETON_PK, defaults=_DEFAULTS.CONTACT_DETAILS)
    if not RepaymentAccount.objects.exists():
        RepaymentAccount.objects.bulk_create(RepaymentAccount(**row) for row in _DEFAULTS.REPAYMENT_ACCOUNTS)
    if not RepaymentChannel.objects.exists():
        RepaymentChannel.objects.bulk_create(RepaymentChannel(**row) for row in _DEFAULTS.REPAYMENT_CHANNELS)
