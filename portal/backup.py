"""Backups that restore: ``manage.py backup DIR`` and ``manage.py restore DIR`` (docs/backup.md).

A backup is a folder of three files:

- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite,
  copied with sqlite3's backup API: a consistent snapshot of a live database, which a file copy
  is not while a request writes);
- ``media.tar``: MEDIA_ROOT (activity attachments, job files, uploads waiting for confirmation).
  Issued documents keep their PDF in the database, so they travel with the dump;
- ``manifest.json``, written last: a folder without one is an unfinished backup. It holds the
  time, the code version, the engine, the migrations applied per app, each file's sha256 and
  size, and the row counts of a few key tables, checked again after a restore.

A backup holds personal data (Vietnam's Law 91/2025/QH15 on personal data protection): with
BACKUP_ENCRYPTION_KEY set, the database file and the tar are stored encrypted, ``….gpg``, by
GnuPG's symmetric mode (AES256) under that passphrase, and the manifest says so; its checksums
are of the files as stored. gpg rather than code of ours: a well-kept tool, and one an operator
can run by hand (``gpg --decrypt``) with nothing of the portal's. No plain copy is left in the
folder: pg_dump and the tar stream into gpg; the SQLite copy, which sqlite3's backup API must
write to a file, is removed as soon as it is encrypted. Without a key a backup is made plain
all the same (better than none), with a warning on a production server.

A restore refuses, before writing anything, whatever would leave a portal half restored or
quietly wrong: no readable manifest; a file whose size or checksum differs (damaged); the other
engine; migrations this code does not know (a backup from newer code: restore it with that
code); an encrypted backup without its key, or with another key (a decryption is tried first);
a target database that is not empty (any table); a media folder that is not empty.
There is no ``--force``: the only meaning it could have is dropping a database, which the
operator does more visibly with ``dropdb``/``createdb`` (or by removing the SQLite file), and a
restore into an empty database is the one path that is tested. A backup from older code is
fine; the operator runs ``migrate`` afterwards.

pg_dump and pg_restore are called directly rather than through django-dbbackup: that would be
one more dependency, and the manifest, the checksums and the refusals above — the part that
makes a backup trustworthy — would still be ours to write. pg_dump must be at least as new as
the server (an older one refuses to dump, or worse, dumps what it understands); PG_BIN_DIR
points to the client binaries when those on PATH are not the right ones.

Everything here is a plain function raising BackupError (a Vietnamese message for the
operator); the two commands only print.
"""
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import tomllib
from contextlib import contextmanager, nullcontext
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_FILE = "media.tar"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
# Counted at backup, counted again after a restore: a restore that "worked" but lost rows is caught.
KEY_TABLES = ["portal.User", "portal.Area", "plans.Plan", "plans.Target", "cooperatives.Cooperative",
              "reporting.Period", "reporting.Report", "reporting.ReportValue", "reporting.Activity",
              "reporting.ActivityAttachment", "reporting.IssuedDocument", "jobs.Job"]
CHUNK = 1 << 20
ENCRYPTED = ".gpg"   # database.dump.gpg, media.tar.gpg: what `file` and an operator recognise
PART = ".part"       # written, not finished: removed on failure, never restored
CIPHER = "AES256"
# Symmetric, under the passphrase. The S2K count is given (the most OpenPGP allows: some 0.1 s to
# derive the key, slow for a guesser) so that gpg does not ask gpg-agent to calibrate one; no
# compression, since the dump is compressed already and the media are PDFs and JPEGs.
ENCRYPT = ["--symmetric", "--cipher-algo", CIPHER, "--s2k-mode", "3", "--s2k-digest-algo", "SHA512",
           "--s2k-count", "65011712", "--compress-algo", "none"]


class BackupError(Exception):
    """A refusal or a failure; the message is for the operator."""


# Backup ----------------------------------------------------------------------------------------

