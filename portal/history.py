"""What a change recorded by django-simple-history is called on the portal's history pages
(the package's own "Created/Changed/Deleted" has no Vietnamese)."""
from django.utils.translation import pgettext_lazy

# "history" context: "Sửa" and "Xóa" are also buttons ("Edit", "Delete"); here they are past events.
HISTORY_TYPES = {"+": pgettext_lazy("history", "Tạo mới"), "~": pgettext_lazy("history", "Sửa"),
                 "-": pgettext_lazy("history", "Xóa")}


def history_label(record):
    """"Tạo mới", "Sửa" or "Xóa" for a historical record (or its history_type)."""
    return HISTORY_TYPES.get(getattr(record, "history_type", record), "")
