"""The progress page: where an area stands against its plan's targets, the areas below it,
the trend and who has reported; and its exports. Everything comes from
reporting.selectors.progress (the same rollup as `manage.py progress`)."""
import datetime

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from plans.targets import describe
from portal import dataversion
from portal.models import Area
from portal.scoping import can_see_area, require_area
from reporting import progress_tables, rollup
from reporting.cache import cached_page, cached_progress
from reporting.progress_args import as_of_in_range
from reporting.selectors import covering_plans, default_plan, plan_milestones, target_milestones
from reporting.tasks import rollup_for_progress

STATUS_CLASS = rollup.STATUS_CLASS
def area_groups_url(area):
    """Where administrators set the area groups of a province's units."""
    return reverse("plans:area_groups", args=[area.code])


def _area(request, code):
    """The unit a code means (today's, or the one valid on ?hieu_luc= for an old unit whose
    code a new one reuses, e.g. the pre-2025 Khánh Hòa), if the user may see it."""
    require_area(request.user)
    try:
        on = datetime.date.fromisoformat(request.GET["hieu_luc"]) if request.GET.get("hieu_luc") else None
        area = Area.resolve(code, on=on)
    except (Area.DoesNotExist, ValueError):
        raise Http404("Không có đơn vị này") from None
    if not can_see_area(request.user, area):
        raise Http404("Ngoài địa bàn của bạn")
    return area


def parse_request(request, area):
    """The page's choices from the query string: plan, milestone, as-of, submitted switch."""
    plans = covering_plans(area)
    by_plan = target_milestones(plans)   # one query for the plan choice and its milestones
    milestone = request.GET.get("moc")
    milestone = int(milestone) if milestone and milestone.isascii() and milestone.isdigit() else None  # not "²"
    plan = next((p for p in plans if p.key == request.GET.get("ke_hoach")), None)
    if plan is None:
        plan = default_plan(area, milestone or 2025, plans, by_plan) if plans else None
    if plan is None:
        raise Http404("Chưa có kế hoạch nào cho địa bàn này")
    milestones = plan_milestones(plan, by_plan)
    if milestone not in milestones:
        milestone = min((m for m in milestones if m >= datetime.date.today().year), default=milestones[-1])
    try:
        as_of = datetime.date.fromisoformat(request.GET["ngay"]) if request.GET.get("ngay") else None
        if as_of is not None and not as_of_in_range(as_of):
            raise ValueError(as_of)  # 9999-12-31 would overflow the date arithmetic
    except ValueError:
        as_of = None
        messages.warning(request, _("Ngày “%(d)s” không hợp lệ; đang tính đến hôm nay.") % {"d": request.GET["ngay"]})
    return {"plan": plan, "plans": plans, "milestone": milestone, "milestones": milestones, "as_of": as_of,
            "include_submitted": request.GET.get("cho_duyet") == "1"}


def progress_for(request, area, include_submitted=None):
    """The page's choices and the rollup they ask for (page, exports and the issue form)."""
    choice = parse_request(request, area)
    if include_submitted is not None:
        choice["include_submitted"] = include_submitted
    prog = cached_progress(area, plan=choice["plan"], milestone=choice["milestone"], as_of=choice["as_of"],
                           include_submitted=choice["include_submitted"])
    prog.tasks = rollup_for_progress(prog)  # the tasks section (reporting.tasks)
    return choice, prog


def _trend_value(line, period):
    """A trend point for the chart: a count as a number, a ratio as its percentage; None if none."""
    f = line.trend.get(period)
    if f is None:
        return None
    value = f.percent if line.indicator.kind == "ratio" else f.value
    return float(value) if value is not None else None


@require_safe
def my_progress(request):
    require_area(request.user)
    return redirect("progress:area", code=request.user.area.code)


@require_safe
def area_progress(request, code):
    area = _area(request, code)
    choice = parse_request(request, area)
    # The page's body (figures, tables, chart data) is cached whole: it depends on the data
    # (the version), the choices, which units the user may open, her role and the language.
    user = request.user
    parts = [area.pk, choice["plan"].pk, choice["milestone"], (choice["as_of"] or datetime.date.today()).isoformat(),
             choice["include_submitted"], user.area_id, user.can_review, get_language(), request.GET.urlencode()]
    version = dataversion.current()   # read once for the body and the figures in it
    body = cached_page("progress-page", parts, lambda: _body(request, area, choice, version), version=version)
    crumbs = [(a.name, reverse("progress:area", args=[a.code])) for a in area.ancestors()
              if can_see_area(user, a)]
    return render(request, "reporting/progress.html", {
        "nav": "progress", "area": area, "body": mark_safe(body),  # rendered by our own template
        "breadcrumbs": [(_("Tiến độ"), None)] if not crumbs else crumbs + [(area.name, None)],
    })


