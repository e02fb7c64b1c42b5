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

A restore refuses, before writing anything, whatever would leave a portal half restored or
quietly wrong: no readable manifest; a file whose size or checksum differs (damaged); the other
engine; migrations this code does not know (a backup from newer code: restore it with that
code); a target database that is not empty (any table); a media folder that is not empty.
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
import time
import tomllib
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


class BackupError(Exception):
    """A refusal or a failure; the message is for the operator."""


# Backup ----------------------------------------------------------------------------------------

def backup(target, *, using="default", media_root=None):
    """Writes the backup into the folder ``target`` (created; it must be empty) and returns the
    manifest. On failure the files written so far are removed."""
    started = time.monotonic()
    target = Path(target)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    connection = connections[using]
    engine = engine_of(connection)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"Thư mục sao lưu “{target}” đã có tệp: hãy chọn một thư mục mới (ví dụ theo ngày).")
    created = not target.exists()
    database_file = target / DATABASE_FILES[engine]
    try:
        target.mkdir(parents=True, exist_ok=True)
        manifest = {"format": FORMAT, "created_at": timezone.now().isoformat(timespec="seconds"),
                    "code": code_version(), "engine": engine}
        if engine == "postgresql":
            manifest["postgresql"], (manifest["migrations"], manifest["counts"]) = _dump_postgresql(
                connection, database_file)
        else:
            manifest["migrations"], manifest["counts"] = _copy_sqlite(connection, database_file)
        manifest["media"] = _tar_media(media_root, target / MEDIA_FILE)
        manifest["files"] = {path.name: {"sha256": sha256(path), "size": path.stat().st_size}
                             for path in (database_file, target / MEDIA_FILE)}
        manifest["seconds"] = round(time.monotonic() - started, 1)
        partial = target / (MANIFEST + ".part")
        partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        partial.rename(target / MANIFEST)
    except BaseException as exc:
        if target.is_dir():
            for name in (*DATABASE_FILES.values(), MEDIA_FILE, MANIFEST + ".part"):
                (target / name).unlink(missing_ok=True)
            if created:
                target.rmdir()
        if isinstance(exc, (OSError, sqlite3.Error, tarfile.TarError)):  # a full disk, a folder not writable
            raise BackupError(f"Sao lưu thất bại, không giữ lại tệp nào: {exc}") from exc
        raise
    return manifest


def _dump_postgresql(connection, path):
    """pg_dump of the snapshot in which the migrations and the counts are read (exported from a
    repeatable-read transaction held open meanwhile): on a live portal a row written between the
    count and the dump would otherwise fail the restore's count check."""
    program = pg_program("pg_dump")
    client = client_major(program)
    server = server_version_num(connection)
    check_pg_client("pg_dump", client, server)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        facts = database_facts(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)
        _run_pg([program, "--format=custom", f"--snapshot={snapshot}", "--file", str(path)], connection, "pg_dump")
    return {"server_version_num": server, "pg_dump": client}, facts


def _copy_sqlite(connection, path):
    """The copy, and its migrations and counts, read from the copy itself (the live database may
    have moved on since)."""
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        tables = [row[0] for row in cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        facts = database_facts(cursor, tables, connection.ops.quote_name)
    copy.close()
    return facts


def _tar_media(root, path):
    """The media folder as a tar (no compression: attachments are PDFs and JPEGs, exports XLSX,
    all compressed already). Returns the number and total size of the files in it."""
    files = size = 0
    with tarfile.open(path, "w") as tar:
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
    verify_files(source, manifest)
    pending = check_migrations(manifest["migrations"], known_migrations())
    program = None
    if engine == "sqlite":
        check_sqlite_file(source / DATABASE_FILES[engine])
    else:
        program = pg_program("pg_restore")
        dumped_by = manifest.get("postgresql", {}).get("pg_dump", 0)
        if (client := client_major(program)) < dumped_by:
            raise BackupError(f"pg_restore {client} không đọc được bản dump của pg_dump {dumped_by}: cài "
                              f"postgresql-client-{dumped_by} hoặc đặt PG_BIN_DIR tới thư mục chứa nó.")
    check_media_empty(media_root)
    check_database_empty(connection)

    media_root.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(source / MEDIA_FILE) as tar:
            tar.extractall(media_root, filter="data")
        if engine == "postgresql":
            connection.close()
            _run_pg([program, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                     str(source / DATABASE_FILES[engine])], connection, "pg_restore", database_option=True)
        else:
            connection.ensure_connection()
            with sqlite3.connect(source / DATABASE_FILES[engine]) as copy:
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
    needed = {DATABASE_FILES.get(manifest.get("engine"), "database"), MEDIA_FILE}
    if missing := needed - set(files):
        raise BackupError(f"{MANIFEST} không ghi tệp {', '.join(sorted(missing))}: bản sao lưu không dùng được.")
    for name, expected in files.items():
        path = Path(source) / name
        if Path(name).name != name or not isinstance(expected, dict) or not path.is_file():
            raise BackupError(f"Thiếu tệp {name} của bản sao lưu.")
        if path.stat().st_size != expected.get("size") or sha256(path) != expected.get("sha256"):
            raise BackupError(f"Tệp {name} bị hỏng (kích thước hoặc mã kiểm tra sha256 không khớp {MANIFEST}); "
                              "không phục hồi gì. Hãy dùng một bản sao lưu khác.")


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


def _run_pg(args, connection, program, *, database_option=False):
    """Runs a client program on the connection's database; the password travels in PGPASSWORD,
    never on the command line (where `ps` shows it)."""
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
    run = subprocess.run(args, env=env, capture_output=True, text=True)
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
    database = files[DATABASE_FILES[manifest["engine"]]]["size"]
    media = manifest["media"]
    return (f"Đã sao lưu vào {target}: {len(files) + 1} tệp, {human_size(sum(f['size'] for f in files.values()))} "
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