def backup(target, *, using="default", media_root=None, encrypt=True):
    """Writes the backup into the folder ``target`` (created; it must be empty) and returns the
    manifest; encrypted when a key is set (encryption_key), unless ``encrypt`` is false. On
    failure the files written so far are removed."""
    started = time.monotonic()
    target = Path(target)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    connection = connections[using]
    engine = engine_of(connection)
    key = encryption_key() if encrypt else ""
    if key:
        gpg_program()   # missing: refused before anything is written
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"Thư mục sao lưu “{target}” đã có tệp: hãy chọn một thư mục mới (ví dụ theo ngày).")
    created = not target.exists()
    database_file, media_file = (target / name for name in stored_names(engine, bool(key)))
    try:
        target.mkdir(parents=True, exist_ok=True)
        manifest = {"format": FORMAT, "created_at": timezone.now().isoformat(timespec="seconds"),
                    "code": code_version(), "engine": engine, "encrypted": bool(key)}
        if key:
            manifest["cipher"] = f"OpenPGP {CIPHER} (gpg --symmetric)"
        if engine == "postgresql":
            manifest["postgresql"], (manifest["migrations"], manifest["counts"]) = _dump_postgresql(
                connection, database_file, key)
        else:
            manifest["migrations"], manifest["counts"] = _copy_sqlite(connection, database_file, key)
        with _written(media_file, key) as output:
            manifest["media"] = _tar_media(media_root, output)
        manifest["files"] = {path.name: {"sha256": sha256(path), "size": path.stat().st_size}
                             for path in (database_file, media_file)}
        manifest["seconds"] = round(time.monotonic() - started, 1)
        partial = target / (MANIFEST + PART)
        partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        partial.rename(target / MANIFEST)
    except BaseException as exc:
        if target.is_dir():
            for name in [name + suffix for name in (*DATABASE_FILES.values(), MEDIA_FILE)
                         for suffix in ("", ENCRYPTED, PART)] + [MANIFEST + PART]:
                (target / name).unlink(missing_ok=True)
            if created:
                target.rmdir()
        if isinstance(exc, (OSError, sqlite3.Error, tarfile.TarError)):  # a full disk, a folder not writable
            raise BackupError(f"Sao lưu thất bại, không giữ lại tệp nào: {exc}") from exc
        raise
    return manifest


def _dump_postgresql(connection, path, key):
    """pg_dump of the snapshot in which the migrations and the counts are read (exported from a
    repeatable-read transaction held open meanwhile): on a live portal a row written between the
    count and the dump would otherwise fail the restore's count check. With a key its output
    goes through a pipe into gpg: the plain dump never touches the disk."""
    program = pg_program("pg_dump")
    client = client_major(program)
    server = server_version_num(connection)
    check_pg_client("pg_dump", client, server)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        facts = database_facts(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)
        dump = [program, "--format=custom", f"--snapshot={snapshot}"]
        if key:
            with gpg(key, *ENCRYPT, "--output", str(path), stdin=subprocess.PIPE,
                     failure="Mã hoá bản dump bằng gpg thất bại") as encrypting:
                _run_pg(dump, connection, "pg_dump", stdout=encrypting.stdin)
        else:
            _run_pg([*dump, "--file", str(path)], connection, "pg_dump")
    return {"server_version_num": server, "pg_dump": client}, facts


