"""Logging filters (settings.LOGGING)."""
import logging


class RefusalOneLine(logging.Filter):
    """A 403 (PermissionDenied, a CSRF failure) is logged as its one line, without the traceback
    Django attaches: a refusal is the portal working as meant, and a probe of a few thousand
    cross-area requests otherwise buries real errors under thousands of tracebacks."""

    def filter(self, record):
        if getattr(record, "status_code", None) == 403 or record.name.startswith("django.security"):
            record.exc_info = None
            record.exc_text = None
        return True
