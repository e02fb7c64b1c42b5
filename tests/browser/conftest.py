"""Browser tests: Playwright (sync API) driving Debian's chromium against pytest-django's live server.

Debian's /usr/bin/chromium is used (scripts/system_packages.sh installs it); Playwright's own
browser download does not work on these machines and is never attempted.

These tests are transactional (live_server), so the database is flushed after each of them,
taking the bootstrap data that tests/conftest.py loads once per session with it. Each browser
test therefore bootstraps again when the data is missing, and the last test of each module puts
it back after the final flush, for the tests that run after the browser ones.
"""
import os
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop on the main thread, which trips Django's
# async-safety check on every ORM call the tests make while a page is open.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # gitignored; for humans


class _Null:
    def write(self, *_):
        pass

    def flush(self):
        pass


def _bootstrap_if_missing():
    """Loads the map and the plans again when a flush has emptied the tables."""
    from plans.models import Plan
    from portal.models import Area

    if Area.objects.count() == 0 or not Plan.objects.filter(key="lang-son-2023").exists():
        call_command("bootstrap", no_migrate=True, verbosity=0, stdout=_Null())


@pytest.fixture(scope="module", autouse=True)
def _bootstrap_after_module(django_db_blocker):
    """Module teardown runs after the last test's flush: leaves the bootstrap data in place for
    the tests that follow (pytest-django runs the plain `db` tests first, but other
    transactional tests may come after these)."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        _bootstrap_if_missing()
        # While Playwright's loop runs, Django keeps this thread's connections apart (asgiref's
        # Local acts as a context variable): close the one just opened, or PostgreSQL refuses
        # to drop the test database at the end ("being accessed by other users").
        connections.close_all()


def _no_static_handler(app):
    return app


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, but static files come from WhiteNoise and STATIC_ROOT (run
    collectstatic first) as under gunicorn in production: the test live server's own static
    handler serves from the finders, which know nothing of the manifest's hashed names."""
    from pytest_django.live_server_helper import LiveServer

    addr = (request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
            or "localhost")
    server = LiveServer(addr, start=False)
    server.thread.static_handler = _no_static_handler
    server.start()
    yield server
    server.stop()


@pytest.fixture
def bootstrapped(live_server):
    """The map and plans, present even if an earlier transactional test flushed them."""
    _bootstrap_if_missing()
    return live_server


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run scripts/system_packages.sh"
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh context (no cookies) with a Vietnamese browser, as the portal's users have."""
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
