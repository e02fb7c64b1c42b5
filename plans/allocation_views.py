"""Pages of allocated targets ("giao chỉ tiêu") and area groups. Thin: scope, role, parse,
call plans.allocations (or plans.sheets for the spreadsheets), render.

Who: the plan's or the area's own administrators edit (another area is a 404, another role a
403); its reviewers and leaders read the same tables.
Spreadsheets: template download → upload → preview (nothing written) → confirm, the upload
kept between the two steps as the cooperative import keeps it (django-import-export's
MediaStorage, a random name).
"""
import io
from uuid import uuid4

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from import_export.tmp_storages import MediaStorage

from plans import allocations as rules
from plans import sheets
from plans.allocation_forms import AllocationConfirmForm, AllocationTableForm, AreaGroupTableForm, ConfirmForm, UploadForm
from plans.models import Allocation, AreaGroup, Plan
from plans.targets import describe
from portal.models import Area
from portal.text import search_key
from portal.scoping import get_scoped_or_404, require_inside, require_role, scoped

GROUP_PAGE = 100


def _plan_label(plan):
    return plan.number or Truncator(plan.title).chars(60)


def _target(request, pk, target_pk):
    """The plan (404 outside the user's area) and its target; 403 for a user below the plan's
    area (a commune reads its province's plan, not the allocation table)."""
    plan = get_scoped_or_404(Plan.objects.select_related("area"), request.user, pk=pk)
    target = get_object_or_404(plan.targets.select_related("indicator", "plan", "plan__area"), pk=target_pk)
    require_inside(request.user, plan.area)
    return plan, target


def _target_crumbs(plan, target, *extra):
    crumbs = [(_("Kế hoạch, chỉ tiêu"), reverse("plans:list")),
              (_plan_label(plan), reverse("plans:detail", args=[plan.pk]))]
    title = _("Giao chỉ tiêu %(code)s %(year)s") % {"code": target.indicator.code, "year": target.milestone}
    if extra:
        return crumbs + [(title, reverse("plans:target_allocate", args=[plan.pk, target.pk])), *extra]
    return crumbs + [(title, None)]


def _target_context(plan, target):
    return {"nav": "plans", "plan": plan, "target": target, "written": describe(target)}


@require_http_methods(["GET", "POST"])
def target_allocate(request, pk, target_pk):
    plan, target = _target(request, pk, target_pk)
    editable = request.user.is_portal_admin
    if request.method == "POST":
        require_role(request.user, admin=True)
    refusal = rules.allocation_refusal(target)
    units = rules.target_units(target)
    allocations = {a.area_id: a for a in Allocation.objects.filter(target=target)}
    form = AllocationTableForm(request.POST or None, units=units, allocations=allocations,
                               version=rules.table_version(target, allocations.values()))
    status = 200
    if request.method == "POST" and not refusal:
        if form.is_valid():
            try:
                outcome = rules.save_allocations(target, form.rows(), request.user,
                                                 expected_version=form.cleaned_data["version"] or None)
            except rules.Refused as refused:
                form.add_problems(refused.problems)
            except rules.Conflict as conflict:
                messages.error(request, str(conflict))
                status = 409
            else:
                summary = rules.allocation_summary(target)
                messages.success(request, _("Đã lưu: giao mới %(c)s, sửa %(u)s, bỏ %(d)s đơn vị.")
                                 % {"c": outcome.created, "u": outcome.updated, "d": outcome.deleted})
                if summary.short or summary.over:
                    messages.warning(request, summary.text)
                return redirect("plans:target_allocate", plan.pk, target.pk)
        if status != 409:
            messages.error(request, _("Chưa lưu: vui lòng sửa các ô được đánh dấu đỏ."))
    summary = None if refusal else rules.allocation_summary(target)
    return render(request, "plans/target_allocate.html", {
        **_target_context(plan, target), "form": form, "editable": editable, "refusal": refusal,
        "summary": summary, "allocations": allocations, "n_old": sum(1 for u in units if u.is_old),
        "breadcrumbs": _target_crumbs(plan, target)}, status=status)


@require_safe
def target_allocation_history(request, pk, target_pk):
    plan, target = _target(request, pk, target_pk)
    return render(request, "plans/allocation_history.html", {
        **_target_context(plan, target), "entries": rules.allocation_history(target),
        "breadcrumbs": _target_crumbs(plan, target, (_("Lịch sử giao chỉ tiêu"), None))})


