"""Backups that restore (portal.backup, docs/backup.md): a demo portal is backed up, restored
into another, empty database and media folder, and gives the same figures (progress of Lạng Sơn
and of the country), the same users and password hashes, the same attachment bytes. A damaged
file, a non-empty target, newer migrations, another engine are refused with nothing written.
With BACKUP_ENCRYPTION_KEY the same portal is backed up encrypted by the real gpg: its files are
OpenPGP, not a database or a tar, gpg decrypts them by hand, the restore with the key gives the
rows and the attachment back, and a missing or wrong key is refused with the target left empty.

pg_dump cannot see what a test's open transaction wrote, so the real commands run as
subprocesses on databases made for this module: fresh PostgreSQL databases on the suite's
server (dropped afterwards) when the suite runs on PostgreSQL, SQLite files otherwise. The demo
portal is bootstrapped and backed up once for the module. The refusals decided before the
target is looked at (manifest, checksums, engine, migrations, media folder) call
portal.backup.restore directly: each start of manage.py costs a second or two."""
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import pytest

from portal import backup
from tests import databases as suite_server

ROOT = Path(__file__).resolve().parents[2]
KEY = secrets.token_urlsafe(32)
POSTGRES = suite_server.is_postgresql()
MARK = "@@"
ATTACHMENT = b"%PDF-1.4\n% bi\xc3\xaan b\xe1\xba\xa3n h\xe1\xbb\x8dp\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
ADD_ATTACHMENT = f"""
from django.core.files.base import ContentFile
from reporting.models import Activity, ActivityAttachment
data = {ATTACHMENT!r}
attachment = ActivityAttachment(activity=Activity.objects.order_by("pk").first(), name="bien-ban.pdf",
                                content_type="application/pdf", size=len(data))
attachment.file.save("bien-ban.pdf", ContentFile(data), save=True)
print({MARK!r} + attachment.file.name)
"""
# What must survive, read in one process (each start of manage.py costs a second or two): the
# output of `progress 20 --milestone 2025 --json` and of VN, the users and their password hashes.
STATE = f"""
import io, json
from django.core.management import call_command
from portal.models import User
def progress(code):
    out = io.StringIO()
    call_command("progress", code, "--milestone", "2025", "--json", stdout=out)
    return out.getvalue()
print({MARK!r} + json.dumps({{"progress 20": progress("20"), "progress VN": progress("VN"),
                             "users": sorted(User.objects.values_list("username", "password"))}}))
"""


class Databases:
    """Fresh databases on the suite's backend: URLs; their tables counted; dropped at the end."""

    def __init__(self, folder):
        self.folder = folder
        self.made = []

    def new(self, role):
        name = f"backup_{role}_{secrets.token_hex(4)}"
        self.made.append(name)
        if not POSTGRES:
            return f"sqlite:///{self.folder / (name + '.sqlite3')}"
        return suite_server.create(name)

    def tables(self, url):
        name = url.rsplit("/", 1)[-1]
        if not POSTGRES:
            path = Path(url.removeprefix("sqlite:///"))
            if not path.exists():
                return 0
            with sqlite3.connect(path) as db:
                count = db.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
            db.close()
            return count
        import psycopg2

        db = psycopg2.connect(dbname=name, **suite_server.server())
        try:
            with db.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")
                return cursor.fetchone()[0]
        finally:
            db.close()

    def drop_all(self):
        if POSTGRES:
            for name in self.made:
                suite_server.drop(name)


def manage(url, media, *args, check=True, **env):
    """manage.py ARGS on the database URL with MEDIA_ROOT=media; its own cache, in memory (a shared
    one would answer the restored portal with the source's figures)."""
    environment = {**os.environ, "DATABASE_URL": url, "DJANGO_MEDIA_ROOT": str(media), "DJANGO_DEBUG": "1",
                   "CACHE_URL": "locmemcache://backup-test", **env}
    for name in ("PG_BIN_DIR", "BACKUP_ENCRYPTION_KEY", "BACKUP_ENCRYPTION_KEY_FILE"):   # the machine's own
        if name not in env:
            environment.pop(name, None)
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=300)
    if check:
        assert done.returncode == 0, f"manage.py {args[0]}: {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


def answers(done):
    return [line[len(MARK):] for line in done.stdout.splitlines() if line.startswith(MARK)]


def portal_state(url, media):
    (state,) = answers(manage(url, media, "shell", "--no-imports", "-c", STATE))
    return json.loads(state)


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    made = Databases(tmp_path_factory.mktemp("databases"))
    yield made
    made.drop_all()


