"""The registry's step of `python manage.py bootstrap`: the stored classification brought up to
date (a manager's term ends without an edit; `refresh_classification` runs it daily too)."""
from cooperatives.services import refresh_classification


def load():
    """"classification: changed N"."""
    return f"classification: changed {refresh_classification()}"
