"""The report pages: the list of reports in the user's area with the period picker, one
report (entry form for its own area's data entry, read-only for everyone else in scope, the
review actions for a reviewer of an area above it), and the review queue.

Every report is fetched in the user's scope first (another area's is a 404, also by guessed
id), then the role is checked (403). Every change goes through reporting.services."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cooperatives.figures import registry_figures
from portal.models import User
from portal.scoping import get_scoped_or_404, require_role, scoped
from reporting import entry, permissions, services
from reporting.forms import OpenReportForm, ReportFilterForm, ReportForm, ReturnForm, field_names
from reporting.models import Report, due_date
from reporting.queue import waiting_for

PAGE_SIZE = 50
S = Report.Status


def _crumbs(*extra):
    return [(_("Báo cáo"), reverse("reporting:list")), *extra]


def _reports(user):
    return scoped(Report.objects.select_related("area", "area__parent", "period"), user)


def _get_report(request, pk):
    return get_scoped_or_404(Report.objects.select_related("area", "period", "updated_by"), request.user, pk=pk)


# The list and the period picker -------------------------------------------------------------

@require_safe
def report_list(request):
    user = request.user
    form = ReportFilterForm(request.GET or None)
    reports = _reports(user).order_by("-period__year", "-period__kind", "area__level", "area__path", "area__code")
    filtered = False
    if form.is_valid():
        data = form.cleaned_data
        if data["ky"]:
            reports = reports.filter(period=data["ky"])
        if data["trang_thai"]:
            reports = reports.filter(status=data["trang_thai"])
        if data["q"].strip():
            q = data["q"].strip()
            reports = reports.filter(Q(area__name__icontains=q) | Q(area__code=q))
        filtered = any(data.values())
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    periods = entry.reportable_periods(user.area) if user.area and user.can_enter_data else []
    own = {}
    if periods:
        own = {r.period_id: r for r in Report.objects.filter(area=user.area)}
    return render(request, "reporting/report_list.html", {
        "nav": "reports", "page": page, "form": form, "filtered": filtered,
        "open_form": OpenReportForm(periods=periods, initial={"ky": _default_period(periods)}) if periods else None,
        "own_periods": [(p, own.get(p.pk)) for p in periods],
        "waiting": waiting_for(user).count() if user.can_review else None,
        "breadcrumbs": [(_("Báo cáo"), None)]})


def _default_period(periods):
    """The period being reported now: the first whose data window is still open (6-month
    figures until 14/6, then the annual ones), else the latest."""
    today = timezone.localdate()
    open_now = sorted((p for p in periods if p.data_to >= today and p.starts_on <= today), key=lambda p: p.data_to)
    started = [p for p in periods if p.starts_on <= today]
    return (open_now[0] if open_now else started[-1] if started else periods[0]).code


@require_POST
def report_open(request):
    """Opens (creating a draft the first time) the report of the user's own area for a period."""
    user = request.user
    require_role(user, data_entry=True)
    if user.area is None:
        raise PermissionDenied(_("Tài khoản chưa được gán địa bàn."))
    periods = entry.reportable_periods(user.area)
    form = OpenReportForm(request.POST, periods=periods)
    if not form.is_valid():
        messages.error(request, _("%(area)s không báo cáo kỳ này: đơn vị chỉ báo cáo các kỳ mà nó còn tồn tại "
                                  "vào ngày cuối kỳ.") % {"area": user.area.name})
        return redirect("reporting:list")
    report = services.get_or_create_report(area=user.area, period=form.cleaned_data["ky"], user=user)
    return redirect("reporting:detail", report.pk)


# One report ---------------------------------------------------------------------------------

def _rows(report, indicators):
    """The indicator rows of the page (saved figures, the registry's figure, the prefill from
    it while the report holds no value yet) and the form's initial data built from them."""
    area, period = report.area, report.period
    figures = {} if area.is_old else registry_figures(area, *entry.registry_window(period))
    compare = entry.uses_registry(area)
    saved = {v.indicator_id: v for v in report.values.all()}
    prefill = compare and not saved and report.is_editable
    rows, initial = [], {"version": report.version, "note": report.note}
    for ind in indicators:
        row = entry.Row(indicator=ind, figure=figures.get(ind.code), compare=compare)
        value = saved.get(ind.pk)
        if value is not None:
            row.value, row.numerator, row.denominator = value.value, value.numerator, value.denominator
        elif prefill and row.figure is not None and (not row.is_ratio or row.figure.denominator):
            row.value, row.numerator, row.denominator = row.figure.value, row.figure.numerator, row.figure.denominator
            row.prefilled = True
        names = field_names(ind)
        if row.is_ratio:
            initial[names[0]], initial[names[1]] = row.numerator, row.denominator
        else:
            initial[names[0]] = row.value
        rows.append(row)
    return rows, initial


