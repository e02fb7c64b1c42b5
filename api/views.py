"""The read-only API (/api/v1/). Every query starts from portal.scoping, as the pages' do:
another area's object is a 404. Views only read parameters and call the selectors the pages
call (cooperatives.selectors.cooperative_list, reporting.cache.cached_progress)."""
import datetime

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.pagination import CooperativePagination
from cooperatives.forms import CooperativeFilterForm
from cooperatives.figures import manager_profile, suppress_small
from cooperatives.models import Manager
from cooperatives.selectors import cooperative_list, with_latest_workforce
from plans.models import Indicator, Plan, Target
from portal.models import LAST_OLD_DAY, Area
from portal.scoping import area_q, can_see_area, get_scoped_or_404, scoped
from reporting.models import Period, Report, ReportValue
from reporting.progress_args import ProgressArgumentError, progress_args
from privacy import access
from privacy.models import AccessLog
from reporting.cache import cached_progress

MAPS = {"current": None, "old": LAST_OLD_DAY}
NOT_FOUND = OpenApiResponse(s.ErrorSerializer, description="Không có, hoặc ngoài địa bàn của người dùng")
BAD_REQUEST = OpenApiResponse(description="Tham số không hợp lệ (lý do bằng tiếng Việt)")


def _param(name, description, type_=str, enum=None, required=False):
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, description=description, enum=enum,
                            required=required)


# The map: public reference data, every signed-in user reads all of it (as the map pages).

@extend_schema(summary="Đơn vị hành chính (bản đồ hiện hành hoặc trước 1/7/2025)", parameters=[
    _param("map", "current: bản đồ hiện hành (34 tỉnh, xã/phường); old: bản đồ trước 1/7/2025 (63 tỉnh, huyện)",
           enum=list(MAPS)),
    _param("parent", "Mã đơn vị cấp trên: chỉ các đơn vị trực thuộc"),
    _param("level", "Cấp: 0 toàn quốc, 1 tỉnh, 2 huyện, 3 xã", int, enum=[0, 1, 2, 3]),
    _param("q", "Tên chứa, hoặc mã bắt đầu bằng"),
], responses={200: s.AreaSerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND})
class AreaList(ListAPIView):
    serializer_class = s.AreaSerializer

    def get_queryset(self):
        params = self.request.query_params
        era = params.get("map", "current")
        if era not in MAPS:
            raise ValidationError({"map": _("Chọn current (bản đồ hiện hành) hoặc old (trước 1/7/2025).")})
        day = MAPS[era] or datetime.date.today()
        areas = Area.objects.valid_on(day).select_related("parent", "successor")
        if params.get("parent"):
            try:
                areas = areas.filter(parent=Area.resolve(params["parent"].strip(), on=day))
            except Area.DoesNotExist:
                raise Http404(_("Không có đơn vị mã %(code)s trên bản đồ này.") % {"code": params["parent"]}) from None
        if params.get("level"):
            if params["level"] not in ("0", "1", "2", "3"):
                raise ValidationError({"level": _("Cấp là 0, 1, 2 hoặc 3.")})
            areas = areas.filter(level=int(params["level"]))
        q = params.get("q", "").strip()
        if q:
            areas = areas.filter(Q(name__icontains=q) | Q(code__startswith=q))
        return areas.order_by("level", "code", "pk")


# Plans, with their targets as written; read by the areas they cover (portal.scoping).

def _plans(user):
    targets = Target.objects.select_related("indicator").order_by("milestone", "indicator__order",
                                                                  "indicator__code", "area_group", "per_unit")
    return scoped(Plan.objects.select_related("area", "based_on")
                  .prefetch_related(Prefetch("targets", queryset=targets)), user).order_by("issued_on", "key", "pk")


@extend_schema(summary="Kế hoạch áp dụng cho địa bàn của người dùng, với mục tiêu như văn bản ghi",
               responses={200: s.PlanSerializer(many=True), 404: NOT_FOUND})
class PlanList(ListAPIView):
    serializer_class = s.PlanSerializer

    def get_queryset(self):
        return _plans(self.request.user)


@extend_schema(summary="Một kế hoạch", responses={200: s.PlanSerializer, 404: NOT_FOUND})
class PlanDetail(RetrieveAPIView):
    serializer_class = s.PlanSerializer

    def get_queryset(self):
        return _plans(self.request.user)

    def get_object(self):
        return get_scoped_or_404(self.get_queryset(), self.request.user, pk=self.kwargs["pk"])


