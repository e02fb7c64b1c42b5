"""What the API returns. Plain read-only serializers; codes (GSO, indicator, period) stand for
the objects they name, as in the imports and `manage.py progress`."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cooperatives.models import Cooperative, Manager
from plans.models import Plan, Target
from plans.targets import describe
from portal.models import Area
from privacy.access import PERSON_FIELDS
from reporting.models import ReportValue


class AreaSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.code", default=None, allow_null=True, help_text="Mã đơn vị cấp trên")
    successor = serializers.CharField(source="successor.code", default=None, allow_null=True,
                                      help_text="Mã đơn vị đã tiếp nhận (tỉnh bị sáp nhập năm 2025)")

    class Meta:
        model = Area
        fields = ["code", "name", "division_type", "level", "parent", "successor", "valid_from", "valid_to"]


class TargetSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code", help_text="Mã chỉ tiêu (HTX_MOI, ...)")
    text = serializers.SerializerMethodField(help_text="Mục tiêu như văn bản ghi (“từ 20 - 25 HTX”)")

    class Meta:
        model = Target
        fields = ["indicator", "milestone", "form", "low", "high", "unit", "per_unit", "area_group", "text",
                  "wording", "note"]

    def get_text(self, target) -> str:
        return describe(target)


class PlanSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.code", help_text="Mã địa bàn của kế hoạch")
    based_on = serializers.CharField(source="based_on.key", default=None, allow_null=True, help_text="Mã kế hoạch làm căn cứ")
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "key", "kind", "doc_type", "number", "title", "issuer", "issued_on", "issued_on_precision",
                  "area", "based_on", "year_start", "year_end", "targets"]


class WorkforceSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    members = serializers.IntegerField()
    female_members = serializers.IntegerField()
    workers = serializers.IntegerField()
    female_workers = serializers.IntegerField()


class CooperativeSerializer(serializers.ModelSerializer):
    commune = serializers.CharField(source="commune.code", help_text="Mã xã/phường")
    commune_name = serializers.CharField(source="commune.name")
    province = serializers.CharField(source="commune.parent.code", default=None, allow_null=True, help_text="Mã tỉnh/thành phố")
    workforce = serializers.SerializerMethodField(help_text="Thành viên, lao động của năm gần nhất")

    class Meta:
        model = Cooperative
        fields = ["id", "code", "name", "kind", "sector", "status", "status_since", "commune", "commune_name",
                  "province", "founded_on", "hoi_supported_founding", "founding_supported_on",
                  "hoi_supported_consolidation", "consolidation_supported_on", "is_women_managed",
                  "many_women_jobs", "workforce"]

    @extend_schema_field(WorkforceSerializer(allow_null=True))
    def get_workforce(self, coop):
        if getattr(coop, "wf_year", None) is None:  # annotated by cooperatives.selectors.with_latest_workforce
            return None
        return {name: getattr(coop, f"wf_{name}") for name in WorkforceSerializer().fields}


class ManagerSerializer(serializers.ModelSerializer):
    """A cooperative's manager. Birth year and ethnicity only when asked for (?fields=person,
    with a purpose) by a user who may see them (privacy.access); every such page is logged."""
    cooperative = serializers.CharField(source="cooperative.code", help_text="Mã số HTX/THT")
    cooperative_name = serializers.CharField(source="cooperative.name")
    anonymised = serializers.SerializerMethodField(help_text="Đã ẩn danh hóa")
    birth_year = serializers.IntegerField(required=False, allow_null=True,
                                          help_text="Chỉ khi ?fields=person và người dùng được xem")
    ethnicity = serializers.CharField(required=False, help_text="Chỉ khi ?fields=person và người dùng được xem")

    class Meta:
        model = Manager
        fields = ["id", "cooperative", "cooperative_name", "full_name", "gender", "role", "from_date", "to_date",
                  "anonymised", "birth_year", "ethnicity"]

    def get_anonymised(self, manager) -> bool:
        return manager.anonymised_at is not None

    def get_fields(self):
        fields = super().get_fields()
        if not self.context.get("person_fields"):
            for name in PERSON_FIELDS:
                fields.pop(name, None)
        return fields


class ManagerProfileSerializer(serializers.Serializer):
    """Managers in office today in active cooperatives, in counts; groups of 1–2 people are null
    for a user who may not see person-level fields."""
    total = serializers.IntegerField()
    women = serializers.IntegerField()
    kinh = serializers.IntegerField(allow_null=True)
    dan_toc_thieu_so = serializers.IntegerField(allow_null=True)
    dan_toc_chua_ghi = serializers.IntegerField(allow_null=True)
    tuoi_duoi_30 = serializers.IntegerField(allow_null=True)
    tuoi_30_44 = serializers.IntegerField(allow_null=True)
    tuoi_45_59 = serializers.IntegerField(allow_null=True)
    tuoi_tu_60 = serializers.IntegerField(allow_null=True)
    tuoi_chua_ghi = serializers.IntegerField(allow_null=True)


class ReportValueSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="report.area.code", help_text="Mã đơn vị báo cáo")
    area_name = serializers.CharField(source="report.area.name")
    period = serializers.CharField(source="report.period.code", help_text="Kỳ báo cáo: 2025-H1, 2025")
    indicator = serializers.CharField(source="indicator.code")
    report = serializers.IntegerField(source="report_id")
    approved_at = serializers.DateTimeField(source="report.approved_at")

    class Meta:
        model = ReportValue
        fields = ["report", "area", "area_name", "period", "indicator", "value", "numerator", "denominator",
                  "approved_at"]


# The progress object is Progress.as_json() itself; these only describe it in the schema.

class _TargetJson(serializers.Serializer):
    form = serializers.ChoiceField(choices=Target.Form.choices)
    low = serializers.FloatField()
    high = serializers.FloatField(allow_null=True)


class _IndicatorJson(serializers.Serializer):
    code = serializers.CharField()
    actual = serializers.FloatField(allow_null=True, help_text="Tỷ lệ: phần trăm, hai chữ số thập phân")
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    target = _TargetJson(allow_null=True)
    achieved = serializers.BooleanField(allow_null=True)
    percent_of_target = serializers.FloatField(allow_null=True)
    status = serializers.CharField(allow_null=True)


class ProgressJson(serializers.Serializer):
    """The JSON of `python manage.py progress --json` (DOMAIN.md §7); more keys may follow."""
    area = serializers.CharField()
    milestone = serializers.IntegerField()
    plan = serializers.CharField()
    as_of = serializers.DateField()
    include_submitted = serializers.BooleanField()
    indicators = _IndicatorJson(many=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()

