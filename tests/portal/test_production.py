"""Safe by default in production: the compose file (reverse proxy, no default password, restart
policies, health checks, media volume, every variable the portal reads), the image (its command
execs gunicorn so that a stop drains, its packages), the settings it gives (check --deploy clean,
proxy headers believed only behind a declared proxy, connections checked before reuse), secrets
kept out of git and the image, the Content-Security-Policy, the health-check URL, the lock files,
CI's lint step and the production rehearsal (scripts/rehearsal.py) reading compose as compose does."""
import importlib.util
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tomllib

import pytest
import yaml
from django.db import connection, connections
from django.urls import reverse
from packaging.requirements import Requirement

from tests.portal.test_deploy_check import BASE_DIR, manage

COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
DOCKERFILE = (BASE_DIR / "Dockerfile").read_text()
START_WEB = BASE_DIR / "deploy" / "start-web"
SECRETS = {"POSTGRES_PASSWORD": secrets.token_hex(24), "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
           "PORTAL_DOMAIN": "dean01.example.gov.vn"}


def compose_environment(service="web", given=SECRETS):
    """The environment compose gives a service: ${X:?msg} must be given, ${X:-default} falls
    back to its default, innermost first for a nested one (${A:-https://${B}}), as `docker compose
    config` substitutes them."""
    def substitute(value):
        def one(match):
            name, op, rest = match.group(1), match.group(2), match.group(3)
            if name in given:
                return given[name]
            if op == ":?":
                raise KeyError(f"compose requires {name}: {rest}")
            return rest
        text, count = str(value), 1
        while count:
            text, count = re.subn(r"\$\{(\w+)(:\?|:-)?([^${}]*)\}", one, text)
        return text
    return {k: substitute(v) for k, v in SERVICES[service]["environment"].items()}


