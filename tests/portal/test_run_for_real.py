"""Issue 18's settings points: no public secret key, no demo accounts on a declared production
server, the log-in lock-out counted per client behind the proxy (and X-Forwarded-For ignored
without one), and a refused request logged as one line."""
import io
import logging
import os
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from portal.models import User
from portal.proxy import client_ip
from portal.secret_key import secret_key_from_file
from tests.conftest import PASSWORD
from tests.portal.test_deploy_check import manage, production

CADDY = "172.18.0.5"   # the proxy's address, as gunicorn sees every request behind it


# --- the secret key ---------------------------------------------------------------------------

def test_a_key_is_made_once_kept_private_and_read_again(tmp_path):
    path = tmp_path / "secret_key"
    key = secret_key_from_file(path)
    assert len(key) >= 50 and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert secret_key_from_file(path) == key            # every later process signs with the same key
    assert secret_key_from_file(tmp_path / "other") != key


def test_an_unwritable_key_place_is_refused_with_what_to_do(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="set DJANGO_SECRET_KEY"):
        secret_key_from_file(tmp_path / "missing-folder" / "secret_key")


def test_production_without_a_key_runs_on_a_generated_one_never_a_built_in_one(tmp_path):
    path = tmp_path / "key"
    environment = production(DJANGO_SECRET_KEY=None, DJANGO_SECRET_KEY_FILE=str(path))
    result = manage("check", "--deploy", "--fail-level", "WARNING", **environment)
    assert result.returncode == 0, result.stderr          # W009 (a weak or default key) is not raised
    first = path.read_text().strip()
    printed = manage("shell", "-v", "0", "-c", "from django.conf import settings; print(settings.SECRET_KEY)", **environment)
    assert printed.stdout.strip() == first
    source = open("portal/settings.py", encoding="utf-8").read()
    assert "dev-only-insecure-key" not in source and "ALLOW_DEV_KEY" not in source


