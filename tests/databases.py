"""Databases made for one test on the suite's own PostgreSQL server (the backup and upgrade tests
run manage.py in other processes, which cannot see the test transaction's data): the server's
connection settings, SQL run on its maintenance database, and the URL of a database by name."""
from urllib.parse import quote

from django.conf import settings


def _default():
    return settings.DATABASES["default"]


def is_postgresql():
    return "postgresql" in _default()["ENGINE"]


def server():
    """psycopg2's keyword arguments for the suite's server (no database name)."""
    d = _default()
    return {"host": d["HOST"] or None, "port": d["PORT"] or None, "user": d["USER"] or None,
            "password": d["PASSWORD"] or None}


def run_sql(sql, dbname="postgres"):
    """One statement in autocommit (CREATE/DROP DATABASE), on the maintenance database by default,
    else on the suite's own when the server has none."""
    import psycopg2

    try:
        connection = psycopg2.connect(dbname=dbname, **server())
    except psycopg2.OperationalError:
        if dbname != "postgres":
            raise
        connection = psycopg2.connect(dbname=_default()["NAME"], **server())
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def create(name):
    run_sql(f'CREATE DATABASE "{name}"')
    return url(name)


def drop(name):
    run_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def url(name):
    """postgres://user[:password]@host:port/name on the suite's server."""
    d = _default()
    credentials = quote(d["USER"] or "", safe="")
    if d["PASSWORD"]:
        credentials += ":" + quote(d["PASSWORD"], safe="")
    return f"postgres://{credentials}@{d['HOST'] or 'localhost'}:{d['PORT'] or 5432}/{name}"