def _attach(rows, form):
    """Puts the form's fields on the rows; a bound form's typed figures replace the saved ones
    (the gap flag and the percentage then describe what the user typed)."""
    cleaned = getattr(form, "cleaned_data", {}) if form.is_bound else None
    for row in rows:
        names = field_names(row.indicator)
        row.fields = tuple(form[name] for name in names)
        if cleaned is not None:
            vals = [cleaned.get(n) for n in names]
            if row.is_ratio:
                row.numerator, row.denominator = vals
            else:
                row.value = vals[0]
            row.prefilled = False


def _page(request, report, *, form=None, return_form=None, status=200, conflict=None, refused=None):
    user = request.user
    plans = entry.plans_for(report)
    plan = plans[0] if plans else None
    due = due_date(plan, report.period)
    indicators = entry.form_indicators(plans, report)
    editable = permissions.can_edit(user, report)
    rows, initial = _rows(report, indicators)
    if editable:
        form = form or ReportForm(initial=initial, indicators=indicators)
        _attach(rows, form)
    submitted_on = timezone.localdate(report.first_submitted_at) if report.first_submitted_at else None
    transitions = list(report.transitions.select_related("by"))
    last_return = next((t for t in reversed(transitions) if t.to_status == S.RETURNED), None)
    reviewable = permissions.can_review(user, report)
    return render(request, "reporting/report_detail.html", {
        "nav": "reports", "report": report, "rows": rows, "form": form if editable else None,
        "editable": editable, "plan": plan, "due": due,
        "late": entry.is_late(due, submitted_on=submitted_on, today=timezone.localdate()),
        "submitted_on": submitted_on, "transitions": transitions,
        "last_return": last_return if report.status == S.RETURNED else None,
        "reviewable": reviewable, "return_form": return_form or (ReturnForm() if reviewable else None),
        "registry_used": not report.area.is_old, "compare": entry.uses_registry(report.area),
        "window": entry.registry_window(report.period),
        "prefilled": any(r.prefilled for r in rows),
        "conflict": conflict, "refused": refused,
        "breadcrumbs": _crumbs((str(report), None))}, status=status)


@require_http_methods(["GET", "POST"])
def report_detail(request, pk):
    report = _get_report(request, pk)
    if request.method == "GET":
        return _page(request, report)
    user = request.user
    refusal = permissions.editor_refusal(user, report)
    if refusal:
        raise PermissionDenied(_(refusal))
    if not report.is_editable:
        return _page(request, report, status=403, refused=_(
            "Báo cáo đã gửi duyệt hoặc đã được duyệt nên không sửa được; số liệu không thay đổi."))
    plans = entry.plans_for(report)
    form = ReportForm(request.POST, indicators=entry.form_indicators(plans, report))
    if not form.is_valid():
        messages.error(request, _("Chưa lưu: vui lòng sửa các ô được đánh dấu đỏ."))
        return _page(request, report, form=form)
    submitting = request.POST.get("action") == "submit"
    try:
        with transaction.atomic():
            report = services.save_values(report, values=form.values(), version=form.cleaned_data["version"],
                                          user=user, note=form.cleaned_data["note"])
            if submitting:
                services.submit(report, user=user)
    except services.ConcurrentEdit:
        report.refresh_from_db()
        when = date_format(timezone.localtime(report.updated_at), "H:i d/m/Y")
        return _page(request, report, form=form, status=409, conflict=_(
            "Báo cáo vừa được người khác lưu lúc %(time)s; hãy tải lại trang để xem bản mới nhất. "
            "Dữ liệu bạn nhập chưa được lưu.") % {"time": when})
    except ValidationError as e:
        report.refresh_from_db()
        for message in e.messages:
            messages.error(request, message)
        return _page(request, report, form=form)
    if submitting:
        messages.success(request, _("Đã gửi báo cáo để cấp trên duyệt."))
    else:
        messages.success(request, _("Đã lưu bản nháp."))
    return redirect("reporting:detail", report.pk)


# Review ---------------------------------------------------------------------------------------

@require_safe
def review_queue(request):
    require_role(request.user, review=True)
    reports = waiting_for(request.user).select_related("area", "area__parent", "period")  # with sender_id
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    senders = User.objects.in_bulk({r.sender_id for r in page.object_list} - {None})
    for r in page.object_list:
        r.sender = senders.get(r.sender_id)
    return render(request, "reporting/review_queue.html", {
        "nav": "reports", "page": page,
        "breadcrumbs": _crumbs((_("Chờ duyệt"), None))})


@require_POST
def report_return(request, pk):
    report = _get_report(request, pk)
    require_role(request.user, review=True)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _page(request, report, return_form=form, status=400)
    try:
        services.return_report(report, user=request.user, comment=form.cleaned_data["comment"])
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
        return redirect("reporting:detail", report.pk)
    messages.success(request, _("Đã trả lại báo cáo %(report)s.") % {"report": report})
    return redirect("reporting:queue")


@require_POST
def report_approve(request, pk):
    report = _get_report(request, pk)
    require_role(request.user, review=True)
    try:
        services.approve(report, user=request.user)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
        return redirect("reporting:detail", report.pk)
    messages.success(request, _("Đã duyệt báo cáo %(report)s.") % {"report": report})
    return redirect("reporting:queue")