@pytest.fixture(scope="module")
def source(databases, tmp_path_factory):
    """The demo portal with one attachment, its state, and its backup (made once)."""
    folder = tmp_path_factory.mktemp("source")
    url, media = databases.new("src"), folder / "media"
    media.mkdir()
    started = time.monotonic()
    manage(url, media, "bootstrap", "--demo")
    bootstrapped = time.monotonic()
    attachment, state = answers(manage(url, media, "shell", "--no-imports", "-c", ADD_ATTACHMENT + STATE))
    state = json.loads(state)
    made = time.monotonic()
    done = manage(url, media, "backup", str(folder / "backup"))
    print(f"\nbootstrap --demo {bootstrapped - started:.1f} s; backup {time.monotonic() - made:.1f} s: "
          f"{done.stdout.strip()}")
    return {"url": url, "media": media, "attachment": attachment, "state": state, "backup": folder / "backup",
            "summary": done.stdout, "stderr": done.stderr, "folder": folder}


@pytest.fixture(scope="module")
def encrypted(source):
    """The same portal backed up with a key, given as a docker secret is: a file, newline at the end."""
    key_file = source["folder"] / "backup-key"
    key_file.write_text(KEY + "\n", encoding="utf-8")
    target = source["folder"] / "encrypted"
    done = manage(source["url"], source["media"], "backup", str(target), BACKUP_ENCRYPTION_KEY_FILE=str(key_file))
    return {"backup": target, "key_file": key_file, "summary": done.stdout}


def copy_of_backup(source, tmp_path):
    copy = tmp_path / "backup"
    shutil.copytree(source["backup"], copy)
    return copy


def refused(backup_dir, tmp_path, message):
    """The checks that come before the target is looked at, called directly: BackupError with the
    message, and the media folder not even created. (The suite's database is out of reach here:
    a restore that went on would fail on it, not write into it.)"""
    media = tmp_path / "media"
    with pytest.raises(backup.BackupError) as refusal:
        backup.restore(backup_dir, media_root=media)
    assert message in str(refusal.value)
    assert not media.exists()
    return str(refusal.value)


# The round trip -------------------------------------------------------------------------------

