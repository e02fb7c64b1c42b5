"""Activities (/hoat-dong/), a plan's tasks with their status per period (/ke-hoach/<pk>/nhiem-vu/theo-doi/)
and the budget planned per task and year (administrators).

Scoping as everywhere: an activity outside the user's area is a 404; recording and editing is
for the data entry of the activity's own area (403 otherwise), and an activity whose period's
report has been sent or approved is locked."""
import io
from uuid import uuid4

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cooperatives.uploads import upload_storage
from plans.models import Plan, Task, TaskBudget
from plans.tasks import recurrence_text
from portal.forms import SpreadsheetUploadForm, UploadConfirmForm
from portal.scoping import get_scoped_or_404, require_area, require_inside, require_role, scoped
from reporting import activities
from reporting.activity_forms import ActivityForm
from reporting.activity_import import import_activities
from reporting.models import Activity, ActivityAttachment, Period, TaskStatus
from reporting.tasks import due_period_codes

PREVIEW_ROWS = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _crumbs(*extra):
    return [(_("Hoạt động"), reverse("activities:list")), *extra]


def _may_edit(user, activity):
    return user.can_enter_data and user.area_id == activity.area_id


@require_safe
def activity_list(request):
    require_area(request.user)
    items = scoped(Activity.objects.select_related("area", "task", "period"), request.user)
    kind = request.GET.get("loai")
    if kind in Activity.Kind.values:
        items = items.filter(kind=kind)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "reporting/activity_list.html", {
        "nav": "activities", "page": page, "kinds": Activity.Kind.choices, "kind": kind,
        "may_add": request.user.can_enter_data, "breadcrumbs": [(_("Hoạt động"), None)]})


@require_http_methods(["GET", "POST"])
def activity_create(request):
    require_area(request.user)
    require_role(request.user, data_entry=True)
    form = ActivityForm(request.POST or None, request.FILES or None, user=request.user,
                        instance=Activity(area=request.user.area))
    if request.method == "POST" and form.is_valid():
        activity = activities.save_activity(form.save(commit=False), user=request.user, files=form.cleaned_data["files"])
        messages.success(request, _("Đã ghi hoạt động “%(t)s”.") % {"t": activity.title})
        return redirect("activities:detail", activity.pk)
    return render(request, "reporting/activity_form.html", {
        "nav": "activities", "form": form, "title": _("Ghi hoạt động"), "breadcrumbs": _crumbs((_("Ghi hoạt động"), None))})


@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    activity = get_scoped_or_404(Activity.objects.select_related("area", "period"), request.user, pk=pk)
    if not _may_edit(request.user, activity):
        raise PermissionDenied(_("Chỉ cán bộ nhập liệu của đơn vị mới sửa được hoạt động này."))
    reason = activities.locked_reason(activity.area, activity.period)
    if reason:
        raise PermissionDenied(reason)
    form = ActivityForm(request.POST or None, request.FILES or None, user=request.user, instance=activity)
    if request.method == "POST" and form.is_valid():
        activities.save_activity(form.save(commit=False), user=request.user, files=form.cleaned_data["files"])
        messages.success(request, _("Đã lưu hoạt động."))
        return redirect("activities:detail", activity.pk)
    return render(request, "reporting/activity_form.html", {
        "nav": "activities", "form": form, "activity": activity, "title": _("Sửa hoạt động"),
        "breadcrumbs": _crumbs((activity.title, reverse("activities:detail", args=[activity.pk])), (_("Sửa"), None))})


@require_safe
def activity_detail(request, pk):
    activity = get_scoped_or_404(Activity.objects.select_related("area", "task__group__plan", "period", "place",
                                                                 "training", "cooperative", "created_by"),
                                 request.user, pk=pk)
    locked = activities.locked_reason(activity.area, activity.period)
    return render(request, "reporting/activity_detail.html", {
        "nav": "activities", "a": activity, "locked": locked,
        "may_edit": _may_edit(request.user, activity) and not locked,
        "history": activity.history.select_related("history_user").order_by("-history_date")[:20],
        "breadcrumbs": _crumbs((activity.title, None))})


