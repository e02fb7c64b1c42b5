"""Load benchmark: the portal under gunicorn with the production settings, on the loopback
address, driven by concurrent logged-in clients.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_cache
    python manage.py bootstrap --demo
    python manage.py generate_demo --scale national       # or --scale province (Lạng Sơn)
    python manage.py collectstatic --noinput -v0
    python scripts/bench_load.py [--clients 8] [--seconds 20] [--port 8765] [--redis]

gunicorn runs from this virtualenv (`python -m gunicorn portal.wsgi --bind 127.0.0.1:PORT`) with
DJANGO_DEBUG=0, a throw-away secret key, DJANGO_SECURE_COOKIES=0 (plain http on the loopback
only) and its workers, threads and timeout from GUNICORN_WORKERS / GUNICORN_THREADS /
GUNICORN_TIMEOUT, with the Dockerfile's defaults. --redis sets CACHE_URL to the Redis on
127.0.0.1:6379 (database --redis-db), as in production; otherwise each worker has its own local
memory cache.

Each client is a thread with its own keep-alive connection and session, logged in through the
log-in form (CSRF token and all): a province reviewer of Lạng Sơn for the provincial page and a
national administrator for the national page and the registry list (both created if missing).
For each page, for ``--seconds``:

- cold: gunicorn started with PROGRESS_CACHE_SECONDS=0, so every request computes the rollup
  (what a page costs the first time after a change);
- first pass: the cached server, just after a data-version bump (every cached rollup
  unreachable): the clients' first request each, all at once;
- warm: the cached server, the clients requesting the page again and again.

Prints requests/s, p50/p95/p99 (ms) and errors (any answer but 200, any exception), and the
verdict for the goal: provincial page warm >= 50 requests/s with p95 < 300 ms and no error.
"""
import argparse
import http.client
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.urls import reverse  # noqa: E402

from portal import dataversion  # noqa: E402
from portal.models import Area, User  # noqa: E402