def test_a_restored_backup_gives_the_same_figures_users_and_files(source, databases, tmp_path):
    assert source["summary"].startswith(f"Đã sao lưu vào {source['backup']}: 3 tệp")
    manifest = json.loads((source["backup"] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == ("postgresql" if POSTGRES else "sqlite")
    assert set(manifest["files"]) == {"database.dump" if POSTGRES else "database.sqlite3", "media.tar"}
    assert manifest["code"]["version"]
    assert manifest["migrations"]["portal"]["latest"] == manifest["migrations"]["portal"]["applied"][-1]
    assert manifest["counts"]["portal.User"] == len(source["state"]["users"]) == 5
    assert manifest["counts"]["reporting.ActivityAttachment"] == 1 and manifest["media"]["files"] == 1

    url, media = databases.new("dst"), tmp_path / "media"
    done = manage(url, media, "restore", str(source["backup"]))
    assert done.stdout.startswith(f"Đã phục hồi từ {source['backup']}") and "5 người dùng" in done.stdout
    assert '"indicators": [{"code": "HTX_MOI"' in source["state"]["progress 20"]
    assert portal_state(url, media) == source["state"]
    assert (media / source["attachment"]).read_bytes() == ATTACHMENT
    assert sorted(p.relative_to(media) for p in media.rglob("*")) == sorted(
        p.relative_to(source["media"]) for p in source["media"].rglob("*"))


# Encrypted backups -----------------------------------------------------------------------------

def database_file(encrypted):
    return ("database.dump" if POSTGRES else "database.sqlite3") + (".gpg" if encrypted else "")


def gpg_by_hand(*args):
    """gpg as an operator runs it, in a home of its own (the test writes nothing to ~/.gnupg)."""
    with tempfile.TemporaryDirectory() as home:
        return subprocess.run(["gpg", "--homedir", home, "--batch", "--no-autostart", *args],
                              capture_output=True, timeout=60)


def test_an_encrypted_backup_restores_with_its_key(source, encrypted, databases, tmp_path):
    folder = encrypted["backup"]
    assert encrypted["summary"].startswith(f"Đã sao lưu vào {folder}: 3 tệp, mã hoá AES256")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["encrypted"] is True and "AES256" in manifest["cipher"]
    assert set(manifest["files"]) == {database_file(True), "media.tar.gpg"}
    assert sorted(p.name for p in folder.iterdir()) == sorted([database_file(True), "media.tar.gpg", "manifest.json"])
    for name, stored in manifest["files"].items():   # of the files as stored
        assert stored == {"sha256": backup.sha256(folder / name), "size": (folder / name).stat().st_size}
    assert manifest["counts"]["portal.User"] == 5 and manifest["media"]["files"] == 1

    url, media = databases.new("dst"), tmp_path / "media"
    done = manage(url, media, "restore", str(folder), BACKUP_ENCRYPTION_KEY=KEY)
    assert done.stdout.startswith(f"Đã phục hồi từ {folder}") and "5 người dùng" in done.stdout
    assert "26 báo cáo" in done.stdout   # and restore itself compared every key table's rows
    assert (media / source["attachment"]).read_bytes() == ATTACHMENT
    assert not list(databases.folder.glob("*.part")) and not list(databases.folder.glob(".restore-*"))


def test_the_stored_files_are_openpgp_not_a_database_or_a_tar(encrypted, tmp_path):
    folder = encrypted["backup"]
    for name, plain_marks in ((database_file(True), [b"SQLite format 3", b"PGDMP"]),
                              ("media.tar.gpg", [b"ustar", ATTACHMENT[:64]])):
        data = (folder / name).read_bytes()
        assert not any(mark in data for mark in plain_marks), name
        assert data[0] in (0x8C, 0xC3) and data[2:4] == b"\x04\x09", name   # a v4 symmetric-key packet, AES256
        packets = gpg_by_hand("--list-packets", str(folder / name)).stdout.decode()
        assert ":symkey enc packet: version 4, cipher 9" in packets and "encrypted data packet" in packets, packets
    # what docs/backup.md tells an operator to run, and the tar it gives
    decrypted = gpg_by_hand("--pinentry-mode", "loopback", "--passphrase-file", str(encrypted["key_file"]),
                            "--output", str(tmp_path / "media.tar"), "--decrypt", str(folder / "media.tar.gpg"))
    assert decrypted.returncode == 0, decrypted.stderr
    with tarfile.open(tmp_path / "media.tar") as tar:
        (member,) = [m for m in tar.getmembers() if m.isfile()]
        assert tar.extractfile(member).read() == ATTACHMENT


def test_a_wrong_key_is_refused_and_the_target_stays_empty(encrypted, databases, tmp_path):
    url, media = databases.new("dst"), tmp_path / "media"
    done = manage(url, media, "restore", str(encrypted["backup"]), check=False, BACKUP_ENCRYPTION_KEY=KEY + "x")
    assert done.returncode != 0 and f"Không giải mã được {database_file(True)}" in done.stderr, done.stderr
    assert "khoá sai" in done.stderr and "Traceback" not in done.stderr and done.stdout == ""
    assert databases.tables(url) == 0
    assert not media.exists()
    assert not list(databases.folder.glob(".restore-*"))   # SQLite: the decrypted attempt is gone


def test_a_missing_key_is_refused(encrypted, tmp_path, settings):
    settings.BACKUP_ENCRYPTION_KEY = settings.BACKUP_ENCRYPTION_KEY_FILE = ""
    message = refused(encrypted["backup"], tmp_path, "được mã hoá (gpg) mà chưa có khoá")
    assert "BACKUP_ENCRYPTION_KEY" in message
    settings.BACKUP_ENCRYPTION_KEY_FILE = str(tmp_path / "no-such-secret")
    refused(encrypted["backup"], tmp_path, "Không đọc được khoá mã hoá từ BACKUP_ENCRYPTION_KEY_FILE")


def test_the_key_is_the_setting_else_the_files_line(settings, tmp_path):
    settings.BACKUP_ENCRYPTION_KEY, settings.BACKUP_ENCRYPTION_KEY_FILE = "", ""
    assert backup.encryption_key() == ""
    (tmp_path / "key").write_text("mot khoa dai\r\n", encoding="utf-8")
    settings.BACKUP_ENCRYPTION_KEY_FILE = str(tmp_path / "key")
    assert backup.encryption_key() == "mot khoa dai"
    settings.BACKUP_ENCRYPTION_KEY = "tu bien moi truong"
    assert backup.encryption_key() == "tu bien moi truong"
    settings.BACKUP_ENCRYPTION_KEY = "hai\ndong"   # gpg would read only the first line
    with pytest.raises(backup.BackupError, match="một dòng"):
        backup.encryption_key()
    settings.BACKUP_ENCRYPTION_KEY = ""
    (tmp_path / "key").write_text("\n", encoding="utf-8")
    with pytest.raises(backup.BackupError, match="trống"):
        backup.encryption_key()


def test_no_encrypt_makes_a_plain_backup_even_with_a_key(source, tmp_path):
    target = tmp_path / "plain"
    done = manage(source["url"], source["media"], "backup", "--no-encrypt", str(target),
                  BACKUP_ENCRYPTION_KEY=KEY, DJANGO_DEBUG="0")
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["encrypted"] is False and "cipher" not in manifest
    assert sorted(p.name for p in target.iterdir()) == sorted([database_file(False), "media.tar", "manifest.json"])
    assert (target / database_file(False)).read_bytes().startswith(b"PGDMP" if POSTGRES else b"SQLite format 3\0")
    assert tarfile.is_tarfile(target / "media.tar")
    assert "KHÔNG được mã hoá" not in done.stderr   # a key is set: plain on purpose


def test_an_unencrypted_backup_on_a_production_server_warns(source, tmp_path):
    target = tmp_path / "plain"
    done = manage(source["url"], source["media"], "backup", str(target), DJANGO_DEBUG="0")
    assert done.stdout.startswith(f"Đã sao lưu vào {target}: 3 tệp, ")   # made all the same
    assert json.loads((target / "manifest.json").read_text(encoding="utf-8"))["encrypted"] is False
    assert "CẢNH BÁO: bản sao lưu này KHÔNG được mã hoá" in done.stderr, done.stderr
    assert "BACKUP_ENCRYPTION_KEY" in done.stderr and "token_urlsafe" in done.stderr
    assert "KHÔNG được mã hoá" not in source["stderr"]   # a laptop (DJANGO_DEBUG=1): no warning


# The refusals ---------------------------------------------------------------------------------

def test_a_damaged_file_is_refused_and_nothing_is_restored(source, databases, tmp_path):
    copy = copy_of_backup(source, tmp_path)
    dump = copy / ("database.dump" if POSTGRES else "database.sqlite3")
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0x01
    dump.write_bytes(bytes(data))
    url, media = databases.new("dst"), tmp_path / "media"
    done = manage(url, media, "restore", str(copy), check=False)
    assert done.returncode != 0 and f"Tệp {dump.name} bị hỏng" in done.stderr, done.stderr
    assert done.stdout == ""
    assert databases.tables(url) == 0
    assert not media.exists()


def test_a_database_file_its_program_cannot_read_restores_nothing(source, databases, tmp_path):
    # damaged before its checksum was taken: the manifest agrees with it
    copy = copy_of_backup(source, tmp_path)
    dump = copy / ("database.dump" if POSTGRES else "database.sqlite3")
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][dump.name] = {"sha256": backup.sha256(dump), "size": dump.stat().st_size}
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    url, media = databases.new("dst"), tmp_path / "media"
    done = manage(url, media, "restore", str(copy), check=False)
    assert done.returncode != 0, done.stdout
    assert ("pg_restore thất bại" if POSTGRES else "không phải cơ sở dữ liệu SQLite nguyên vẹn") in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert databases.tables(url) == 0
    assert not media.exists() or not any(media.iterdir())   # PostgreSQL: unpacked first, then removed


def test_a_damaged_media_archive_is_refused(source, tmp_path):
    copy = copy_of_backup(source, tmp_path)
    with open(copy / "media.tar", "ab") as tar:
        tar.write(b"\0")
    refused(copy, tmp_path, "Tệp media.tar bị hỏng")


def test_a_backup_without_its_manifest_is_refused(source, tmp_path):
    copy = copy_of_backup(source, tmp_path)
    (copy / "manifest.json").unlink()
    refused(copy, tmp_path, "không phải một bản sao lưu hoàn chỉnh")
    (copy / "manifest.json").write_text("{not json", encoding="utf-8")
    refused(copy, tmp_path, "Không đọc được")


def test_migrations_newer_than_the_code_are_refused(source, tmp_path):
    copy = copy_of_backup(source, tmp_path)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["migrations"]["portal"]["applied"].append("9999_from_newer_code")
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    message = refused(copy, tmp_path, "tạo bởi phiên bản mới hơn")
    assert "portal.9999_from_newer_code" in message


def test_a_backup_of_the_other_engine_is_refused(source, tmp_path):
    copy = copy_of_backup(source, tmp_path)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["engine"] = "sqlite" if POSTGRES else "postgresql"
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    refused(copy, tmp_path, "chỉ phục hồi được vào cùng loại cơ sở dữ liệu")


def test_a_media_folder_that_is_not_empty_is_refused(source, tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    (media / "ghi-chu.txt").write_text("của người vận hành", encoding="utf-8")
    with pytest.raises(backup.BackupError, match="không trống"):
        backup.restore(source["backup"], media_root=media)
    assert [p.name for p in media.iterdir()] == ["ghi-chu.txt"]


def test_a_database_that_is_not_empty_is_refused(source, tmp_path):
    media = tmp_path / "media"
    done = manage(source["url"], media, "restore", str(source["backup"]), check=False)
    assert done.returncode != 0 and "Cơ sở dữ liệu đích không trống" in done.stderr, done.stderr
    assert "migration đã áp dụng" in done.stderr
    assert not media.exists() or not any(media.iterdir())


def test_a_backup_is_not_written_into_a_folder_that_has_files(tmp_path):
    (tmp_path / "old.txt").write_text("x", encoding="utf-8")
    with pytest.raises(backup.BackupError, match="đã có tệp"):
        backup.backup(tmp_path, media_root=tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["old.txt"]


def _old_pg_dump(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n", encoding="utf-8")
    fake.chmod(0o755)
    return bin_dir


def test_a_pg_dump_older_than_the_server_is_refused(source, tmp_path, monkeypatch):
    """On PostgreSQL the whole command against the server; on SQLite (no pg_dump involved) the
    same client found through PG_BIN_DIR, read and held against a PostgreSQL 16 server."""
    bin_dir = _old_pg_dump(tmp_path)
    if POSTGRES:
        target = tmp_path / "backup"
        done = manage(source["url"], source["media"], "backup", str(target), check=False, PG_BIN_DIR=str(bin_dir))
        assert done.returncode != 0, done.stdout
        assert "pg_dump 9 cũ hơn máy chủ PostgreSQL" in done.stderr and "postgresql-client-" in done.stderr
        assert not target.exists()
    else:
        monkeypatch.setenv("PG_BIN_DIR", str(bin_dir))
        program = backup.pg_program("pg_dump")
        assert program == str(bin_dir / "pg_dump") and backup.client_major(program) == 9
        with pytest.raises(backup.BackupError, match="pg_dump 9 cũ hơn máy chủ PostgreSQL 16"):
            backup.check_pg_client("pg_dump", backup.client_major(program), 160004)


# The plain functions ----------------------------------------------------------------------------

def test_the_client_major_version_is_read_from_its_banner():
    assert backup.pg_major("pg_dump (PostgreSQL) 16.4 (Debian 16.4-1.pgdg120+1)\n") == 16
    assert backup.pg_major("pg_restore (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)") == 15
    assert backup.pg_major("pg_dump (PostgreSQL) 9.6.24") == 9


def test_the_client_must_be_as_new_as_the_server():
    backup.check_pg_client("pg_dump", 16, 160004)
    backup.check_pg_client("pg_dump", 17, 160004)   # newer dumps older servers
    with pytest.raises(backup.BackupError, match="pg_dump 15 cũ hơn máy chủ PostgreSQL 16: cài postgresql-client-16"):
        backup.check_pg_client("pg_dump", 15, 160004)


def test_an_older_backup_is_accepted_and_names_what_to_migrate():
    known = {("portal", "0001_initial"): [], ("portal", "0002_more"): [], ("jobs", "0001_initial"): []}
    older = {"portal": {"latest": "0001_initial", "applied": ["0001_initial"]}}
    assert backup.check_migrations(older, known) == ["jobs.0001_initial", "portal.0002_more"]
    same = {"portal": {"applied": ["0001_initial", "0002_more"]}, "jobs": {"applied": ["0001_initial"]}}
    assert backup.check_migrations(same, known) == []
    with pytest.raises(backup.BackupError, match="1 migration mà mã nguồn này không có"):
        backup.check_migrations({"portal": {"applied": ["0003_newer"]}}, known)


def test_migrations_a_squashed_one_replaced_are_known():
    known = {("portal", "0001_squashed_0003"): [("portal", "0001_initial"), ("portal", "0002_a"), ("portal", "0003_b")]}
    old = {"portal": {"applied": ["0001_initial", "0002_a", "0003_b"]}}
    assert backup.check_migrations(old, known) == []
    assert backup.check_migrations({"portal": {"applied": ["0001_initial"]}}, known) == ["portal.0001_squashed_0003"]
