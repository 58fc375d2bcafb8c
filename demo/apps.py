from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data: the top of the import graph, so it may call every app's own `demo.py`."""

    name = "demo"
    verbose_name = "Demo data"
