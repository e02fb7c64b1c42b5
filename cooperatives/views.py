"""The registry's pages. Every object is fetched in the user's scope first (another area's is a
404), then the role is checked (a reviewer or leader who may read it gets 403 on a change)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cooperatives import exports
from jobs import services as job_services
from jobs.models import Job
from cooperatives.forms import (AttendeesForm, CadreForm, CooperativeFilterForm, CooperativeForm,
                                ManagerForm, OcopProductForm, TrainingForm, WorkforceForm)
from cooperatives.models import Cadre, Cooperative, Manager, OcopProduct, Workforce
from cooperatives.selectors import can_add_cooperative, cooperative_list, readable_trainings, scoped_cadres
from cooperatives.services import refresh_classification
from portal.history import history_label
from portal.pagination import keyset_page
from portal.scoping import can_see_area, get_scoped_or_404, require_inside, require_role, scoped
from privacy import access

PAGE_SIZE = 50
LIST_ORDER = ["search_name", "code"]   # cooperatives.selectors.cooperative_list's ordering (total: code is unique)


def _crumbs(*extra):
    return [(_("Hợp tác xã"), reverse("cooperatives:list")), *extra]


def _get_coop(request, pk):
    return get_scoped_or_404(Cooperative.objects.select_related("commune", "commune__parent"), request.user, pk=pk)


# The list and its exports ----------------------------------------------------------------

class MirroredPaginator(Paginator):
    """A paginator for long ordered lists, where OFFSET n costs n rows (100 000 cooperatives are
    2 000 pages). Past the middle it reads the page from the other end: the ordering reversed,
    a small OFFSET, the rows turned round (the last page sorted every row, 0.31 s; backwards it
    is the first page's index scan). Deep inside the list (more than ``deep`` rows skipped) it
    first finds the page's ids, sorting narrow rows, then reads those rows (the middle page's
    SQL in about half the time). The ordering must be total (the list ends with the unique code)
    so that both ends give the same rows. A page costs the same queries whatever its rows (one
    more for a deep page)."""
    deep = 1000

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        qs = self.object_list
        if not getattr(qs, "ordered", False):
            return super().page(number)
        backwards = bottom > self.count // 2
        if backwards:
            qs, bottom, top = qs.reverse(), self.count - top, self.count - bottom
        if bottom >= self.deep:
            ids = list(qs.values_list("pk", flat=True)[bottom:top])
            found = qs.order_by().in_bulk(ids)
            rows = [found[pk] for pk in ids if pk in found]
        else:
            rows = list(qs[bottom:top])
        if backwards:
            rows.reverse()
        return self._get_page(rows, number, self)


@require_safe
def cooperative_list_view(request):
    form = CooperativeFilterForm(request.GET or None, user=request.user)
    coops = cooperative_list(user=request.user, filters=form.filters)
    # keyset pagination, the count exact while cheap (portal.pagination): every page one index range
    page = keyset_page(coops, request.GET, fields=LIST_ORDER, per_page=PAGE_SIZE)
    return render(request, "cooperatives/cooperative_list.html", {
        "nav": "coops", "form": form, "page": page, "can_add": can_add_cooperative(request.user),
        "filtered": bool(form.filters and any(form.filters.values())),
        "export_query": request.GET.urlencode(),
        "breadcrumbs": [(_("Hợp tác xã"), None)]})


@require_safe
def cooperative_export(request, fmt):
    if fmt not in exports.FORMATS:
        raise Http404
    form = CooperativeFilterForm(request.GET or None, user=request.user)
    coops = cooperative_list(user=request.user, filters=form.filters)
    if coops.count() > job_services.threshold():  # large: written by a job, downloaded from its page
        job = job_services.start(request.user, Job.Kind.REGISTRY_EXPORT,
                                 _("Danh sách HTX/THT (%(fmt)s)") % {"fmt": fmt.upper()},
                                 fmt=fmt, query=request.GET.urlencode())
        return redirect("jobs:detail", pk=job.pk)
    with exports.planned_for_every_row():
        filename, mimetype, data = exports.export(exports.cooperative_rows(coops), fmt)
    response = HttpResponse(data, content_type=mimetype)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# One cooperative -------------------------------------------------------------------------

def _detail_context(request, coop):
    managers = list(coop.managers.all())
    person_fields = access.may_see_person_fields(request.user)
    if person_fields:
        access.record_view(request, "manager", [m.pk for m in managers if m.birth_year or m.ethnicity], coop.commune)
    return {
        "coop": coop,
        "managers": managers,
        "person_fields": person_fields,
        "workforce": coop.workforce.order_by("-year"),
        "ocop": coop.ocop_products.order_by("-year", "name"),
    }


@require_safe
def cooperative_detail(request, pk):
    coop = _get_coop(request, pk)
    context = _detail_context(request, coop)
    for part in PARTS.values():
        context[f"{part.key}_form"] = part.form(cooperative=coop)
    context.update({"nav": "coops", "breadcrumbs": _crumbs((coop.name, None))})
    return render(request, "cooperatives/cooperative_detail.html", context)


@require_http_methods(["GET", "POST"])
def cooperative_edit(request, pk=None):
    coop = _get_coop(request, pk) if pk else None
    require_role(request.user, data_entry=True)
    if coop is None and not can_add_cooperative(request.user):
        # no commune of today's map in her area: say why instead of a form that cannot be saved
        return render(request, "cooperatives/cannot_add.html", {
            "nav": "coops", "breadcrumbs": _crumbs((_("Thêm HTX / THT"), None))})
    form = CooperativeForm(request.POST or None, instance=coop, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
            refresh_classification([saved.pk])
        messages.success(request, _("Đã lưu %(name)s.") % {"name": saved.name})
        return redirect("cooperatives:detail", saved.pk)
    title = _("Sửa thông tin HTX") if coop else _("Thêm HTX / THT")
    crumbs = _crumbs((coop.name, reverse("cooperatives:detail", args=[coop.pk]))) if coop else _crumbs()
    return render(request, "cooperatives/cooperative_form.html", {
        "nav": "coops", "form": form, "title": title, "coop": coop, "breadcrumbs": crumbs + [(title, None)]})


# Managers, workforce and OCOP products, edited on the cooperative's page -----------------

class Part:
    def __init__(self, key, model, form, template, title, noun, classifies):
        self.key, self.model, self.form, self.template = key, model, form, template
        self.title, self.noun, self.classifies = title, noun, classifies

    def rows(self, coop):
        return {"managers": coop.managers.all, "workforce": lambda: coop.workforce.order_by("-year"),
                "ocop": lambda: coop.ocop_products.order_by("-year", "name")}[self.key]()


PARTS = {
    "managers": Part("managers", Manager, ManagerForm, "cooperatives/_managers.html",
                     _("Cán bộ quản lý"), _("cán bộ quản lý"), True),
    "workforce": Part("workforce", Workforce, WorkforceForm, "cooperatives/_workforce.html",
                      _("Thành viên, lao động theo năm"), _("số liệu lao động"), True),
    "ocop": Part("ocop", OcopProduct, OcopProductForm, "cooperatives/_ocop.html",
                 _("Sản phẩm OCOP"), _("sản phẩm OCOP"), False),
}


def _part_response(request, coop, part, form=None, editing=None):
    """htmx: the section re-rendered (and the classification, out of band); otherwise the page."""
    if request.headers.get("HX-Request"):
        coop.refresh_from_db(fields=["is_women_managed", "many_women_jobs"])
        context = _detail_context(request, coop)
        context.update({f"{part.key}_form": form or part.form(cooperative=coop), "editing": editing, "oob": True})
        return render(request, part.template, context)
    return redirect(reverse("cooperatives:detail", args=[coop.pk]) + f"#{part.key}")


def _get_child(part, coop, child_pk):
    # The cooperative is already fetched in the user's scope: its rows are reached through it.
    child = part.model.objects.filter(cooperative=coop, pk=child_pk).first()
    if child is None:
        raise Http404("Không tìm thấy.")
    return child


@require_http_methods(["GET", "POST"])
def part_edit(request, pk, part, child_pk=None):
    part = PARTS[part]
    coop = _get_coop(request, pk)
    child = _get_child(part, coop, child_pk) if child_pk else None
    require_role(request.user, data_entry=True)
    if part.model is Manager and child is not None and request.method == "GET" and (child.birth_year or child.ethnicity):
        access.record_view(request, "manager", [child.pk], coop.commune)
    form = part.form(request.POST or None, instance=child, cooperative=coop)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            if part.classifies:
                refresh_classification([coop.pk])
        messages.success(request, _("Đã lưu %(what)s.") % {"what": part.noun}) \
            if not request.headers.get("HX-Request") else None
        return _part_response(request, coop, part)
    if request.headers.get("HX-Request"):
        return _part_response(request, coop, part, form=form, editing=child)
    title = (_("Sửa %(what)s") if child else _("Thêm %(what)s")) % {"what": part.noun}
    return render(request, "cooperatives/part_form.html", {
        "nav": "coops", "coop": coop, "form": form, "title": title, "part": part,
        "breadcrumbs": _crumbs((coop.name, reverse("cooperatives:detail", args=[coop.pk])), (title, None))})


@require_http_methods(["GET", "POST"])
def part_delete(request, pk, part, child_pk):
    part = PARTS[part]
    coop = _get_coop(request, pk)
    child = _get_child(part, coop, child_pk)
    require_role(request.user, data_entry=True)
    if request.method == "POST":
        with transaction.atomic():
            child.delete()
            if part.classifies:
                refresh_classification([coop.pk])
        if not request.headers.get("HX-Request"):
            messages.success(request, _("Đã xóa %(what)s.") % {"what": part.noun})
        return _part_response(request, coop, part)
    title = _("Xóa %(what)s") % {"what": part.noun}
    return render(request, "cooperatives/part_delete.html", {
        "nav": "coops", "coop": coop, "child": child, "title": title, "part": part,
        "breadcrumbs": _crumbs((coop.name, reverse("cooperatives:detail", args=[coop.pk])), (title, None))})


# History ---------------------------------------------------------------------------------

def _display(field, value, areas, hidden=False):
    if value is None or value == "":
        return "—"
    if hidden:
        return _("(ẩn)")
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation:
        return areas.get(value, value)
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return value


def _hidden(model, field, person_fields):
    return model is Manager and field.name in access.PERSON_FIELDS and not person_fields


def history_entries(coop, *, person_fields=True):
    """Every change of the cooperative, its managers and its workforce: who, when, what it is,
    and per field the value before and after (newest first), and the ids of the managers whose
    birth year or ethnicity the entries show. A few queries in all. Without ``person_fields``
    those two fields read "(ẩn)" (privacy.access) and no id is shown."""
    from portal.models import Area

    sources = [
        (_("Thông tin HTX"), coop.history.all(), lambda r: coop.name),
        (_("Cán bộ quản lý"), Manager.history.filter(cooperative_id=coop.pk), lambda r: r.full_name),
        (_("Lao động"), Workforce.history.filter(cooperative_id=coop.pk), lambda r: _("năm %(y)s") % {"y": r.year}),
    ]
    records = []
    for label, qs, name in sources:
        rows = list(qs.select_related("history_user").order_by("history_date", "history_id"))
        records += [(label, name, r) for r in rows]
    area_ids = {r.commune_id for _l, _n, r in records if hasattr(r, "commune_id")}
    areas = dict(Area.objects.filter(pk__in=area_ids).values_list("pk", "name"))
    previous, entries = {}, []
    for label, name, r in records:
        key = (type(r), r.id)
        prev = previous.get(key)
        model = r.instance_type
        changes = []
        if r.history_type == "~" and prev is not None:
            for change in r.diff_against(prev).changes:
                field = model._meta.get_field(change.field)
                hide = _hidden(model, field, person_fields)
                changes.append((field.verbose_name, _display(field, change.old, areas, hide),
                                _display(field, change.new, areas, hide)))
        elif r.history_type == "+":
            for field in model._meta.fields:
                if field.editable and not field.primary_key and field.name != "cooperative":
                    value = getattr(r, field.attname)
                    if value not in (None, ""):
                        changes.append((field.verbose_name, "—",
                                        _display(field, value, areas, _hidden(model, field, person_fields))))
        previous[key] = r
        if r.history_type == "~" and not changes:
            continue
        entries.append({"when": r.history_date, "who": r.history_user, "what": label, "name": name(r),
                        "type": history_label(r), "history_type": r.history_type,
                        "changes": changes})
    entries.sort(key=lambda e: e["when"], reverse=True)
    shown = {r.id for _l, _n, r in records if person_fields and r.instance_type is Manager
             and (r.birth_year is not None or r.ethnicity)}
    return entries, shown


@require_safe
def cooperative_history(request, pk):
    coop = _get_coop(request, pk)
    entries, shown = history_entries(coop, person_fields=access.may_see_person_fields(request.user))
    access.record_view(request, "manager", sorted(shown), coop.commune)
    return render(request, "cooperatives/cooperative_history.html", {
        "nav": "coops", "coop": coop, "entries": entries,
        "breadcrumbs": _crumbs((coop.name, reverse("cooperatives:detail", args=[coop.pk])),
                               (_("Lịch sử thay đổi"), None))})


# Trainings -------------------------------------------------------------------------------

def _training_crumbs(*extra):
    return [(_("Hợp tác xã"), reverse("cooperatives:list")),
            (_("Đào tạo, tập huấn"), reverse("cooperatives:trainings")), *extra]


def _get_training(request, pk):
    training = readable_trainings(request.user).filter(pk=pk).first()
    if training is None:
        raise Http404("Không tìm thấy, hoặc nằm ngoài địa bàn của bạn.")
    return training


@require_safe
def training_list(request):
    trainings = readable_trainings(request.user).order_by("-starts_on", "title")
    page = Paginator(trainings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cooperatives/training_list.html", {
        "nav": "coops", "page": page, "breadcrumbs": _training_crumbs()[:1] + [(_("Đào tạo, tập huấn"), None)]})


@require_http_methods(["GET", "POST"])
def training_edit(request, pk=None):
    training = _get_training(request, pk) if pk else None
    require_role(request.user, data_entry=True)
    if training:
        require_inside(request.user, training.area)  # a course organised above: read, tick, not edit
    form = TrainingForm(request.POST or None, instance=training, user=request.user)
    attendees = AttendeesForm(request.POST or None, user=request.user, training=training)
    if request.method == "POST" and form.is_valid() and attendees.is_valid():
        with transaction.atomic():
            saved = form.save()
            attendees.save_to(saved)
        messages.success(request, _("Đã lưu lớp đào tạo."))
        return redirect("cooperatives:training", saved.pk)
    title = _("Sửa lớp đào tạo") if training else _("Thêm lớp đào tạo, tập huấn")
    return render(request, "cooperatives/training_form.html", {
        "nav": "coops", "form": form, "attendees": attendees, "title": title, "training": training,
        "breadcrumbs": _training_crumbs((title, None))})


@require_http_methods(["GET", "POST"])
def training_detail(request, pk):
    """Shows the course; a data-entry user ticks who attended among the managers and cadres of
    her own area (also on a course organised above her)."""
    training = _get_training(request, pk)
    if request.method == "POST":
        require_role(request.user, data_entry=True)
    attendees = AttendeesForm(request.POST or None, user=request.user, training=training)
    if request.method == "POST" and attendees.is_valid():
        attendees.save_to(training)
        messages.success(request, _("Đã lưu danh sách tham dự."))
        return redirect("cooperatives:training", training.pk)
    return render(request, "cooperatives/training_detail.html", {
        "nav": "coops", "training": training, "attendees": attendees,
        "can_edit": request.user.can_enter_data and can_see_area(request.user, training.area),
        "managers": training.managers.select_related("cooperative", "cooperative__commune").filter(
            pk__in=scoped(Manager.objects.all(), request.user).values("pk")),
        "cadres": training.cadres.select_related("area").filter(
            pk__in=scoped_cadres(request.user).values("pk")),
        "total_managers": training.managers.count(), "total_cadres": training.cadres.count(),
        "breadcrumbs": _training_crumbs((training.title, None))})


# Hội cadres ------------------------------------------------------------------------------

@require_safe
def cadre_list(request):
    cadres = scoped_cadres(request.user).order_by("area__path", "full_name")
    page = Paginator(cadres, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cooperatives/cadre_list.html", {
        "nav": "coops", "page": page,
        "breadcrumbs": [(_("Hợp tác xã"), reverse("cooperatives:list")), (_("Cán bộ Hội"), None)]})


@require_http_methods(["GET", "POST"])
def cadre_edit(request, pk=None):
    cadre = get_scoped_or_404(Cadre.objects.all(), request.user, pk=pk) if pk else None
    require_role(request.user, data_entry=True)
    form = CadreForm(request.POST or None, instance=cadre, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Đã lưu cán bộ %(name)s.") % {"name": saved.full_name})
        return redirect("cooperatives:cadres")
    title = _("Sửa cán bộ Hội") if cadre else _("Thêm cán bộ Hội")
    return render(request, "cooperatives/cadre_form.html", {
        "nav": "coops", "form": form, "title": title,
        "breadcrumbs": [(_("Hợp tác xã"), reverse("cooperatives:list")),
                        (_("Cán bộ Hội"), reverse("cooperatives:cadres")), (title, None)]})