# Spreadsheets -------------------------------------------------------------------------------

def _xlsx(data, filename):
    return HttpResponse(data, content_type=sheets.XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _storage(name):
    return MediaStorage(name=name, read_mode="rb", MEDIA_FOLDER="nhap-giao-chi-tieu")


def _preview(request, importer, template, context, confirm_form=ConfirmForm, confirm_initial=None):
    """Upload (GET shows the form) → dry run → preview, the file kept for the confirmation."""
    require_role(request.user, admin=True)
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {**context, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        result = importer(io.BytesIO(data), dry_run=True)
        context.update(result=result, file_name=form.cleaned_data["file"].name)
        if result.ok:
            name = uuid4().hex
            _storage(name).save(data)
            context["confirm"] = confirm_form(initial={"import_file_name": name,
                                                       "original_name": form.cleaned_data["file"].name,
                                                       **(confirm_initial or {})})
        return render(request, "plans/sheet_preview.html", context)
    return render(request, template, context)


def _confirm(request, importer, context, retry, confirm_form=ConfirmForm):
    """Import the upload kept since the preview (``importer(file, form's cleaned data)``); the
    upload is removed whatever happens, a colleague's save meanwhile included (409)."""
    require_role(request.user, admin=True)
    form = confirm_form(request.POST)
    if not form.is_valid():
        messages.error(request, _("Phiên nhập không hợp lệ; hãy tải tệp lên lại."))
        return None, redirect(retry)
    storage = _storage(form.cleaned_data["import_file_name"])
    try:
        data = storage.read()
    except (FileNotFoundError, OSError):
        messages.error(request, _("Tệp đã hết hạn hoặc đã được nhập; hãy tải tệp lên lại."))
        return None, redirect(retry)
    try:
        result = importer(io.BytesIO(data), form.cleaned_data)
    except rules.Conflict as conflict:
        messages.error(request, str(conflict))
        return None, render(request, "plans/sheet_preview.html", {
            **context, "conflict": True, "file_name": form.cleaned_data["original_name"]}, status=409)
    finally:
        storage.remove()
    if not result.ok:  # the data changed since the preview
        return None, render(request, "plans/sheet_preview.html", {
            **context, "result": result, "file_name": form.cleaned_data["original_name"]})
    outcome = result.outcome
    messages.success(request, _("Đã nhập: tạo mới %(c)s, sửa %(u)s, bỏ %(d)s, không đổi %(n)s.")
                     % {"c": outcome.created, "u": outcome.updated, "d": outcome.deleted, "n": outcome.unchanged})
    return result, None


def _allocation_sheet_context(plan, target):
    return {**_target_context(plan, target), "kind": "allocations",
            "template_url": reverse("plans:target_allocate_template", args=[plan.pk, target.pk]),
            "upload_url": reverse("plans:target_allocate_import", args=[plan.pk, target.pk]),
            "confirm_url": reverse("plans:target_allocate_confirm", args=[plan.pk, target.pk]),
            "back_url": reverse("plans:target_allocate", args=[plan.pk, target.pk]),
            "title": _("Nhập giao chỉ tiêu từ Excel"),
            "breadcrumbs": _target_crumbs(plan, target, (_("Nhập từ Excel"), None))}


@require_safe
def target_allocate_template(request, pk, target_pk):
    plan, target = _target(request, pk, target_pk)
    if rules.allocation_refusal(target):
        raise Http404(rules.allocation_refusal(target))
    name = f"giao-chi-tieu-{target.indicator.code.lower()}-{target.milestone}-{plan.area.code}.xlsx"
    return _xlsx(sheets.allocation_template(target), name)


@require_http_methods(["GET", "POST"])
def target_allocate_import(request, pk, target_pk):
    plan, target = _target(request, pk, target_pk)
    return _preview(request, lambda f, dry_run: sheets.import_allocations(f, target, request.user, dry_run=dry_run),
                    "plans/sheet_upload.html", _allocation_sheet_context(plan, target),
                    confirm_form=AllocationConfirmForm, confirm_initial={"version": rules.table_version(target)})


@require_POST
def target_allocate_confirm(request, pk, target_pk):
    plan, target = _target(request, pk, target_pk)
    back = reverse("plans:target_allocate_import", args=[plan.pk, target.pk])
    result, response = _confirm(
        request, lambda f, data: sheets.import_allocations(f, target, request.user,
                                                           expected_version=data.get("version") or None),
        _allocation_sheet_context(plan, target), back, confirm_form=AllocationConfirmForm)
    if response:
        return response
    summary = rules.allocation_summary(target)
    if summary.short or summary.over:
        messages.warning(request, summary.text)
    return redirect("plans:target_allocate", plan.pk, target.pk)


# Area groups -------------------------------------------------------------------------------

def _group_area(request, code):
    """The unit a code means inside the user's area (today's, else the most recent), or 404."""
    units = list(scoped(Area.objects.filter(code=code), request.user))
    if not units:
        raise Http404("Không có đơn vị này, hoặc nằm ngoài địa bàn của bạn.")
    current = [u for u in units if u.valid_to is None]
    return (current or sorted(units, key=lambda u: u.valid_to))[-1]


def _group_crumbs(area, *extra):
    crumbs = [(_("Kế hoạch, chỉ tiêu"), reverse("plans:list"))]
    title = _("Nhóm địa bàn: %(name)s") % {"name": area.name}
    if extra:
        return crumbs + [(title, reverse("plans:area_groups", args=[area.code])), *extra]
    return crumbs + [(title, None)]


@require_http_methods(["GET", "POST"])
def area_groups(request, code):
    area = _group_area(request, code)
    if request.method == "POST":
        require_role(request.user, admin=True)
    units = rules.group_units(area)
    q = (request.GET.get("q") or request.POST.get("q") or "").strip()
    if q:
        units = units.filter(Q(name__icontains=q) | Q(code__startswith=q))
    page = Paginator(units, GROUP_PAGE).get_page(request.GET.get("page") or request.POST.get("page"))
    page_units = list(page.object_list)
    names = rules.group_names(page_units)
    groups = dict(AreaGroup.objects.filter(area__in=page_units).values_list("area_id", "name"))
    form = AreaGroupTableForm(request.POST or None, units=page_units, groups=groups, names=names)
    if request.method == "POST":
        if form.is_valid():
            try:
                outcome = rules.save_area_groups(form.rows(), request.user)
            except rules.Refused as refused:
                form.add_problems(refused.problems)
            else:
                messages.success(request, _("Đã lưu nhóm địa bàn: đặt mới %(c)s, đổi %(u)s, bỏ %(d)s đơn vị.")
                                 % {"c": outcome.created, "u": outcome.updated, "d": outcome.deleted})
                url = reverse("plans:area_groups", args=[area.code])
                params = "&".join(f"{k}={v}" for k, v in (("q", q), ("page", page.number)) if v and v != 1)
                return redirect(f"{url}?{params}" if params else url)
        messages.error(request, _("Chưa lưu: vui lòng sửa các ô được đánh dấu đỏ."))
    all_names = sorted({n for ns in rules.group_names(rules.group_units(area)).values() for n in ns},
                       key=search_key)
    return render(request, "plans/area_groups.html", {
        "nav": "plans", "area": area, "form": form, "page": page, "q": q, "all_names": all_names,
        "editable": request.user.is_portal_admin, "breadcrumbs": _group_crumbs(area)})


def _group_sheet_context(area):
    return {"nav": "plans", "area": area, "kind": "groups",
            "template_url": reverse("plans:area_groups_template", args=[area.code]),
            "upload_url": reverse("plans:area_groups_import", args=[area.code]),
            "confirm_url": reverse("plans:area_groups_confirm", args=[area.code]),
            "back_url": reverse("plans:area_groups", args=[area.code]),
            "title": _("Nhập nhóm địa bàn từ Excel"),
            "breadcrumbs": _group_crumbs(area, (_("Nhập từ Excel"), None))}


@require_safe
def area_groups_template(request, code):
    area = _group_area(request, code)
    return _xlsx(sheets.group_template(area), f"nhom-dia-ban-{area.code}.xlsx")


@require_http_methods(["GET", "POST"])
def area_groups_import(request, code):
    area = _group_area(request, code)
    return _preview(request, lambda f, dry_run: sheets.import_area_groups(f, area, request.user, dry_run=dry_run),
                    "plans/sheet_upload.html", _group_sheet_context(area))


@require_POST
def area_groups_confirm(request, code):
    area = _group_area(request, code)
    _result, response = _confirm(request, lambda f, _data: sheets.import_area_groups(f, area, request.user),
                                 _group_sheet_context(area), reverse("plans:area_groups_import", args=[area.code]))
    return response or redirect("plans:area_groups", area.code)
