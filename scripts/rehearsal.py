"""The production rehearsal (scripts/rehearse_production runs it; docs/operations.md shows its output).

Docker does not run on the machines this is built on, so the rehearsal runs the services of
docker-compose.yml on this machine, each with its own command and with exactly the environment
the compose file gives it (the image's ENV lines, then the service's `environment:`, its
${X:?…} and ${X:-…} substituted as compose does). Only what differs between a host and a
container is changed, and printed: the host names `db`, `redis` and `web` become 127.0.0.1 on
free local ports, the database gets a throw-away name, the `media` volume is a temporary folder
shared by the web processes and the worker.

- db: this machine's PostgreSQL (127.0.0.1:5432, user postgres, trust): role `portal` and a fresh
  database `portal_rehearsal`, dropped at the start and at the end.
- redis: the compose service's own command (`redis-server --save "" …`) on port 6391.
- web: two of them, each running deploy/start-web (the image's CMD: migrate, bootstrap, then
  `exec gunicorn`) on its own port; they share only PostgreSQL, Redis and the media folder.
- worker: the compose service's command (`python manage.py db_worker`).
- proxy: Caddy with deploy/Caddyfile itself, changed only where the host differs: the upstream
  `web:8000` becomes the two local ports, `tls internal`, high ports, storage in a temporary folder.

Then, over HTTPS through Caddy (trusting Caddy's own root certificate): the health page; log-ins
of a commune's data entry, a province's reviewer and a province's administrator; the province's
progress page; a report sent and approved; the progress XLSX made by the worker and downloaded; a
document previewed and issued; an administrator's change of a target. Then both web processes
and the worker are restarted one after the other (SIGTERM, as `docker compose restart` sends)
while concurrent clients keep requesting through Caddy: not one request may fail. Then what was
done before is checked to be still there, and the figures unchanged.

Exits 1 with the reason on the first failure; always stops every process it started and drops
its database.
"""
import argparse
import http.client
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}   # this machine's server
DATABASE = "portal_rehearsal"
DOMAIN = "localhost"
PASSWORD = "Dien-tap-" + secrets.token_hex(6)   # the rehearsal's users (password validators pass)


class Failure(Exception):
    """A check of the rehearsal failed: the message says which and why."""


# --- docker-compose.yml and the Dockerfile, as compose and Docker read them ------------------

VARIABLE = re.compile(r"\$\{(\w+)(?:(:\?|:-)([^${}]*))?\}")   # innermost first: no ${ in a default


def substitute(value, given):
    """Compose's interpolation: ${X:?message} must be given, ${X:-default} falls back to its
    default, ${X} is empty when not given; nested defaults (${A:-https://${B}}) work inside out."""
    def one(match):
        name, op, rest = match.group(1), match.group(2), match.group(3) or ""
        if name in given:
            return given[name]
        if op == ":?":
            raise KeyError(f"compose requires {name}: {rest}")
        return rest if op == ":-" else ""
    text, count = str(value), 1
    while count:
        text, count = VARIABLE.subn(one, text)
    return text


def compose_environment(compose, service, given):
    """The environment compose gives a service (its `environment:`, substituted)."""
    return {k: substitute(v, given) for k, v in (compose["services"][service].get("environment") or {}).items()}


def image_environment(dockerfile):
    """The Dockerfile's ENV lines (KEY=VALUE pairs), which every container of the image has."""
    found = {}
    for line in dockerfile.splitlines():
        if line.startswith("ENV "):
            found.update(pair.split("=", 1) for pair in line[4:].split())
    return found


def volume_path(compose, service, volume):
    """Where a named volume is mounted in a service's container (`media:/app/media`)."""
    return next(v.split(":")[1] for v in compose["services"][service].get("volumes", []) if v.split(":")[0] == volume)


def host_environment(compose, service, given, hosts, database, media):
    """A service's compose environment with the host's differences only: URLs to the compose host
    names `hosts` maps point to the local address instead (the database to `database`), and the
    media volume's path in the container to the local folder `media`."""
    environment = compose_environment(compose, service, given)
    mounted = volume_path(compose, service, "media") if "volumes" in compose["services"][service] else None
    for name, value in environment.items():
        parts = urlsplit(value) if "://" in value else None
        if parts and parts.hostname in hosts:
            credentials = parts.netloc.rpartition("@")[0]
            netloc = (credentials + "@" if credentials else "") + hosts[parts.hostname]
            path = "/" + database if parts.scheme.startswith("postgres") else parts.path
            environment[name] = urlunsplit((parts.scheme, netloc, path, parts.query, parts.fragment))
        elif mounted and value == mounted:
            environment[name] = str(media)
    return environment


