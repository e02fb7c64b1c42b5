from itertools import groupby

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from plans.allocations import allocation_notes
from plans.forms import PlanForm, TargetFormSet, TaskGroupFormSet
from plans.models import Plan
from plans.targets import describe
from portal.scoping import can_see_area, get_scoped_or_404, require_inside, require_role, scoped


def _label(plan):
    return plan.short_label


def _plans(user):
    return scoped(Plan.objects.select_related("area", "based_on"), user)


@require_safe
def plan_list(request):
    plans = _plans(request.user).annotate(n_targets=Count("targets")).order_by("area__level", "-issued_on", "key")
    kind = request.GET.get("loai", "")
    if kind in Plan.Kind.values:
        plans = plans.filter(kind=kind)
    q = request.GET.get("q", "").strip()
    if q:
        plans = plans.filter(Q(title__icontains=q) | Q(number__icontains=q) | Q(issuer__icontains=q) |
                             Q(area__name__icontains=q))
    page = Paginator(plans, 25).get_page(request.GET.get("page"))
    return render(request, "plans/plan_list.html", {
        "nav": "plans", "page": page, "q": q, "kind": kind, "kinds": Plan.Kind.choices,
        "breadcrumbs": [(_("Kế hoạch, chỉ tiêu"), None)]})


@require_safe
def plan_detail(request, pk):
    plan = get_scoped_or_404(Plan.objects.select_related("area", "based_on", "based_on__area"), request.user, pk=pk)
    targets = list(plan.targets.select_related("indicator").order_by("milestone", "indicator__order",
                                                                         "indicator__code", "area_group"))
    for t in targets:
        t.written = describe(t)
    allocation_column = allocation_notes(request.user, plan, targets)
    by_milestone = [(year, list(rows)) for year, rows in groupby(targets, key=lambda t: t.milestone)]
    return render(request, "plans/plan_detail.html", {
        "nav": "plans", "plan": plan, "by_milestone": by_milestone, "allocation_column": allocation_column,
        "can_edit": request.user.is_portal_admin and can_see_area(request.user, plan.area),
        "tasks": plan.tasks.all(),
        "derived": _plans(request.user).filter(based_on=plan),
        "breadcrumbs": [(_("Kế hoạch, chỉ tiêu"), reverse("plans:list")), (_label(plan), None)]})


@require_http_methods(["GET", "POST"])
def plan_edit(request, pk=None):
    # Scope first: another area's plan is a 404 whatever the role; then the role (403).
    plan = get_scoped_or_404(Plan.objects.all(), request.user, pk=pk) if pk else None
    require_role(request.user, admin=True)
    if plan:
        require_inside(request.user, plan.area)
    form = PlanForm(request.POST or None, instance=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Đã lưu kế hoạch."))
        return redirect("plans:targets" if plan is None else "plans:detail", saved.pk)
    title = _("Sửa kế hoạch") if plan else _("Thêm kế hoạch")
    crumbs = [(_("Kế hoạch, chỉ tiêu"), reverse("plans:list"))]
    if plan:
        crumbs.append((_label(plan), reverse("plans:detail", args=[plan.pk])))
    return render(request, "plans/plan_form.html", {
        "nav": "plans", "form": form, "title": title, "plan": plan, "breadcrumbs": crumbs + [(title, None)]})


def _edit_children(request, pk, formset_class, template, title, success):
    plan = get_scoped_or_404(Plan.objects.all(), request.user, pk=pk)
    require_role(request.user, admin=True)
    require_inside(request.user, plan.area)
    formset = formset_class(request.POST or None, instance=plan)
    if request.method == "POST":
        if formset.is_valid():
            try:
                with transaction.atomic():
                    formset.save()
            except IntegrityError:   # the same row saved by a colleague at the same moment
                messages.error(request, _("Bảng vừa được người khác lưu; tải lại để xem. Số bạn vừa nhập chưa được lưu."))
                return render(request, template, _children_context(plan, formset, title), status=409)
            messages.success(request, success)
            return redirect("plans:detail", plan.pk)
        messages.error(request, _("Chưa lưu: vui lòng sửa các ô được đánh dấu đỏ."))
    return render(request, template, _children_context(plan, formset, title))


def _children_context(plan, formset, title):
    return {"nav": "plans", "plan": plan, "formset": formset, "title": title,
            "breadcrumbs": [(_("Kế hoạch, chỉ tiêu"), reverse("plans:list")),
                            (_label(plan), reverse("plans:detail", args=[plan.pk])), (title, None)]}


@require_http_methods(["GET", "POST"])
def plan_targets(request, pk):
    return _edit_children(request, pk, TargetFormSet, "plans/targets_form.html",
                          _("Sửa mục tiêu"), _("Đã lưu các mục tiêu."))


@require_http_methods(["GET", "POST"])
def plan_tasks(request, pk):
    return _edit_children(request, pk, TaskGroupFormSet, "plans/tasks_form.html",
                          _("Sửa nhóm nhiệm vụ"), _("Đã lưu các nhóm nhiệm vụ."))
