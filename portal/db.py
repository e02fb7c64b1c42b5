"""Database housekeeping shared by the bulk loaders.

``analyze(*models)``: after a bulk load (import_cooperatives, import_submissions, the browser
imports, generate_demo, generate_registry) PostgreSQL's planner statistics still describe the
tables as they were; autovacuum refreshes them only some time later, and until then the first
pages after a large import may get bad plans (a nested loop over what it believes is an empty
table). ANALYZE on the tables just filled makes the first page as fast as the hundredth. On
SQLite it does nothing (its planner has no such statistics to go stale at this size).
"""
from django.db import connection


def analyze(*models, vacuum=False):
    """ANALYZE the tables of these models (PostgreSQL); the tables analysed, [] elsewhere.
    ``vacuum``: VACUUM (ANALYZE) instead, outside a transaction only — for a small table just
    rewritten whose index-only scans need its pages marked all-visible (reporting.sums)."""
    if connection.vendor != "postgresql":
        return []
    tables = list(dict.fromkeys(m._meta.db_table for m in models))
    command = "VACUUM (ANALYZE)" if vacuum and not connection.in_atomic_block else "ANALYZE"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {connection.ops.quote_name(table)}")
    return tables
