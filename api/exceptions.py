"""The API's refusals in Vietnamese (DRF's own catalogue has few of its messages in Vietnamese)."""
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler


def vietnamese_exception_handler(exc, context):
    if isinstance(exc, exceptions.NotAuthenticated):
        exc.detail = _("Cần mã truy cập: gửi tiêu đề “Authorization: Token …” (tạo mã ở trang Mã truy cập API).")
    elif isinstance(exc, exceptions.Throttled):
        exc.detail = _("Quá nhiều yêu cầu với mã truy cập này; thử lại sau %(s)d giây.") % {"s": exc.wait or 1}
    return exception_handler(exc, context)