# Progress: the same computation and JSON as `manage.py progress --json`.

@extend_schema(summary="Tiến độ của một địa bàn (như python manage.py progress --json)", parameters=[
    _param("milestone", "Mốc (năm), ví dụ 2025", int, required=True),
    _param("plan", "Số kế hoạch (139/KH-BTV) hoặc mã (lang-son-2023); mặc định: kế hoạch cụ thể nhất"),
    _param("as_of", "Số liệu đến ngày: YYYY-MM-DD hoặc dd/mm/yyyy (mặc định hôm nay)"),
    _param("include_submitted", "1: gồm cả báo cáo chờ duyệt (mặc định 0: chỉ báo cáo đã duyệt)", enum=["0", "1"]),
], responses={200: s.ProgressJson, 400: BAD_REQUEST, 404: NOT_FOUND})
class ProgressView(APIView):
    def get(self, request, code):
        params = request.query_params
        include = params.get("include_submitted", "0")
        if include not in ("0", "1"):
            raise ValidationError({"include_submitted": _("Ghi 0 hoặc 1.")})
        if not params.get("milestone"):
            raise ValidationError({"milestone": _("Cần ghi mốc (năm), ví dụ ?milestone=2025.")})
        try:
            args = progress_args(code, params["milestone"], plan=params.get("plan"), as_of=params.get("as_of"),
                                 user=request.user)
        except ProgressArgumentError as exc:
            if exc.not_found:
                raise Http404(str(exc)) from None
            raise ValidationError({"detail": str(exc)}) from None
        result = cached_progress(args.area, plan=args.plan, milestone=args.milestone, as_of=args.as_of,
                          include_submitted=include == "1")
        return Response(result.as_json())


# The registry: the cooperative list's filters, selector and paginator.

def _registry_filters(request):
    """The cooperative list's filters from the query string; an invalid one is a 400."""
    form = CooperativeFilterForm(request.query_params or None, user=request.user)
    if form.is_bound and not form.is_valid():
        raise ValidationError({field: [e["message"] for e in errors]
                               for field, errors in form.errors.get_json_data().items()})
    return form.filters


@extend_schema(summary="Hợp tác xã, tổ hợp tác (bộ lọc như trang danh sách)", parameters=[
    _param("q", "Tên (có hoặc không dấu) hoặc phần đầu mã số"),
    _param("area", "Mã tỉnh hoặc xã/phường (trong địa bàn của người dùng)"),
    _param("kind", "Loại hình", enum=[c for c, _l in CooperativeFilterForm.base_fields["kind"].choices if c]),
    _param("sector", "Lĩnh vực", enum=[c for c, _l in CooperativeFilterForm.base_fields["sector"].choices if c]),
    _param("status", "Tình trạng", enum=[c for c, _l in CooperativeFilterForm.base_fields["status"].choices if c]),
    _param("women_managed", "Do phụ nữ tham gia quản lý", enum=["yes", "no"]),
    _param("many_women_jobs", "Tạo nhiều việc làm cho lao động nữ (no gồm cả chưa rõ)", enum=["yes", "no"]),
], responses={200: s.CooperativeSerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND})
class CooperativeList(ListAPIView):
    serializer_class = s.CooperativeSerializer
    pagination_class = CooperativePagination

    def get_queryset(self):
        return with_latest_workforce(cooperative_list(user=self.request.user, filters=_registry_filters(self.request)))


# Managers: names, sex and office for whoever reads the cooperative; birth year and ethnicity
# only on request, with a purpose, to a user who may see them (privacy.access), and logged.

def _filtered_cooperatives(request):
    return cooperative_list(user=request.user, filters=_registry_filters(request)).order_by().values("pk")


