"""The settings module read from the environment the way production and the demo use it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    inherited = ("DEBUG", "DEMO_MODE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(inherited)}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "digibank.example",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "DATABASE_URL": "sqlite:////tmp/digibank-deploy-check.sqlite3",
}


def test_deploy_check_passes_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_enforces_two_factor_and_the_demo_does_not():
    show = "from django.conf import settings; print(settings.ENFORCE_TWO_FACTOR, settings.DEBUG)"
    assert run_manage("shell", "-c", show, **PRODUCTION).stdout.split()[-2:] == ["True", "False"]
    demo = run_manage("shell", "-c", show, DEMO_MODE="1", DEBUG="1")
    assert demo.stdout.split()[-2:] == ["False", "True"]
