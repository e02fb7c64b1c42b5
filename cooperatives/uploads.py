"""Where a browser import keeps the uploaded spreadsheet between its preview and its
confirmation (django-import-export's MediaStorage, in the media storage under FOLDER), and the
clean-up of the uploads that were previewed but never confirmed (`manage.py daily`)."""
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.utils import timezone
from import_export.tmp_storages import MediaStorage

FOLDER = "nhap-hop-tac-xa"


def upload_storage(name):
    """The stored upload called `name` (our own uuid4().hex)."""
    return MediaStorage(name=name, read_mode="rb", MEDIA_FOLDER=FOLDER)


def _backend():
    # the backend MediaStorage itself writes to: its own alias if configured, else the default
    return storages["import_export"] if "import_export" in settings.STORAGES else storages["default"]


def delete_abandoned_uploads(*, max_age=None, now=None):
    """Deletes the uploads last written more than `max_age` ago (default: the setting
    IMPORT_UPLOAD_MAX_AGE_HOURS); returns how many. A confirmation after that asks for the file
    again ("Tệp đã hết hạn")."""
    if max_age is None:
        max_age = timedelta(hours=settings.IMPORT_UPLOAD_MAX_AGE_HOURS)
    cutoff = (now or timezone.now()) - max_age
    backend = _backend()
    try:
        _folders, files = backend.listdir(FOLDER)
    except FileNotFoundError:  # nothing was ever uploaded
        return 0
    deleted = 0
    for name in files:
        path = f"{FOLDER}/{name}"
        if backend.get_modified_time(path) < cutoff:
            backend.delete(path)
            deleted += 1
    return deleted
