from django.contrib import admin

from plans.models import Indicator, Plan, Target, TaskGroup


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "over_time", "in_catalog"]
    search_fields = ["code", "name"]


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


class TaskGroupInline(admin.StackedInline):
    model = TaskGroup
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["key", "number", "title", "area", "issued_on"]
    raw_id_fields = ["area", "based_on"]
    inlines = [TargetInline, TaskGroupInline]