def _body(request, area, choice, version):
    prog = cached_progress(area, plan=choice["plan"], milestone=choice["milestone"], as_of=choice["as_of"],
                           include_submitted=choice["include_submitted"], version=version)
    prog.tasks = rollup_for_progress(prog)  # the tasks section (reporting.tasks)
    for line in prog.lines:
        line.written = describe(line.target) if line.target else ""
        line.css = STATUS_CLASS[line.status]
        line.label = rollup.status_label(line.status)
        line.notes = rollup.line_notes(line, prog.name_of, prog.plan.area.name)
        line.groups_url = area_groups_url(prog.plan.area) if line.status == rollup.UNGROUPED else ""
    lagging_only = request.GET.get("cham") == "1"
    query = request.GET.urlencode()
    children, without_data = progress_tables.children_rows(prog, request.user, query, lagging_only)
    periods = sorted({k for line in prog.lines for k in line.trend}, key=rollup.period_key)
    chart = {
        "labels": [line.indicator.label for line in prog.lines],
        "names": [line.indicator.name for line in prog.lines],
        "percent": [float(line.percent_of_target) if line.percent_of_target is not None else None
                    for line in prog.lines],
        "colours": [rollup.STATUS_COLOURS[line.status] for line in prog.lines],
        "statuses": [line.label for line in prog.lines],
        "trend": {"periods": periods, "series": [
            {"label": line.indicator.label, "ratio": line.indicator.kind == "ratio",
             "values": [_trend_value(line, p) for p in periods]} for line in prog.lines]},
    }
    return render_to_string("reporting/_progress_body.html", {
        "area": area, "prog": prog, "children": children, "without_data": without_data,
        "has_children": bool(prog.children), "lagging_only": lagging_only, "years": periods, "chart": chart,
        "query": query, **choice,
        "trend": progress_tables.trend_rows(prog, periods),
        "completeness": progress_tables.completeness_rows(prog, area.level == Area.Level.COUNTRY),
        "chart_height": min(max(80 + 34 * len(prog.lines), 200), 480),
    }, request)


def _export_job(request, area, fmt):
    """The XLSX or PDF of a country or province (settings.JOB_PROGRESS_LEVELS) is made by a job
    (reporting.jobs.progress_export): the page's choices are its params. None for the others."""
    if area.level not in settings.JOB_PROGRESS_LEVELS:
        return None
    from jobs import services as job_services
    from jobs.models import Job
    from reporting.jobs import progress_params

    choice = parse_request(request, area)
    title = (_("Dự thảo PDF tiến độ: %(area)s") if fmt == "pdf" else _("Tiến độ (XLSX): %(area)s")) % {
        "area": area.name}
    job = job_services.start(request.user, Job.Kind.PROGRESS_EXPORT, title, **progress_params(area, choice, fmt))
    return redirect("jobs:detail", pk=job.pk)


@require_safe
def area_progress_export(request, code, fmt):
    from reporting.exports import export_progress

    if fmt not in ("xlsx", "csv"):
        raise Http404()
    area = _area(request, code)
    if fmt == "xlsx" and (job := _export_job(request, area, fmt)):
        return job
    choice, prog = progress_for(request, area)
    filename, mimetype, data = export_progress(prog, fmt)
    return HttpResponse(data, content_type=mimetype,
                        headers={"Content-Disposition": content_disposition_header(True, filename)})


@require_safe
def area_progress_pdf(request, code):
    """A draft PDF of the page (not issued: no number, no signature)."""
    from reporting.pdf import render_progress_pdf

    area = _area(request, code)
    if job := _export_job(request, area, "pdf"):
        return job
    choice, prog = progress_for(request, area)
    return HttpResponse(render_progress_pdf(prog), content_type="application/pdf",
                        headers={"Content-Disposition": content_disposition_header(
                            False, f"du-thao-tien-do-{area.code}.pdf")})
