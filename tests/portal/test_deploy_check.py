"""The production settings (docker-compose.yml's environment) pass `check --deploy`, and refuse to
start without a secret key."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def manage(*args, **environment):
    """Runs manage.py in a fresh interpreter with only the given DJANGO_* variables (the rest of
    the environment, DATABASE_URL included, is kept as it is)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("DJANGO_") or k == "DJANGO_SETTINGS_MODULE"}
    env.update(environment)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


def production(**overrides):
    environment = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60)[:60],
        "DJANGO_ALLOWED_HOSTS": "portal.example.vn",
        "DJANGO_SECURE_SSL_REDIRECT": "1",
    }
    environment.update(overrides)
    return {k: v for k, v in environment.items() if v is not None}


def test_check_deploy_is_clean_with_the_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_flags_the_development_key():
    """Without DJANGO_SECRET_KEY the laptop fallback key is used (DJANGO_ALLOW_DEV_KEY defaults
    on), and the deploy check catches it."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production(DJANGO_SECRET_KEY=None))
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_settings_refuse_to_start_without_a_secret_key_in_production():
    result = manage("check", **production(DJANGO_SECRET_KEY=None, DJANGO_ALLOW_DEV_KEY="0"))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required when DJANGO_DEBUG=0" in result.stderr
    assert "ImproperlyConfigured" in result.stderr