def _copy_sqlite(connection, path, key):
    """The copy, and its migrations and counts, read from the copy itself (the live database may
    have moved on since). sqlite3's backup API writes a file, not a stream: with a key the copy
    is a ``.part`` beside it, encrypted into ``path`` and removed whatever happens."""
    copy_path = path.with_name(path.name.removesuffix(ENCRYPTED) + PART) if key else path
    try:
        connection.ensure_connection()
        with sqlite3.connect(copy_path) as copy:
            connection.connection.backup(copy)
            cursor = copy.cursor()
            tables = [row[0] for row in cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            facts = database_facts(cursor, tables, connection.ops.quote_name)
        copy.close()
        if key:
            with gpg(key, *ENCRYPT, "--output", str(path), str(copy_path),
                     failure="Mã hoá bản sao SQLite bằng gpg thất bại"):
                pass
    finally:
        if key:
            copy_path.unlink(missing_ok=True)
    return facts


@contextmanager
def _written(path, key):
    """A binary stream into ``path``: the file itself, or with a key gpg's input (gpg writes
    the file), so that what is written is encrypted on its way to the disk."""
    if not key:
        with open(path, "wb") as file:
            yield file
        return
    with gpg(key, *ENCRYPT, "--output", str(path), stdin=subprocess.PIPE,
             failure=f"Mã hoá {path.name} bằng gpg thất bại") as encrypting:
        yield encrypting.stdin


def _tar_media(root, output):
    """The media folder as a tar, written as a stream into ``output`` (no compression:
    attachments are PDFs and JPEGs, exports XLSX, all compressed already). Returns the number and
    total size of the files in it."""
    files = size = 0
    with tarfile.open(fileobj=output, mode="w|") as tar:
        if root.is_dir():
            for entry in sorted(root.iterdir()):
                tar.add(entry, arcname=entry.name)
        for member in tar.getmembers():
            if member.isfile():
                files, size = files + 1, size + member.size
    return {"files": files, "bytes": size}


# Restore ---------------------------------------------------------------------------------------

def restore(source, *, using="default", media_root=None):
    """Puts the backup in folder ``source`` back into the (empty) database and the (empty) media
    folder. Every check runs before anything is written; returns a dict for the summary, with
    ``pending``: the migrations this code has and the backup has not (run migrate)."""
    started = time.monotonic()
    source = Path(source)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    connection = connections[using]
    manifest = read_manifest(source)
    engine = engine_of(connection)
    check_engine(manifest, engine)
    key = restore_key(source, manifest)
    verify_files(source, manifest)
    pending = check_migrations(manifest["migrations"], known_migrations())
    database_file, media_file = (source / name for name in stored_names(engine, bool(key)))
    program = None
    with _plain_sqlite(database_file, key, connection) if engine == "sqlite" else nullcontext() as plain_copy:
        if engine == "sqlite":
            check_sqlite_file(plain_copy)
        else:
            program = pg_program("pg_restore")
            dumped_by = manifest.get("postgresql", {}).get("pg_dump", 0)
            if (client := client_major(program)) < dumped_by:
                raise BackupError(f"pg_restore {client} không đọc được bản dump của pg_dump {dumped_by}: cài "
                                  f"postgresql-client-{dumped_by} hoặc đặt PG_BIN_DIR tới thư mục chứa nó.")
            if key:   # the key tried on the dump (compressed: small) before the target is touched
                with gpg(key, "--decrypt", "--output", os.devnull, str(database_file),
                         failure=wrong_key(database_file)):
                    pass
        check_media_empty(media_root)
        check_database_empty(connection)

        media_root.mkdir(parents=True, exist_ok=True)
        try:
            with _read(media_file, key) as stream, tarfile.open(fileobj=stream, mode="r|") as tar:
                tar.extractall(media_root, filter="data")
            if engine == "postgresql":
                connection.close()
                _restore_postgresql(program, database_file, key, connection)
            else:
                connection.ensure_connection()
                with sqlite3.connect(plain_copy) as copy:
                    copy.backup(connection.connection)
                copy.close()
        except BaseException as exc:
            for entry in media_root.iterdir():  # it was empty: nothing of the operator's is removed
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
            if isinstance(exc, (sqlite3.Error, OSError, tarfile.TarError)):
                raise BackupError(f"Phục hồi thất bại, các tệp media đã gỡ lại: {exc}") from exc
            raise
    connection.close()
    if engine == "postgresql":
        _vacuum_analyze(connection)
    warning = _forget_cached_figures()
    counts = key_counts(connection)
    differ = {label: (count, counts.get(label)) for label, count in manifest["counts"].items()
              if label in counts and counts[label] != count}
    if differ:
        raise BackupError("Đã phục hồi nhưng số dòng khác bản sao lưu: " + "; ".join(
            f"{label} {before} → {after}" for label, (before, after) in differ.items()))
    return {"manifest": manifest, "pending": pending, "seconds": time.monotonic() - started, "warning": warning}


def _restore_postgresql(program, path, key, connection):
    """pg_restore of the dump, all or nothing; with a key gpg decrypts it into pg_restore's
    input (a custom-format archive read in order, as one written to a pipe is)."""
    args = [program, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if not key:
        _run_pg([*args, str(path)], connection, "pg_restore", database_option=True)
        return
    with gpg(key, "--decrypt", str(path), stdout=subprocess.PIPE, failure=wrong_key(path)) as decrypting:
        _run_pg(args, connection, "pg_restore", database_option=True, stdin=decrypting.stdout)


@contextmanager
def _plain_sqlite(path, key, connection):
    """The SQLite copy to check and restore: the backup's file, or with a key the file decrypted
    into a temporary one beside the target database (where the same data lands in a moment, on
    the disk sized for it), removed afterwards. A wrong key fails here, before the target is
    looked at."""
    if not key:
        yield path
        return
    folder = Path(connection.settings_dict["NAME"]).resolve().parent
    handle, name = tempfile.mkstemp(prefix=".restore-", suffix=PART, dir=folder)
    os.close(handle)
    try:
        with gpg(key, "--decrypt", "--output", name, str(path), failure=wrong_key(path)):
            pass
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


@contextmanager
def _read(path, key):
    """A binary stream of the file's plain content: the file, or gpg's output decrypting it."""
    if not key:
        with open(path, "rb") as file:
            yield file
        return
    with gpg(key, "--decrypt", str(path), stdout=subprocess.PIPE, failure=wrong_key(path)) as decrypting:
        yield decrypting.stdout


def _vacuum_analyze(connection):
    """pg_restore leaves the planner without statistics and the visibility map unset: until
    autovacuum comes by, the first pages would get bad plans, and the national sums' index-only
    scans would read the table (portal.db, reporting.sums). VACUUM (ANALYZE) of the whole
    database now: a few seconds at the 2030 scale. Outside a transaction, as VACUUM must be."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def _forget_cached_figures():
    """The cache (Redis in production) may hold figures of the database that was there before,
    under the same data version numbers as the restored one. Unreachable (Redis not started for
    a restore): the data is back all the same; the operator is told to empty it."""
    from django.core.cache import cache

    try:
        cache.clear()
    except Exception as exc:
        return (f"Chưa xoá được cache ({exc}): hãy xoá nó (docker compose restart redis) "
                "trước khi mở lại cổng, kẻo cổng hiện số liệu cũ.")
    return None


def read_manifest(source):
    path = Path(source) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"Không có {MANIFEST} trong “{source}”: đây không phải một bản sao lưu hoàn chỉnh.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"Không đọc được {path}: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not all(
            isinstance(manifest.get(key), dict) for key in ("files", "migrations", "counts", "media")):
        raise BackupError(f"{path} không đúng định dạng bản sao lưu (format {FORMAT}).")
    return manifest


def verify_files(source, manifest):
    """Every file of the manifest is there with its size and sha256; the backup's own files are
    all in the manifest (a manifest naming no database file would restore nothing)."""
    files = manifest["files"]
    needed = set(stored_names(manifest.get("engine"), manifest.get("encrypted") is True))
    if missing := needed - set(files):
        raise BackupError(f"{MANIFEST} không ghi tệp {', '.join(sorted(missing))}: bản sao lưu không dùng được.")
    for name, expected in files.items():
        path = Path(source) / name
        if Path(name).name != name or not isinstance(expected, dict) or not path.is_file():
            raise BackupError(f"Thiếu tệp {name} của bản sao lưu.")
        if path.stat().st_size != expected.get("size") or sha256(path) != expected.get("sha256"):
            raise BackupError(f"Tệp {name} bị hỏng (kích thước hoặc mã kiểm tra sha256 không khớp {MANIFEST}); "
                              "không phục hồi gì. Hãy dùng một bản sao lưu khác.")


def restore_key(source, manifest):
    """The key of an encrypted backup ("" for a plain one); none set is refused here, before
    anything else is read."""
    if manifest.get("encrypted") is not True:
        return ""
    if key := encryption_key():
        return key
    raise BackupError(f"Bản sao lưu “{source}” được mã hoá (gpg) mà chưa có khoá: "
                      "hãy đặt BACKUP_ENCRYPTION_KEY (hoặc BACKUP_ENCRYPTION_KEY_FILE) đúng khoá đã dùng khi "
                      "sao lưu. Chưa phục hồi gì.")


def wrong_key(path):
    """The refusal when gpg cannot decrypt a file whose checksum is right: the key is another."""
    return (f"Không giải mã được {Path(path).name} bằng khoá đang đặt (BACKUP_ENCRYPTION_KEY): khoá sai, không "
            "phải khoá đã dùng khi sao lưu (tệp vẫn khớp mã kiểm tra sha256). Chưa phục hồi gì vào cơ sở "
            "dữ liệu; hãy đặt đúng khoá rồi chạy lại")


def check_sqlite_file(path):
    """SQLite's own check of the copy: a database already damaged when it was backed up has the
    right checksum, and the backup API would copy its pages as they are."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            result = [row[0] for row in db.execute("PRAGMA quick_check")]
        db.close()
    except sqlite3.Error as exc:
        result = [str(exc)]
    if result != ["ok"]:
        raise BackupError(f"Tệp {Path(path).name} không phải cơ sở dữ liệu SQLite nguyên vẹn ({result[0]}); "
                          "không phục hồi gì. Hãy dùng một bản sao lưu khác.")


def check_engine(manifest, engine):
    if manifest.get("engine") != engine:
        backup_engine = ENGINE_NAMES.get(manifest.get("engine"), manifest.get("engine"))
        raise BackupError(f"Bản sao lưu là của {backup_engine}, còn cơ sở dữ liệu đích là {ENGINE_NAMES[engine]}: "
                          "chỉ phục hồi được vào cùng loại cơ sở dữ liệu.")


def check_migrations(backup_migrations, known):
    """Refuses migrations the code does not know (the backup comes from newer code); returns the
    code's migrations the backup lacks (an older backup: fine, migrate afterwards) as "app.name".
    ``known``: {(app, name): the (app, name) it replaces, for a squashed one}."""
    applied = {(app, name) for app, entry in backup_migrations.items() for name in entry.get("applied", [])}
    everything = set(known).union(*known.values()) if known else set()
    if unknown := sorted(applied - everything):
        shown = ", ".join(f"{app}.{name}" for app, name in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise BackupError(f"Bản sao lưu có {len(unknown)} migration mà mã nguồn này không có ({shown}): nó được "
                          "tạo bởi phiên bản mới hơn. Hãy phục hồi bằng đúng phiên bản mã nguồn trong "
                          f"{MANIFEST} (code).")
    pending = [key for key, replaces in known.items() if key not in applied
               and not (replaces and set(replaces) <= applied)]
    return [f"{app}.{name}" for app, name in sorted(pending)]


def check_database_empty(connection):
    tables = connection.introspection.table_names()
    if tables:
        applied = "django_migrations" in tables and MigrationRecorder(connection).migration_qs.count()
        raise BackupError(f"Cơ sở dữ liệu đích không trống ({len(tables)} bảng"
                          + (f", {applied} migration đã áp dụng" if applied else "")
                          + "): chỉ phục hồi vào cơ sở dữ liệu trống. Hãy tạo một cơ sở dữ liệu mới "
                          "(PostgreSQL: dropdb rồi createdb; SQLite: xoá hoặc đổi tên tệp) rồi chạy lại.")


def check_media_empty(root):
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise BackupError(f"Thư mục media “{root}” không trống: chỉ phục hồi vào thư mục trống "
                          "(hãy chuyển các tệp đang có đi nơi khác).")


# The pieces ------------------------------------------------------------------------------------

def stored_names(engine, encrypted):
    """(database file, media file) as a backup stores them: ``database.dump.gpg`` when encrypted."""
    suffix = ENCRYPTED if encrypted else ""
    return DATABASE_FILES.get(engine, "database") + suffix, MEDIA_FILE + suffix


def encryption_key():
    """The passphrase of encrypted backups: BACKUP_ENCRYPTION_KEY, else the content of the file
    BACKUP_ENCRYPTION_KEY_FILE (a docker secret; its final newline is not part of the key); ""
    when neither is set. The file is read here, when a backup or a restore needs it, not with the
    settings: a secret not mounted must not stop the portal from starting."""
    key = settings.BACKUP_ENCRYPTION_KEY
    if not key and (path := settings.BACKUP_ENCRYPTION_KEY_FILE):
        try:
            key = Path(path).read_text(encoding="utf-8").rstrip("\r\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise BackupError(f"Không đọc được khoá mã hoá từ BACKUP_ENCRYPTION_KEY_FILE={path}: {exc}") from None
        if not key:
            raise BackupError(f"Tệp BACKUP_ENCRYPTION_KEY_FILE={path} trống: hãy ghi khoá vào đó, hoặc bỏ biến này.")
    if "\n" in key or "\r" in key or "\0" in key or len(key) > 1000:
        # gpg reads one line from --passphrase-fd; a longer key could fill the pipe before it reads
        raise BackupError("Khoá mã hoá bản sao lưu phải là một dòng, tối đa 1000 ký tự.")
    return key


def unencrypted_warning():
    """The line the backup command adds on a production server without a key: the backup is made
    all the same (one unencrypted is better than none), and the operator is told how to fix it."""
    if not settings.DECLARED_PRODUCTION or settings.BACKUP_ENCRYPTION_KEY or settings.BACKUP_ENCRYPTION_KEY_FILE:
        return None
    return ("CẢNH BÁO: bản sao lưu này KHÔNG được mã hoá, mà nó chứa dữ liệu cá nhân (Luật Bảo vệ dữ liệu cá "
            "nhân 91/2025/QH15). Hãy đặt BACKUP_ENCRYPTION_KEY (một chuỗi ngẫu nhiên dài: python -c \"import "
            "secrets; print(secrets.token_urlsafe(32))\") trong .env rồi khởi động lại web, và cất khoá ở nơi "
            "khác ngoài thư mục sao lưu: mất khoá là mất bản sao lưu (docs/backup.md).")


def gpg_program():
    if found := shutil.which("gpg"):
        return found
    raise BackupError("Không tìm thấy gpg: cài gói gnupg (apt-get install gnupg) để mã hoá và giải mã bản sao lưu.")


@contextmanager
def gpg(key, *args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, failure="gpg thất bại"):
    """Runs gpg ARGS under the passphrase ``key`` and yields the process (its stdin or stdout a
    pipe when asked for); leaving, reads what is left of its output, waits for it and raises
    BackupError(failure: gpg's own words) if it failed; an error in the block kills it.

    The passphrase travels through a pipe (--passphrase-fd), never on the command line, where
    `ps` shows it. gpg's home is a temporary folder removed afterwards: nothing is written to the
    user's ~/.gnupg, and --no-autostart keeps gpg-agent from being started there and outliving
    the command (symmetric mode with loopback needs no agent). gpg's messages go to a temporary
    file: a pipe nobody reads while the data streams could fill and stop it."""
    program = gpg_program()
    home = tempfile.mkdtemp(prefix="portal-gnupg-")
    passphrase, writer = os.pipe()
    try:
        with os.fdopen(writer, "wb") as file:   # a line of at most 1000 characters: the pipe holds it
            file.write(key.encode() + b"\n")
        with tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(
                [program, "--homedir", home, "--batch", "--no-tty", "--quiet", "--yes", "--no-autostart",
                 "--no-symkey-cache", "--pinentry-mode", "loopback", "--passphrase-fd", str(passphrase), *args],
                stdin=stdin, stdout=stdout, stderr=errors, pass_fds=(passphrase,))
            problem = None
            try:
                yield process
                if process.stdin:
                    process.stdin.close()
                while process.stdout and process.stdout.read(CHUNK):
                    pass   # what the reader left (a tar's last padding): gpg would wait to write it
            except BaseException as exc:
                problem = exc
                if isinstance(exc, BrokenPipeError):   # gpg stopped reading: it is ending, and says why
                    try:
                        process.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        pass
                process.kill()
            finally:
                for stream in (process.stdin, process.stdout):
                    if stream:
                        stream.close()
                returncode = process.wait()
            if problem is not None and not (isinstance(problem, BrokenPipeError) and returncode > 0):
                raise problem
            if returncode != 0:
                errors.seek(0)
                said = errors.read().decode("utf-8", "replace").strip()[-2000:]
                raise BackupError(f"{failure}. {said or f'gpg: mã {returncode}'}") from problem
    finally:
        os.close(passphrase)
        shutil.rmtree(home, ignore_errors=True)


def engine_of(connection):
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {connection.vendor}.")
    return connection.vendor


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def code_version():
    """The project's version (pyproject.toml, or the installed package), and the git commit when
    the code is a checkout (the image has no .git: PORTAL_COMMIT may carry it from the build)."""
    version = None
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as file:
            version = tomllib.load(file)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        from importlib import metadata

        try:
            version = metadata.version("de-an-01-portal")
        except metadata.PackageNotFoundError:
            pass
    commit = os.environ.get("PORTAL_COMMIT") or None
    if commit is None:
        try:
            run = subprocess.run(["git", "describe", "--always", "--dirty", "--tags"], cwd=settings.BASE_DIR,
                                 capture_output=True, text=True, timeout=10)
            commit = run.stdout.strip() if run.returncode == 0 else None
        except (OSError, subprocess.SubprocessError):
            pass
    return {"version": version, "commit": commit}


def database_facts(cursor, tables, quote_name):
    """(migrations, counts) by plain SQL, on a Django cursor or an sqlite3 one: the migrations
    applied, {app: {"latest": name, "applied": [names]}} (names sort in order: 0001_…), and the
    rows of KEY_TABLES present (the models of this code may not match an older database's
    columns yet, so no ORM)."""
    migrations = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations")
        for app, name in sorted(cursor.fetchall()):
            migrations.setdefault(app, []).append(name)
    counts = {}
    for label in KEY_TABLES:
        try:
            table = apps.get_model(label)._meta.db_table
        except LookupError:
            continue
        if table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {quote_name(table)}")
            counts[label] = cursor.fetchone()[0]
    return {app: {"latest": names[-1], "applied": names} for app, names in migrations.items()}, counts


def key_counts(connection):
    with connection.cursor() as cursor:
        return database_facts(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)[1]


def known_migrations():
    """The code's migrations: {(app, name): the (app, name) pairs it replaces, if squashed}."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {key: [tuple(old) for old in migration.replaces or ()]
            for key, migration in loader.disk_migrations.items()}


def pg_program(name):
    """The client program: from PG_BIN_DIR when set, else from PATH."""
    if bin_dir := os.environ.get("PG_BIN_DIR"):
        path = Path(bin_dir) / name
        if not path.is_file():
            raise BackupError(f"Không có {name} trong PG_BIN_DIR={bin_dir}.")
        return str(path)
    if found := shutil.which(name):
        return found
    raise BackupError(f"Không tìm thấy {name}: cài postgresql-client (cùng phiên bản chính với máy chủ) "
                      "hoặc đặt PG_BIN_DIR tới thư mục chứa nó.")


def client_major(program):
    try:
        run = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=30)
    except OSError as exc:
        raise BackupError(f"Không chạy được {program}: {exc}") from None
    return pg_major(run.stdout)


def pg_major(version_text):
    """'pg_dump (PostgreSQL) 16.4 (Debian 16.4-1.pgdg120+1)' -> 16; '9.6.24' -> 9."""
    match = re.search(r"\)\s*(\d+)", version_text) or re.search(r"(\d+)", version_text)
    if not match:
        raise BackupError(f"Không đọc được phiên bản từ “{version_text.strip()}”.")
    return int(match.group(1))


def server_version_num(connection):
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0])


def check_pg_client(program, client, server_version_num):
    """An older client than the server is refused; the message names the package to install.
    (server_version_num: 160004 for 16.4; Django 5.2 supports no server older than 10.)"""
    needed = server_version_num // 10000
    if client < needed:
        raise BackupError(f"{program} {client} cũ hơn máy chủ PostgreSQL {needed}: cài postgresql-client-{needed} "
                          f"(kho apt của PostgreSQL) hoặc đặt PG_BIN_DIR tới thư mục chứa {program} {needed}.")


def _run_pg(args, connection, program, *, database_option=False, stdin=None, stdout=subprocess.PIPE):
    """Runs a client program on the connection's database (its input or output a pipe from or
    to gpg, when given); the password travels in PGPASSWORD, never on the command line (where
    `ps` shows it)."""
    db = connection.settings_dict
    options = db.get("OPTIONS") or {}
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, variable in (("PASSWORD", "PGPASSWORD"), ("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[variable] = str(db[key])
    for key, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if options.get(key):
            env[variable] = str(options[key])
    if database_option:
        args = [*args[:1], "--dbname", db["NAME"], *args[1:]]
    run = subprocess.run(args, env=env, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, text=True)
    if run.returncode != 0:
        raise BackupError(f"{program} thất bại (mã {run.returncode}): {run.stderr.strip()[-2000:]}")


def human_size(size):
    """2228224 -> '2,2 MB' (the Vietnamese decimal comma)."""
    for unit, factor in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}".replace(".", ",")
    return f"{size} B"


def _seconds(seconds):
    return f"{seconds:.1f}".replace(".", ",")


def backup_summary(target, manifest):
    """The one line the backup command prints."""
    files = manifest["files"]
    database = files[stored_names(manifest["engine"], manifest["encrypted"])[0]]["size"]
    media = manifest["media"]
    encrypted = f", mã hoá {CIPHER}" if manifest["encrypted"] else ""
    return (f"Đã sao lưu vào {target}: {len(files) + 1} tệp{encrypted}, "
            f"{human_size(sum(f['size'] for f in files.values()))} "
            f"(cơ sở dữ liệu {ENGINE_NAMES[manifest['engine']]} {human_size(database)}; media {media['files']} tệp, "
            f"{human_size(media['bytes'])}); {_seconds(manifest['seconds'])} giây.")


def restore_summary(source, result):
    """The line the restore command prints, and a second one when the operator must migrate."""
    manifest, counts = result["manifest"], result["manifest"]["counts"]
    code = manifest.get("code") or {}
    made_by = " ".join(str(part) for part in (code.get("version"), code.get("commit")) if part) or "không rõ"
    line = (f"Đã phục hồi từ {source} (sao lưu lúc {manifest['created_at']}, mã nguồn {made_by}): "
            f"{counts.get('portal.User', 0)} người dùng, {counts.get('reporting.Report', 0)} báo cáo, "
            f"{manifest['media']['files']} tệp media; {_seconds(result['seconds'])} giây.")
    if result.get("warning"):
        line += "\n" + result["warning"]
    if pending := result["pending"]:
        line += (f"\nBản sao lưu cũ hơn mã nguồn: {len(pending)} migration chưa áp dụng — "
                 "hãy chạy python manage.py migrate.")
    return line
