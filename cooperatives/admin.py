"""Django's admin (superusers only, see portal/admin.py): raw registry access, with
django-import-export's export of any list. Area staff work in the portal's own pages."""
from django.contrib import admin
from import_export import fields, resources
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from cooperatives.models import Cadre, Cooperative, Manager, Training


class CooperativeResource(resources.ModelResource):
    commune_code = fields.Field(attribute="commune__code", column_name="Mã xã/phường")

    class Meta:
        model = Cooperative
        fields = ["code", "name", "kind", "commune_code", "founded_on", "sector", "hoi_supported_founding",
                  "status", "is_women_managed", "many_women_jobs"]
        export_order = fields


@admin.register(Cooperative)
class CooperativeAdmin(ExportMixin, SimpleHistoryAdmin):
    resource_classes = [CooperativeResource]
    list_display = ["code", "name", "kind", "commune", "status", "is_women_managed", "many_women_jobs"]
    list_filter = ["kind", "status", "is_women_managed", "many_women_jobs"]
    search_fields = ["code", "search_name"]
    raw_id_fields = ["commune"]


@admin.register(Manager)
class ManagerAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "role", "gender", "cooperative"]
    raw_id_fields = ["cooperative"]
    search_fields = ["full_name", "cooperative__code"]


admin.site.register([Training, Cadre])
