#!/usr/bin/env python
"""Screenshots of the main pages as each demo user sees them, at 1366 × 768 and on a phone
(390 × 844), so that a reviewer can look at what the portal shows people.

    python scripts/screenshots.py                       # own server on a fresh SQLite demo database
    python scripts/screenshots.py --base-url http://127.0.0.1:8000   # a running `scripts/serve`

Pictures go to screenshots/ (git-ignored), one PNG per user × page × size, full page. Chromium is
Debian's (/usr/bin/chromium, installed by scripts/system_packages.sh), driven by Playwright.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "screenshots"
PASSWORD = "DeAn01@demo"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SIZES = {"desktop": (1366, 768), "phone": (390, 844)}

# user -> [(name, path) or (name, path, selector to click there first)]: the pages each role
# works on every week. The report form is the one "Mở báo cáo" opens (the current period's). A
# path may be a function of the page that finds it (ids differ from one database to the next).
OPEN_REPORT = "form[action$='/mo/'] button[type=submit]"
LANG_SON_PLAN = "Ủy ban nhân dân tỉnh Lạng Sơn"  # the issuer of lang-son-2023 (it has no number)


def lang_son_plan(page, base):
    """/ke-hoach/<pk>/ of Lạng Sơn's plan, from the plan list."""
    page.goto(base + "/ke-hoach/")
    return page.locator("tr", has_text=LANG_SON_PLAN).first.locator("a").first.get_attribute("href")


def lang_son_tasks(page, base):
    return lang_son_plan(page, base) + "nhiem-vu/theo-doi/"


def lang_son_allocation(page, base):
    """The allocation page of the plan's first count target (the first "giao" link)."""
    page.goto(base + lang_son_plan(page, base))
    return page.locator(".target-allocated a").first.get_attribute("href")


def first_cooperative(page, base):
    """/hop-tac-xa/<pk>/ of the first cooperative of the list that has managers."""
    page.goto(base + "/hop-tac-xa/")
    return page.locator("table.table-coops tbody a").first.get_attribute("href")


PAGES = {
    "nhaplieu": [("home", "/"), ("cooperatives", "/hop-tac-xa/"), ("reports", "/bao-cao/"),
                 ("report-form", "/bao-cao/", OPEN_REPORT), ("progress", "/tien-do/06040/"),
                 ("activities", "/hoat-dong/"), ("tasks", lang_son_tasks), ("notifications", "/thong-bao/"),
                 ("jobs", "/cong-viec/"), ("cooperative", first_cooperative),
                 ("managers", "/hop-tac-xa/can-bo-quan-ly/")],
    "kiemduyet": [("home", "/"), ("cooperative", first_cooperative), ("managers", "/hop-tac-xa/can-bo-quan-ly/"), ("progress", "/tien-do/20/"), ("queue", "/bao-cao/cho-duyet/"),
                  ("issue-form", "/tien-do/20/ban-hanh/"), ("notifications", "/thong-bao/"),
                  ("activities", "/hoat-dong/"), ("tasks", lang_son_tasks)],
    "lanhdao": [("home", "/"), ("progress", "/tien-do/20/"), ("documents", "/van-ban/"),
                ("notice", "/chinh-sach-du-lieu-ca-nhan/")],
    "quantri": [("home", "/"), ("progress-national", "/tien-do/VN/"), ("users", "/nguoi-dung/"),
                ("plans", "/ke-hoach/"), ("plan", lang_son_plan), ("allocation", lang_son_allocation),
                ("jobs", "/cong-viec/"),
                ("import-cooperatives", "/hop-tac-xa/nhap/"), ("import-figures", "/bao-cao/nhap/"),
                ("personal-data", "/hop-tac-xa/du-lieu-ca-nhan/?q=nguyen+thi"), ("access-log", "/nhat-ky-du-lieu/"),
                ("grants", "/nhat-ky-du-lieu/quyen-xem/")],
}


def start_server(port):
    """A throw-away demo database and runserver on the loopback address."""
    db = Path(tempfile.mkdtemp()) / "screens.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_DEBUG": "0",
           "DJANGO_SECRET_KEY": "screenshots-only", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost"}
    env.pop("DJANGO_SECURE_COOKIES", None)
    env["DJANGO_SECURE_COOKIES"] = "0"
    run = [sys.executable, "manage.py"]
    subprocess.run(run + ["migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    # DEBUG off as on a server (hashed static files): a demonstration server, so the demo is asked for
    subprocess.run(run + ["bootstrap", "--demo", "--allow-demo-in-production", "--no-migrate"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(run + ["collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(run + ["runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/dang-nhap/", timeout=1)
            return server, base
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def shoot(base, only=None):
    from playwright.sync_api import sync_playwright

    OUT.mkdir(exist_ok=True)
    taken = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        for user, pages in PAGES.items():
            if only and user not in only:
                continue
            for size, (w, h) in SIZES.items():
                context = browser.new_context(locale="vi-VN", viewport={"width": w, "height": h},
                                              is_mobile=size == "phone", has_touch=size == "phone")
                page = context.new_page()
                page.goto(base + "/dang-nhap/")
                page.fill("input[name=username]", user)
                page.fill("input[name=password]", PASSWORD)
                page.click("form button[type=submit], form input[type=submit]")
                page.wait_for_load_state("networkidle")
                for name, path, *click in pages:
                    if callable(path):
                        path = path(page, base)
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    if click:
                        page.click(click[0])
                        page.wait_for_load_state("networkidle")
                    target = OUT / f"{user}-{name}-{size}.png"
                    page.screenshot(path=str(target), full_page=True)
                    wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
                    print(f"{target.relative_to(ROOT)}{'  (scrolls sideways)' if wide else ''}")
                    taken += 1
                context.close()
        browser.close()
    return taken


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", help="a running portal with the demo users (default: start one)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--user", action="append", help="only these demo users")
    args = parser.parse_args()
    server = None
    base = args.base_url
    if not base:
        server, base = start_server(args.port)
    try:
        print(f"{shoot(base.rstrip('/'), args.user)} screenshots in {OUT.relative_to(ROOT)}/")
    finally:
        if server:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
