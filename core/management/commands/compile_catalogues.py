import shutil
from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Compile the translation catalogues: with GNU msgfmt when it is installed (it also checks format "
        "strings), otherwise with polib, so a fresh machine without gettext still gets its .mo files."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if shutil.which("msgfmt"):
            call_command("compilemessages", ignore_patterns=[".venv/*"], verbosity=0)
            return
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in Path(locale_dir).glob("*/LC_MESSAGES/*.po"):
                polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
                self.stdout.write(f"compiled {po_path} (polib; install gettext for format checks)")