def test_the_commands_need_no_environment_for_the_key(tmp_path):
    """No DJANGO_* variable at all (a laptop, the contracts' checks): the key is made on first use."""
    result = manage("check", DJANGO_SECRET_KEY_FILE=str(tmp_path / "k"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "k").read_text().strip()


# --- demo accounts --------------------------------------------------------------------------

@pytest.mark.django_db
@override_settings(DECLARED_PRODUCTION=True)
def test_bootstrap_demo_refuses_on_a_production_server_and_creates_nothing():
    users, out = User.objects.count(), io.StringIO()
    with pytest.raises(CommandError, match="createadmin") as refused:
        call_command("bootstrap", demo=True, no_migrate=True, stdout=out)
    assert "--allow-demo-in-production" in str(refused.value)
    assert User.objects.count() == users and not User.objects.filter(username="quantri").exists()
    assert out.getvalue() == ""


@pytest.mark.django_db
@override_settings(DECLARED_PRODUCTION=True)
def test_the_explicit_flag_lets_a_demonstration_server_have_demo_accounts():
    call_command("bootstrap", demo=True, no_migrate=True, allow_demo_in_production=True, stdout=io.StringIO())
    assert User.objects.filter(username="quantri", role=User.Role.ADMIN).exists()


def test_debug_off_is_production_only_when_declared(tmp_path):
    """DJANGO_DEBUG=0 declares a server (compose does); no DJANGO_DEBUG is a laptop, where the
    contracts, `bootstrap --demo` among them, work with no environment."""
    show = "from django.conf import settings; print(settings.DEBUG, settings.DECLARED_PRODUCTION)"
    key = {"DJANGO_SECRET_KEY_FILE": str(tmp_path / "k")}
    assert manage("shell", "-v", "0", "-c", show, DJANGO_DEBUG="0", **key).stdout.split() == ["False", "True"]
    assert manage("shell", "-v", "0", "-c", show, DJANGO_DEBUG="1", **key).stdout.split() == ["True", "False"]
    assert manage("shell", "-v", "0", "-c", show, **key).stdout.split() == ["False", "False"]
    refused = manage("bootstrap", "--demo", "--no-migrate", DJANGO_DEBUG="0", **key)
    assert refused.returncode != 0 and "bootstrap --demo từ chối" in refused.stderr


# --- the log-in lock-out behind the proxy -----------------------------------------------------

def request_from(rf, remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.get("/", **meta)


def test_the_client_address_rule(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0                    # no declared proxy: the header is anyone's
    assert client_ip(request_from(rf, "203.0.113.7", "9.9.9.9")) == "203.0.113.7"
    settings.TRUSTED_PROXY_COUNT = 1                    # Caddy appends what it saw
    assert client_ip(request_from(rf, CADDY, "203.0.113.7")) == "203.0.113.7"
    assert client_ip(request_from(rf, CADDY, "9.9.9.9, 203.0.113.7")) == "203.0.113.7"  # a forged entry first
    assert client_ip(request_from(rf, CADDY)) == CADDY
    settings.TRUSTED_PROXY_COUNT = 2                    # the agency's balancer, then Caddy
    assert client_ip(request_from(rf, CADDY, "9.9.9.9, 203.0.113.7, 10.0.0.2")) == "203.0.113.7"
    assert client_ip(request_from(rf, CADDY, "203.0.113.7")) == "203.0.113.7"


def log_in(client, username, password, forwarded=None):
    extra = {"REMOTE_ADDR": CADDY}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def locked(response):
    return "tạm thời bị khóa" in response.content.decode()


@pytest.mark.django_db
def test_behind_the_proxy_an_attackers_failures_do_not_lock_out_the_administrator(client, users, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "tw", "sai-mat-khau", forwarded="198.51.100.66")
    assert locked(log_in(client, "tw", PASSWORD, forwarded="198.51.100.66"))   # the attacker's address is locked
    response = log_in(client, "tw", PASSWORD, forwarded="203.0.113.7")           # the administrator, elsewhere
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == users["national_admin"].pk


@pytest.mark.django_db
def test_behind_the_proxy_a_forged_header_does_not_dodge_the_lock_out(client, users, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(settings.AXES_FAILURE_LIMIT):   # a new forged address each time, the same real one
        log_in(client, "tw", "sai-mat-khau", forwarded=f"10.9.9.{i}, 198.51.100.66")
    assert locked(log_in(client, "tw", PASSWORD, forwarded="10.9.9.99, 198.51.100.66"))


@pytest.mark.django_db
def test_without_a_proxy_x_forwarded_for_is_ignored(client, users, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for i in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "tw", "sai-mat-khau", forwarded=f"198.51.100.{i}")
    assert locked(log_in(client, "tw", PASSWORD, forwarded="198.51.100.200"))


def test_the_settings_turn_the_count_on_only_behind_the_proxy(tmp_path):
    show = "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT, settings.REST_FRAMEWORK['NUM_PROXIES'])"
    key = {"DJANGO_SECRET_KEY_FILE": str(tmp_path / "k")}
    assert manage("shell", "-v", "0", "-c", show, **key).stdout.split() == ["0", "0"]
    assert manage("shell", "-v", "0", "-c", show, DJANGO_BEHIND_TLS_PROXY="1", **key).stdout.split() == ["1", "1"]
    assert manage("shell", "-v", "0", "-c", show, DJANGO_BEHIND_TLS_PROXY="1", DJANGO_TRUSTED_PROXY_COUNT="2",
                  **key).stdout.split() == ["2", "2"]


# --- a refusal is one line in the log ---------------------------------------------------------

@pytest.mark.django_db
def test_a_403_is_logged_as_one_line_without_a_traceback(client_for, users, caplog):
    """A data-entry officer opening the users' list (administrators only): Django logs the
    refusal with the PermissionDenied's traceback attached; the filter keeps the one line."""
    from portal.logs import RefusalOneLine

    assert any(isinstance(f, RefusalOneLine) for f in logging.getLogger("django.request").filters)
    client = client_for(users["commune_editor"])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("users"))
    assert response.status_code == 403
    refused = [r for r in caplog.records if getattr(r, "status_code", None) == 403]
    assert len(refused) == 1 and refused[0].exc_info is None
    assert "Forbidden" in refused[0].getMessage()
    assert "Traceback" not in logging.Formatter().format(refused[0])


def test_other_errors_keep_their_traceback():
    import sys

    from portal.logs import RefusalOneLine

    try:
        raise ValueError("a real bug")
    except ValueError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/x/",), sys.exc_info(),
            extra={"status_code": 500})
    assert RefusalOneLine().filter(record) and record.exc_info is not None
    assert "Traceback" in logging.Formatter().format(record)
