"""The user's jobs: the list, one job (its progress bar, polled by htmx, then its result) and its
file. A job is its owner's only: anybody else's is a 404, like another area's object."""
from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from django.utils.module_loading import import_string

from jobs import services
from jobs.models import Job


def _own_job(request, pk):
    return get_object_or_404(Job.objects.select_related("owner"), pk=pk, owner=request.user)


def _crumbs(job=None):
    if job is None:
        return [(_("Công việc"), None)]
    return [(_("Công việc"), reverse("jobs:list")), (job.title, None)]


@require_safe
def job_list(request):
    services.mark_stale()
    services.purge_expired()
    jobs = Job.objects.filter(owner=request.user)[:100]
    return render(request, "jobs/list.html", {"jobs": jobs, "breadcrumbs": _crumbs(), "nav": "jobs"})


@require_safe
def job_detail(request, pk):
    services.mark_stale()
    job = _own_job(request, pk)
    if request.headers.get("HX-Request"):  # the progress bar polling
        response = render(request, "jobs/_progress.html", {"job": job})
        if job.finished:
            response["HX-Refresh"] = "true"  # the whole page, now with the result
        return response
    context = {"job": job, "breadcrumbs": _crumbs(job), "nav": "jobs"}
    result_view = settings.JOB_RESULT_VIEWS.get(job.kind)
    if job.finished and job.result and result_view:  # e.g. an import's preview, shown by its app
        return import_string(result_view)(request, job, context)
    return render(request, "jobs/detail.html", context)


@require_safe
def job_download(request, pk):
    job = _own_job(request, pk)
    if not job.downloadable:
        raise Http404(_("Tệp đã hết hạn hoặc công việc chưa xong."))
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("Tệp đã hết hạn hoặc công việc chưa xong.")) from exc
    return FileResponse(handle, as_attachment=True, filename=job.file_name)
