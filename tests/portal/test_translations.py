"""The English catalogue: every message translated (none empty, none fuzzy), placeholders kept,
the committed .mo compiled from the .po, and the main pages really in English once the user
picks English in the language switch. (Spreadsheets, CSV and PDF stay Vietnamese by design:
portal.language.in_vietnamese.)"""
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from plans.models import Plan

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{ *\w+ *\}\}|\{\w*\}")


def _entries():
    return [e for e in polib.pofile(str(PO)) if not e.obsolete]


def _label(entry):
    return f"{entry.occurrences[:1]} {entry.msgid!r}"


def test_no_english_message_is_empty_or_fuzzy():
    entries = _entries()
    assert len(entries) > 1000  # the whole catalogue was read
    empty = [_label(e) for e in entries if not e.translated() and not e.fuzzy]
    fuzzy = [_label(e) for e in entries if e.fuzzy]
    assert not empty, "untranslated:\n" + "\n".join(empty)
    assert not fuzzy, "fuzzy:\n" + "\n".join(fuzzy)


def test_english_messages_keep_the_placeholders():
    wrong = []
    for e in _entries():
        pairs = ([(e.msgid, e.msgstr_plural[0]), (e.msgid_plural, e.msgstr_plural[1])] if e.msgid_plural
                 else [(e.msgid, e.msgstr)])
        for source, english in pairs:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(english)):
                wrong.append(f"{_label(e)} -> {english!r}")
    assert not wrong, "\n".join(wrong)


def test_the_committed_mo_is_compiled_from_the_po():
    """compilemessages was run after the last edit of the .po."""
    po = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in _entries() if e.translated()}
    mo = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in polib.mofile(str(MO)) if e.msgid}
    assert po == mo


@pytest.fixture
def english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    return client


NAVBAR = ["Home", "Plans and targets", "Cooperatives", "Reports", "Progress", "Documents", "Jobs",
          "Account", "Change password", "E-mail notifications", "API access token", "Sign out", "Notifications"]


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert '<html lang="en">' in html, url
    return html


@pytest.mark.django_db
def test_main_pages_are_in_english(english, users):
    english.force_login(users["province_reviewer"])
    plan = Plan.objects.get(key="lang-son-2023")
    pages = {
        reverse("home"): ["Reports awaiting your approval"],
        reverse("plans:list"): ["Plans and targets"],
        reverse("plans:detail", args=[plan.pk]): ["Targets"],
        reverse("cooperatives:list"): ["Cooperatives"],
        reverse("reporting:list"): ["Reporting period"],
        reverse("task_list", args=[plan.pk]): ["Status of the units by period", "Lead"],
        reverse("activities:list"): ["Activities carrying out the tasks"],
        reverse("notifications:list"): ["No notifications yet."],
        reverse("notifications:settings"): ["Notification e-mails", "E-mail address"],
        reverse("jobs:list"): ["Your background jobs"],
        reverse("api:token"): ["You do not have an API access token yet."],
    }
    for url, words in pages.items():
        html = _page(english, url)
        for word in NAVBAR + words:
            assert word in html, (url, word)
        for vietnamese in ["Trang chủ", "Đăng xuất", "Đổi mật khẩu", "Thông báo", "Tài khoản"]:
            assert vietnamese not in html, (url, vietnamese)


@pytest.mark.django_db
def test_data_entry_home_is_in_english(english, users):
    english.force_login(users["commune_editor"])
    html = _page(english, reverse("home"))
    assert "To do" in html and "HTX/THT register" in html
    assert "Việc cần làm" not in html


def test_every_message_of_the_code_is_in_the_catalogue(tmp_path):
    """makemessages, run on a copy of the sources (the README's command), finds no message the
    committed .po lacks and none it keeps that the code no longer has: text added to the code
    without translating it fails here, not in front of an English-speaking user."""
    import shutil
    import subprocess
    import sys

    root = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    skip = shutil.ignore_patterns(".venv", ".git", "staticfiles", "screenshots", "media", "test-artifacts",
                                  "__pycache__", "*.sqlite3", "tests", "docs")
    shutil.copytree(root, copy, ignore=skip)
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-v", "0",
                    "--ignore=.venv/*", "--ignore=staticfiles/*", "--ignore=screenshots/*", "--ignore=tests/*",
                    "--ignore=docs/*"], cwd=copy, check=True, capture_output=True)
    fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
             if not e.obsolete}
    committed = {(e.msgctxt, e.msgid) for e in _entries()}
    assert not fresh - committed, f"not in the catalogue: {sorted(m for _, m in fresh - committed)}"
    assert not committed - fresh, f"no longer in the code: {sorted(m for _, m in committed - fresh)}"
