"""Shared fixtures.

Real parts: with CI=true a test that needs PostgreSQL, the broker, a worker or Chromium fails when that
part is missing; outside CI it is skipped with the reason, so `make test` stays green on a bare laptop.
"""

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from asgiref.local import Local
from django.core.cache import cache
from django.utils import translation

from accounts.models import User
from config.celery import app as celery_app

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PASSWORD = "a-long-Passphrase-2026"


def require(available: bool, what: str) -> None:
    """Fail in CI, skip elsewhere, when a real service or program this test needs is missing."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI=true and {what} is not available", pytrace=False)
    pytest.skip(f"{what} is not available (it is required when CI=true)")


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # PBKDF2 at full strength costs ~0.3 s a login; tests are about behaviour, not hashing cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Uploads (import files, hardship evidence) go to a folder of this run's own, never the checkout's.
    import tempfile

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="anxin-test-media-")
    _cache_per_worker(settings)


def _cache_per_worker(settings: Any) -> None:
    """Under pytest-xdist (`make pytest` runs two workers) each worker has the cache to itself.

    Each worker has its own test database (pytest-django adds `_gw0`, `_gw1`), so the database cache is
    its own already. A Redis cache is one database for both: each worker's keys get their own prefix, and
    `cache.clear()` (which a test calls to start clean) deletes that worker's keys only, where Django's
    RedisCache would empty the whole Redis database under the other worker's running test.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    from django.core.cache import caches, close_caches
    from django.core.cache.backends.redis import RedisCache

    default = settings.CACHES["default"]
    default["KEY_PREFIX"] = f"{default.get('KEY_PREFIX', '')}-{worker}"
    # A Celery worker or server a test starts reads the prefix from the environment.
    os.environ["CACHE_KEY_PREFIX"] = default["KEY_PREFIX"]
    close_caches()  # then as Django's test signals do when CACHES is overridden
    caches._settings = caches.settings = caches.configure_settings(None)
    caches._connections = Local()
    RedisCache.clear = _redis_clear_own_keys  # type: ignore[method-assign]


def _redis_clear_own_keys(self: Any) -> bool:
    client = self._cache.get_client(None, write=True)
    pattern = "".join(f"\\{ch}" if ch in "*?[]\\" else ch for ch in self.key_prefix) + ":*"
    keys = list(client.scan_iter(match=pattern, count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])
    return True


DB_FIXTURES = ("transactional_db", "db")


@pytest.fixture(autouse=True)
def _fresh_cache(request: pytest.FixtureRequest) -> Iterator[None]:
    """allauth's rate limits and used-TOTP-code memory live in the cache; each test starts clean.

    The default cache is a database table, so only tests that may touch the database clear it.
    """
    requested = [name for name in DB_FIXTURES if name in request.fixturenames]
    if requested:
        request.getfixturevalue(requested[0])
    elif not request.node.get_closest_marker("django_db"):
        yield
        return
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """Each test starts in the default language. A request through the test client leaves its language
    active in the thread, so without this a test would read whatever language the test before it used;
    under pytest-xdist that is a different test from run to run."""
    translation.deactivate()


@pytest.fixture(autouse=True)
def _celery_inline(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tasks run inline unless the test asks for the real worker (marker `worker`)."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def make_user(email: str, *, password: str = PASSWORD, verified: bool = True, is_staff: bool = False) -> User:
    user = User.objects.create_user(email=email, password=password, is_staff=is_staff)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def enrol_totp(user: User) -> str:
    secret = str(generate_totp_secret())
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


@pytest.fixture
def borrower(db: None) -> User:
    return make_user("borrower@example.com")


@pytest.fixture
def chromium_path() -> str:
    path = shutil.which("chromium")
    require(path is not None, "Chromium (Debian package `chromium`)")
    assert path is not None
    return path
