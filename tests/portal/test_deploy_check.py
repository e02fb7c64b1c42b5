"""The production settings (docker-compose.yml's environment) pass `check --deploy`, and never
run on a key they cannot keep."""
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


def test_a_weak_key_given_in_production_is_flagged():
    """The deploy check still catches a short key an operator typed in (security.W009)."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production(DJANGO_SECRET_KEY="short"))
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_without_a_key_the_settings_refuse_an_unwritable_key_file(tmp_path):
    """No built-in key (tests/portal/test_run_for_real.py): a key is made and kept, and where it
    cannot be kept the portal refuses to start, saying what to set."""
    result = manage("check", **production(DJANGO_SECRET_KEY=None,
                                          DJANGO_SECRET_KEY_FILE=str(tmp_path / "no" / "such" / "key")))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "set DJANGO_SECRET_KEY" in result.stderr
