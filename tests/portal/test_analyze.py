"""ANALYZE after bulk loads (portal/db.py): the import commands' code, the browser imports' (the
same functions) and generate_demo ask for it on the tables they filled; on PostgreSQL the
planner's statistics then describe those tables as they are; on SQLite the call does nothing."""
import io

import pytest
from django.core.management import call_command
from django.db import connection

from cooperatives.importer import import_cooperatives
from cooperatives.models import Cooperative, Manager
from portal import db
from reporting.importer import import_submissions
from reporting.models import Report, ReportValue
from tests.cooperatives.test_import import clean_file
from tests.reporting.submissions import lang_son_file

pytestmark = pytest.mark.django_db
POSTGRES = connection.vendor == "postgresql"


def planner_rows(model):
    """The row count PostgreSQL's planner believes (pg_class.reltuples, set by ANALYZE)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table])
        return cursor.fetchone()[0]


@pytest.fixture
def analysed(monkeypatch):
    """The tables each loader asked to analyse (the real analyze runs too)."""
    asked = []

    def spy(*models, **options):
        done = db.analyze(*models, **options)
        asked.append(({m._meta.db_table for m in models}, done))
        return done
    for module in ("reporting.importer", "cooperatives.importer", "cooperatives.demo",
                   "reporting.management.commands.generate_demo"):
        monkeypatch.setattr(f"{module}.analyze", spy)
    return asked


def fresh(*models):
    """The planner's row counts are the tables' (PostgreSQL); nothing to check on SQLite."""
    return all(planner_rows(m) == m.objects.count() for m in models) if POSTGRES else True


def test_analyze_names_the_tables_on_postgresql_and_does_nothing_on_sqlite():
    assert db.analyze(Report, ReportValue, Report) == (["reporting_report", "reporting_reportvalue"]
                                                        if POSTGRES else [])


def test_import_submissions_analyses_what_it_filled(tmp_path, analysed):
    import_submissions(lang_son_file(tmp_path), dry_run=True)
    assert analysed == []                              # nothing written, nothing to analyse
    import_submissions(lang_son_file(tmp_path))
    [(tables, done)] = analysed
    assert {"reporting_report", "reporting_reportvalue"} <= tables
    assert bool(done) == POSTGRES
    assert ReportValue.objects.exists() and fresh(Report, ReportValue)


def test_import_cooperatives_analyses_what_it_filled(tmp_path, analysed):
    import_cooperatives(clean_file(tmp_path))
    [(tables, done)] = analysed
    assert {"cooperatives_cooperative", "cooperatives_manager"} <= tables
    assert bool(done) == POSTGRES
    assert Cooperative.objects.exists() and fresh(Cooperative, Manager)


def test_generate_demo_analyses_what_it_filled(analysed):
    call_command("generate_demo", scale="province", cooperatives=30, stdout=io.StringIO())
    tables = set().union(*(t for t, _ in analysed))
    assert {"reporting_reportvalue", "reporting_report", "cooperatives_cooperative"} <= tables
    assert ReportValue.objects.exists() and fresh(Report, ReportValue, Cooperative)


@pytest.mark.django_db(transaction=True)
def test_vacuum_outside_a_transaction_and_an_analyze_inside_one():
    """VACUUM (ANALYZE) after a rebuild of the national sums (refresh_sums, in autocommit); in a
    transaction block, where VACUUM cannot run (generate_demo's), an ANALYZE."""
    from django.db import transaction

    from reporting.models import ProvinceSum

    expected = ["reporting_provincesum"] if POSTGRES else []
    assert db.analyze(ProvinceSum, vacuum=True) == expected
    with transaction.atomic():
        assert db.analyze(ProvinceSum, vacuum=True) == expected
