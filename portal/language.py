"""Documents and exports are Vietnamese whatever the interface's language: the pages translate
status and period names (English mode), a PDF, an XLSX or a CSV does not."""
import functools

from django.utils.translation import override


def in_vietnamese(func):
    """Runs ``func`` with Vietnamese active (a new override per call, so that nested calls give
    the caller's language back)."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with override("vi"):
            return func(*args, **kwargs)
    return wrapper