PASSWORD = "Bench-" + secrets.token_hex(8)
DEFAULTS = {"GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "4", "GUNICORN_TIMEOUT": "120"}  # the Dockerfile's


def ensure_user(username, role, code):
    area = Area.resolve(code)
    user, _ = User.objects.get_or_create(username=username, defaults={"role": role, "area": area})
    user.role, user.area, user.must_change_password, user.is_active = role, area, False, True
    user.set_password(PASSWORD)
    user.save()
    return user


class Session:
    """One client: a keep-alive connection, its cookies, logged in through the form."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            h = {"Host": "127.0.0.1", **(headers or {})}
            if self.cookies:
                h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            try:
                self.conn.request(method, path, body=body, headers=h)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
                continue
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            return response.status, data
        raise RuntimeError("unreachable")

    def login(self, username):
        path = reverse("login")
        status, page = self.request("GET", path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD})
        status, _ = self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded",
                                                     "Referer": f"http://127.0.0.1:{self.port}{path}"})
        if status != 302:
            raise SystemExit(f"log-in of {username} failed (HTTP {status})")


class Server:
    def __init__(self, port, extra_env):
        env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
               "DJANGO_SECURE_COOKIES": "0", "DJANGO_ALLOWED_HOSTS": "127.0.0.1", **extra_env}
        self.settings = {k: env.get(k, v) for k, v in DEFAULTS.items()}
        self.port = port
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", self.settings["GUNICORN_WORKERS"], "--threads", self.settings["GUNICORN_THREADS"],
             "--timeout", self.settings["GUNICORN_TIMEOUT"], "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", reverse("health"), headers={"Host": "127.0.0.1"})
                if conn.getresponse().status in (200, 500):
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit("gunicorn did not start")

    def stop(self):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)


def percentile(times, p):
    if not times:
        return float("nan")
    if len(times) == 1:
        return times[0]
    return statistics.quantiles(times, n=100, method="inclusive")[p - 1]


def drive(sessions, path, seconds):
    """Every client requests ``path`` again and again for ``seconds``: (times in ms, errors, wall)."""
    times, errors, lock = [], [], threading.Lock()
    stop = time.monotonic() + seconds

    def client(session):
        mine, bad = [], []
        while time.monotonic() < stop:
            t = time.perf_counter()
            try:
                status, _ = session.request("GET", path)
                if status != 200:
                    bad.append(status)
            except Exception as exc:  # counted, not fatal
                bad.append(repr(exc))
            mine.append((time.perf_counter() - t) * 1000)
        with lock:
            times.extend(mine)
            errors.extend(bad)
    start = time.monotonic()
    threads = [threading.Thread(target=client, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors, time.monotonic() - start


def first_pass(sessions, path):
    """After a data-version bump: each client's first request, all at once."""
    dataversion.bump("bench_load")
    times, errors, lock = [], [], threading.Lock()

    def client(session):
        t = time.perf_counter()
        try:
            status, _ = session.request("GET", path)
            bad = [] if status == 200 else [status]
        except Exception as exc:
            bad = [repr(exc)]
        with lock:
            times.append((time.perf_counter() - t) * 1000)
            errors.extend(bad)
    threads = [threading.Thread(target=client, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors


def line(label, times, errors, wall=None):
    rate = f"{len(times) / wall:7.1f} req/s" if wall else " " * 13
    return (f"  {label:<11} {rate}  n={len(times):<5} p50 {percentile(times, 50):7.0f} ms  "
            f"p95 {percentile(times, 95):7.0f} ms  p99 {percentile(times, 99):7.0f} ms  errors {len(errors)}"
            + (f" {sorted(set(map(str, errors)))[:3]}" if errors else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--redis", action="store_true", help="CACHE_URL=redis://127.0.0.1:6379/<--redis-db>")
    parser.add_argument("--redis-db", type=int, default=3)
    parser.add_argument("--milestone", type=int, default=2025)
    args = parser.parse_args()

    province = ensure_user("bench-tinh", User.Role.REVIEWER, "20")
    national = ensure_user("bench-tw", User.Role.ADMIN, "VN")
    pages = [
        ("provincial progress (20)", province, reverse("progress:area", args=["20"]) + f"?moc={args.milestone}"),
        ("national progress (VN)", national, reverse("progress:area", args=["VN"]) + f"?moc={args.milestone}"),
        ("registry list", national, reverse("cooperatives:list")),
    ]
    cache_env = {"CACHE_URL": f"redis://127.0.0.1:6379/{args.redis_db}"} if args.redis else {}
    if args.redis:
        from django.core.cache.backends.redis import RedisCache

        RedisCache(cache_env["CACHE_URL"], {}).clear()
    results = {}
    for mode, extra in (("cold", {"PROGRESS_CACHE_SECONDS": "0"}), ("cached", {})):
        server = Server(args.port, {**cache_env, **extra})
        try:
            if mode == "cold":
                print(f"gunicorn: workers {server.settings['GUNICORN_WORKERS']}, threads "
                      f"{server.settings['GUNICORN_THREADS']}, timeout {server.settings['GUNICORN_TIMEOUT']} s; "
                      f"cache {'redis' if args.redis else 'local memory'}; {args.clients} clients, "
                      f"{args.seconds:g} s per page; database {django.db.connection.vendor}")
            for label, user, path in pages:
                sessions = [Session(args.port) for _ in range(args.clients)]
                for s in sessions:
                    s.login(user.username)
                if mode == "cold":
                    results[(label, "cold")] = drive(sessions, path, args.seconds)
                else:
                    results[(label, "first pass")] = (*first_pass(sessions, path), None)
                    results[(label, "warm")] = drive(sessions, path, args.seconds)
        finally:
            server.stop()
    for label, _user, path in pages:
        print(f"{label}: {path}")
        for phase in ("cold", "first pass", "warm"):
            times, errors, wall = results[(label, phase)]
            print(line(phase, times, errors, wall))
    times, errors, wall = results[(pages[0][0], "warm")]
    ok = len(times) / wall >= 50 and percentile(times, 95) < 300 and not errors
    print(f"goal (provincial page warm: >= 50 req/s, p95 < 300 ms, no error): {'met' if ok else 'NOT met'}")
    all_errors = sum(len(r[1]) for r in results.values())
    return 0 if ok and not all_errors else 1


if __name__ == "__main__":
    sys.exit(main())
