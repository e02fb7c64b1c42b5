"""The registry's personal-data pages: the managers in counts, with their export (person-level
fields an explicit, logged choice), and the administrators' handling of a person's request —
find her records, give her a copy, erase them (cooperatives.personal_data, privacy.access)."""
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cooperatives import exports, personal_data
from cooperatives.figures import AGE_BANDS, manager_profile, suppress_small
from cooperatives.forms import CooperativeFilterForm, ManagerExportForm, PersonalDataEraseForm
from cooperatives.models import Manager
from cooperatives.selectors import cooperative_list
from portal.models import Area
from portal.scoping import can_see_area, require_role
from privacy import access
from privacy.models import AccessLog


def _crumbs(*extra):
    return [(_("Hợp tác xã"), reverse("cooperatives:list")), *extra]


def _managers(request):
    form = CooperativeFilterForm(request.GET or None, user=request.user)
    coops = cooperative_list(user=request.user, filters=form.filters)
    return form, Manager.objects.filter(cooperative__in=coops.order_by().values("pk"))


@require_http_methods(["GET", "POST"])
def managers(request):
    """Who the managers of the user's area (or of the list's filters) are, in counts; and the
    list as a file."""
    filters, qs = _managers(request)
    allowed = access.may_see_person_fields(request.user)
    form = ManagerExportForm(request.POST or None, allow_person_fields=allowed)
    if request.method == "POST" and form.is_valid():
        fmt, person_fields = form.cleaned_data["fmt"], form.cleaned_data.get("person_fields", False)
        if person_fields:
            ids = list(qs.values_list("pk", flat=True))
            access.record(request.user, AccessLog.Action.EXPORT, subject="manager", ids=ids,
                          area=(filters.filters or {}).get("area") or request.user.area,
                          purpose=form.cleaned_data["purpose"], where=request.get_full_path())
        with exports.planned_for_every_row():
            filename, mimetype, data = exports.export(
                exports.manager_rows(qs, person_fields=person_fields), fmt, name="can-bo-quan-ly", sheet="Cán bộ quản lý")
        response = HttpResponse(data, content_type=mimetype)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
    today = timezone.localdate()
    profile = manager_profile(qs, today)
    shown = profile if allowed else suppress_small(profile)
    return render(request, "cooperatives/managers.html", {
        "nav": "coops", "filters": filters, "form": form, "profile": shown, "today": today,
        "ages": [(label, shown[f"tuoi_{key}"]) for key, label, _lo, _hi in AGE_BANDS],
        "person_fields": allowed, "query": request.GET.urlencode(),
        "breadcrumbs": _crumbs((_("Cán bộ quản lý"), None))})


# A person's request (administrators) ------------------------------------------------------

def _record(request, rid):
    try:
        return personal_data.get(rid, user=request.user)
    except personal_data.PersonalDataError:
        raise Http404 from None


@require_safe
def requests(request):
    require_role(request.user, admin=True)
    q = request.GET.get("q", "").strip()
    area_code = request.GET.get("area", "").strip()
    found, error, area = [], None, None
    if q:
        try:
            if area_code:
                area = Area.resolve(area_code)
                if not can_see_area(request.user, area):
                    raise personal_data.PersonalDataError(_("Mã địa bàn %(code)s ngoài địa bàn của bạn.") % {"code": area_code})
            found = personal_data.find(q, area=area, user=request.user)
        except Area.DoesNotExist:
            error = _("Không có địa bàn mã %(code)s.") % {"code": area_code}
        except personal_data.PersonalDataError as exc:
            error = str(exc)
    return render(request, "cooperatives/personal_data.html", {
        "nav": "coops", "q": q, "area_code": area_code, "found": found, "error": error,
        "breadcrumbs": _crumbs((_("Yêu cầu về dữ liệu cá nhân"), None))})


@require_safe
def request_export(request, rid, fmt):
    record = _record(request, rid)      # another area's record: 404, whatever the role
    require_role(request.user, admin=True)
    if fmt not in ("json", "xlsx"):
        raise Http404
    filename, mimetype, data = personal_data.export(record, fmt, user=request.user, where=request.path)
    response = HttpResponse(data, content_type=mimetype)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_http_methods(["GET", "POST"])
def request_erase(request, rid):
    record = _record(request, rid)
    require_role(request.user, admin=True)
    form = PersonalDataEraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            personal_data.erase(record, reason=form.cleaned_data["reason"], user=request.user, where=request.path)
        except personal_data.PersonalDataError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã ẩn danh hóa hồ sơ %(id)s.") % {"id": personal_data.record_id(record)})
        return redirect(reverse("cooperatives:personal_data") + "?q=" + personal_data.record_id(record))
    return render(request, "cooperatives/personal_data_erase.html", {
        "nav": "coops", "form": form, "record": personal_data.describe(record),
        "breadcrumbs": _crumbs((_("Yêu cầu về dữ liệu cá nhân"), reverse("cooperatives:personal_data")),
                               (_("Ẩn danh hóa"), None))})
