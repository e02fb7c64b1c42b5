from django.contrib import admin

from api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Superusers see who has a token and may delete one (the token itself is never stored)."""
    list_display = ["user", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["user", "prefix", "created_at", "last_used_at"]
    search_fields = ["user__username"]

    def has_add_permission(self, request):
        return False
