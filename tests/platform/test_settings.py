"""The one settings file: safe defaults, and a production mode that refuses to start half-configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # A clean slate: nothing this test run set (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
    unset = {
        "DJANGO_SECRET_KEY",
        "ALLOWED_HOSTS",
        "DJANGO_ENV",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "NATIONAL_ID_HASH_KEY",
    }
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = run_manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="anxin.example")

    assert result.returncode != 0
    assert "DJANGO_ENV=production needs DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    result = run_manage("check", DJANGO_ENV="production", DJANGO_SECRET_KEY="x" * 64)

    assert result.returncode != 0
    assert "DJANGO_ENV=production needs ALLOWED_HOSTS" in result.stderr


def test_production_with_its_settings_passes_check_deploy_without_a_warning() -> None:
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="a-real-deployment-key-" + "k3y" * 20,
        ALLOWED_HOSTS="anxin.example",
        NATIONAL_ID_HASH_KEY="a-real-hash-key-" + "h" * 40,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_the_national_id_hash_key() -> None:
    result = run_manage(
        "check", DJANGO_ENV="production", DJANGO_SECRET_KEY="x" * 64, ALLOWED_HOSTS="anxin.example"
    )

    assert result.returncode != 0
    assert "DJANGO_ENV=production needs NATIONAL_ID_HASH_KEY" in result.stderr


def test_an_unknown_environment_name_is_refused() -> None:
    result = run_manage("check", DJANGO_ENV="prod")

    assert result.returncode != 0
    assert "DJANGO_ENV must be" in result.stderr


def test_the_default_language_is_simplified_chinese_and_the_zone_shanghai() -> None:
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_ci_runs_on_postgresql_with_a_real_broker_and_cache() -> None:
    if not IN_CI:
        pytest.skip("only CI promises PostgreSQL, Redis and a broker")
    assert connection.vendor == "postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


def test_the_strict_header_middlewares_answer_everything_but_static_files() -> None:
    """After whitenoise (static files keep their own caching), and outside SessionMiddleware, so the
    no-store rule sees the session and CSRF cookies and the Vary: Cookie those middlewares add."""
    order = settings.MIDDLEWARE
    whitenoise = order.index("whitenoise.middleware.WhiteNoiseMiddleware")
    session = order.index("django.contrib.sessions.middleware.SessionMiddleware")
    for middleware in (
        "django_permissions_policy.PermissionsPolicyMiddleware",
        "csp.middleware.CSPMiddleware",
        "core.security_headers.PersonalResponseNoStoreMiddleware",
    ):
        assert whitenoise < order.index(middleware) < session, middleware
    assert "django.middleware.clickjacking.XFrameOptionsMiddleware" in order
    assert settings.X_FRAME_OPTIONS == "DENY"