@require_safe
def attachment_download(request, pk):
    att = get_scoped_or_404(ActivityAttachment.objects.all(), request.user, pk=pk)
    response = FileResponse(att.file.open("rb"), content_type=att.content_type)
    response["Content-Disposition"] = content_disposition_header(att.content_type == "application/pdf", att.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# A plan's tasks ---------------------------------------------------------------------------

def _plan(request, pk):
    require_area(request.user)
    return get_scoped_or_404(Plan.objects.select_related("area"), request.user, pk=pk)


@require_safe
def task_list(request, pk):
    plan = _plan(request, pk)
    user = request.user
    tasks = list(Task.objects.filter(group__plan=plan).select_related("group").prefetch_related("indicators")
                 .order_by("group__order", "order"))
    own = {(s.task_id, s.period.code): s for s in TaskStatus.objects.filter(task__in=tasks, area=user.area)
           .select_related("period")}
    periods = {p.code: p for p in Period.objects.filter(year__gte=plan.year_start, year__lte=plan.year_end)}
    groups = []
    for task in tasks:
        if not groups or groups[-1]["group"].pk != task.group_id:
            groups.append({"group": task.group, "tasks": []})
        due = [{"code": c, "label": periods[c].label if c in periods else c, "status": own.get((task.pk, c))}
               for c in due_period_codes(task)]
        groups[-1]["tasks"].append({"task": task, "when": recurrence_text(task.recurrence, task.every_years),
                                    "due": due})
    return render(request, "reporting/task_list.html", {
        "nav": "plans", "plan": plan, "groups": groups, "statuses": TaskStatus.Status.choices,
        "may_set": user.can_enter_data and user.area is not None,
        "may_budget": user.is_portal_admin and user.area is not None and plan.area.lies_in(user.area),
        "breadcrumbs": [(_("Kế hoạch"), reverse("plans:list")), (plan.short_label, reverse("plans:detail", args=[plan.pk])),
                        (_("Nhiệm vụ"), None)]})


@require_POST
def task_status_set(request, pk):
    """The user's own unit's status of a task in a period (data entry; locked with the report)."""
    plan = _plan(request, pk)
    user = request.user
    require_role(user, data_entry=True)
    task_id = request.POST.get("task", "")
    if not (task_id.isascii() and task_id.isdigit()):   # a tampered form: "abc", "²"
        messages.error(request, _("Tình trạng hoặc kỳ không hợp lệ."))
        return redirect("task_list", plan.pk)
    task = get_object_or_404(Task, group__plan=plan, pk=int(task_id))
    period = get_object_or_404(Period, code=request.POST.get("period"))
    status = request.POST.get("status")
    if status not in TaskStatus.Status.values or period.code not in due_period_codes(task):
        messages.error(request, _("Tình trạng hoặc kỳ không hợp lệ."))
        return redirect("task_list", plan.pk)
    reason = activities.locked_reason(user.area, period)
    if reason:
        raise PermissionDenied(reason)
    TaskStatus.objects.update_or_create(task=task, area=user.area, period=period, defaults={
        "status": status, "note": request.POST.get("note", "")[:300], "updated_by": user})
    messages.success(request, _("Đã ghi tình trạng nhiệm vụ."))
    return redirect(reverse("task_list", args=[plan.pk]) + f"#task-{task.pk}")


class BudgetForm(forms.Form):
    task = forms.ModelChoiceField(label=_("Nhiệm vụ"), queryset=Task.objects.none())
    year = forms.IntegerField(label=_("Năm"))
    source = forms.ChoiceField(label=_("Nguồn kinh phí"), choices=TaskBudget.Source.choices)
    amount = forms.DecimalField(label=_("Kinh phí dự kiến (đồng)"), min_value=0, max_digits=16, decimal_places=0)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["task"].queryset = Task.objects.filter(group__plan=plan).order_by("group__order", "order")
        self.fields["task"].label_from_instance = lambda t: f"{t.group.section} — {t.title[:120]}"
        from crispy_forms.helper import FormHelper

        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not self.plan.year_start <= year <= self.plan.year_end:
            raise forms.ValidationError(_("Năm phải nằm trong thời gian của kế hoạch (%(a)s–%(b)s).")
                                        % {"a": self.plan.year_start, "b": self.plan.year_end})
        return year


@require_http_methods(["GET", "POST"])
def task_budget(request, pk):
    """The budget planned per task, year and source, set by the administrators of the plan's area."""
    plan = _plan(request, pk)
    require_role(request.user, admin=True)
    require_inside(request.user, plan.area)
    form = BudgetForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with transaction.atomic():
            TaskBudget.objects.update_or_create(task=d["task"], year=d["year"], source=d["source"],
                                                defaults={"amount": d["amount"]})
        messages.success(request, _("Đã lưu kinh phí dự kiến."))
        return redirect("task_budget", plan.pk)
    budgets = TaskBudget.objects.filter(task__group__plan=plan).select_related("task__group")
    return render(request, "reporting/task_budget.html", {
        "nav": "plans", "plan": plan, "form": form, "budgets": budgets,
        "breadcrumbs": [(_("Kế hoạch"), reverse("plans:list")), (plan.short_label, reverse("task_list", args=[plan.pk])),
                        (_("Kinh phí dự kiến"), None)]})


# Activities from a spreadsheet ------------------------------------------------------------

def _require_import(user):
    """Data entry and administrators, for the units of their own area."""
    require_area(user)
    require_role(user, data_entry=True)


def _import_crumbs():
    return _crumbs((_("Nhập từ Excel"), None))


@require_safe
def import_template(request):
    _require_import(request.user)
    from reporting.activity_import import activity_template

    return HttpResponse(activity_template(request.user), content_type=XLSX, headers={
        "Content-Disposition": content_disposition_header(True, f"mau-nhap-hoat-dong-{request.user.area.code}.xlsx")})


def _import_preview(request, result, file_name, stored=None):
    context = {"nav": "activities", "result": result, "file_name": file_name, "breadcrumbs": _import_crumbs(),
               "lines": result.lines[:PREVIEW_ROWS], "more": max(len(result.lines) - PREVIEW_ROWS, 0)}
    if result.ok and stored:
        context["confirm"] = UploadConfirmForm(initial={"import_file_name": stored, "original_name": file_name})
    return render(request, "reporting/activity_import_preview.html", context)


@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Upload → preview (nothing written); the file is kept for the confirmation."""
    _require_import(request.user)
    form = SpreadsheetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        result = import_activities(io.BytesIO(data), request.user, dry_run=True)
        stored = None
        if result.ok:
            stored = uuid4().hex
            upload_storage(stored).save(data)
        return _import_preview(request, result, upload.name, stored)
    return render(request, "reporting/activity_import.html",
                  {"nav": "activities", "form": form, "breadcrumbs": _import_crumbs()})


@require_POST
def import_confirm(request):
    _require_import(request.user)
    form = UploadConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Phiên nhập không hợp lệ; hãy tải tệp lên lại."))
        return redirect("activities:import")
    storage = upload_storage(form.cleaned_data["import_file_name"])
    try:
        data = storage.read()
    except (FileNotFoundError, OSError):
        messages.error(request, _("Tệp đã hết hạn hoặc đã được nhập; hãy tải tệp lên lại."))
        return redirect("activities:import")
    result = import_activities(io.BytesIO(data), request.user)
    storage.remove()
    if not result.ok:  # a report was sent since the preview
        return _import_preview(request, result, form.cleaned_data["original_name"])
    c = result.counts
    messages.success(request, _("Đã nhập hoạt động: tạo mới %(c)s, cập nhật %(u)s, không đổi %(n)s.")
                     % {"c": c.created, "u": c.updated, "n": c.unchanged})
    return redirect("activities:list")
