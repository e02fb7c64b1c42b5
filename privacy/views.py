"""The notice (public), the access log (administrators of an area read their area's entries),
and the grants of person-level access. Thin: the rules are privacy.access's."""
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal.scoping import manageable_users, require_role
from portal.spreadsheets import FORMATS, export
from privacy import access
from privacy.forms import GrantForm, LogFilterForm
from privacy.models import AccessLog, Grant

PAGE_SIZE = 50


@require_safe
def notice(request):
    return render(request, "privacy/notice.html", {
        "nav": "privacy", "controller": settings.PRIVACY_CONTROLLER,
        "contact": {"unit": settings.PRIVACY_CONTACT_UNIT, "email": settings.PRIVACY_CONTACT_EMAIL,
                    "phone": settings.PRIVACY_CONTACT_PHONE, "address": settings.PRIVACY_CONTACT_ADDRESS},
        "retention_years": settings.PERSONAL_DATA_RETENTION_YEARS,
        "log_days": settings.ACCESS_LOG_RETENTION_DAYS,
        "breadcrumbs": [(_("Chính sách xử lý dữ liệu cá nhân"), None)]})


def _entries(request):
    require_role(request.user, admin=True)
    form = LogFilterForm(request.GET or None)
    return form, form.apply(access.readable_log(request.user))


@require_safe
def access_log(request):
    form, entries = _entries(request)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "privacy/log.html", {
        "nav": "privacy_log", "form": form, "page": page, "query": request.GET.urlencode(),
        "log_days": settings.ACCESS_LOG_RETENTION_DAYS,
        "breadcrumbs": [(_("Nhật ký truy cập dữ liệu cá nhân"), None)]})


LOG_HEADER = ["Thời điểm", "Người thực hiện", "Hoạt động", "Loại hồ sơ", "Số hồ sơ", "Mã hồ sơ", "Địa bàn",
              "Mục đích, lý do", "Nơi thực hiện"]
SUBJECT_LABELS = {"manager": "cán bộ quản lý", "cadre": "cán bộ Hội"}


def log_rows(entries):
    yield LOG_HEADER
    for e in entries.iterator(chunk_size=2000):
        yield [timezone.localtime(e.at).strftime("%d/%m/%Y %H:%M:%S"), e.username or "(hệ thống)",
               e.get_action_display(), SUBJECT_LABELS.get(e.subject, e.subject), e.count,
               ", ".join(str(i) for i in e.records or []), e.area.name if e.area else "", e.purpose, e.where]


@require_safe
def access_log_export(request, fmt):
    if fmt not in FORMATS:
        raise Http404
    _form, entries = _entries(request)
    filename, mimetype, data = export(log_rows(entries), fmt, name="nhat-ky-du-lieu-ca-nhan", sheet="Nhật ký")
    response = HttpResponse(data, content_type=mimetype)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_http_methods(["GET", "POST"])
def grants(request):
    require_role(request.user, admin=True)
    form = GrantForm(request.POST or None, admin=request.user)
    if request.method == "POST" and form.is_valid():
        grant = form.save(commit=False)
        grant.granted_by = request.user
        grant.save()
        access.record(request.user, AccessLog.Action.GRANT, subject="user", ids=[grant.user_id], area=grant.user.area,
                      purpose=f"{grant.purpose} (đến hết {grant.until:%d/%m/%Y})", where=request.path)
        messages.success(request, _("Đã cấp quyền xem dữ liệu cá nhân cho %(name)s đến hết %(day)s.") % {
            "name": grant.user.username, "day": grant.until.strftime("%d/%m/%Y")})
        return redirect("privacy:grants")
    listed = Grant.objects.filter(user__in=manageable_users(request.user)).select_related(
        "user", "user__area", "granted_by", "revoked_by")
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "privacy/grants.html", {
        "nav": "privacy_log", "form": form, "page": page, "today": timezone.localdate(),
        "breadcrumbs": [(_("Nhật ký truy cập dữ liệu cá nhân"), reverse("privacy:log")),
                        (_("Quyền xem dữ liệu cá nhân"), None)]})


@require_POST
def grant_revoke(request, pk):
    require_role(request.user, admin=True)
    grant = Grant.objects.filter(pk=pk, user__in=manageable_users(request.user)).select_related("user").first()
    if grant is None:
        raise Http404
    if grant.revoked_at is None:
        grant.revoked_at, grant.revoked_by = timezone.now(), request.user
        grant.save(update_fields=["revoked_at", "revoked_by"])
        access.record(request.user, AccessLog.Action.REVOKE, subject="user", ids=[grant.user_id],
                      area=grant.user.area, purpose=grant.purpose, where=request.path)
        messages.success(request, _("Đã thu hồi quyền xem dữ liệu cá nhân của %(name)s.") % {"name": grant.user.username})
    return redirect("privacy:grants")