@extend_schema(summary="Cán bộ quản lý HTX/THT (bộ lọc như danh sách HTX)", parameters=[
    _param("area", "Mã tỉnh hoặc xã/phường (trong địa bàn của người dùng)"),
    _param("q", "Tên HTX (có hoặc không dấu) hoặc phần đầu mã số"),
    _param("fields", "person: gồm năm sinh, dân tộc (chỉ người nhập liệu, quản trị, hoặc được cấp quyền; "
                     "ghi nhật ký)", enum=["person"]),
    _param("purpose", "Mục đích (bắt buộc với fields=person; ít nhất 10 ký tự)"),
], responses={200: s.ManagerSerializer(many=True), 400: BAD_REQUEST, 403: BAD_REQUEST, 404: NOT_FOUND})
class ManagerList(ListAPIView):
    serializer_class = s.ManagerSerializer

    def person_fields(self):
        params = self.request.query_params
        wanted = params.get("fields", "")
        if wanted not in ("", "person"):
            raise ValidationError({"fields": _("Chỉ có fields=person.")})
        if not wanted:
            return False
        if not access.may_see_person_fields(self.request.user):
            raise PermissionDenied(_("Năm sinh, dân tộc của từng người chỉ dành cho cán bộ nhập liệu, quản trị "
                                     "hoặc người được quản trị cấp quyền."))
        if len(params.get("purpose", "").strip()) < 10:
            raise ValidationError({"purpose": _("Ghi mục đích (ít nhất 10 ký tự) khi đọc năm sinh, dân tộc.")})
        return True

    def get_queryset(self):
        coops = _filtered_cooperatives(self.request)
        return Manager.objects.filter(cooperative__in=coops).select_related("cooperative").order_by("pk")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "person_fields": getattr(self, "_person_fields", False)}

    def list(self, request, *args, **kwargs):
        self._person_fields = self.person_fields()
        response = super().list(request, *args, **kwargs)
        if self._person_fields:
            ids = [row["id"] for row in response.data.get("results", [])]
            if ids:
                access.record(request.user, AccessLog.Action.API, subject="manager", ids=ids,
                              area=request.user.area, purpose=request.query_params.get("purpose", ""),
                              where=request.get_full_path()[:300])
        return response


@extend_schema(summary="Cán bộ quản lý đang giữ chức vụ, theo giới tính, dân tộc, độ tuổi (số đếm)", parameters=[
    _param("area", "Mã tỉnh hoặc xã/phường (trong địa bàn của người dùng)"),
], responses={200: s.ManagerProfileSerializer, 400: BAD_REQUEST, 404: NOT_FOUND})
class ManagerProfile(APIView):
    def get(self, request):
        coops = _filtered_cooperatives(request)
        profile = manager_profile(Manager.objects.filter(cooperative__in=coops), datetime.date.today())
        if not access.may_see_person_fields(request.user):
            profile = suppress_small(profile)
        return Response(profile)


# Approved reports' figures.

@extend_schema(summary="Số liệu của các báo cáo đã duyệt", parameters=[
    _param("area", "Mã đơn vị: số liệu của đơn vị đó và các đơn vị trực thuộc"),
    _param("period", "Kỳ báo cáo: 2025-H1 (6 tháng đầu năm) hoặc 2025 (năm)"),
    _param("indicator", "Mã chỉ tiêu, ví dụ HTX_MOI"),
], responses={200: s.ReportValueSerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND})
class ReportValueList(ListAPIView):
    serializer_class = s.ReportValueSerializer

    def get_queryset(self):
        user, params = self.request.user, self.request.query_params
        values = ReportValue.objects.filter(area_q(user, "report__area"), report__status=Report.Status.APPROVED)
        if params.get("area"):
            try:
                area = Area.resolve(params["area"].strip())
            except Area.DoesNotExist:
                area = None
            if area is None or not can_see_area(user, area):
                raise Http404(_("Không tìm thấy, hoặc nằm ngoài địa bàn của bạn."))
            values = values.filter(Area.inside_q(area, "report__area"))
        if params.get("period"):
            if not Period.objects.filter(code=params["period"]).exists():
                raise ValidationError({"period": _("Không có kỳ báo cáo “%(p)s” (ví dụ 2025-H1, 2025).")
                                       % {"p": params["period"]}})
            values = values.filter(report__period__code=params["period"])
        if params.get("indicator"):
            if not Indicator.objects.filter(code=params["indicator"]).exists():
                raise ValidationError({"indicator": _("Không có chỉ tiêu mã “%(c)s”.") % {"c": params["indicator"]}})
            values = values.filter(indicator__code=params["indicator"])
        return values.select_related("report__area", "report__period", "indicator").order_by(
            "report__period__year", "report__period__kind", "report__area__code", "indicator__code", "pk")


class NoSuchRoute(APIView):
    """Any other address under /api/v1/ (a plan id that is not a number, a code with a slash):
    the API's JSON 404, not the pages' HTML one."""
    schema = None

    def get(self, request, *args, **kwargs):
        raise Http404(_("Không có địa chỉ này trong API."))