def rehearsal_caddyfile(text, upstreams, http_port, https_port, admin):
    """deploy/Caddyfile with the host's differences: the upstream, Caddy's internal CA, ports."""
    for needed in ("reverse_proxy web:8000", "# tls internal", "{$PORTAL_DOMAIN}"):
        if needed not in text:
            raise Failure(f"deploy/Caddyfile has no “{needed}”: update scripts/rehearsal.py with it")
    text = text.replace("reverse_proxy web:8000", "reverse_proxy " + " ".join(upstreams), 1)
    text = text.replace("# tls internal", "tls internal", 1)
    options = (f"{{\n\thttp_port {http_port}\n\thttps_port {https_port}\n\tadmin {admin}\n"
               "\tskip_install_trust\n}\n")
    return options + text


# --- processes ---------------------------------------------------------------------------------

def free_port(start, taken=()):
    for port in range(start, start + 200):
        if port in taken:
            continue
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as gunicorn and Caddy bind: past TIME_WAIT
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise Failure(f"no free port from {start}")


class Service:
    """One process of the rehearsal, logging to its own file (appended across restarts)."""

    def __init__(self, name, argv, env, log):
        self.name, self.argv, self.env, self.log = name, argv, env, log
        self.proc = None

    def start(self):
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        return self

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=45):
        """SIGTERM, as `docker compose stop` sends; SIGKILL after `timeout`. The exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        return self.proc.returncode

    def kill_group(self):
        """At the end: whatever is left of its process group (gunicorn's workers)."""
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def tail(self, lines=25):
        try:
            shown = Path(self.log).read_text(errors="replace").splitlines()[-lines:]
            return "\n".join(line if len(line) < 400 else line[:400] + " …" for line in shown)
        except OSError:
            return ""


def run(argv, env, timeout=120, check=True, what=None):
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
                            stdin=subprocess.DEVNULL)
    if check and result.returncode != 0:
        raise Failure(f"{what or ' '.join(argv)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result


def psql(sql, database="postgres", check=True):
    return run(["psql", "-h", PG["host"], "-p", PG["port"], "-U", PG["user"], "-d", database, "-v",
                "ON_ERROR_STOP=1", "-qAtc", sql], env={**os.environ, "PGCONNECT_TIMEOUT": "5"},
               timeout=60, check=check, what=f"psql: {sql}").stdout.strip()


def wait_for(what, test, timeout, interval=0.25, service=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service is not None and not service.running():
            raise Failure(f"{service.name} exited ({service.proc.returncode}) before {what}:\n{service.tail()}")
        try:
            if test():
                return
        except OSError:
            pass
        time.sleep(interval)
    raise Failure(f"timed out after {timeout} s waiting for {what}" + (f":\n{service.tail()}" if service else ""))


# --- HTTPS through Caddy -----------------------------------------------------------------------

class Forms(HTMLParser):
    """The forms of a page: each one's attributes and the fields a browser would send (inputs,
    checked boxes, the selected option, textareas; no submit button: the caller adds its own)."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._select, self._option, self._textarea = [], None, None, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = {"attrs": a, "fields": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append([a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else "")])
        elif tag == "select":
            self._select = {"name": a.get("name"), "first": None, "chosen": None}
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea[1] += data

    def _end_option(self):
        if self._option is not None and self._select is not None:
            value = self._option["value"] if self._option["value"] is not None else self._option["text"].strip()
            if self._select["first"] is None:
                self._select["first"] = value
            if self._option["selected"] and self._select["chosen"] is None:
                self._select["chosen"] = value
        self._option = None

    def handle_endtag(self, tag):
        if tag == "option":
            self._end_option()
        elif tag == "select" and self._select is not None:
            self._end_option()
            s = self._select
            value = s["chosen"] if s["chosen"] is not None else s["first"]
            if s["name"] and value is not None and self._form is not None:
                self._form["fields"].append([s["name"], value])
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if self._textarea[0] and self._form is not None:
                self._form["fields"].append([self._textarea[0], self._textarea[1].removeprefix("\n")])
            self._textarea = None
        elif tag == "form":
            self._form = None


class Response:
    def __init__(self, status, headers, body, label, seconds, number):
        self.status, self.headers, self.body, self.label = status, headers, body, label
        self.seconds, self.number = seconds, number

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def header(self, name):
        return self.headers.get(name.lower(), "")

    def form(self, test):
        for form in Forms(self.text).forms:
            if test(form):
                return form
        raise Failure(f"{self.label}: no such form on the page")


class Browser:
    """One user's client: its keep-alive HTTPS connection to Caddy, its cookies, CSRF as a browser
    does it (the form's token, the cookie, Referer and Origin of the https origin). Each request
    carries `User-Agent: rehearsal NAME #N`, which gunicorn's access log shows: that tells which
    web process served it."""

    counter = iter(range(1, 10**9))
    lock = threading.Lock()

    def __init__(self, name, port, context, record=None):
        self.name, self.port, self.context, self.record = name, port, context, record
        self.origin = f"https://{DOMAIN}:{port}"
        self.cookies, self.conn = {}, None

    def request(self, method, path, data=None, headers=None, label=None, timeout=60):
        with Browser.lock:
            number = next(Browser.counter)
        head = {"User-Agent": f"rehearsal {self.name} #{number}", "Accept-Language": "vi"}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data).encode()
            head.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin,
                         "Referer": self.origin + path})
        head.update(headers or {})
        started = time.monotonic()
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPSConnection(DOMAIN, self.port, context=self.context, timeout=timeout)
            try:
                self.conn.request(method, path, body=body, headers=head)
                raw = self.conn.getresponse()
                content = raw.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # Caddy closed an idle keep-alive connection: a browser opens another one
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        seconds = time.monotonic() - started
        for value in raw.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(value)
            for key, morsel in cookie.items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value
        response = Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, content,
                            label or f"{method} {path}", seconds, number)
        if self.record is not None:
            self.record.append(response)
        return response

    def get(self, path, expect=200, contains=None, **kw):
        return check(self.request("GET", path, **kw), expect, contains)

    def post(self, path, fields, expect=302, contains=None, **kw):
        return check(self.request("POST", path, data=fields, **kw), expect, contains)

    def close(self):
        if self.conn is not None:
            self.conn.close()


def check(response, expect, contains=None):
    if response.status != expect:
        raise Failure(f"{response.label}: HTTP {response.status}, expected {expect}\n{response.text[:800]}")
    if contains and contains not in response.text:
        raise Failure(f"{response.label}: the page does not say “{contains}”")
    return response


def login(browser, username):
    page = browser.get("/dang-nhap/", label=f"{username}: log-in page")
    form = page.form(lambda f: any(name == "password" for name, _ in f["fields"]))
    fields = dict(form["fields"]) | {"username": username, "password": PASSWORD}
    answer = browser.post("/dang-nhap/", fields, label=f"{username}: log in")
    if "dang-nhap" in answer.header("location"):
        raise Failure(f"{username}: the log-in was refused")
    return answer


def fields_of(form):
    return [(k, v) for k, v in form["fields"]]


def set_field(fields, name, value):
    out = [(k, v) for k, v in fields if k != name]
    return out + [(name, value)]


# --- the rehearsal ------------------------------------------------------------------------------

class Rehearsal:
    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="portal-rehearsal-"))
        self.services = []
        self.phases = []
        self.journey = []
        self.role_created = False
        self.database_created = False
        self.compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
        self.dockerfile = (ROOT / "Dockerfile").read_text()
        self.given = {"PORTAL_DOMAIN": DOMAIN, "POSTGRES_PASSWORD": secrets.token_hex(24),
                      "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}

    # each phase is timed and printed as it ends
    def phase(self, name, function):
        started = time.monotonic()
        note = function()
        seconds = time.monotonic() - started
        self.phases.append((name, seconds))
        print(f"  {name:<44} {seconds:6.1f} s" + (f"   {note}" if note else ""), flush=True)

    def main(self):
        started = time.monotonic()
        print(f"Production rehearsal: docker-compose.yml's services on this machine ({self.tmp})", flush=True)
        try:
            self.phase("build: collectstatic as the Dockerfile", self.build)
            self.phase("db: role portal, fresh database", self.database)
            self.phase("redis: the compose command", self.redis)
            self.phase("web ×2: deploy/start-web, healthy", self.webs)
            self.phase("worker: db_worker, check_worker", self.worker)
            self.phase("proxy: Caddy with deploy/Caddyfile", self.proxy)
            self.phase("users: createadmin and two more", self.users)
            self.phase("journey over HTTPS", self.walk)
            self.phase("admin edits a target", self.edit_target)
            self.phase("figures before the restart", self.figures_before)
            self.phase("restart web ×2 and worker under load", self.restart)
            self.phase("checks after the restart", self.after)
            self.summary(time.monotonic() - started)   # reads the access logs: before they go
        except Failure as exc:
            print(f"\nREHEARSAL FAILED: {exc}", file=sys.stderr, flush=True)
            for service in self.services:
                print(f"\n--- {service.name} (last lines of its log) ---\n{service.tail()}", file=sys.stderr)
            return 1
        finally:
            self.cleanup()
        print(f"rehearsal passed in {time.monotonic() - started:.1f} s, every process stopped and "
              f"{DATABASE} dropped", flush=True)
        return 0

    # --- setting up, in compose's order (depends_on) ---
    def environment(self, service):
        hosts = {"db": f"{PG['host']}:{PG['port']}", "redis": f"127.0.0.1:{self.redis_port}"}
        env = {"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
               "HOME": str(self.tmp / "home"), "LANG": "C.UTF-8"}   # the portal user's own home
        env.update(image_environment(self.dockerfile))
        env.update(host_environment(self.compose, service, self.given, hosts, DATABASE, self.tmp / "media"))
        return env

    def build(self):
        (self.tmp / "home").mkdir()
        (self.tmp / "media").mkdir()
        self.redis_port = free_port(6391)
        line = next(line for line in self.dockerfile.splitlines() if "manage.py collectstatic" in line)
        manifest = ROOT / "staticfiles" / "staticfiles.json"
        sources = [p for p in (ROOT / "static").rglob("*") if p.is_file()]
        if manifest.exists() and all(p.stat().st_mtime < manifest.stat().st_mtime for p in sources):
            return "staticfiles/ is up to date (scripts/test made it): not run again"
        env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(self.tmp / "home")}
        run(["sh", "-c", line.removeprefix("RUN ")], env | image_environment(self.dockerfile), what="collectstatic")

    def database(self):
        if not psql("SELECT 1 FROM pg_roles WHERE rolname = 'portal'"):
            psql(f"CREATE ROLE portal LOGIN PASSWORD '{self.given['POSTGRES_PASSWORD']}'")
            self.role_created = True
        psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        psql(f"CREATE DATABASE {DATABASE} OWNER portal")
        self.database_created = True
        test = self.compose["services"]["db"]["healthcheck"]["test"][1]   # pg_isready -U portal -d portal
        argv = test.replace("-d portal", f"-d {DATABASE}").split() + ["-h", PG["host"], "-p", PG["port"]]
        run(argv, os.environ, what="the db health check")
        return psql("SHOW server_version").split()[0] + " (compose: postgres:16)"

    def redis(self):
        command = self.compose["services"]["redis"]["command"]
        argv = command + ["--port", str(self.redis_port), "--bind", "127.0.0.1", "--dir", str(self.tmp)]
        service = self.start("redis", argv, {"PATH": os.environ["PATH"]})
        program, *command = self.compose["services"]["redis"]["healthcheck"]["test"][1:]   # redis-cli ping
        ping = [program, "-p", str(self.redis_port), *command]
        wait_for("redis-cli ping", lambda: run(ping, os.environ, check=False).stdout.strip() == "PONG", 15,
                 service=service)
        return f"port {self.redis_port}"

    def start(self, name, argv, env):
        service = Service(name, argv, env, self.tmp / f"{name}.log").start()
        self.services.append(service)
        return service

    def start_web(self, name, port):
        env = self.environment("web") | {"GUNICORN_BIND": f"127.0.0.1:{port}"}   # the container's 8000
        command = self.compose["services"]["web"].get("command") or ["/app/deploy/start-web"]
        argv = [str(ROOT / c.removeprefix("/app/")) if c.startswith("/app/") else c for c in command]
        existing = next((s for s in self.services if s.name == name), None)
        if existing:
            existing.env, existing.argv = env, argv
            return existing.start()
        service = self.start(name, argv, env)
        service.port = port
        return service

    def cmd(self):
        """The image's CMD (exec form), as the web service runs it."""
        found = re.search(r"^CMD (\[.*\])$", self.dockerfile, re.M)
        if not found:
            raise Failure("the Dockerfile's CMD is not in exec form")
        return json.loads(found.group(1))

    def healthy(self, service):
        test = self.compose["services"]["web"]["healthcheck"]["test"][1:]   # manage.py health_check health 127.0.0.1:8000
        argv = [a.replace("127.0.0.1:8000", f"127.0.0.1:{service.port}") for a in test]
        wait_for(f"{service.name} healthy", lambda: run(argv, self.environment("web"), check=False).returncode == 0,
                 90, interval=0.5, service=service)
        with open(f"/proc/{service.proc.pid}/cmdline", "rb") as f:
            if b"gunicorn" not in f.read():   # start-web must have exec'd: gunicorn gets compose's SIGTERM
                raise Failure(f"{service.name}: PID {service.proc.pid} is not gunicorn (no exec in deploy/start-web?)")

    def differences(self):
        """What the host changes in the web and worker environment (printed: nothing else differs)."""
        compose = compose_environment(self.compose, "web", self.given)
        host = self.environment("web")
        secret = self.given["POSTGRES_PASSWORD"]
        shown = [f"{k} {compose[k]} → {host[k]}".replace(secret, "…") for k in compose if compose[k] != host[k]]
        return shown + ["GUNICORN_BIND (start-web's default 0.0.0.0:8000) → 127.0.0.1:<its port>"]

    def webs(self):
        for line in self.differences():
            print(f"    host difference: {line}", flush=True)
        command = self.cmd()
        self.compose["services"]["web"].setdefault("command", command)
        first = free_port(18001)
        ports = [first, free_port(first + 1)]
        self.webs_ = []
        for number, port in enumerate(ports, 1):   # one after the other: each migrates first
            service = self.start_web(f"web{number}", port)
            self.healthy(service)
            self.webs_.append(service)
        return f"ports {ports[0]}, {ports[1]}; PID 1 of each is gunicorn"

    def worker(self):
        command = self.compose["services"]["worker"]["command"]
        self.worker_ = self.start("worker", command, self.environment("worker"))
        test = self.compose["services"]["worker"]["healthcheck"]["test"][1:]
        wait_for("check_worker", lambda: run(test, self.environment("worker"), check=False).returncode == 0, 30,
                 interval=0.5, service=self.worker_)

    def proxy(self):
        taken = {s.port for s in self.webs_}
        self.https_port = free_port(18443, taken)
        self.http_port = free_port(18080, taken | {self.https_port})
        admin = f"127.0.0.1:{free_port(18019, taken | {self.https_port, self.http_port})}"
        upstreams = [f"127.0.0.1:{s.port}" for s in self.webs_]
        text = rehearsal_caddyfile((ROOT / "deploy" / "Caddyfile").read_text(), upstreams, self.http_port,
                                   self.https_port, admin)
        (self.tmp / "Caddyfile").write_text(text)
        env = {"PATH": os.environ["PATH"], "HOME": str(self.tmp / "home"),
               "XDG_DATA_HOME": str(self.tmp / "caddy-data"), "XDG_CONFIG_HOME": str(self.tmp / "caddy-config")}
        env.update(compose_environment(self.compose, "proxy", self.given))
        caddy = shutil.which("caddy")
        if not caddy:
            raise Failure("caddy is not installed (scripts/system_packages.sh installs it)")
        run([caddy, "validate", "--config", str(self.tmp / "Caddyfile"), "--adapter", "caddyfile"], env,
            what="caddy validate")
        service = self.start("proxy", [caddy, "run", "--config", str(self.tmp / "Caddyfile"),
                                       "--adapter", "caddyfile"], env)
        root = self.tmp / "caddy-data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"

        def answers():
            if not root.exists():
                return False
            context = ssl.create_default_context(cafile=str(root))
            conn = http.client.HTTPSConnection(DOMAIN, self.https_port, context=context, timeout=5)
            try:
                conn.request("GET", "/suc-khoe/", headers={"Accept": "text/plain"})
                return conn.getresponse().status == 200
            except (ssl.SSLError, OSError):
                return False
            finally:
                conn.close()
        wait_for("Caddy serving https with its internal CA", answers, 30, interval=0.3, service=service)
        self.context = ssl.create_default_context(cafile=str(root))
        # the compose health check of the proxy: Caddy's admin endpoint
        conn = http.client.HTTPConnection(*admin.split(":"), timeout=5)
        conn.request("GET", "/config/")
        if conn.getresponse().status != 200:
            raise Failure("Caddy's admin endpoint does not answer")
        conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=5)
        conn.request("GET", "/suc-khoe/", headers={"Host": DOMAIN})
        redirect = conn.getresponse()
        if redirect.status not in (301, 308) or not redirect.getheader("Location", "").startswith("https://"):
            raise Failure(f"plain http is not redirected to https ({redirect.status})")
        return f"https {self.https_port}, http {self.http_port} (redirects), admin {admin}"

    def manage(self, *args, env=None, timeout=120):
        return run([sys.executable, "manage.py", *args], env or self.environment("web"), timeout=timeout,
                   what="manage.py " + " ".join(args[:2]))

    def users(self):
        # the documented first account: a portal administrator (here of the province)
        env = self.environment("web") | {"DJANGO_ADMIN_PASSWORD": PASSWORD}
        self.manage("createadmin", "qt20", "--area", "20", "--name", "Nguyễn Thị Quản", env=env)
        code = ("from portal.models import Area, User\n"
                "for name, role, area in (('lan', User.Role.DATA_ENTRY, '06040'), ('minh', User.Role.REVIEWER, '20')):\n"
                f"    User.objects.create_user(name, password={PASSWORD!r}, role=role, area=Area.resolve(area),\n"
                "        first_name=name.title(), must_change_password=False)\n")
        self.manage("shell", "-c", code)
        found = json.loads(self.manage("shell", "-c", (
            "import json; from plans.models import Target\n"
            "t = Target.objects.get(plan__key='lang-son-2023', indicator__code='HTX_MOI', milestone=2025)\n"
            "print(json.dumps({'plan': t.plan_id, 'target': t.pk, 'low': str(t.low), 'high': str(t.high)}))"
        )).stdout.strip().splitlines()[-1])
        self.target = found
        return "qt20 (admin, 20), lan (data entry, 06040), minh (reviewer, 20)"

    def walk(self):
        port = self.https_port
        lan = Browser("lan", port, self.context, self.journey)
        minh = Browser("minh", port, self.context, self.journey)
        anon = Browser("anonymous", port, self.context, self.journey)
        anon.get("/suc-khoe/", headers={"Accept": "text/plain"}, contains="Database(alias='default'): OK")
        login(lan, "lan")
        login(minh, "minh")
        minh.get("/tien-do/20/", contains="Lạng Sơn")
        # the data entry opens her commune's 2025 report, types a figure and sends it
        listing = lan.get("/bao-cao/", contains="Xã Thất Khê")
        form = listing.form(lambda f: f["attrs"].get("action") == "/bao-cao/mo/")
        opened = lan.post("/bao-cao/mo/", set_field(fields_of(form), "ky", "2025"), label="lan: open report 2025")
        report_path = opened.header("location")
        if not re.fullmatch(r"/bao-cao/\d+/", report_path):
            raise Failure(f"opening the report went to {report_path!r}")
        self.report = int(report_path.strip("/").split("/")[-1])
        page = lan.get(report_path, contains="Bản nháp")
        form = page.form(lambda f: f["attrs"].get("id") == "report-form")
        fields = set_field(fields_of(form), "v_HTX_MOI", "4")
        fields = set_field(fields, "note", "Hỗ trợ thành lập 4 HTX (diễn tập).") + [("action", "submit")]
        lan.post(report_path, fields, label="lan: send the report")
        lan.get(report_path, contains="Đã gửi báo cáo để cấp trên duyệt.")
        # the reviewer approves it from the report's page
        page = minh.get(report_path, contains="Duyệt")
        form = page.form(lambda f: f["attrs"].get("id") == "approve-form")
        minh.post(form["attrs"]["action"], fields_of(form), label="minh: approve")
        minh.get("/bao-cao/cho-duyet/", contains="Đã duyệt báo cáo")
        # the province's progress XLSX: a job, which the worker makes
        started = minh.get("/tien-do/20/xuat.xlsx", expect=302, label="minh: export XLSX (a job)")
        job_path = started.header("location")
        if not re.fullmatch(r"/cong-viec/\d+/", job_path):
            raise Failure(f"the XLSX export did not start a job (went to {job_path!r})")
        job_started = time.monotonic()
        deadline = job_started + 90
        while True:
            poll = minh.get(job_path, headers={"HX-Request": "true"}, label="minh: poll the job")
            if poll.header("hx-refresh") == "true":
                break
            if time.monotonic() > deadline:
                raise Failure("the export job did not finish within 90 s (is the worker running?)")
            time.sleep(0.5)
        job_seconds = time.monotonic() - job_started
        xlsx = minh.get(job_path + "tai-ve/", label="minh: download the XLSX").body
        try:
            names = zipfile.ZipFile(io.BytesIO(xlsx)).namelist()
        except zipfile.BadZipFile:
            raise Failure("the downloaded export is not an XLSX file") from None
        if "xl/workbook.xml" not in names:
            raise Failure("the downloaded export is not an XLSX workbook")
        import openpyxl
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True).worksheets[0]
        if not any("Lạng Sơn" in str(c) for row in sheet.iter_rows(max_row=12, values_only=True) for c in row if c):
            raise Failure("the exported workbook does not name Lạng Sơn")
        # a document: previewed, then issued, then its PDF
        page = minh.get("/tien-do/20/ban-hanh/", label="minh: issue form")
        form = page.form(lambda f: f["attrs"].get("id") == "issue-form")
        fields = fields_of(form)
        for name, value in (("number", "15/BC-HPN"), ("signer_name", "Trần Văn Minh"),
                            ("assessment", "Đạt kế hoạch (diễn tập)."), ("difficulties", "Không."),
                            ("proposals", "Không.")):
            fields = set_field(fields, name, value)
        preview = minh.post("/tien-do/20/ban-hanh/", fields + [("xem_truoc", "1")], expect=200,
                            label="minh: preview the document")
        if not preview.body.startswith(b"%PDF"):
            raise Failure("the document preview is not a PDF")
        issued = minh.request("POST", "/tien-do/20/ban-hanh/", data=fields + [("ban_hanh", "1")],
                              label="minh: issue the document")
        if issued.status == 200 and "confirm_warnings" in issued.text:   # warnings: confirm them
            issued = minh.post("/tien-do/20/ban-hanh/", fields + [("confirm_warnings", "on"), ("ban_hanh", "1")],
                               label="minh: issue, warnings confirmed")
        check(issued, 302)
        document = issued.header("location")
        pdf = minh.get(document + "ban-in.pdf", label="minh: the issued PDF")
        if not pdf.body.startswith(b"%PDF"):
            raise Failure("the issued document's PDF is not a PDF")
        self.issue_requests = (preview.number, issued.number)
        self.lan, self.minh, self.anon = lan, minh, anon
        return f"report {self.report} approved; XLSX job {job_seconds:.1f} s, {len(xlsx)} bytes; document {document}"

    def edit_target(self):
        admin = Browser("qt20", self.https_port, self.context, self.journey)
        login(admin, "qt20")
        path = f"/ke-hoach/{self.target['plan']}/muc-tieu/"
        page = admin.get(path, label="qt20: plan targets")
        form = page.form(lambda f: any(k.endswith("TOTAL_FORMS") for k, _ in f["fields"]))
        fields = fields_of(form)
        prefix = next((k.removesuffix("-id") for k, v in fields if k.endswith("-id") and v == str(self.target["target"])),
                      None)
        if prefix is None:
            raise Failure("the plan's targets page has no row of the HTX_MOI 2025 target")
        self.new_high = "27"
        admin.post(path, set_field(fields, f"{prefix}-high", self.new_high), label="qt20: save targets")
        admin.get(f"/ke-hoach/{self.target['plan']}/", contains="Đã lưu các mục tiêu.")
        self.admin = admin
        found = self.state()
        if found["high"] != "27.00":
            raise Failure(f"the target's upper bound is {found['high']} after the admin's edit, not 27")
        return f"HTX_MOI 2025 of lang-son-2023: {self.target['low']}–{self.target['high']} → {self.target['low']}–27"

    def state(self):
        code = ("import json; from plans.models import Target; from reporting.models import IssuedDocument, Report\n"
                f"t = Target.objects.get(pk={self.target['target']}); r = Report.objects.get(pk={self.report})\n"
                "print(json.dumps({'high': str(t.high), 'report': r.status, 'documents': IssuedDocument.objects.count()}))")
        return json.loads(self.manage("shell", "-c", code).stdout.strip().splitlines()[-1])

    def progress(self):
        return json.loads(self.manage("progress", "20", "--milestone", "2025", "--json").stdout)

    def figures_before(self):
        self.before = self.progress()
        self.state_before = self.state()
        return f"report {self.state_before['report']}, {self.state_before['documents']} document(s)"

    def restart(self):
        """Both web processes, one after the other, then the worker, each with SIGTERM while
        `clients` threads keep requesting through Caddy."""
        stop, results, errors = threading.Event(), [], []
        paths = ["/suc-khoe/", "/tien-do/20/", "/bao-cao/", "/", "/tien-do/20/?moc=2030"]

        def client(number):
            browser = Browser(f"load{number}", self.https_port, self.context)
            browser.cookies = dict(self.minh.cookies)   # the reviewer's session, on whichever upstream
            turn = number
            while not stop.is_set():
                path = paths[turn % len(paths)]
                turn += 1
                started = time.monotonic()
                try:
                    response = browser.request("GET", path, headers={"Accept": "text/plain"}, timeout=60)
                    results.append((time.monotonic() - started, response.status, response.number))
                    if response.status != 200:
                        errors.append(f"HTTP {response.status} for {path}")
                except Exception as exc:  # any failure counts: the point is that there is none
                    results.append((time.monotonic() - started, None, None))
                    errors.append(f"{type(exc).__name__} for {path}: {exc}")
                    browser.close()
                    browser.conn = None
            browser.close()

        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(self.args.clients)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        notes = []
        try:
            for service in self.webs_:
                slow = threading.Thread(target=self.in_flight, args=(service,))
                slow.start()   # a PDF made in the request, on this very process, when SIGTERM comes
                time.sleep(0.3)
                started = time.monotonic()
                code = service.stop(timeout=60)
                drained = time.monotonic() - started
                slow.join(60)
                if code != 0:
                    raise Failure(f"{service.name}'s gunicorn exited {code} on SIGTERM:\n{service.tail()}")
                if not self.slow_ok:
                    raise Failure(f"the request in flight on {service.name} at SIGTERM did not finish: {self.slow_ok!r}")
                self.start_web(service.name, service.port)
                self.healthy(service)
                notes.append(f"{service.name} stop {drained:.1f} s (its PDF in flight answered) + start "
                             f"{time.monotonic() - started - drained:.1f} s")
                time.sleep(1)
            started = time.monotonic()
            code = self.worker_.stop(timeout=60)
            if code not in (0, 1):
                raise Failure(f"the worker exited {code} on SIGTERM")
            self.worker_.start()
            test = self.compose["services"]["worker"]["healthcheck"]["test"][1:]
            wait_for("check_worker after the restart",
                     lambda: run(test, self.environment("worker"), check=False).returncode == 0, 30,
                     interval=0.5, service=self.worker_)
            notes.append(f"worker {time.monotonic() - started:.1f} s")
            time.sleep(1.5)
        finally:
            stop.set()
            for t in threads:
                t.join(90)
        self.load = results
        times = sorted(r[0] for r in results)
        self.load_line = (f"{len(results)} requests from {self.args.clients} clients, {len(errors)} failed; "
                          f"p50 {percentile(times, 50) * 1000:.0f} ms, p95 {percentile(times, 95) * 1000:.0f} ms, "
                          f"max {times[-1] * 1000:.0f} ms" if times else "no request")
        if errors:
            shown = "\n  ".join(sorted(set(errors))[:10])
            raise Failure(f"{len(errors)} of {len(results)} requests failed during the restarts:\n  {shown}")
        return "; ".join(notes)

    def in_flight(self, service):
        """A slow request (a commune's draft PDF, made in the request) straight to one web process,
        as Caddy sends it: it must be answered in full although SIGTERM arrives meanwhile."""
        self.slow_ok = None
        conn = http.client.HTTPConnection("127.0.0.1", service.port, timeout=60)
        try:
            conn.request("GET", "/tien-do/06040/du-thao.pdf", headers={
                "Host": f"{DOMAIN}:{self.https_port}", "X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1",
                "User-Agent": f"rehearsal in-flight {service.name}",
                "Cookie": "; ".join(f"{k}={v}" for k, v in self.minh.cookies.items())})
            response = conn.getresponse()
            body = response.read()
            self.slow_ok = response.status == 200 and body.startswith(b"%PDF") or f"HTTP {response.status}"
        except Exception as exc:  # reported by the caller
            self.slow_ok = f"{type(exc).__name__}: {exc}"
        finally:
            conn.close()

    def after(self):
        found = self.state()
        problems = []
        if found["high"] != "27.00":
            problems.append(f"the administrator's target edit is gone: upper bound {found['high']}, "
                            "not 27 (the restart's bootstrap wrote the seed over it)")
        if found["report"] != "approved":
            problems.append(f"the approved report is now {found['report']}")
        if found["documents"] != self.state_before["documents"]:
            problems.append("the issued documents changed")
        if self.progress() != self.before:
            problems.append("the figures of manage.py progress 20 --milestone 2025 changed across the restart")
        # a session opened before the restart still works, on either upstream
        for _ in range(4):
            self.minh.get("/tien-do/20/", contains="Lạng Sơn", label="minh: progress page after the restart")
        if problems:
            raise Failure("after the restart: " + "; ".join(problems))
        return "target edit kept, report approved, figures unchanged, sessions still valid"

    # --- the end ---
    def upstream_of(self):
        """Request number -> the web process that served it (gunicorn's access logs)."""
        time.sleep(0.5)   # gunicorn writes a request's line once its response is sent
        served = {}
        for service in self.webs_:
            for match in re.finditer(r'"rehearsal \S+ #(\d+)"', Path(service.log).read_text(errors="replace")):
                served[int(match.group(1))] = service.name
        return served

    def summary(self, total):
        served = self.upstream_of()
        times = sorted(r.seconds for r in self.journey)
        by_web = {}
        for r in self.journey:
            by_web[served.get(r.number, "?")] = by_web.get(served.get(r.number, "?"), 0) + 1
        load_by_web = {}
        for _, _, number in self.load:
            load_by_web[served.get(number, "?")] = load_by_web.get(served.get(number, "?"), 0) + 1
        preview, issued = (served.get(n, "?") for n in self.issue_requests)
        print()
        print(f"journey: {len(self.journey)} requests over HTTPS, p50 {percentile(times, 50) * 1000:.0f} ms, "
              f"p95 {percentile(times, 95) * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms; served by "
              + ", ".join(f"{k} {v}" for k, v in sorted(by_web.items())))
        slowest = sorted(self.journey, key=lambda r: -r.seconds)[:3]
        print("  slowest: " + "; ".join(f"{r.label} {r.seconds * 1000:.0f} ms" for r in slowest))
        print(f"  document previewed on {preview}, issued on {issued}")
        unmatched = [r.label for r in self.journey if r.number not in served]
        if unmatched:
            print(f"  not in either access log: {', '.join(unmatched)}")
        print(f"restart under load: {self.load_line}; served by "
              + ", ".join(f"{k} {v}" for k, v in sorted(load_by_web.items())))
        if set(by_web) - {"?"} != {s.name for s in self.webs_}:
            print("WARNING: the journey did not reach both web processes", file=sys.stderr)

    def cleanup(self):
        for service in reversed(self.services):
            try:
                service.stop(timeout=20)
            finally:
                service.kill_group()
        if self.database_created:
            psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)", check=False)
        if self.role_created:
            psql("DROP ROLE IF EXISTS portal", check=False)
        shutil.rmtree(self.tmp, ignore_errors=True)


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    if len(sorted_values) == 1:
        return sorted_values[0]
    return statistics.quantiles(sorted_values, n=100, method="inclusive")[p - 1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients during the restarts")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))   # cleanup runs on CI's stop as well
    return Rehearsal(args).main()


if __name__ == "__main__":
    sys.exit(main())
