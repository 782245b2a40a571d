"""Production settings pass `manage.py check --deploy` with no warnings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))
    }
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy():
    result = run_check(
        {
            "DJANGO_PRODUCTION": "1",
            "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-" + "x9Q2" * 10,
            "DJANGO_ALLOWED_HOSTS": "section55.example.org",
        }
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_settings_fail_check_deploy():
    """The check is real: the development defaults (DEBUG, insecure key) are reported."""
    result = run_check({})

    assert result.returncode != 0
    assert "DEBUG" in result.stdout + result.stderr