def settings_under(environment, *names):
    """The named settings as a fresh interpreter sees them with `environment`."""
    code = ("import json; from django.conf import settings; "
            f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}, default=str))")
    result = manage("shell", "-c", code, **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- docker-compose.yml -------------------------------------------------------------------

def test_compose_has_no_default_for_any_secret():
    text = (BASE_DIR / "docker-compose.yml").read_text()
    for name in ("POSTGRES_PASSWORD", "DJANGO_SECRET_KEY"):
        uses = re.findall(r"\$\{" + name + r"([^}]*)\}", text)
        assert uses, f"{name} is not used"
        assert all(use.startswith(":?") for use in uses), f"{name} has a default: {uses}"
    with pytest.raises(KeyError, match="POSTGRES_PASSWORD"):
        compose_environment("db", given={})
    with pytest.raises(KeyError, match="DJANGO_SECRET_KEY"):
        compose_environment("web", given={k: v for k, v in SECRETS.items() if k != "DJANGO_SECRET_KEY"})


def test_every_service_restarts_and_reports_its_health():
    assert set(SERVICES) >= {"db", "web", "proxy"}
    for name, service in SERVICES.items():
        assert service.get("restart") in ("unless-stopped", "always"), name
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"


def test_the_web_health_check_calls_the_health_url_through_gunicorn():
    command = SERVICES["web"]["healthcheck"]["test"]
    assert command[:4] == ["CMD", "python", "manage.py", "health_check"]
    assert reverse(command[4]) == "/suc-khoe/"
    assert command[5] == "127.0.0.1:8000" and '"${GUNICORN_BIND:-0.0.0.0:8000}"' in START_WEB.read_text()


def test_uploads_live_on_a_volume():
    web = SERVICES["web"]
    media_root = compose_environment()["DJANGO_MEDIA_ROOT"]
    volume = next(v for v in web["volumes"] if v.split(":")[1] == media_root)
    assert volume.split(":")[0] in COMPOSE["volumes"]  # a named volume, not the image's layer
    assert f"mkdir -p {media_root}" in (BASE_DIR / "Dockerfile").read_text()  # owned by the portal user


def test_the_portal_is_reached_only_through_the_tls_proxy():
    assert "ports" not in SERVICES["web"]
    proxy = SERVICES["proxy"]
    assert "443:443" in proxy["ports"]
    mounted = [v.split(":")[0] for v in proxy["volumes"]]
    assert "./deploy/Caddyfile" in mounted
    caddyfile = (BASE_DIR / "deploy" / "Caddyfile").read_text()
    assert "reverse_proxy web:8000" in caddyfile and "{$PORTAL_DOMAIN}" in caddyfile
    assert compose_environment()["DJANGO_BEHIND_TLS_PROXY"] == "1"


def test_check_deploy_is_clean_with_the_compose_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **compose_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_compose_environment_gives_secure_cookies_and_checked_connections():
    found = settings_under(compose_environment(), "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
                           "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "DATABASES")
    assert found["SESSION_COOKIE_SECURE"] is True and found["CSRF_COOKIE_SECURE"] is True
    assert found["SECURE_SSL_REDIRECT"] is True
    assert found["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    database = found["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql" and database["HOST"] == "db"
    assert database["CONN_MAX_AGE"] == 60 and database["CONN_HEALTH_CHECKS"] is True


# Every variable of the portal's settings that a deployment sets, for both containers.
PASSED = {"EMAIL_URL", "DEFAULT_FROM_EMAIL", "PORTAL_BASE_URL", "REMINDER_DAYS", "DJANGO_CSRF_TRUSTED_ORIGINS",
          "DATABASE_URL", "CACHE_URL", "DJANGO_MEDIA_ROOT", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"}


def test_web_and_worker_get_every_variable_with_a_default_where_it_can_have_one():
    for service in ("web", "worker"):
        environment = compose_environment(service)
        assert PASSED <= set(environment), (service, PASSED - set(environment))
        assert environment["PORTAL_BASE_URL"] == "https://dean01.example.gov.vn"
        assert environment["DJANGO_CSRF_TRUSTED_ORIGINS"] == "https://dean01.example.gov.vn"
        assert environment["DEFAULT_FROM_EMAIL"].endswith("<khong-tra-loi@dean01.example.gov.vn>")
        assert environment["EMAIL_URL"] == "consolemail://" and environment["REMINDER_DAYS"] == "7,1"
    given = compose_environment(given={**SECRETS, "PORTAL_BASE_URL": "https://x.vn", "EMAIL_URL": "smtp://m:25"})
    assert given["PORTAL_BASE_URL"] == "https://x.vn" and given["EMAIL_URL"] == "smtp://m:25"
    found = settings_under(compose_environment(), "PORTAL_BASE_URL", "CSRF_TRUSTED_ORIGINS", "REMINDER_DAYS",
                           "EMAIL_BACKEND", "DEFAULT_FROM_EMAIL")
    assert found["PORTAL_BASE_URL"] == "https://dean01.example.gov.vn"
    assert found["CSRF_TRUSTED_ORIGINS"] == ["https://dean01.example.gov.vn"] and found["REMINDER_DAYS"] == [7, 1]
    assert found["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_the_image_runs_start_web_which_becomes_gunicorn():
    """CMD in exec form runs deploy/start-web, which migrates, bootstraps and then *execs*
    gunicorn: gunicorn is PID 1 and gets compose's SIGTERM itself (a shell would keep it and
    be killed 10 s later with the requests in flight)."""
    cmd = re.search(r"^CMD (.*)$", DOCKERFILE, re.M).group(1)
    assert json.loads(cmd) == ["/app/deploy/start-web"]
    assert "web" in SERVICES and "command" not in SERVICES["web"]   # the image's CMD
    assert os.access(START_WEB, os.X_OK)
    text = START_WEB.read_text()
    subprocess.run(["sh", "-n", str(START_WEB)], check=True)
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert lines[0] == "set -eu"
    assert lines[1] == "python manage.py migrate --noinput" and lines[2] == "python manage.py bootstrap --no-migrate"
    assert lines[3].startswith("exec gunicorn portal.wsgi")
    for variable in ("GUNICORN_WORKERS", "GUNICORN_THREADS", "GUNICORN_TIMEOUT", "GUNICORN_GRACEFUL_TIMEOUT"):
        assert f"${{{variable}:-" in text, variable
        assert variable in compose_environment()
    assert "--no-control-socket" in text   # gunicorn 25.1+'s control socket: unused, and it needs a home


def _seconds(value):
    match = re.fullmatch(r"(\d+)s", str(value))
    assert match, value
    return int(match.group(1))


def test_a_stop_waits_longer_than_the_services_drain():
    graceful = int(compose_environment()["GUNICORN_GRACEFUL_TIMEOUT"])
    assert _seconds(SERVICES["web"]["stop_grace_period"]) > graceful > 10   # Docker's default 10 s kills
    worker = SERVICES["worker"]
    assert worker["command"][:3] == ["python", "manage.py", "db_worker"]   # no shell in between
    assert _seconds(worker["stop_grace_period"]) > 10


def test_the_image_has_what_pdfs_and_backups_need():
    assert "libharfbuzz-subset0" in DOCKERFILE and "libpango-1.0-0" in DOCKERFILE
    assert "postgresql-client-16" in DOCKERFILE and "apt.postgresql.org" in DOCKERFILE
    assert SERVICES["db"]["image"] == "postgres:16"   # pg_dump 16 for a 16 server
    assert "useradd --system --create-home portal" in DOCKERFILE
    assert "libharfbuzz-subset" in (BASE_DIR / "scripts" / "system_packages.sh").read_text()


def test_secrets_stay_out_of_git_and_of_the_image():
    for name in (".gitignore", ".dockerignore"):
        lines = (BASE_DIR / name).read_text().splitlines()
        assert ".env" in lines and ".secret_key" in lines, name


def test_the_first_account_is_made_with_createadmin_not_the_demo():
    text = (BASE_DIR / "docker-compose.yml").read_text()
    assert "manage.py createadmin" in text and "bootstrap --demo" not in text
    readme = (BASE_DIR / "README.md").read_text()
    production = readme[readme.index("## Production"):]
    production = production[:production.index("\n## ", 1)]
    assert "manage.py createadmin" in production
    assert not re.search(r"exec .*bootstrap --demo", production)


# --- the production rehearsal (scripts/rehearsal.py) ---------------------------------------

def _rehearsal():
    spec = importlib.util.spec_from_file_location("rehearsal", BASE_DIR / "scripts" / "rehearsal.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_rehearsal_gives_each_service_the_compose_environment():
    """The rehearsal reads compose as these tests do, and changes only what a host must: the
    database and Redis addresses (and the database's name), and the media volume's path."""
    rehearsal = _rehearsal()
    for service in ("db", "web", "worker", "proxy"):
        assert rehearsal.compose_environment(COMPOSE, service, SECRETS) == compose_environment(service)
    hosts = {"db": "127.0.0.1:5432", "redis": "127.0.0.1:6391"}
    for service in ("web", "worker"):
        compose = compose_environment(service)
        host = rehearsal.host_environment(COMPOSE, service, SECRETS, hosts, "portal_rehearsal", "/tmp/m")
        changed = {k for k in compose if compose[k] != host[k]}
        assert set(host) == set(compose) and changed == {"DATABASE_URL", "CACHE_URL", "DJANGO_MEDIA_ROOT"}
        assert host["DATABASE_URL"] == (f"postgres://portal:{SECRETS['POSTGRES_PASSWORD']}"
                                        "@127.0.0.1:5432/portal_rehearsal")
        assert host["CACHE_URL"] == "redis://127.0.0.1:6391/0" and host["DJANGO_MEDIA_ROOT"] == "/tmp/m"
    assert rehearsal.image_environment(DOCKERFILE) == {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}


def test_the_rehearsal_runs_the_real_caddyfile_with_two_upstreams(tmp_path):
    rehearsal = _rehearsal()
    text = rehearsal.rehearsal_caddyfile((BASE_DIR / "deploy" / "Caddyfile").read_text(),
                                         ["127.0.0.1:18001", "127.0.0.1:18002"], 18080, 18443, "127.0.0.1:18019")
    assert "reverse_proxy 127.0.0.1:18001 127.0.0.1:18002 {" in text and "\ttls internal" in text
    assert "lb_try_duration" in text   # a request to a stopping upstream goes to the other
    if shutil.which("caddy"):
        (tmp_path / "Caddyfile").write_text(text)
        result = subprocess.run(["caddy", "validate", "--config", str(tmp_path / "Caddyfile"), "--adapter",
                                 "caddyfile"], capture_output=True, text=True, timeout=60,
                                env={**os.environ, "PORTAL_DOMAIN": "localhost", "XDG_DATA_HOME": str(tmp_path),
                                     "XDG_CONFIG_HOME": str(tmp_path)})
        assert result.returncode == 0, result.stderr[-2000:]


# --- settings -----------------------------------------------------------------------------

def test_secure_cookies_are_on_whenever_debug_is_off():
    environment = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": SECRETS["DJANGO_SECRET_KEY"]}
    assert settings_under(environment, "SESSION_COOKIE_SECURE")["SESSION_COOKIE_SECURE"] is True
    plain_http = settings_under({**environment, "DJANGO_SECURE_COOKIES": "0"}, "SESSION_COOKIE_SECURE")
    assert plain_http["SESSION_COOKIE_SECURE"] is False  # the documented opt-out for a plain-http trial


def test_forwarded_headers_are_believed_only_behind_a_declared_proxy():
    without = settings_under({}, "SECURE_PROXY_SSL_HEADER", "USE_X_FORWARDED_HOST")
    assert without == {"SECURE_PROXY_SSL_HEADER": None, "USE_X_FORWARDED_HOST": False}
    behind = settings_under({"DJANGO_BEHIND_TLS_PROXY": "1"}, "SECURE_PROXY_SSL_HEADER", "USE_X_FORWARDED_HOST")
    assert behind == {"SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"], "USE_X_FORWARDED_HOST": True}


@pytest.mark.django_db
def test_a_client_cannot_claim_https_with_a_header(client, settings):
    """Without a proxy in front, X-Forwarded-Proto comes from whoever sends the request: the
    portal still redirects plain http to https instead of believing it."""
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("login"), headers={"x-forwarded-proto": "https"})
    assert response.status_code == 301 and response.url.startswith("https://")


def test_postgresql_connections_are_checked_before_reuse():
    database = settings_under({"DATABASE_URL": "postgres://portal:x@db:5432/portal"}, "DATABASES")
    assert database["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is True
    assert database["DATABASES"]["default"]["CONN_MAX_AGE"] == 60


@pytest.mark.django_db
def test_a_restarted_database_costs_no_error():
    """On PostgreSQL: a persistent connection whose server process went away (a restart) is
    replaced at the next request instead of failing it. On SQLite no connection is kept
    between requests, so there is nothing to go stale."""
    if connection.vendor != "postgresql":
        assert connection.settings_dict["CONN_MAX_AGE"] == 0
        return
    kept = connections.create_connection("default")
    kept.settings_dict["CONN_MAX_AGE"] = 60
    try:
        with kept.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with connection.cursor() as cursor:  # the server drops it, as a restart would
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        kept.close_if_unusable_or_obsolete()  # what Django does when the next request starts
        with kept.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
    finally:
        kept.close()


# --- Content-Security-Policy --------------------------------------------------------------

def _policy(response):
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", "cooperatives:list", "reporting:list", "plans:list"])
def test_pages_allow_only_the_portals_own_scripts(client_for, users, name):
    policy = _policy(client_for(users["province_admin"]).get(reverse(name)))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no inline script, no eval, no other host
    assert policy["style-src-elem"] == ["'self'"]  # no <style> element either
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert all("'unsafe-inline'" not in v and "'unsafe-eval'" not in v
               for k, v in policy.items() if k != "style-src-attr")


@pytest.mark.django_db
def test_the_login_page_has_the_policy_too(client):
    assert _policy(client.get(reverse("login")))["script-src"] == ["'self'"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def test_templates_have_no_inline_script_or_event_handler():
    """The policy would block them: behaviour lives in static/js/ (portal.js: data-confirm,
    data-busy-text, data-autosubmit)."""
    found = []
    for path in sorted((BASE_DIR / "templates").rglob("*.html")):
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, JS_URL):
            found += [f"{path.relative_to(BASE_DIR)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert not found, found


def test_htmx_is_told_not_to_inject_styles_or_eval():
    base = (BASE_DIR / "templates" / "base.html").read_text()
    config = json.loads(re.search(r"""<meta name="htmx-config" content='([^']*)'>""", base).group(1))
    assert config == {"includeIndicatorStyles": False, "allowEval": False}


# --- health check -------------------------------------------------------------------------

@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.django_db
def test_health_url_needs_no_login_and_checks_database_storage_and_cache(client, media):
    response = client.get(reverse("health"), headers={"accept": "text/plain"})
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert sorted(lines) == ["Cache(alias='default'): OK", "Database(alias='default'): OK",
                             "Storage(alias='default'): OK"]
    assert not [p for p in media.rglob("*") if p.is_file()]  # the storage check's test file is gone


@pytest.mark.django_db
def test_health_url_fails_when_the_media_storage_cannot_be_written(client, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker  # cannot create files under a file
    response = client.get(reverse("health"), headers={"accept": "text/plain"})
    assert response.status_code == 500
    assert "Storage(alias='default'): OK" not in response.content.decode()
    assert "Database(alias='default'): OK" in response.content.decode()


@pytest.mark.django_db
def test_the_compose_health_check_command_passes_against_the_running_portal(live_server, settings, media):
    """`manage.py health_check health HOST:PORT` exactly as the web container runs it, with the
    compose environment, against a running portal configured the same way."""
    environment = compose_environment()
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.USE_X_FORWARDED_HOST = True
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = [environment["DJANGO_ALLOWED_HOSTS"]]
    address = live_server.url.removeprefix("http://")
    result = manage(*SERVICES["web"]["healthcheck"]["test"][3:5], address, **environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Database(alias='default'): OK" in result.stdout


# --- dependencies and CI ------------------------------------------------------------------

def _pins(name):
    pins = {}
    for line in (BASE_DIR / name).read_text().splitlines():
        if match := re.match(r"([A-Za-z0-9_.\-]+)==(\S+)", line):
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def test_lock_files_pin_every_dependency_within_its_range():
    """requirements.lock (what the image installs) and requirements-test.lock (scripts/test, CI)
    are pip-compile's output for pyproject.toml: every dependency is pinned, within its range,
    and the two agree. After changing pyproject.toml, compile them again (docs/operations.md)."""
    project = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]
    runtime, test = _pins("requirements.lock"), _pins("requirements-test.lock")
    for lock, requirements in ((runtime, project["dependencies"]),
                               (test, project["dependencies"] + project["optional-dependencies"]["test"])):
        for text in requirements:
            requirement = Requirement(text)
            name = requirement.name.lower().replace("_", "-")
            assert name in lock, f"{name} is not pinned: compile the lock files again"
            assert requirement.specifier.contains(lock[name], prereleases=True), (name, lock[name])
    assert {name: test[name] for name in runtime} == runtime


def test_the_image_and_the_scripts_install_from_the_lock_files():
    assert "pip install --no-cache-dir -r requirements.lock" in (BASE_DIR / "Dockerfile").read_text()
    env_script = (BASE_DIR / "scripts" / "_env.sh").read_text()
    assert 'lock=requirements${EXTRAS:+-$EXTRAS}.lock' in env_script and '-r "$lock"' in env_script


def test_ci_runs_ruff_before_the_tests_and_the_rehearsal_after():
    ci = (BASE_DIR / ".ci" / "run").read_text()
    assert "ruff check ." in ci and ci.index("ruff check .") < ci.index("scripts/test -p")
    assert ci.rindex("scripts/test -p") < ci.index("scripts/rehearse_production")
    assert os.access(BASE_DIR / "scripts" / "rehearse_production", os.X_OK)
    assert "ruff" in _pins("requirements-test.lock")
    assert "select" in tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=BASE_DIR,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
