from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from education.loader import CURRICULUM_PATH, CurriculumError, curriculum_load, curriculum_read


class Command(BaseCommand):
    help = (
        "Load the starter curriculum as published lessons. Safe to run again: missing lessons are added, "
        "lessons nobody has edited since they were loaded are brought up to date with the file, and lessons "
        "editors changed are left as they made them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(CURRICULUM_PATH), help="a curriculum JSON file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = curriculum_read(Path(options["path"]))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {options['path']}: {error}") from error
        try:
            report = curriculum_load(data=data)
        except CurriculumError as error:
            raise CommandError(f"Nothing was loaded: {error.message}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Curriculum: {report.lessons_created} lessons added, "
                f"{report.lessons_revised} brought up to date with the file, "
                f"{report.lessons_kept} kept as they were, "
                f"{report.courses_revised} courses brought up to date, "
                f"{report.courses_created} courses added, {report.rules_created} recommendation rules added."
            )
        )
