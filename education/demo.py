"""Demo lessons for `manage.py seed_demo`: the starter curriculum, published.

Idempotent (see education.loader).
"""

from education.loader import CURRICULUM_PATH, LoadReport, curriculum_load, curriculum_read


def seed() -> LoadReport | None:
    if not CURRICULUM_PATH.exists():
        return None
    return curriculum_load(data=curriculum_read())
