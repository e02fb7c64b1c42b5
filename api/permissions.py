from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission


class HasArea(BasePermission):
    """An account not yet given an area sees nothing (portal.scoping.require_area): 403."""
    message = _("Tài khoản chưa được gán địa bàn. Liên hệ quản trị viên.")

    def has_permission(self, request, view):
        return getattr(request.user, "area", None) is not None
