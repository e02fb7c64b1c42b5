from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from portal.models import Area, User

# Django's admin is for superusers only (it is not area-scoped); staff work in the portal.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("Đề án 01", {"fields": ("role", "area", "position")}),)
    list_display = ["username", "last_name", "first_name", "role", "area"]
    raw_id_fields = ["area"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "valid_from", "valid_to", "successor"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent", "successor"]
