"""Giving the staff groups their permissions, from data migrations.

Each app's data migration names what its groups may do ("app_label.codename"); these helpers do the
rest with the migration's historical models, so they stay valid however the models change later.
"""

from collections.abc import Iterable, Mapping

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions
from django.db.models import Q


def _permissions(apps: Apps, dotted: Iterable[str]) -> list[object]:
    wanted = [name.split(".", 1) for name in dotted]
    if not wanted:
        return []
    match = Q()
    for app_label, codename in wanted:
        match |= Q(content_type__app_label=app_label, codename=codename)
    found = list(apps.get_model("auth", "Permission").objects.filter(match))
    if len(found) != len(wanted):
        raise LookupError(f"unknown permissions among {sorted('.'.join(w) for w in wanted)}")
    return found


def groups_grant(apps: Apps, grants: Mapping[str, Iterable[str]]) -> None:
    """Create each group if need be and add its permissions (idempotent)."""
    # Permissions are normally created after all migrations; create them now so groups can hold them.
    # (With the project's own registry they already exist: post_migrate made them.)
    if apps is not global_apps:
        for app_config in apps.get_app_configs():
            app_config.models_module = True  # type: ignore[assignment]
            create_permissions(app_config, apps=apps, verbosity=0)
            app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, dotted in grants.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(apps, dotted))


def groups_revoke(apps: Apps, grants: Mapping[str, Iterable[str]]) -> None:
    """Take back what `groups_grant` gave (for a migration's reverse)."""
    Group = apps.get_model("auth", "Group")
    for name, dotted in grants.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(*_permissions(apps, dotted))
